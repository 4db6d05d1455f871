"""Argument checks of the numerics, generated and hand-written: a ValueError names the value."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._kernels import is_duck_array

__all__ = ["as_dimension", "as_directions", "as_float", "as_zone"]

_ALLOWED = {"positive": "> 0", "nonnegative": ">= 0", "real": "a finite real number"}
# dtype kinds that are numbers: floats, signed and unsigned integers. Booleans, complex
# numbers, dates, strings and objects are refused, not converted.
_NUMERIC_KINDS = "fiu"


def _numbers(name: str, value: object) -> Any:
    """``value`` as an ndarray (or the duck array itself) of a real numeric dtype."""
    if isinstance(value, np.ma.MaskedArray):
        raise ValueError(
            f"{name} is a masked array; its mask would be lost: pass the values meant "
            "(np.ma.filled, or drop the masked points)"
        )
    if isinstance(value, str | bytes):
        raise ValueError(f"{name} must be a number or an array of numbers (got text {value!r})")
    try:
        arr: Any = value if is_duck_array(value) else np.asarray(value)
    except ValueError:  # nested lists of unequal lengths
        raise ValueError(
            f"{name} is a ragged list (rows of different lengths), not an array of numbers"
        ) from None
    kind = arr.dtype.kind
    if kind not in _NUMERIC_KINDS:
        what = {"b": "booleans", "c": "complex numbers", "M": "dates", "m": "time spans",
                "U": "text", "S": "bytes", "O": "objects"}.get(kind, str(arr.dtype))  # fmt: skip
        raise ValueError(f"{name} must be real numbers (got {what})")
    return arr


def as_float(name: str, value: ArrayLike, domain: str) -> NDArray[np.float64]:
    """``value`` as a float64 array, or a ValueError naming ``name`` and the allowed range.

    Only real numbers are accepted (integers convert; booleans, complex numbers, text,
    dates and masked arrays are refused). NaN is never allowed; ±inf only where the domain
    admits it (``positive`` and ``nonnegative`` admit +inf); in a ``nonnegative`` argument
    −0.0 is 0.0, so that a signed zero cannot change a result. The check is one reduction
    over the array (two for ``real``); the slower diagnosis runs only on the error path. A
    duck array (dask) stays lazy: one reduction checks it (computing it once).
    """
    if domain not in _ALLOWED:
        raise ValueError(f"unknown domain {domain!r} for {name}")
    numbers = _numbers(name, value)
    if is_duck_array(numbers):
        arr = numbers.astype(np.float64)
        if domain == "nonnegative":
            arr = arr + 0.0  # −0.0 + 0.0 = +0.0 (lazily, like the rest)
    else:
        arr = np.asarray(numbers, dtype=np.float64)
    # Reductions rather than elementwise comparisons: no temporary array, and a NaN
    # anywhere makes min/max NaN, which fails every comparison.
    if arr.size == 0:
        good = True
    elif domain == "positive":
        good = bool(arr.min() > 0)
    elif domain == "nonnegative":
        low = arr.min()
        good = bool(low >= 0)
        if good and low == 0 and not is_duck_array(arr):
            arr = arr + 0.0  # a zero is there, perhaps −0.0: make every zero +0.0
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
    """``value`` as an integer array of dimensions 1, 2 or 3, or a ValueError naming it.

    A dask array stays lazy: two reductions check it.
    """
    numbers = _numbers(name, value)
    if is_duck_array(numbers):
        whole = (numbers == np.round(numbers)).all() & (numbers >= 1).all() & (numbers <= 3).all()
        if bool(whole):
            return cast(Any, numbers).astype(np.int64)
        numbers = np.asarray(numbers)  # the error path computes it and says what is wrong
    arr = np.asarray(numbers)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            bad = arr[~np.isfinite(arr) | (arr != np.round(arr))]
            raise ValueError(f"{name} must be 1, 2 or 3 (got {float(np.ravel(bad)[0])!r})")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be 1, 2 or 3 (got {value!r})")
    bad = (arr < 1) | (arr > 3)
    if np.any(bad):
        raise ValueError(f"{name} must be 1, 2 or 3 (got {int(np.ravel(arr[bad])[0])})")
    return arr.astype(np.int64)


def as_zone(zone: object) -> str:
    """``zone`` checked: "debye" (the paper's sphere) or "exact" (the whole zone)."""
    if not isinstance(zone, str) or zone not in ("debye", "exact"):
        raise ValueError(f'zone must be "debye" or "exact" (got {zone!r})')
    return str(zone)


def as_directions(shape: tuple[int, ...], names: str) -> None:
    """The last axis of broadcast per-direction arguments holds the d ≤ 3 directions."""
    if not shape or not 1 <= shape[-1] <= 3:
        got = "no axis" if not shape else f"{shape[-1]}"
        raise ValueError(
            f"{names}: the last axis runs over the directions, so it has 1, 2 or 3 entries "
            f"(got {got})"
        )
