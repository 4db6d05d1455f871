"""Hand-written numeric kernels the numerics call: blocks, polynomials, √ forms, results.

The kernels work on NumPy arrays, in place where that saves a pass over memory. Dask
arrays never reach them directly: :func:`blockwise`, :func:`elementwise` and
:func:`per_direction` run a function's NumPy code on each chunk of a dask array
(``dask.array.blockwise``), so the lazy result is, point for point and bit for bit, what
the NumPy path computes, and every error the NumPy path raises is raised on ``compute()``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_result",
    "blockwise",
    "elementwise",
    "exp_neg_sum_of_products",
    "fast_exp",
    "finite_or_raise",
    "horner",
    "hypot",
    "is_duck_array",
    "per_direction",
    "refined_sum",
    "sin_squared",
    "sqrt_product",
    "term_sums",
    "two_prod",
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
    """The float64 ndarray a function returns; a dask result stays lazy."""
    if is_duck_array(value):
        return value
    return np.asarray(value, dtype=np.float64)


def _on_chunks(fn, args, directed=None):
    """``fn`` mapped over the chunks of dask arguments, lazily (see the module docstring).

    Every array argument is broadcast to the common shape; 0-d arguments reach each call as
    they are. With ``directed`` (one flag per argument), the flagged arguments carry a last
    axis of directions that ``fn`` sums out: that axis is kept in one chunk, and the
    unflagged arguments are broadcast to the leading shape only.
    """
    import dask.array as da

    def shape_of(flags):
        shapes = [np.shape(a) for a, f in zip(args, flags, strict=True) if f and np.ndim(a)]
        return np.broadcast_shapes(*shapes) if shapes else ()

    flags = directed or [True] * len(args)
    full = shape_of(flags)
    lead = full[:-1] if directed else full
    if directed:  # an argument without the direction axis may still add leading axes
        lead = np.broadcast_shapes(lead, shape_of([not f for f in flags]))
        full = (*lead, full[-1])
    out_ind = tuple(range(len(lead)))
    pieces: list = []
    for a, on_axis in zip(args, flags, strict=True):
        if np.ndim(a) == 0:
            pieces += [np.asarray(a), None]  # a scalar reaches every chunk as it is
        elif directed and on_axis:
            arr = da.broadcast_to(da.asarray(a), full).rechunk({len(full) - 1: -1})
            pieces += [arr, (*out_ind, len(lead))]
        else:
            pieces += [da.broadcast_to(da.asarray(a), lead), out_ind]
    return da.blockwise(fn, out_ind, *pieces, dtype=np.float64, concatenate=True)


def elementwise(fn, *args):
    """``fn(*args)`` for NumPy arguments; for dask arguments, ``fn`` on each chunk."""
    if any(is_duck_array(a) for a in args):
        return _on_chunks(fn, args)
    return fn(*args)


def per_direction(fn, *args, directed: tuple[bool, ...], block: int = BLOCK // 4):
    """:func:`elementwise` for a function that sums out the last (direction) axis of the
    arguments flagged in ``directed``.

    NumPy arguments are run ``block`` leading points at a time (each with all its
    directions), so the temporaries stay in cache and memory beyond the result is a few
    blocks' worth; a point's value never depends on the others in its block.
    """
    if any(is_duck_array(a) for a in args):
        return _on_chunks(fn, args, directed)
    arrays = [np.asarray(a) for a in args]
    lead = np.broadcast_shapes(
        *(
            a.shape[:-1] if flag and a.ndim else a.shape
            for a, flag in zip(arrays, directed, strict=True)
        )
    )
    if math.prod(lead) <= block:
        return fn(*arrays)
    out = np.empty(lead)
    views = [
        np.broadcast_to(a, (*lead, a.shape[-1]) if flag and a.ndim else lead) if a.ndim else a
        for a, flag in zip(arrays, directed, strict=True)
    ]
    for index in _leading_blocks(lead, block):
        out[index] = fn(*(v[index] if v.ndim else v for v in views))
    return out


def _leading_blocks(shape: tuple[int, ...], block: int):
    """Index tuples that cover ``shape`` in pieces of at most ``block`` points (or one
    row of the last axis if a row alone is larger), in memory order."""
    axis = next(k for k in range(len(shape)) if math.prod(shape[k + 1 :]) <= block)
    step = max(1, block // math.prod(shape[axis + 1 :]))
    for outer in np.ndindex(*shape[:axis]):
        for start in range(0, shape[axis], step):
            yield (*outer, slice(start, start + step))


def blockwise(fn, *args, block: int = BLOCK):
    """``fn(*args)`` evaluated block by block over the broadcast arguments, as one array.

    ``fn`` must be elementwise and return float64. Broadcasting is done by NumPy's
    buffered iterator, so a broadcast argument is never expanded to the full shape in
    memory; 0-d arguments are passed to every block as they are. Dask arguments: ``fn``
    on each of their chunks, lazily.
    """
    if any(is_duck_array(a) for a in args):
        return _on_chunks(fn, args)
    arrays = [np.asarray(a) for a in args]
    if max((a.size for a in arrays), default=0) <= block:
        return fn(*arrays)
    # 0-d arguments go to every block as they are: fn may take a scalar's fast path (one
    # branch for d = 3) where a broadcast block would make it select point by point.
    varying = [i for i, a in enumerate(arrays) if a.ndim]
    with _block_iterator([arrays[i] for i in varying], block) as it:
        for *parts, out in it:
            for i, part in zip(varying, parts, strict=True):
                arrays[i] = part
            out[...] = fn(*arrays)
        return it.operands[-1]


def _block_iterator(arrays, block: int) -> np.nditer:
    """NumPy's buffered iterator over ``arrays`` broadcast together, plus a float64 output.

    Each step yields 1-d chunks of at most ``block`` points (in memory order), the last
    one a writable chunk of the output, which the iterator allocates.
    """
    op_flags: list[Any] = [["readonly"]] * len(arrays) + [["writeonly", "allocate"]]
    return np.nditer(
        [*arrays, None],
        flags=["external_loop", "buffered", "zerosize_ok"],
        op_flags=op_flags,
        op_dtypes=[None] * len(arrays) + [np.float64],
        buffersize=block,
    )


def finite_or_raise(value, what: str):
    """``value`` unchanged, or a ValueError where it is NaN: an intermediate overflowed.

    The arguments each passed their own check, so the message says which combination of
    them left float64 and where.
    """
    value = np.asarray(value, dtype=np.float64)
    if value.size and np.isnan(value).any():
        at = f" at index {tuple(np.argwhere(np.isnan(value))[0].tolist())}" if value.ndim else ""
        raise ValueError(
            f"{what} overflowed float64 in an intermediate step{at} (each argument is in "
            "range, but their combination is not)"
        )
    return value


def horner(t, coeffs: Sequence[float]):
    """Σ_k coeffs[k] t^(n−1−k), highest power first, in one pass per coefficient."""
    acc = t * coeffs[0] + coeffs[1]
    for c in coeffs[2:]:
        acc *= t
        acc += c
    return acc


def hypot(x, y):
    """√(x² + y²) for x, y ≥ 0 with neither overflow nor underflow, to about 1 ulp.

    The plain form, block by block in cache and in place, where the block's results lie in
    [1e-150, 1e150] (the squares are then normal floats); elsewhere M √(1 + (m/M)²),
    M = max, m = min, which is right over the whole float64 range. Measured: 2.5 ms per
    10⁶ points where ``np.hypot`` takes 11 ms; working in blocks spares the whole-array
    temporaries of the plain form, each a page-faulting allocation in a fresh process.
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    with _block_iterator([x, y], BLOCK) as it, np.errstate(over="ignore", under="ignore"):
        for xs, ys, out in it:
            np.multiply(xs, xs, out=out)
            out += ys * ys
            np.sqrt(out, out=out)
            if out.size and not (out.min() > _SAFE_LO and out.max() < _SAFE_HI):
                # Only the points out of range: a point's result must not depend on its
                # neighbours in the block.
                bad = np.flatnonzero(~((out > _SAFE_LO) & (out < _SAFE_HI)))
                out[bad] = _hypot_block(_at(xs, bad), _at(ys, bad))
        return it.operands[-1]


def _at(chunk, index):
    """chunk[index] for a block of the iterator; a 0-d chunk is the same value everywhere."""
    return chunk if chunk.ndim == 0 else chunk[index]


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


def sqrt_product(x, y, names: tuple[str, str] = ("x", "y")):
    """√(x·y) for x, y ≥ 0; where x·y would overflow or underflow, √x·√y instead.

    One product and one square root per block, in cache and in place; the points of a
    block with a product outside [1e-300, 1e300] are redone as √x·√y. 0·inf has no value:
    it is a ValueError naming the two arguments (``names``), not a silent NaN.
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    with (
        _block_iterator([x, y], BLOCK) as it,
        np.errstate(over="ignore", under="ignore", invalid="ignore"),
    ):
        for xs, ys, out in it:
            np.multiply(xs, ys, out=out)
            if out.size and not (out.min() > _SAFE_LO_SQ and out.max() < _SAFE_HI_SQ):
                # √x·√y only where x·y left the safe range (or is NaN, from 0·inf).
                bad = np.flatnonzero(~((out > _SAFE_LO_SQ) & (out < _SAFE_HI_SQ)))
                np.sqrt(out, out=out)
                out[bad] = np.sqrt(_at(xs, bad)) * np.sqrt(_at(ys, bad))
                if np.isnan(out[bad]).any():
                    i = bad[np.isnan(out[bad])][0]
                    raise ValueError(
                        f"{names[0]}·{names[1]} is 0·inf (got {float(_at(xs, i))!r} and "
                        f"{float(_at(ys, i))!r}), which has no value; give both finite, or "
                        "a nonzero partner for inf"
                    )
            else:
                np.sqrt(out, out=out)
        return it.operands[-1]


def sin_squared(theta):
    """sin²θ, with θ first brought into [−π/2, π/2] by its period π.

    np.sin takes twice as long on |θ| ~ 30 as on [−π/2, π/2] (and long double sin three
    times as long). The reduction θ − kπ is exact for |k| ≤ 2^20 in float64 (Cody–Waite:
    π in three pieces, the first two of 33 bits, so k times them is exact) and |k| ≤ 2^24
    in long double (two 40-bit pieces and the rest); beyond that θ goes to np.sin as it is.
    """
    theta = np.asarray(theta)
    wide = theta.dtype != np.float64
    pieces = _PI_LONG if wide else _PI
    k = np.rint(theta * (1 / pieces[0]))
    k = np.where(np.abs(k) <= (2.0**24 if wide else 2.0**20), k, 0)
    reduced = theta - k * pieces[0]
    for piece in pieces[1:]:
        reduced -= k * piece
    s = np.sin(reduced)
    s *= s
    return s


# π = sum of the pieces to ~1e-31 (float64: twice fdlibm's split of π/2, pio2_1, pio2_2,
# pio2_2t) and ~1e-44 (long double: two 40-bit pieces and the rest); tested against
# mpmath in tests/test_kernels.py.
_PI = (3.14159265346825122834e00, 1.21542010126079319532e-10, 4.04453249759190126308e-21)
_PI_LONG = (
    np.longdouble("3.14159265358830452896654605865478515625"),
    np.longdouble("1.48870949609605096128502575714147582175428397022187709808349609375e-12"),
    np.longdouble("1.273663432702190027923553e-24"),
)


def fast_exp(x):
    """np.exp without its slow path: NumPy's vector exp falls back to a scalar loop (7 to
    70 times slower) for results below ~1e-305. Those points are set apart: exactly 0
    where exp(x) rounds to 0 (x ≤ −745.2), np.exp of the few in between. Long double: np.exp.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        return np.exp(x)
    out = np.asarray(np.exp(np.maximum(x, _EXP_FAST_FROM)))
    low = np.flatnonzero(x < _EXP_FAST_FROM)
    if low.size:
        flat, xs = out.reshape(-1), x.reshape(-1)
        flat[low] = 0.0
        some = low[xs[low] > _EXP_ZERO_BELOW]
        flat[some] = np.exp(xs[some])
    return out


_EXP_FAST_FROM = -700.0  # exp(−700) ≈ 1e-304: still NumPy's fast path
_EXP_ZERO_BELOW = -745.2  # exp(−745.2) < 2^−1075, half the smallest subnormal: rounds to 0


def refined_sum(terms, *args, ratio: float):
    """Σ over the last axis of the terms ``terms(*args)`` returns, point by point, summed
    again in long double where they cancel by more than ``ratio``.

    A float64 sum of terms each right to an ulp or so is right to about an ulp of Σ|t|;
    relative to the sum itself that is Σ|t|/|Σt| ulp. Where Σ|t| > ratio·|Σt| the point's
    arguments are converted to long double and ``terms`` (written for any float type) is
    evaluated again there: x86's 64-bit significand carries 11 bits more, so the float64
    result is right to a few ulp up to cancellations of ~10³. Where long double is float64
    (some platforms), nothing is refined and the error grows as Σ|t|/|Σt|.
    """
    full = np.broadcast_shapes(*(np.shape(a) for a in args))
    args = _spread(args, full)
    total, size = _sums(terms(*args), full)
    if not _LONG_DOUBLE_IS_WIDER:
        return total
    with np.errstate(invalid="ignore"):
        cancels = size > ratio * np.abs(total)  # NaN and inf/inf compare False
    if not cancels.any():
        return total
    where = np.flatnonzero(cancels)
    wide = [
        np.broadcast_to(a, (*full[:-1], a.shape[-1]))
        .reshape(-1, a.shape[-1])[where]
        .astype(np.longdouble)
        if np.ndim(a)
        else np.longdouble(a)
        for a in args
    ]
    again = np.zeros((len(where), full[-1]), dtype=np.longdouble)
    for t in terms(*wide):
        again += t
    total.reshape(-1)[where] = again.sum(axis=-1)
    return total


def term_sums(terms, *args) -> tuple[np.ndarray, np.ndarray]:
    """Σt and Σ|t| over the last axis of the terms ``terms(*args)`` returns, point by point
    (their ratio is how much the terms cancel: what :func:`refined_sum` refines by)."""
    full = np.broadcast_shapes(*(np.shape(a) for a in args))
    return _sums(terms(*_spread(args, full)), full)


def _spread(args, full: tuple[int, ...]) -> tuple:
    """Arguments broadcast along the short direction axis (a mass of shape (n, 1)) spread
    out once: NumPy runs such a broadcast as n loops of d elements, ~6x slower than one
    contiguous pass, and ``terms`` would pay that in every operation."""
    return tuple(
        a
        if np.ndim(a) == 0 or np.shape(a) == full
        else np.ascontiguousarray(np.broadcast_to(a, full))
        for a in args
    )


def _sums(parts, full: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    total = np.zeros(full)
    size = np.zeros(full)
    for t in parts:
        total += t
        size += np.abs(t)
    return np.asarray(_sum_directions(total)), _sum_directions(size)


def _sum_directions(a: np.ndarray) -> np.ndarray:
    """a summed over its last (short) axis, one column at a time: ``a.sum(axis=-1)`` runs a
    reduction per point, ~10x slower for d = 3."""
    total = a[..., 0].copy()
    for i in range(1, a.shape[-1]):
        total += a[..., i]
    return total


_LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


def exp_neg_sum_of_products(coeff: float, *factors, axis: int = -1, times=1.0):
    """times · exp(−Σ_axis coeff·∏ factors), with the exponent carried in double-double.

    exp(−x) has condition number x: an exponent rounded to float64 (≈ x·ulp absolute) costs
    x ulp in the result, 150 ulp at x = 700. Forming each product and the sum exactly as a
    hi + lo pair (Dekker's product, Knuth's sum) leaves only exp's own rounding. ``coeff``
    must be a power of two (an exact scaling). A factor that is constant along ``axis``
    (0-d, or of length 1 there, like a mass beside per-direction arrays) multiplies the sum
    once per point instead of every term. Points where a Veltkamp split would overflow
    (a factor above ~1e290) fall back to the plain float64 exponent.

    Beyond x = 700, exp(−x) alone would be subnormal (or 0) before ``times`` multiplies it,
    losing digits the product still has room for (70 subnormal steps at x = 720 with
    times ~ 140). There exp(−x) = 2^(−k) exp(−(x − k ln 2)): k ln 2 comes off exactly
    (Cody–Waite split of ln 2) and ``np.ldexp`` applies 2^(−k) last, rounding once.
    """
    mant, _ = math.frexp(coeff)
    if mant != 0.5:
        raise ValueError(f"coeff must be a power of two (got {coeff!r})")
    # which factors are the same array (r·r is squared exactly), before conversion makes
    # each a new object
    first = [next(i for i, g in enumerate(factors) if g is f) for f in factors]
    arrays = [np.asarray(a, dtype=np.float64) for a in factors]
    arrays = [np.moveaxis(a, axis, -1) if a.ndim else a for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    along = [a.ndim > 0 and a.shape[-1] > 1 for a in arrays]
    inner = [i for i in range(len(arrays)) if along[i]]
    outer = [
        np.reshape(a, a.shape[:-1]) if a.ndim else a
        for a, f in zip(arrays, along, strict=True)
        if not f
    ]
    with np.errstate(over="ignore", invalid="ignore"):
        if inner:
            hi, lo = _product(arrays, inner, first)
            hi, lo = _sum_last_axis(hi, lo)
        else:  # nothing varies along the axis: the sum has one term
            hi = np.reshape(np.asarray(outer.pop(0), np.float64), shape[:-1])
            lo = np.zeros_like(hi)
        for f in outer:
            hi, lo = _times(hi, lo, f)
        hi, lo = hi * coeff, lo * coeff  # not in place: hi may still be an argument
        if max(float(np.max(np.abs(a), initial=0.0)) for a in arrays) > _SPLIT_MAX:
            # a split overflowed somewhere: the plain exponent there (NaN compares False)
            plain = coeff * np.sum(math.prod(np.broadcast_arrays(*arrays)), axis=-1)
            split_ok = np.isfinite(hi) & np.isfinite(lo)
            hi, lo = np.where(split_ok, hi, plain), np.where(split_ok, lo, 0.0)
        hi, lo = np.asarray(hi), np.broadcast_to(lo, np.shape(hi))
        if not np.any(hi > _EXP_SCALE_FROM):
            return _vanishing(np.exp(-hi), (1.0 - lo) * times)
        # k ln 2 brings the exponent back to about 600, where exp(−x) is a normal float.
        k = np.where(
            hi > _EXP_SCALE_FROM,
            np.minimum(np.round((hi - 600.0) / _LN2_HI), _EXP_SCALE_MAX_K),
            0.0,
        )
        reduced, e = _two_sum(hi - k * _LN2_HI, -k * _LN2_LO)  # first term exact
        value = _vanishing(np.exp(-reduced), (1.0 - (lo + e)) * times)
        return np.ldexp(value, -k.astype(np.int64))


# A Veltkamp split multiplies by 2^27 + 1: factors above this would overflow there.
_SPLIT_MAX = 1e290


def _product(arrays: list, chosen: list[int], first: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """∏ arrays[chosen] as an unevaluated double-double hi + lo, element by element.

    A factor that appears twice (``first[i]``: the first index of the same array) is
    squared exactly; the running product is multiplied by one double at a time without
    renormalising (lo stays below an ulp of hi, which is all the next step needs).
    """
    counts = {i: sum(1 for j in chosen if first[j] == i) for i in {first[j] for j in chosen}}
    order = sorted(counts, key=lambda i: -counts[i])
    lead = order[0]
    f = arrays[lead]
    if counts[lead] >= 2:  # the lead factor squared, exactly
        f_hi, f_lo = _split(f)
        hi = f * f
        lo = f_hi * f_hi
        lo -= hi
        t = f_hi * f_lo
        t += t
        lo += t
        np.multiply(f_lo, f_lo, out=t)
        lo += t
        rest = [lead] * (counts[lead] - 2)
    else:
        hi, lo = f, None
        rest = [lead] * (counts[lead] - 1)
    for i in order[1:]:
        rest += [i] * counts[i]
    for i in rest:
        hi, lo = _times(hi, lo, arrays[i])
    if lo is None:
        lo = np.zeros_like(hi)
    if hi.shape != lo.shape:
        hi, lo = np.broadcast_arrays(hi, lo)
    return hi, lo


def _times(hi, lo, f):
    """(hi + lo)·f as p + e, p = fl(hi·f), e its exact error plus lo·f (Dekker)."""
    p = hi * f
    h_hi, h_lo = _split(hi)
    g_hi, g_lo = _split(f)
    e = h_hi * g_hi  # of the broadcast shape, like p: the updates below can be in place
    e -= p
    e += h_hi * g_lo
    e += h_lo * g_hi
    e += h_lo * g_lo
    if lo is not None:
        e += lo * f
    return p, e


def _sum_last_axis(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ over the last axis of hi + lo: Knuth's exact sums for hi, plain sums for lo."""
    total_hi, total_lo = hi[..., 0], lo[..., 0]
    for i in range(1, hi.shape[-1]):
        s, e = _two_sum(total_hi, hi[..., i])
        total_hi, total_lo = s, total_lo + e + lo[..., i]
    return np.array(total_hi), np.asarray(total_lo)


def _vanishing(decay, rest):
    """decay·rest, and exactly 0 where the decay is 0 (an exponent past every float64):
    exp(−x) falls faster than the bracket grows with x, so 0·inf (or 0·NaN from an inf
    exponent's correction) means 0."""
    return np.where(decay == 0, 0.0, decay * rest)


# exp(−x) is scaled by 2^k from here on (exp(−700) ≈ 1e-304 is still normal).
_EXP_SCALE_FROM = 700.0
# ln 2 = _LN2_HI + _LN2_LO with _LN2_HI's last 21 bits zero (fdlibm's split): k·_LN2_HI is
# exact for k < 2^21, and beyond k = 2^20 (x ~ 7e5) the result is 0 for any finite times.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP_SCALE_MAX_K = 2.0**20


_SPLITTER = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves


def _split(a):
    """hi + lo = a with hi holding the upper 26 bits (Veltkamp), in two new arrays."""
    t = _SPLITTER * a
    if not isinstance(t, np.ndarray) or t.ndim == 0:  # a scalar: no buffers to reuse
        hi = t - (t - a)
        return hi, a - hi
    lo = t - a
    t -= lo  # hi = t − (t − a)
    np.subtract(a, t, out=lo)
    return t, lo


def two_prod(a, b):
    """p + e = a·b exactly (no FMA in NumPy: Dekker's algorithm with Veltkamp splits).

    e is NaN or inf where a Veltkamp split overflows (|a| or |b| above ~1e300).
    """
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
