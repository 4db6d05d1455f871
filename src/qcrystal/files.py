"""Writing outputs: nothing of the user's is lost, and nothing appears half written.

* :func:`check_file` and :func:`check_folder` vet an output path before any work starts:
  its folder must exist and be writable, and an existing file is replaced only when the
  user asked for it (``--force``); a folder is replaced only when it holds a book this
  program built (its marker file). The errors name the path and the flag.
* :class:`Outputs` collects every file of one command under temporary names in the target
  folders and renames them into place together at :meth:`Outputs.commit`, with SIGINT and
  SIGTERM held off for those few renames: the files appear complete, all of them, or not
  at all. Renaming replaces a symlink itself, never the file it points to.
* :func:`publish_folder` swaps a freshly built folder in for the old one the same way.

Figures are saved from :class:`matplotlib.figure.Figure` objects (no pyplot state) with the
SVG date stamp left out and the SVG element ids seeded, so the same figure gives the same
bytes on every run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "BOOK_MARKER",
    "OutputError",
    "Outputs",
    "check_file",
    "check_folder",
    "publish_folder",
    "save_figure",
    "write_text",
]

# The file a built book carries, so that a later `book --out` may replace that folder.
BOOK_MARKER = ".qcrystal-book"


class OutputError(ValueError):
    """An output path that cannot, or may not, be written; the message names it."""


def _where(flag: str, path: Path) -> str:
    return f"{flag} {str(path)!r}" if flag else repr(str(path))


def _check_parent(path: Path, flag: str) -> None:
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise OutputError(f"{_where(flag, path)}: the directory {str(parent)!r} {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{_where(flag, path)}: the directory {str(parent)!r} is not writable")


def check_file(path: str | Path, flag: str = "", force: bool = False) -> Path:
    """``path`` as an output file that may be written; OutputError otherwise.

    An existing file (or symlink) is refused unless ``force``; a directory always is.
    """
    raw = str(path)
    if not raw.strip() or raw.endswith(("/", os.sep)):
        raise OutputError(f"{_where(flag, Path(raw))}: give a file name")
    path = Path(raw)
    _check_parent(path, flag)
    if path.is_dir():
        raise OutputError(f"{_where(flag, path)} is a directory; give a file name")
    if os.path.lexists(path) and not force:
        raise OutputError(f"{_where(flag, path)} exists; pass --force to replace it")
    return path


def check_folder(path: str | Path, flag: str = "", marker: str = BOOK_MARKER) -> Path:
    """``path`` as an output folder: new, empty, or one this program built (its marker)."""
    raw = str(path)
    if not raw.strip():
        raise OutputError(f"{_where(flag, Path(raw))}: give a folder name")
    path = Path(raw)
    _check_parent(path, flag)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OutputError(f"{_where(flag, path)} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not (path / marker).is_file():
        raise OutputError(
            f"{_where(flag, path)} holds files this program did not write; give a new or "
            "empty folder (a book it built, with its marker file, is replaced)"
        )
    return path


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (the main thread only)."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # not on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Outputs:
    """Files written under temporary names beside their targets, renamed in at commit.

    Used as a context manager: leaving it without :meth:`commit` (an error, an interrupt)
    removes the temporary files and leaves every target as it was.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def _temporary(self, target: Path) -> Path:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.fchmod(fd, 0o666 & ~_umask())  # as an ordinary new file would be (mkstemp: 0600)
        os.close(fd)
        tmp = Path(name)
        self._pending.append((tmp, target))
        return tmp

    def write_text(self, target: str | Path, text: str) -> None:
        self._temporary(Path(target)).write_text(text, encoding="utf-8")

    def write_bytes(self, target: str | Path, data: bytes) -> None:
        self._temporary(Path(target)).write_bytes(data)

    def save_figure(self, fig: Any, target: str | Path, **kwargs: Any) -> None:
        target = Path(target)
        _savefig(fig, self._temporary(target), _format_of(target), **kwargs)

    def commit(self) -> list[Path]:
        """Rename every file into place (interrupts held off meanwhile); the targets."""
        with _signals_held():
            for tmp, target in self._pending:
                os.replace(tmp, target)
            done = [target for _, target in self._pending]
            self._pending = []
        return done

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with Outputs() as out:
        out.write_text(path, text)
        out.commit()


def save_figure(fig: Any, path: str | Path, **kwargs: Any) -> None:
    """Save a Matplotlib figure to ``path`` atomically; the format follows the suffix."""
    with Outputs() as out:
        out.save_figure(fig, path, **kwargs)
        out.commit()


def _umask() -> int:
    """The process's umask (reading it means setting it: put straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _format_of(path: Path) -> str:
    return path.suffix.lstrip(".").lower() or "png"


def _savefig(fig: Any, path: Path, fmt: str, **kwargs: Any) -> None:
    import matplotlib

    metadata: dict[str, Any] = {"Date": None} if fmt in ("svg", "pdf") else {}
    if fmt == "png":
        metadata = {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "qcrystal"}):
        fig.savefig(path, format=fmt, metadata=metadata, **kwargs)


def publish_folder(build: Callable[[Path], T], target: str | Path) -> T:
    """Build a folder with ``build(tmp)`` beside ``target``, then swap it in for ``target``.

    ``target`` must have passed :func:`check_folder`. The new folder carries the marker
    file; the old one (empty, or an earlier build) is removed only after the swap.
    """
    target = Path(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    tmp.chmod(0o777 & ~_umask())  # as an ordinary new folder would be (mkdtemp: 0700)
    old: Path | None = None
    try:
        result = build(tmp)
        (tmp / BOOK_MARKER).write_text("built by qcrystal; `qcrystal book` may replace it\n")
        with _signals_held():
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old",
                                            dir=target.parent))  # fmt: skip
                os.rmdir(old)
                os.replace(target, old)
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result
