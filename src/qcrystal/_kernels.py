"""Hand-written numeric kernels the generated modules call: polynomials, √ forms, results.

Each kernel works on NumPy arrays (in place where that saves a pass over memory) and on
duck arrays such as dask arrays, which it leaves lazy: augmented assignment (``acc *= t``)
is in place for an ndarray and rebinds for an array type without in-place operators.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_result",
    "blockwise",
    "exp_neg_sum_of_products",
    "horner",
    "hypot",
    "is_duck_array",
    "sqrt_product",
]

# √(x² + y²) and √(x·y) are right to ~1 ulp when the squares or the product are normal
# floats, neither overflowed nor subnormal: a result within _SAFE_LO.._SAFE_HI, a product
# within _SAFE_LO_SQ.._SAFE_HI_SQ.
_SAFE_LO = 1e-150
_SAFE_HI = 1e150
_SAFE_LO_SQ = 1e-300
_SAFE_HI_SQ = 1e300
# Points per block in blockwise: 32768 float64 temporaries (256 KiB each) stay in the L2
# cache and are reused by malloc, where whole-array temporaries cost a page-faulting
# allocation each; measured 2x faster for the Debye integral on 10⁶ points.
BLOCK = 32768


def is_duck_array(value: object) -> bool:
    """True for an array type that is not an ndarray but speaks NumPy's protocols (dask)."""
    return not isinstance(value, np.ndarray) and hasattr(value, "__array_function__")


def as_result(value):
    """The float64 ndarray a generated function returns; a duck array is left lazy."""
    if is_duck_array(value):
        return value
    return np.asarray(value, dtype=np.float64)


def blockwise(fn, *args, block: int = BLOCK):
    """``fn(*args)`` evaluated block by block over the broadcast arguments, as one array.

    ``fn`` must be elementwise. Scalar (0-d) arguments are passed to every block as they
    are; duck arrays (dask) go to ``fn`` whole, which keeps them lazy.
    """
    if any(is_duck_array(a) for a in args):
        return fn(*args)
    arrays = [np.asarray(a) for a in args]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    size = int(np.prod(shape))
    if size <= block:
        return fn(*arrays)
    flat = [a if a.ndim == 0 else np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    out = np.empty(size)
    for start in range(0, size, block):
        part = slice(start, start + block)
        out[part] = fn(*(a if a.ndim == 0 else a[part] for a in flat))
    return out.reshape(shape)


def horner(t, coeffs: Sequence[float]):
    """Σ_k coeffs[k] t^(n−1−k), highest power first, in one pass per coefficient."""
    acc = t * coeffs[0] + coeffs[1]
    for c in coeffs[2:]:
        acc *= t
        acc += c
    return acc


def hypot(x, y):
    """√(x² + y²) for x, y ≥ 0 with neither overflow nor underflow, to about 1 ulp.

    The plain form, in place, where the result lies in [1e-150, 1e150] (the squares are
    then normal floats); elsewhere M √(1 + (m/M)²), M = max, m = min, which is right over
    the whole float64 range and still twice as fast as ``np.hypot``.
    """
    if is_duck_array(x) or is_duck_array(y):
        return np.hypot(x, y)
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    with np.errstate(over="ignore", under="ignore"):
        r = np.multiply(x, x, out=np.empty(x.shape))  # an array even for 0-d arguments
        r += y * y
    np.sqrt(r, out=r)
    if r.size == 0 or (r.min() > _SAFE_LO and r.max() < _SAFE_HI):
        return r
    # Some point is out of range: gathering just those costs more than redoing all.
    return blockwise(_hypot_block, x, y)


def _hypot_block(x, y):
    big = np.maximum(x, y)
    with np.errstate(invalid="ignore"):
        q = np.minimum(x, y) / big
    q = np.fmin(q, 1.0)  # 0/0 and inf/inf are NaN, and fmin turns them to 1: r = 0 or inf
    q *= q
    q += 1.0
    q = np.sqrt(q)  # not in place: q is a scalar for 0-d arguments
    q *= big
    return q


def sqrt_product(x, y):
    """√(x·y) for x, y ≥ 0; where x·y would overflow or underflow, √x·√y instead.

    One square root over the whole array in place (its cost is what ``np.sqrt`` costs);
    two reductions find whether any point needs the slower √x·√y.
    """
    if is_duck_array(x) or is_duck_array(y):
        return np.sqrt(x) * np.sqrt(y)
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        r = np.multiply(x, y, out=np.empty(x.shape))  # an array even for 0-d arguments
    if r.size and not (r.min() > _SAFE_LO_SQ and r.max() < _SAFE_HI_SQ):
        bad = (r <= _SAFE_LO_SQ) | (r >= _SAFE_HI_SQ) | np.isnan(r)  # NaN: 0·inf
        with np.errstate(invalid="ignore"):
            r[bad] = np.sqrt(x[bad]) * np.sqrt(y[bad])
        r[~bad] = np.sqrt(r[~bad])
        return r
    np.sqrt(r, out=r)
    return r


def exp_neg_sum_of_products(coeff: float, *factors, axis: int = -1):
    """exp(−Σ_axis coeff·∏ factors), with the exponent carried in double-double.

    exp(−x) has condition number x: an exponent rounded to float64 (≈ x·ulp absolute) costs
    x ulp in the result, 150 ulp at x = 700. Forming each product and the sum exactly as a
    hi + lo pair (Dekker's product, Knuth's sum) leaves only exp's own rounding.
    ``coeff`` must be a power of two (exact scaling). Points where a Veltkamp split would
    overflow (|factor| > 1e290) fall back to the plain exponent.
    """
    mant, _ = math.frexp(coeff)
    if mant != 0.5:
        raise ValueError(f"coeff must be a power of two (got {coeff!r})")
    if any(is_duck_array(f) for f in factors):  # lazy arrays: the plain exponent
        return np.exp(-coeff * np.sum(math.prod(factors), axis=axis))
    arrays = np.broadcast_arrays(*(np.asarray(f, dtype=np.float64) for f in factors))
    with np.errstate(over="ignore", invalid="ignore"):
        hi, lo = arrays[0], np.zeros(arrays[0].shape)
        for f in arrays[1:]:
            hi, lo = _dd_times(hi, lo, f)
        hi, lo = hi * coeff, lo * coeff
        total_hi = np.take(hi, 0, axis=axis)
        total_lo = np.take(lo, 0, axis=axis)
        for i in range(1, hi.shape[axis]):
            s, e = _two_sum(total_hi, np.take(hi, i, axis=axis))
            total_hi, total_lo = s, total_lo + e + np.take(lo, i, axis=axis)
        plain = np.sum(hi, axis=axis)
        exact = np.isfinite(total_hi) & np.isfinite(total_lo)
        total_hi = np.where(exact, total_hi, plain)
        total_lo = np.where(exact, total_lo, 0.0)
    return np.exp(-total_hi) * (1.0 - total_lo)


_SPLITTER = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves


def _split(a):
    t = _SPLITTER * a
    hi = t - (t - a)
    return hi, a - hi


def _two_prod(a, b):
    """p + e = a·b exactly (no FMA in NumPy: Dekker's algorithm with Veltkamp splits)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _two_sum(a, b):
    """s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _dd_times(hi, lo, f):
    """(hi + lo)·f as a renormalised double-double."""
    p, e = _two_prod(hi, f)
    e = e + lo * f
    s = p + e
    return s, e - (s - p)
