"""Sums Σ_{j≠0} f(r_j) over a chain, square or simple cubic lattice, with convergence control.

The sum runs over cubic shells (all j with max_α |n_α| = n), shell by shell, and stops when
an estimate of the remaining tail is below the tolerance. The tail estimate depends on how
f decays, f ~ r^(−p) (p = inf for faster than any power):

* p > d: the sum converges absolutely. Shell n holds ~n^(d−1) points of size ~n^(−p), so
  the partial sums approach the limit like S_N = S + c N^(−(p−d)) + …; Richardson
  extrapolation between N and N/2 removes that leading tail, and the change of the
  extrapolated value over the last two shells is the stated error. For p = inf the shells
  fall geometrically and the tail is A_N q/(1 − q), A_N = Σ_shell |f|, q = A_N/A_(N−1).
* p = d with a tail that averages to zero over directions (a dipole tail in 3D): the sum
  converges only conditionally; its value depends on the order of summation. Cubic shells
  give one definite value, and the result says so (``convergence = "conditional"``).
* otherwise (p ≤ d): the sum diverges, and :class:`LatticeSumError` says why.

A sum that reaches the shell limit before its tail estimate is small enough raises too:
no number is reported that did not converge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["KINDS", "Lattice", "LatticeSumError", "SumResult", "decay_power", "lattice_sum"]

KINDS = {"chain": 1, "square": 2, "cubic": 3}
_MAX_POINTS = 4_000_000  # points summed in all before giving up
_CANCELLED = 1e-12  # a sum below this share of Σ|terms| is the rounding of terms that cancel


class LatticeSumError(ValueError):
    """A lattice sum that diverges or did not converge within the shell limit."""


@dataclass(frozen=True)
class Lattice:
    """Sites n·a (n ∈ ℤ^d) with spacings a_α = λ_α/2 along the axes."""

    spacings: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.spacings) not in (1, 2, 3):
            raise ValueError(f"a lattice has 1, 2 or 3 spacings (got {len(self.spacings)})")
        for a in self.spacings:
            if not (isinstance(a, int | float) and math.isfinite(a) and a > 0):
                raise ValueError(f"lattice spacing must be a finite number > 0 (got {a!r})")

    @property
    def d(self) -> int:
        return len(self.spacings)

    def shell(self, n: int) -> np.ndarray:
        """Positions (points × 3, zero-padded to 3D) of the sites with max |n_α| = n.

        Built face by face (|n_k| = n, |n_j| < n before k, |n_j| ≤ n after it), so a shell
        costs its own size, not the size of the whole cube.
        """
        faces = []
        for k in range(self.d):
            ranges = [
                np.arange(-n + 1, n) if j < k else np.array([-n, n]) if j == k
                else np.arange(-n, n + 1)
                for j in range(self.d)
            ]  # fmt: skip
            grids = np.meshgrid(*ranges, indexing="ij")
            faces.append(np.stack([g.ravel() for g in grids], axis=1))
        idx = np.concatenate(faces)
        pos = np.zeros((idx.shape[0], 3))
        pos[:, : self.d] = idx * np.asarray(self.spacings)
        return pos


@dataclass(frozen=True)
class SumResult:
    value: float
    error: float  # estimated truncation error (the tail)
    shells: int
    convergence: str  # "absolute" | "conditional"
    note: str = ""


def decay_power(
    f: Callable[..., np.ndarray],
    d: int,
    radius: float,
    precise: Callable[..., object] | None = None,
) -> float:
    """p in |f| ~ r^(−p) at large r, from the envelope max |f| over directions at r and 2r.

    Returns inf when f falls faster than r^(−60) (exponential or Gaussian tails). Before
    that, the envelope is looked at out to 10⁴ r: a summand that is not finite there, or
    larger there than at r (exp(r − 1000) hides below r = 1000), does not fall off at all,
    and :class:`LatticeSumError` says so. ``precise`` (the same function for mpmath
    numbers) settles points where float64 overflows on the way (cosh/sinh of a large r).
    """
    dirs = _directions(d)

    def envelope(at: float) -> float:
        with np.errstate(all="ignore"):
            value = float(np.max(np.abs(np.asarray(f(*(dirs * at).T), dtype=float))))
        if math.isfinite(value) or precise is None:
            return value
        import mpmath

        with mpmath.workdps(30):
            try:
                worst = max(abs(mpmath.mpmathify(precise(*(mpmath.mpf(float(c)) for c in v))))
                            for v in dirs * at)  # fmt: skip
            except OverflowError:  # beyond even mpmath (a tower of exponentials)
                return math.inf
        return float(worst) if mpmath.isfinite(worst) else math.inf

    near, far = envelope(radius), envelope(2 * radius)
    for at in (radius * 10.0**k for k in range(0, 5)):
        value = envelope(at)
        if not math.isfinite(value):
            raise LatticeSumError(
                f"the summand is not finite at r = {at:.3g}: it does not fall off"
            )
        if at > radius and value > near:
            raise LatticeSumError(
                f"the summand grows at large r (|f| = {value:.3g} at r = {at:.3g} against "
                f"{near:.3g} at r = {radius:.3g}): the sum diverges"
            )
    if near == 0 or far == 0:
        return math.inf
    p = math.log2(near / far)
    return math.inf if p > 60 else p


def _directions(d: int) -> np.ndarray:
    """Unit vectors: the axes, face and body diagonals, and a few generic directions."""
    rng = np.random.default_rng(0)  # fixed: the same directions every run
    vecs = [np.eye(3)[i] for i in range(d)]
    generic = rng.normal(size=(16, 3))
    generic[:, d:] = 0
    vecs += list(generic)
    if d >= 2:
        vecs += [np.array([1, 1, 0]), np.array([1, -1, 0])]
    if d == 3:
        vecs += [np.array([1, 1, 1]), np.array([1, 1, -1])]
    out = np.array(vecs, dtype=float)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def lattice_sum(
    f: Callable[..., np.ndarray],
    lattice: Lattice,
    *,
    power: float | None = None,
    precise: Callable[..., object] | None = None,
    angular_mean_zero: bool = False,
    rtol: float = 1e-8,
    accept: float | None = None,
    what: str = "Σ_j f(r_j)",
) -> SumResult:
    """Σ_{j≠0} f(x_j, y_j, z_j) over ``lattice`` to relative accuracy ``rtol`` (see module).

    ``power`` is the decay exponent p of f (measured with :func:`decay_power` when None);
    ``angular_mean_zero`` says that the r^(−p) tail averages to zero over directions.
    A sum that has not reached ``rtol`` when the point budget runs out is refused, unless
    ``accept`` is given and its error is within that (relative): then it is returned with a
    note that states the error it reached.
    """
    d = lattice.d
    if power is None:
        try:
            power = decay_power(f, d, 200.0 * max(lattice.spacings), precise)
        except LatticeSumError as exc:
            raise LatticeSumError(f"{what}: {exc}") from None
    if power <= d + 1e-9:
        if angular_mean_zero and abs(power - d) < 1e-6:
            convergence = "conditional"
        else:
            raise LatticeSumError(
                f"{what} diverges: the summand falls like r^-{power:.3g}, not faster than "
                f"r^-{d} in d = {d}"
            )
    else:
        convergence = "absolute"
    partial: list[float] = []  # S_n, the sum over shells 1..n
    total, prev_abs, points, n = 0.0, None, 0, 0
    magnitude = 0.0  # Σ|f| over the sites summed: what float64 rounding is relative to
    while True:
        n += 1
        pos = lattice.shell(n)
        points += pos.shape[0]
        with np.errstate(all="ignore"):
            vals = np.asarray(f(*pos.T), dtype=float)
        if not np.all(np.isfinite(vals)):
            raise LatticeSumError(f"{what}: the summand is not finite at a lattice site")
        shell_abs = float(np.sum(np.abs(vals)))
        magnitude += shell_abs
        total += float(np.sum(vals))
        partial.append(total)
        value, tail = _estimate(partial, shell_abs, prev_abs, power, d, convergence)
        prev_abs = shell_abs
        # A sum whose terms cancel (by symmetry: dipoles along a body diagonal) is zero to the
        # rounding of its terms; no relative accuracy can be asked of it, and it is 0.
        conditional = ""
        if convergence == "conditional":
            conditional = (
                f"{what} converges only conditionally (r^-{power:g} tail in d = {d} that "
                "averages to zero): this is the cubic-shell value; another summation order "
                "gives another value"
            )
        vanishes = abs(value) <= _CANCELLED * magnitude and tail <= _CANCELLED * magnitude
        if vanishes and n >= 8:
            zero = f"{what} cancels to zero (to 1e-12 of Σ|terms|)"
            return SumResult(
                0.0, tail, n, convergence, "; ".join(filter(None, (conditional, zero)))
            )
        if tail <= rtol * abs(value) or (value == 0 and tail == 0):
            return SumResult(value, tail, n, convergence, conditional)
        if points > _MAX_POINTS:
            if accept is not None and tail <= accept * abs(value):
                # A slow but absolutely convergent tail (∂²Φ ~ r^-5 in 3D): the value is good
                # to its stated error, only not to rtol. Say so rather than refuse it.
                note = (
                    f"{what}: after {n} shells the estimate carries a relative error of "
                    f"{tail / abs(value):.2g}, above the asked {rtol:g}; that is its accuracy"
                )
                return SumResult(value, tail, n, convergence, note)
            raise LatticeSumError(
                f"{what} did not converge: after {n} shells the estimate {value:.12g} "
                f"still carries an error of about {tail:.3g}, above rtol = {rtol:g}"
            )


def _estimate(partial, shell_abs, prev_abs, power, d, convergence) -> tuple[float, float]:
    """The sum and its error from the partial sums S_1..S_n (see the module docstring)."""
    n, s_n = len(partial), partial[-1]
    if convergence == "conditional":
        # The shells cancel by symmetry; the spread of the last partial sums is the error.
        return s_n, (float(np.ptp(partial[-4:])) if n >= 4 else math.inf)
    if math.isinf(power):
        if shell_abs == 0 and prev_abs == 0:
            return s_n, 0.0  # two empty shells of a faster-than-any-power summand: done
        ratio = shell_abs / prev_abs if prev_abs else 1.0
        return s_n, (shell_abs * ratio / (1 - ratio) if ratio < 1 else math.inf)
    # S_n = S − c₁ (n + ½)^(−q) − c₂ (n + ½)^(−q−2) − …, q = p − d (the shells fill the
    # cube up to n + ½). Richardson between n and n/2 removes the c₁ tail (E1), a second
    # pass on E1 removes c₂ (E2); |E2 − E1|, what the second pass changed, bounds the error.
    q = power - d
    if n < 8:
        return s_n, shell_abs * n / q

    def richardson(k: int, values, exponent: float) -> float:
        m = k // 2
        wk, wm = (k + 0.5) ** exponent, (m + 0.5) ** exponent
        return (wk * values(k) - wm * values(m)) / (wk - wm)

    def e1(k: int) -> float:
        return richardson(k, lambda j: partial[j - 1], q)

    first = e1(n)
    value = richardson(n, e1, q + 2)
    return value, abs(value - first) + 1e-16 * abs(value) * n
