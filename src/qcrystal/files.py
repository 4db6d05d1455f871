"""Writing outputs: nothing of the user's is lost, and nothing appears half written.

* :func:`check_file` and :func:`check_folder` vet an output path before any work starts:
  its folder must exist and be writable, the name must fit the file system, and an
  existing file is replaced only when the user asked for it (``--force``) and only if it
  is a regular file (or a symlink) that can be replaced; a folder is replaced only when it
  is empty or holds a book this program built (its marker file). The errors name the
  path and the flag.
* :class:`Outputs` collects every file of one command under temporary names in the target
  folders and puts them in place together at :meth:`Outputs.commit`, with SIGINT and
  SIGTERM held off meanwhile. Each replaced file is first kept under a hard link, so a
  failure part way (a file that turned immutable, a folder that changed hands) puts back
  every file already replaced: the files appear complete, all of them, or not at all.
  Without ``--force`` a file is created only if it still does not exist at that moment
  (a hard link refuses to overwrite), so a file that appeared during the work is kept.
  Renaming replaces a symlink itself, never the file it points to.
* :func:`publish_folder` swaps a freshly built folder in for the old one the same way,
  after checking again that the old one is still empty or still a book, and gives the
  new folder the old one's permissions.

Temporary names are short (``.qc-XXXXXXXX.part``), so a target whose name just fits the
file system still has room for its temporary. A run killed with SIGKILL can leave such a
file behind; nothing else does.

Figures are saved from :class:`matplotlib.figure.Figure` objects (no pyplot state) with the
date stamps left out and the SVG element ids seeded, so the same figure gives the same
bytes on every run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
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


def _where(flag: str, path: Path | str) -> str:
    return f"{flag} {str(path)!r}" if flag else repr(str(path))


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _check_parent(path: Path, flag: str) -> None:
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise OutputError(f"{_where(flag, path)}: the directory {str(parent)!r} {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{_where(flag, path)}: the directory {str(parent)!r} is not writable")
    try:
        limit = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):  # not known here: the file system will say at the end
        return
    if len(os.fsencode(path.name)) > limit:
        raise OutputError(
            f"{_where(flag, path)}: the name is {len(os.fsencode(path.name))} bytes, longer "
            f"than the {limit} this file system allows"
        )


def _check_replaceable(path: Path, flag: str) -> None:
    """An existing target that --force may replace: a regular file or a symlink, and one
    the file system lets us replace (a trial hard link, removed at once, finds an
    immutable or append-only file before any work is done)."""
    info = path.lstat()
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise OutputError(
            f"{_where(flag, path)} is not a regular file (a device, pipe or socket); "
            "qcrystal replaces only regular files"
        )
    trial = _temporary_name(path.parent, ".old")
    try:
        os.link(path, trial, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in _NO_HARD_LINKS:
            return  # this file system has no hard links: commit copies instead
        raise OutputError(f"{_where(flag, path)} cannot be replaced ({_reason(exc)})") from None
    os.unlink(trial)


def check_file(path: str | Path, flag: str = "", force: bool = False) -> Path:
    """``path`` as an output file that may be written; OutputError otherwise.

    An existing file (or symlink) is refused unless ``force``; a directory, device, pipe
    or socket always is.
    """
    raw = str(path)
    if not raw.strip() or raw.endswith(("/", os.sep)) or Path(raw).name in ("", ".", ".."):
        raise OutputError(f"{_where(flag, raw)}: give a file name")
    path = Path(raw)
    _check_parent(path, flag)
    if path.is_dir() and not path.is_symlink():
        raise OutputError(f"{_where(flag, path)} is a directory; give a file name")
    if os.path.lexists(path):
        if not force:
            raise OutputError(f"{_where(flag, path)} exists; pass --force to replace it")
        _check_replaceable(path, flag)
    return path


def check_folder(path: str | Path, flag: str = "", marker: str = BOOK_MARKER) -> Path:
    """``path`` as an output folder: new, empty, or one this program built (its marker)."""
    raw = str(path)
    if not raw.strip():
        raise OutputError(f"{_where(flag, raw)}: give a folder name")
    path = Path(raw)
    if path.name in ("", ".", "..") or _is_current_or_above(path):
        raise OutputError(
            f"{_where(flag, path)} is the current folder or one above it, which cannot be "
            "replaced; give a new folder name"
        )
    _check_parent(path, flag)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OutputError(f"{_where(flag, path)} exists and is not a folder")
    if path.is_dir():
        _check_folder_contents(path, flag, marker)
        owner = path.stat().st_uid
        if owner != os.geteuid() and os.geteuid() != 0:
            raise OutputError(
                f"{_where(flag, path)} belongs to another user; replacing it would take it "
                "over: give a folder of your own or a new name"
            )
    return path


def _check_folder_contents(path: Path, flag: str, marker: str) -> None:
    if any(path.iterdir()) and not (path / marker).is_file():
        raise OutputError(
            f"{_where(flag, path)} holds files this program did not write; give a new or "
            "empty folder (a book it built, with its marker file, is replaced)"
        )


def _is_current_or_above(path: Path) -> bool:
    try:
        here, there = Path.cwd().resolve(), path.resolve()
    except OSError:
        return False
    return there == here or there in here.parents


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


# errno values that mean "this file system (or its policy) has no hard links here"
_NO_HARD_LINKS = {errno.EXDEV, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}


def _temporary_name(folder: Path, suffix: str) -> Path:
    """A fresh hidden name in ``folder``, short whatever the target's name (nothing is
    created here: callers create it exclusively, by mkstemp, link or mkdir)."""
    return folder / f".qc-{secrets.token_hex(4)}{suffix}"


class Outputs:
    """Files written under temporary names beside their targets, put in place at commit.

    Used as a context manager: leaving it without :meth:`commit` (an error, an interrupt)
    removes the temporary files and leaves every target as it was. ``force`` says whether
    existing targets may be replaced (the user's ``--force``); without it a target that
    exists at commit time, even one that appeared during the work, is kept and the commit
    refused. Two outputs of one command may not name the same file.
    """

    def __init__(self, force: bool = False) -> None:
        self._force = force
        self._pending: list[tuple[Path, Path]] = []

    def _temporary(self, target: Path) -> Path:
        same = [t for _, t in self._pending if _same_file(t, target)]
        if same:
            self.discard()
            raise OutputError(f"{str(target)!r} is named for two outputs of one command")
        fd, name = tempfile.mkstemp(prefix=".qc-", suffix=".part", dir=target.parent)
        os.fchmod(fd, 0o666 & ~_umask())  # as an ordinary new file would be (mkstemp: 0600)
        os.close(fd)
        tmp = Path(name)
        self._pending.append((tmp, target))
        return tmp

    def write_text(self, target: str | Path, text: str) -> None:
        self._temporary(Path(target)).write_text(text, encoding="utf-8")

    def write_chunks(self, target: str | Path, chunks: Iterable[str]) -> None:
        """Write text (UTF-8) piece by piece, as the pieces are made: never all in memory."""
        with self._temporary(Path(target)).open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)

    def write_bytes(self, target: str | Path, data: bytes) -> None:
        self._temporary(Path(target)).write_bytes(data)

    def save_figure(self, fig: Any, target: str | Path, **kwargs: Any) -> None:
        target = Path(target)
        _savefig(fig, self._temporary(target), _format_of(target), **kwargs)

    def commit(self) -> list[Path]:
        """Put every file in place, all or none (interrupts held off); the targets.

        First every existing target gets a hard link under a temporary name (the old
        file, kept); then each new file goes in: by a hard link that fails if the name
        is taken (no ``force``) or by a rename over the old one (``force``). Should any
        step fail, the files already put in are taken back out and the old ones
        restored, the temporaries removed, and OutputError says which file and why.
        """
        kept: dict[Path, Path] = {}  # target → the old file's temporary hard link
        placed: list[Path] = []
        with _signals_held():
            try:
                for _, target in self._pending:
                    if os.path.lexists(target):
                        if not self._force:
                            raise OutputError(
                                f"{str(target)!r} appeared while this command worked; it is "
                                "kept (pass --force to replace it)"
                            )
                        kept[target] = self._keep(target)
                for tmp, target in self._pending:
                    if target in kept:
                        os.replace(tmp, target)
                    else:
                        os.link(tmp, target)  # FileExistsError if the name was taken meanwhile
                        os.unlink(tmp)
                    placed.append(target)
            except BaseException as exc:
                failed = target
                for put in placed:  # back out what went in: the old files return
                    if put in kept:
                        os.replace(kept.pop(put), put)
                    else:
                        os.unlink(put)
                for backup in kept.values():
                    os.unlink(backup)
                self.discard()
                if isinstance(exc, OSError):
                    raise OutputError(
                        f"{str(failed)!r} could not be written ({_reason(exc)}); no output "
                        "was changed"
                    ) from None
                raise
            for backup in kept.values():
                os.unlink(backup)
            done = [target for _, target in self._pending]
            self._pending = []
        return done

    @staticmethod
    def _keep(target: Path) -> Path:
        """A temporary hard link to the old ``target`` (a copy where links are not had)."""
        backup = _temporary_name(target.parent, ".old")
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            shutil.copy2(target, backup, follow_symlinks=False)
        return backup

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _same_file(a: Path, b: Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b) or (
        a.exists() and b.exists() and os.path.samefile(a, b)
    )


def write_text(path: str | Path, text: str, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (replacing a file only with ``force``)."""
    with Outputs(force) as out:
        out.write_text(path, text)
        out.commit()


def save_figure(fig: Any, path: str | Path, force: bool = True, **kwargs: Any) -> None:
    """Save a Matplotlib figure to ``path`` atomically; the format follows the suffix."""
    with Outputs(force) as out:
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

    # the keys that would stamp the time (and the version that wrote it) into the file
    metadata: dict[str, Any] = {
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None},
        "png": {"Software": None},
    }.get(fmt, {})
    with matplotlib.rc_context({"svg.hashsalt": "qcrystal"}):
        fig.savefig(path, format=fmt, metadata=metadata, **kwargs)


def publish_folder(build: Callable[[Path], T], target: str | Path) -> T:
    """Build a folder with ``build(tmp)`` beside ``target``, then swap it in for ``target``.

    ``target`` must have passed :func:`check_folder`; at the swap it is checked again, so
    a file put into it while the book was built is never removed (the swap is refused
    instead). The new folder carries the marker file and the old folder's permissions
    (and owner, where this process may set it); the old one (empty, or an earlier build)
    is removed only after the swap.
    """
    target = Path(target)
    tmp = _temporary_name(target.parent, ".part")
    tmp.mkdir(mode=0o777 & ~_umask())  # as an ordinary new folder would be
    old: Path | None = None
    try:
        result = build(tmp)
        (tmp / BOOK_MARKER).write_text("built by qcrystal; `qcrystal book` may replace it\n")
        with _signals_held():
            if os.path.lexists(target):
                check_folder(target)  # still empty, or still a book (not the user's now)
                info = target.stat()
                os.chmod(tmp, stat.S_IMODE(info.st_mode))
                if info.st_uid != os.geteuid() or info.st_gid != os.getegid():
                    with contextlib.suppress(OSError):  # root only; check_folder saw to it
                        os.chown(tmp, info.st_uid, info.st_gid)
                old = _temporary_name(target.parent, ".old")
                os.replace(target, old)
            os.replace(tmp, target)
    except BaseException:
        if old is not None and not os.path.lexists(target):  # the swap failed half way
            os.replace(old, target)
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result
