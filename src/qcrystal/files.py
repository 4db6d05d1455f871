"""Writing outputs: files appear whole or not at all, and figures are byte-reproducible.

:func:`write_text` and :func:`save_figure` write to a temporary name in the target's folder
and rename it into place, so an interrupted run leaves the old file (or none), never half
of a new one. Figures are saved from :class:`matplotlib.figure.Figure` objects (no pyplot
state) with the SVG date stamp left out and the SVG element ids seeded, so the same figure
gives the same bytes on every run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["save_figure", "write_text"]


def _replace(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it there."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    _replace(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig: Any, path: str | Path, **kwargs: Any) -> None:
    """Save a Matplotlib figure to ``path`` atomically; the format follows the suffix."""
    import matplotlib

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}
    if fmt == "png":
        metadata = {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "qcrystal"}):
        _replace(path, lambda tmp: fig.savefig(tmp, format=fmt, metadata=metadata, **kwargs))
