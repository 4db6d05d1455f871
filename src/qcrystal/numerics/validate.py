"""Argument checks of the numerics, generated and hand-written: a ValueError names the value."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._kernels import is_duck_array

__all__ = ["as_dimension", "as_float"]

_ALLOWED = {"positive": "> 0", "nonnegative": ">= 0", "real": "a finite real number"}


def as_float(name: str, value: ArrayLike, domain: str) -> NDArray[np.float64]:
    """``value`` as a float64 array, or a ValueError naming ``name`` and the allowed range.

    NaN is never allowed; ±inf only where the domain admits it (``positive`` and
    ``nonnegative`` admit +inf). The check is one reduction over the array (two for
    ``real``); the slower diagnosis runs only on the error path. A duck array (dask)
    stays lazy: one reduction checks it (computing it once) and it is returned as it is.
    """
    if domain not in _ALLOWED:
        raise ValueError(f"unknown domain {domain!r} for {name}")
    if is_duck_array(value):
        arr = cast(Any, value).astype(np.float64)  # a duck array: it has astype
    else:
        arr = np.asarray(value, dtype=np.float64)
    # Reductions rather than elementwise comparisons: no temporary array, and a NaN
    # anywhere makes min/max NaN, which fails every comparison.
    if arr.size == 0:
        good = True
    elif domain == "positive":
        good = bool(arr.min() > 0)
    elif domain == "nonnegative":
        good = bool(arr.min() >= 0)
    else:  # "real"
        good = bool(np.isfinite(arr.min()) and np.isfinite(arr.max()))
    if good:
        return arr
    allowed = _ALLOWED[domain]
    arr = np.asarray(arr)  # the error path may compute a duck array
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; allowed: {allowed}")
    flat = np.ravel(arr)
    ok = {"positive": flat > 0, "nonnegative": flat >= 0, "real": np.isfinite(flat)}[domain]
    raise ValueError(f"{name} must be {allowed} (got {float(flat[~ok][0])!r})")


def as_dimension(name: str, value: ArrayLike) -> NDArray[np.int64]:
    """``value`` as an integer array of dimensions 1, 2 or 3, or a ValueError naming it."""
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        if np.isnan(arr).any() or np.any(arr != np.round(arr)):
            bad = arr[np.isnan(arr) | (arr != np.round(arr))]
            raise ValueError(f"{name} must be 1, 2 or 3 (got {float(np.ravel(bad)[0])!r})")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be 1, 2 or 3 (got {value!r})")
    bad = (arr < 1) | (arr > 3)
    if np.any(bad):
        raise ValueError(f"{name} must be 1, 2 or 3 (got {int(np.ravel(arr[bad])[0])})")
    return arr.astype(np.int64)
