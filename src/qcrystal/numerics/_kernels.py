"""Hand-written numeric kernels the numerics call: blocks, polynomials, √ forms, results.

The kernels work on NumPy arrays, in place where that saves a pass over memory. Dask
arrays never reach them directly: :func:`blockwise`, :func:`elementwise` and
:func:`per_direction` run a function's NumPy code on each chunk of a dask array
(``dask.array.blockwise``), so the lazy result is, point for point and bit for bit, what
the NumPy path computes, and every error the NumPy path raises is raised on ``compute()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "Workspace",
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


def per_direction(
    fn, *args, directed: tuple[bool, ...], block: int = 3 * BLOCK // 4, work: bool = False
):
    """:func:`elementwise` for a function that sums out the last (direction) axis of the
    arguments flagged in ``directed``.

    NumPy arguments are run about ``block`` values at a time (block/d leading points, each
    with all its d directions), so the temporaries stay in cache and memory beyond the
    result is a few blocks' worth; a point's value never depends on the others in its
    block. With ``work``, one :class:`Workspace` is passed to every block
    (``fn(..., work=...)``). Measured for gaussian_hopping at 10⁶ points: 24576 values a
    block runs d = 1 in 47x np.exp where 8192 points took 63x (NumPy's ~1.5 µs a call
    weighs less), at 1.4x the output's memory.
    """
    if any(is_duck_array(a) for a in args):
        return _on_chunks(fn, args, directed)
    extra = {"work": Workspace()} if work else {}
    arrays = [np.asarray(a) for a in args]
    lead = np.broadcast_shapes(
        *(
            a.shape[:-1] if flag and a.ndim else a.shape
            for a, flag in zip(arrays, directed, strict=True)
        )
    )
    d = max((a.shape[-1] for a, f in zip(arrays, directed, strict=True) if f and a.ndim), default=1)
    block = max(1, block // d)
    if math.prod(lead) <= block:
        return fn(*arrays, **extra)
    out = np.empty(lead)
    views = [
        np.broadcast_to(a, (*lead, a.shape[-1]) if flag and a.ndim else lead) if a.ndim else a
        for a, flag in zip(arrays, directed, strict=True)
    ]
    for index in _leading_blocks(lead, block):
        out[index] = fn(*(v[index] if v.ndim else v for v in views), **extra)
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
    # one sum first (NaN in, NaN out; no temporary array), the search only if it is NaN
    with np.errstate(over="ignore", invalid="ignore"):
        maybe = value.size and np.isnan(np.add.reduce(value, axis=None))
    if maybe and np.isnan(value).any():
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


class Workspace:
    """Scratch arrays a kernel reuses from block to block, asked for by name.

    A fresh NumPy temporary of ~100 KiB or more is a page-faulting allocation once several
    are alive at a time (glibc returns such blocks to the system when they are freed):
    measured 4.7x slower than the same sin² of 24576 points written into reused arrays.
    The first request of a name (and float type) allocates; later requests of the same or
    a smaller shape are views of that array, so a block's buffers serve every block.
    Arrays asked for inside ``with work.phase():`` go back to a pool when it ends, and
    later requests under any name take them from there: two phases that follow each other
    (a kernel's terms, then its exponent) share their memory.
    """

    def __init__(self) -> None:
        self._held: dict[tuple[str, np.dtype], np.ndarray] = {}
        self._free: dict[int, np.ndarray] = {}  # by id: storage no name holds now
        self._last: dict[tuple[str, np.dtype], np.ndarray] = {}  # what a name had last time
        self._phases: list[list[tuple[str, np.dtype]]] = []
        self._views: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64) -> np.ndarray:
        """An uninitialised array ``name`` of ``shape`` and ``dtype`` (reused storage)."""
        key = (name, dtype)
        flat = self._held.get(key)
        size = math.prod(shape)
        if flat is None or flat.size < size:
            flat = self._take(key, size)
            self._held[key] = self._last[key] = flat
            if self._phases:
                self._phases[-1].append(key)
        view = self._views.get((id(flat), shape))
        if view is None:
            view = self._views[(id(flat), shape)] = flat[:size].reshape(shape)
        return view

    def _take(self, key: tuple[str, Any], size: int) -> np.ndarray:
        """Free storage for ``key``: what it had the last time if that is free (each block
        then runs on the same arrays as the one before), else any that fits, else new."""
        dtype = np.dtype(key[1])
        last = self._last.get(key)
        if last is not None and last.size >= size and self._free.pop(id(last), None) is not None:
            return last
        for i, flat in self._free.items():
            if flat.dtype == dtype and flat.size >= size:
                return self._free.pop(i)
        return np.empty(size, dtype)

    @contextmanager
    def phase(self) -> Iterator[None]:
        """Arrays first asked for inside go back to the pool at the end."""
        self._phases.append([])
        try:
            yield
        finally:
            for key in self._phases.pop():
                flat = self._held.pop(key)
                self._free[id(flat)] = flat


def sin_squared(theta, out=None, work: Workspace | None = None):
    """sin²θ from a polynomial after the reduction θ = kπ/2 + φ, |φ| ≤ π/4.

    sin²θ is S(φ) = sin²φ for even k and 1 − S(φ) for odd k, written |o − S| with o the
    parity of k (exact for even k, one rounding for odd). S = φ²·P(φ²) is the Taylor series
    of sin², Σ (−1)^(n+1) 2^(2n−1) φ^(2n)/(2n)!: to n = 11 in float64 (the next term is
    below 1e-19 at |φ| = π/4); in long double the first four terms of P in long double on a
    float64 tail to n = 13 (the tail is < 2e-5 of P, so its float64 rounding stays below
    the long double ulp). np.sin has no vector loop for float64 here (17 ns a point against
    ~7 ns for this), and long double sinl takes ~220 ns against ~140 ns.

    The reduction (Cody–Waite, π/2 in three pieces whose leading ones have 33 bits in
    float64 and 40 in long double) is exact for |k| ≤ 2^20 (float64) and 2^24 (long
    double); points beyond go to np.sin as they are. ``out`` may be ``theta`` itself.
    """
    theta = np.asarray(theta)
    if theta.dtype.kind != "f":
        theta = theta.astype(np.float64)
    dtype = theta.dtype
    wide = dtype != np.float64
    work = Workspace() if work is None else work
    shape = theta.shape
    out = np.empty(shape, dtype) if out is None else out
    k = work.array("sin2.k", shape, dtype)
    z = work.array("sin2.z", shape, dtype)
    p = work.array("sin2.p", shape, dtype)
    np.multiply(theta, _TWO_OVER_PI_LONG if wide else _TWO_OVER_PI, out=k)
    np.rint(k, out=k)
    limit = _SIN2_EXACT_K_LONG if wide else _SIN2_EXACT_K
    far = None
    if k.size and not (k.max() <= limit and k.min() >= -limit):  # NaN fails the test too
        far = np.flatnonzero(~(np.abs(k) <= limit).reshape(-1))
        far_values = np.sin(theta.reshape(-1)[far]) ** 2
        k.reshape(-1)[far] = 0.0
    pieces = _PI_HALF_LONG if wide else _PI_HALF
    np.multiply(k, pieces[0], out=z)
    np.subtract(theta, z, out=out)
    for piece in pieces[1:]:
        np.multiply(k, piece, out=z)
        out -= z
    np.multiply(out, out, out=z)  # φ², and out is free from here on
    if wide:
        z64 = work.array("sin2.z64", shape)
        p64 = work.array("sin2.p64", shape)
        np.copyto(z64, z, casting="same_kind")
        _horner_into(p64, z64, _SIN2_TAIL)
        np.copyto(p, p64)
        for c in _SIN2_HEAD_LONG[::-1]:
            p *= z
            p += c
    else:
        _horner_into(p, z, _SIN2_TAYLOR)
    p *= z  # S(φ)
    k *= 0.5
    np.rint(k, out=out)
    k -= out
    np.abs(k, out=k)
    k += k  # o = 1 for odd k, 0 for even
    np.subtract(k, p, out=out)
    np.abs(out, out=out)
    if far is not None:
        out.reshape(-1)[far] = far_values
    return out


def _horner_into(acc, t, coeffs: Sequence[float]) -> None:
    """acc = Σ_n coeffs[n] t^n (lowest power first), in place in ``acc``."""
    acc.fill(coeffs[-1])
    for c in coeffs[-2::-1]:
        acc *= t
        acc += c


def _sin2_coefficient(n: int) -> Fraction:
    """The coefficient of φ^(2n) in sin²φ = (1 − cos 2φ)/2."""
    return Fraction((-1) ** (n + 1) * 2 ** (2 * n - 1), math.factorial(2 * n))


# P(z) = S(φ)/φ², z = φ²: coefficients of z^0, z^1, … (Python rounds each fraction once).
_SIN2_TAYLOR = tuple(float(_sin2_coefficient(n)) for n in range(1, 12))
_SIN2_HEAD_LONG = tuple(
    np.longdouble(c.numerator) / np.longdouble(c.denominator)
    for c in map(_sin2_coefficient, range(1, 5))
)
_SIN2_TAIL = tuple(float(_sin2_coefficient(n)) for n in range(5, 14))
_TWO_OVER_PI = 2 / math.pi
_TWO_OVER_PI_LONG = np.longdouble(2) / np.longdouble(np.pi)  # any k near θ/(π/2) will do
_SIN2_EXACT_K = 2.0**20
_SIN2_EXACT_K_LONG = 2.0**24


# π = sum of the pieces to ~1e-31 (float64: twice fdlibm's split of π/2, pio2_1, pio2_2,
# pio2_2t) and ~1e-44 (long double: two 40-bit pieces and the rest); tested against
# mpmath in tests/test_kernels.py.
_PI = (3.14159265346825122834e00, 1.21542010126079319532e-10, 4.04453249759190126308e-21)
_PI_LONG = (
    np.longdouble("3.14159265358830452896654605865478515625"),
    np.longdouble("1.48870949609605096128502575714147582175428397022187709808349609375e-12"),
    np.longdouble("1.273663432702190027923553e-24"),
)
# π/2 in the same pieces, each halved (exactly)
_PI_HALF = tuple(p / 2 for p in _PI)
_PI_HALF_LONG = tuple(p / 2 for p in _PI_LONG)


def fast_exp(x, out=None):
    """np.exp without its slow path: NumPy's vector exp falls back to a scalar loop (7 to
    70 times slower) for results below ~1e-305. Those points are set apart: exactly 0
    where exp(x) rounds to 0 (x ≤ −745.2), np.exp of the few in between. Long double: np.exp.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        return np.exp(x, out=out)
    out = np.empty(x.shape) if out is None else out
    np.maximum(x, _EXP_FAST_FROM, out=out)
    np.exp(out, out=out)
    if x.size and x.min() < _EXP_FAST_FROM:  # NaN compares False: np.exp gave NaN already
        low = np.flatnonzero(x.reshape(-1) < _EXP_FAST_FROM)
        flat, xs = out.reshape(-1), x.reshape(-1)
        flat[low] = 0.0
        some = low[xs[low] > _EXP_ZERO_BELOW]
        flat[some] = np.exp(xs[some])
    return out


_EXP_FAST_FROM = -700.0  # exp(−700) ≈ 1e-304: still NumPy's fast path
_EXP_ZERO_BELOW = -745.2  # exp(−745.2) < 2^−1075, half the smallest subnormal: rounds to 0


def refined_sum(terms, *args, ratio: float, work: Workspace | None = None):
    """Σ over the last axis of a bracket of signed terms, point by point, summed again in
    long double where the terms cancel by more than ``ratio``.

    ``terms(*args, work=work)`` returns (pos, neg): the sums of the bracket's nonnegative
    and of its nonpositive terms, each of the arguments' shape and float type (the
    generator proves each term's sign). Σt = pos + neg and Σ|t| = pos − neg.
    A float64 sum of terms each right to an ulp or so is right to about an ulp of Σ|t|;
    relative to the sum itself that is Σ|t|/|Σt| ulp. Where Σ|t| > ratio·|Σt| the point's
    arguments are converted to long double and ``terms`` (written for any float type) is
    evaluated again there: x86's 64-bit significand carries 11 bits more, so the float64
    result is right to a few ulp up to cancellations of ~10³. Where long double is float64
    (some platforms), nothing is refined and the error grows as Σ|t|/|Σt|.
    """
    work = Workspace() if work is None else work
    full = np.broadcast_shapes(*(np.shape(a) for a in args))
    total = work.array("sums.total", full[:-1])  # the result outlives the phase
    with work.phase():
        args = _spread(args, full, work)
        pos, neg = terms(*args, work=work)
        size = _signed_totals(pos, neg, work, total)
        if not _LONG_DOUBLE_IS_WIDER:
            return total
        with np.errstate(invalid="ignore"):
            size -= ratio * np.abs(total)
        if not size.size or not size.max() > 0:  # NaN and inf − inf compare False
            return total
        where = np.flatnonzero(size.reshape(-1) > 0)
        wide = tuple(
            np.asarray(a).reshape(-1, full[-1])[where].astype(np.longdouble) if np.ndim(a) else a
            for a in args
        )
        pos, neg = terms(*wide, work=work)
        pos += neg
        total.reshape(-1)[where] = _sum_directions(pos)
    return total


def term_sums(terms, *args) -> tuple[np.ndarray, np.ndarray]:
    """Σt and Σ|t| over the last axis of the terms ``terms(*args)`` returns, point by point
    (their ratio is how much the terms cancel: what :func:`refined_sum` refines by)."""
    work = Workspace()
    full = np.broadcast_shapes(*(np.shape(a) for a in args))
    total = np.empty(full[:-1])
    pos, neg = terms(*_spread(args, full, work), work=work)
    size = _signed_totals(pos, neg, work, total)
    return total, size.copy()


def _spread(args, full: tuple[int, ...], work: Workspace) -> tuple:
    """The arguments as contiguous arrays of the full shape (0-d ones as they are), copied
    into ``work`` where they are not: NumPy runs a broadcast of a short axis (a mass of
    shape (n, 1)) as n loops of d elements, ~6x slower than one contiguous pass, and
    ``terms`` would pay that in every operation."""
    spread = []
    for n, a in enumerate(args):
        if np.ndim(a) == 0 or (np.shape(a) == full and a.flags.c_contiguous):
            spread.append(a)
        else:
            copy = work.array(f"spread{n}", full, np.asarray(a).dtype)
            np.copyto(copy, np.broadcast_to(a, full))
            spread.append(copy)
    return tuple(spread)


def _signed_totals(pos, neg, work: Workspace, total: np.ndarray) -> np.ndarray:
    """Σ over the last axis of pos + neg into ``total``, and of pos − neg (the terms'
    size) into an array it returns."""
    size = work.array("sums.size", pos.shape[:-1], pos.dtype)
    both = work.array("sums.both", pos.shape, pos.dtype)
    np.subtract(pos, neg, out=both)
    _sum_directions(both, out=size)
    np.add(pos, neg, out=both)
    _sum_directions(both, out=total)
    return size


def _sum_directions(a: np.ndarray, out=None) -> np.ndarray:
    """a summed over its last (short) axis, one column at a time: ``a.sum(axis=-1)`` runs a
    reduction per point, ~10x slower for d = 3."""
    if out is None:
        out = np.empty(a.shape[:-1], a.dtype)
    np.copyto(out, a[..., 0])
    for i in range(1, a.shape[-1]):
        out += a[..., i]
    return out


_LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


def exp_neg_sum_of_products(
    coeff: float, *factors, axis: int = -1, times=1.0, work: Workspace | None = None
):
    """times · exp(−Σ_axis coeff·∏ factors), with the exponent carried in double-double.

    exp(−x) has condition number x: an exponent rounded to float64 (≈ x·ulp absolute) costs
    x ulp in the result, 150 ulp at x = 700. Forming each product and the sum exactly as a
    hi + lo pair (Dekker's product, Knuth's sum) leaves only exp's own rounding. ``coeff``
    must be a power of two (an exact scaling). A factor that is constant along ``axis``
    (0-d, or of length 1 there, like a mass beside per-direction arrays) multiplies the sum
    once per point instead of every term. Points where a Veltkamp split would overflow
    (a factor above ~1e290) fall back to the plain float64 exponent. The pairs live in
    ``work`` (fresh arrays without it); the result is an array of ``work`` too.

    Beyond x = 700, exp(−x) alone would be subnormal (or 0) before ``times`` multiplies it,
    losing digits the product still has room for (70 subnormal steps at x = 720 with
    times ~ 140). There exp(−x) = 2^(−k) exp(−(x − k ln 2)): k ln 2 comes off exactly
    (Cody–Waite split of ln 2) and ``np.ldexp`` applies 2^(−k) last, rounding once.
    """
    mant, _ = math.frexp(coeff)
    if mant != 0.5:
        raise ValueError(f"coeff must be a power of two (got {coeff!r})")
    work = Workspace() if work is None else work
    # which factors are the same array (r·r is squared exactly), before conversion makes
    # each a new object
    first = [next(i for i, g in enumerate(factors) if g is f) for f in factors]
    arrays = [np.asarray(a, dtype=np.float64) for a in factors]
    arrays = [np.moveaxis(a, axis, -1) if a.ndim and axis != -1 else a for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    along = [a.ndim > 0 and a.shape[-1] > 1 for a in arrays]
    inner = [i for i in range(len(arrays)) if along[i]]
    outer = [
        np.reshape(a, a.shape[:-1]) if a.ndim else a
        for a, f in zip(arrays, along, strict=True)
        if not f
    ]
    decay = work.array("dd.decay", shape[:-1])  # the result outlives the phase
    with np.errstate(over="ignore", invalid="ignore"), work.phase():
        if inner:
            hi, lo = _product(arrays, inner, first, work)
            hi, lo = _sum_last_axis(hi, lo, work)
        else:  # nothing varies along the axis: the sum has one term
            hi = work.array("dd.sum_hi", shape[:-1])
            np.copyto(hi, np.reshape(outer.pop(0), shape[:-1]))
            lo = work.array("dd.sum_lo", shape[:-1])
            lo.fill(0.0)
        for n, f in enumerate(outer):
            hi, lo = _times(hi, lo, f, work, tag=f"outer{n % 2}")
        hi *= coeff
        lo *= coeff
        if max(_max_abs(a) for a in arrays) > _SPLIT_MAX:
            # a split overflowed somewhere: the plain exponent there (NaN compares False)
            plain = coeff * np.sum(math.prod(np.broadcast_arrays(*arrays)), axis=-1)
            split_ok = np.isfinite(hi) & np.isfinite(lo)
            hi[...] = np.where(split_ok, hi, plain)
            lo[...] = np.where(split_ok, lo, 0.0)
        lo -= 1.0
        np.negative(lo, out=lo)  # 1 − lo
        lo *= times
        np.negative(hi, out=decay)
        far = None
        if hi.size and hi.max() > _EXP_SCALE_FROM:  # the few such points are redone below
            far = np.flatnonzero(hi.reshape(-1) > _EXP_SCALE_FROM)
            np.maximum(decay, -_EXP_SCALE_FROM, out=decay)  # no exp below NumPy's fast path
        np.exp(decay, out=decay)
        value = _vanishing(decay, lo)
        if far is not None:
            value.reshape(-1)[far] = _scaled_decay(
                hi.reshape(-1)[far],
                lo.reshape(-1)[far],
                np.broadcast_to(times, hi.shape).reshape(-1)[far],
            )
        return value


def _scaled_decay(x, rest, times):
    """exp(−x)·rest for x > 700 (rest = (1 − lo)·times, lo the exponent's low part), as
    2^(−k) exp(−(x − k ln 2)): k ln 2 brings the exponent back to about 600, where exp is
    a normal float, and ``np.ldexp`` rounds once into the subnormal range."""
    k = np.minimum(np.round((x - 600.0) / _LN2_HI), _EXP_SCALE_MAX_K)
    reduced, e = _two_sum(x - k * _LN2_HI, -k * _LN2_LO)  # first term exact
    value = _vanishing(np.exp(-reduced), rest - e * times)  # (1 − lo − e)·times
    return np.ldexp(value, -k.astype(np.int64))


def _max_abs(a: np.ndarray) -> float:
    """max |a| without a temporary array (0.0 for an empty one)."""
    if not a.size:
        return 0.0
    return float(max(a.max(), -a.min()))


# A Veltkamp split multiplies by 2^27 + 1: factors above this would overflow there.
_SPLIT_MAX = 1e290


def _product(arrays: list, chosen: list[int], first: list[int], work: Workspace):
    """∏ arrays[chosen] as an unevaluated double-double hi + lo, element by element.

    A factor that appears twice (``first[i]``: the first index of the same array) is
    squared exactly; the running product is multiplied by one double at a time without
    renormalising (lo stays below an ulp of hi, which is all the next step needs).
    """
    counts = {i: sum(1 for j in chosen if first[j] == i) for i in {first[j] for j in chosen}}
    order = sorted(counts, key=lambda i: -counts[i])
    lead = order[0]
    f = arrays[lead]
    shape = np.broadcast_shapes(*(arrays[i].shape for i in chosen))
    hi = work.array("dd.prod_hi", shape)
    lo = work.array("dd.prod_lo", shape)
    if counts[lead] >= 2:  # the lead factor squared, exactly
        f_hi, f_lo = _split(f, work, "f")
        t = work.array("dd.t", f.shape)
        np.multiply(f, f, out=hi)
        np.multiply(f_hi, f_hi, out=lo)
        lo -= hi
        np.multiply(f_hi, f_lo, out=t)
        t += t
        lo += t
        np.multiply(f_lo, f_lo, out=t)
        lo += t
        rest = [lead] * (counts[lead] - 2)
    else:
        np.copyto(hi, f)
        lo.fill(0.0)
        rest = [lead] * (counts[lead] - 1)
    for i in order[1:]:
        rest += [i] * counts[i]
    for n, i in enumerate(rest):
        hi, lo = _times(hi, lo, arrays[i], work, tag=f"inner{n % 2}")
    return hi, lo


def _times(hi, lo, f, work: Workspace, tag: str):
    """(hi + lo)·f as p + e, p = fl(hi·f), e its exact error plus lo·f (Dekker), in the
    arrays ``tag`` of ``work`` (a tag other than the one that holds hi and lo)."""
    shape = np.broadcast_shapes(np.shape(hi), np.shape(f))
    p = work.array(f"dd.{tag}.p", shape)
    e = work.array(f"dd.{tag}.e", shape)
    t = work.array("dd.t", shape)
    np.multiply(hi, f, out=p)
    h_hi, h_lo = _split(hi, work, "h")
    g_hi, g_lo = _split(f, work, "g")
    np.multiply(h_hi, g_hi, out=e)
    e -= p
    np.multiply(h_hi, g_lo, out=t)
    e += t
    np.multiply(h_lo, g_hi, out=t)
    e += t
    np.multiply(h_lo, g_lo, out=t)
    e += t
    np.multiply(lo, f, out=t)
    e += t
    return p, e


def _sum_last_axis(hi: np.ndarray, lo: np.ndarray, work: Workspace):
    """Σ over the last axis of hi + lo: Knuth's exact sums for hi, plain sums for lo."""
    lead = hi.shape[:-1]
    total_hi, total_lo = work.array("dd.sum_hi", lead), work.array("dd.sum_lo", lead)
    s, b, t = (work.array(f"dd.sum_{n}", lead) for n in ("s", "b", "t"))
    np.copyto(total_hi, hi[..., 0])
    np.copyto(total_lo, lo[..., 0])
    for i in range(1, hi.shape[-1]):
        x = hi[..., i]
        np.add(total_hi, x, out=s)  # Knuth: s + err = total_hi + x exactly
        np.subtract(s, total_hi, out=b)
        np.subtract(s, b, out=t)
        np.subtract(total_hi, t, out=t)
        total_lo += t
        np.subtract(x, b, out=t)
        total_lo += t
        total_lo += lo[..., i]
        total_hi, s = s, total_hi
    return total_hi, total_lo


def _vanishing(decay, rest):
    """decay·rest in ``decay``, and exactly 0 where the decay is 0 (an exponent past every
    float64): exp(−x) falls faster than the bracket grows with x, so 0·inf (or 0·NaN from
    an inf exponent's correction) means 0."""
    zero = decay.size and not decay.min() > 0
    if zero:
        gone = decay == 0
    decay *= rest
    if zero:
        decay[gone] = 0.0
    return decay


# exp(−x) is scaled by 2^k from here on (exp(−700) ≈ 1e-304 is still normal).
_EXP_SCALE_FROM = 700.0
# ln 2 = _LN2_HI + _LN2_LO with _LN2_HI's last 21 bits zero (fdlibm's split): k·_LN2_HI is
# exact for k < 2^21, and beyond k = 2^20 (x ~ 7e5) the result is 0 for any finite times.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP_SCALE_MAX_K = 2.0**20


_SPLITTER = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves


def _split(a, work: Workspace | None = None, tag: str = ""):
    """hi + lo = a with hi holding the upper 26 bits (Veltkamp), in two new arrays (the
    arrays ``tag`` of ``work`` if given)."""
    t = _SPLITTER * a
    if not isinstance(t, np.ndarray) or t.ndim == 0:  # a scalar: no buffers to reuse
        hi = t - (t - a)
        return hi, a - hi
    if work is None:
        lo = t - a
    else:
        t, lo = work.array(f"split.{tag}.hi", t.shape), work.array(f"split.{tag}.lo", t.shape)
        np.multiply(a, _SPLITTER, out=t)
        np.subtract(t, a, out=lo)
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
