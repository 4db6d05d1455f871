"""Debye temperature, the Debye integral I_d(b), the Lindemann ratio r₀/a and the melting
temperature of section 4, vectorized float64.

Written by hand on generated tables: the algorithms (branch selection, the safeguarded
Newton solve) are here; every constant they use (the T_D factor of the derived (49), the
economized series of the integrand of (48), the dilogarithm fit, the branch switches, the
measured accuracy) is computed from the derivations by ``qcrystal codegen`` into
:mod:`qcrystal.numerics._phonon_tables`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _phonon_tables as tables
from ._kernels import as_result, blockwise, elementwise, finite_or_raise, horner, two_prod
from .validate import as_dimension, as_float, as_zone

__all__ = [
    "debye_integral",
    "debye_temperature",
    "lindemann_ratio",
    "lindemann_threshold",
    "melting_temperature",
]

_TD_FACTOR = np.array(tables.TD_FACTOR)
_ZERO_T_THRESHOLD = np.array(tables.ZERO_T_THRESHOLD)
_SMALL_B, _LI2 = tables.SMALL_B, tables.LI2
_SWITCH, _ASYMPTOTIC, _Z_CLAMP = tables.SWITCH, tables.ASYMPTOTIC, tables.Z_CLAMP
_ZETA2 = tables.ZETA2
# The melting root on the series side (R ≥ _R_SWITCH): 1/(bR) = 1 + w·g(w), w = 1/R².
_R_SWITCH, _SERIES = tables.MELTING_R_SWITCH, tables.MELTING_SERIES
# The tabulated start of the melting root, as arrays: pieces padded with leading zeros to
# one length, so that Horner's rule runs over every point at once.
_MELT_DEGREE = max(len(piece) for piece in tables.MELTING_TABLE)
_MELT_TABLE = np.array([(0.0,) * (_MELT_DEGREE - len(p)) + p for p in tables.MELTING_TABLE])
_MELT_LAST = len(_MELT_TABLE) - 1
# one contiguous row per power, so each Horner step gathers one coefficient per point
# (a gather of whole table rows runs ~5x slower)
_MELT_POWERS = np.ascontiguousarray(_MELT_TABLE.T)
_MELT_WIDTH = (tables.MELTING_T_HI - tables.MELTING_T_LO) / len(tables.MELTING_TABLE)
# d = 3: the criterion (48) reads I₃(b) < R = T_D/(C E_K) with C = 4d² = 36; the edge of
# localization at T = 0 is R = 1/2, i.e. T_D = (C/2) E_K.
_C3 = tables.LINDEMANN_FACTOR[3]
_HALF_C3, _TWICE_C3 = 0.5 * _C3, 2.0 * _C3

F = TypeVar("F", bound=Callable[..., object])


def _measured(fn: F) -> F:
    """Append the measured accuracy of ``fn`` (from the generated tables) to its docstring."""
    lines = "\n".join(f"    {line}" for line in tables.MEASURED[fn.__name__])
    doc = (fn.__doc__ or "").rstrip()
    gap = "\n" if doc.endswith("-----") else "\n\n"
    fn.__doc__ = doc + gap + lines + "\n    "
    return fn


@_measured
def debye_temperature(
    nu: ArrayLike, D: ArrayLike, m: ArrayLike, d: ArrayLike
) -> NDArray[np.float64]:
    """Debye temperature T_D = c₀ k_D.

    Derived from (46) and the Debye wave vector k_D: T_D = √(4π) √(νD/m) [(d/2)Γ(d/2)]^(1/d).
    The printed (49) lacks the square root over νD/m (see ``qcrystal verify --only 49``).

    Parameters
    ----------
    nu : array_like
        filling factor ν [dimensionless]; > 0.
    D : array_like
        dynamic parameter D of (44) [energy/length²]; >= 0.
    m : array_like
        atomic mass [mass]; > 0.
    d : array_like of int
        dimension, 1, 2 or 3.

    Returns
    -------
    ndarray
        T_D [energy].

    Notes
    -----
    """
    nu = as_float("nu", nu, "positive")
    D = as_float("D", D, "nonnegative")
    m = as_float("m", m, "positive")
    d = as_dimension("d", d)
    return elementwise(_debye_temperature, nu, D, m, d)


def _debye_temperature(nu, D, m, d):
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):  # inf/0 beyond float64
        value = _TD_FACTOR[d] * np.sqrt(nu * D / m)
    return finite_or_raise(value, "debye_temperature")  # 0·inf (D = 0, ν = inf) has no value


@_measured
def debye_integral(d: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """I_d(b) = ∫₀¹ x^(d−2) coth(b x) dx, the integral of the Lindemann criterion (48).

    b = T_D/(2T); ``b = inf`` is T = 0, where I_d = 1/(d − 1). For d = 1 the integral
    diverges for every b, for d = 2 for every finite b: the result is ``inf`` there.

    Parameters
    ----------
    d : array_like of int
        dimension, 1, 2 or 3.
    b : array_like
        T_D/(2T) [dimensionless]; > 0, inf allowed.

    Returns
    -------
    ndarray
        I_d(b) [dimensionless].

    Notes
    -----
    d = 3: below the switch (b < 1), 1/b + b f(b²) with f the economized Taylor series of
    the integrand; above it, 1/2 + log1p(−z)/b + (π²/6 − Li₂(z))/(2b²), z = e^(−2b), with
    Li₂(z)/z a fitted polynomial; from the asymptotic switch on (b ≥ 21), where z no longer
    counts, 1/2 + (π²/6)/(2b²). The switches are chosen by the generator at 50 digits.
    No branch cancels. Each point runs through its own branch only (a dask array chunk by
    chunk, the same way).

    """
    d = as_dimension("d", d)
    b = as_float("b", b, "positive")
    return as_result(blockwise(_debye_integral, d, b))


@_measured
def lindemann_ratio(
    T_D: ArrayLike, E_K: ArrayLike, T: ArrayLike, d: ArrayLike, *, zone: str = "debye"
) -> NDArray[np.float64]:
    """r₀/a in the Debye approximation, the quantity (47) bounds by 1/2.

    From r₀² of (42) over the Debye sphere: r₀²/a² = d² (E_K/T_D) I_d(T_D/2T).
    ``zone="exact"``: (42) with the spectrum (43) itself over the whole simple (hyper)cubic
    zone, r₀²/a² = (d κ E_K/(2T_D)) ⟨coth(β√s)/√s⟩, β = T_D/(κT), κ = k_D a,
    s = Σ sin²(k_α a/2) (see :mod:`qcrystal.numerics._cubic_zone`); within ~1e-14 of
    the quadrature it is fitted to, itself within ~1e-15 of mpmath.

    Parameters
    ----------
    T_D : array_like
        Debye temperature [energy]; > 0.
    E_K : array_like
        kinetic energy 1/(2ma²) of (50) [energy]; > 0.
    T : array_like
        temperature [energy]; >= 0 (T = 0 allowed).
    d : array_like of int
        dimension, 1, 2 or 3.
    zone : str
        "debye" (the paper's sphere, (48)) or "exact" (the whole zone of (43)).

    Returns
    -------
    ndarray
        r₀/a [dimensionless]; inf where the integral diverges (d = 1; d = 2 at T > 0).

    Notes
    -----
    """
    T_D = as_float("T_D", T_D, "positive")
    E_K = as_float("E_K", E_K, "positive")
    T = as_float("T", T, "nonnegative")
    d = as_dimension("d", d)
    body = _lindemann_ratio if as_zone(zone) == "debye" else _lindemann_ratio_exact
    return as_result(blockwise(_defined(body, "lindemann_ratio"), T_D, E_K, T, d))


def _defined(fn, name: str):
    """``fn``, raising a ValueError where its result has no value (NaN: inf/inf, 0·inf)."""

    def checked(*args):
        return finite_or_raise(fn(*args), name)

    return checked


@_measured
def melting_temperature(
    T_D: ArrayLike, E_K: ArrayLike, d: ArrayLike, *, zone: str = "debye"
) -> NDArray[np.float64]:
    """Temperature at which r₀/a reaches 1/2 (the Lindemann bound (47)), vectorized.

    Solves d² (E_K/T_D) I_d(T_D/2T) = 1/4 for T. For d = 3 the root in b = T_D/2T is
    bracketed by 1/R ≤ b ≤ 1/(R − 1/2), R = T_D/(4d²E_K), because 1/z ≤ coth z ≤ 1 + 1/z.
    From R = 1.1 up (T_D/E_K ≥ 39.6, b ≤ 1.008) a generated fit of 1/(bR) in 1/R² gives
    the root itself. Below it one Newton step in b finishes a start that is within 1e-10
    of the root: an asymptote of I₃ where one is that close, a generated table of ln b
    against ln(R − 1/2) between them (one evaluation of I₃ a point). No loop over points.
    Returns 0.0 where the localized state is unstable already at T = 0 (R ≤ 1/2, i.e.
    T_D/E_K ≤ 18 for d = 3), and for d = 1, 2, where I_d diverges at every T > 0.
    ``zone="exact"`` (see :func:`lindemann_ratio`): the thermal part of the zone average
    equals T_D/(2dκE_K) − ⟨s^(−1/2)⟩, solved by Newton in ln β; 0.0 where that is ≤ 0
    (T_D/E_K ≤ 21.30 for d = 3). Near that edge T_m inherits the rounding of the
    difference, ~ulp·(T_D/E_K)/(T_D/E_K − 21.30) relative.

    Parameters
    ----------
    T_D : array_like
        Debye temperature [energy]; > 0.
    E_K : array_like
        kinetic energy 1/(2ma²) of (50) [energy]; > 0.
    d : array_like of int
        dimension, 1, 2 or 3.
    zone : str
        "debye" (the paper's sphere, (48)) or "exact" (the whole zone of (43)).

    Returns
    -------
    ndarray
        melting temperature T_m [energy]; 0.0 where no localized state exists at T > 0.

    Notes
    -----
    """
    T_D = as_float("T_D", T_D, "positive")
    E_K = as_float("E_K", E_K, "positive")
    d = as_dimension("d", d)
    body = _melting_temperature if as_zone(zone) == "debye" else _melting_temperature_exact
    return as_result(blockwise(body, T_D, E_K, d))


@_measured
def lindemann_threshold(d: ArrayLike, *, zone: str = "debye") -> NDArray[np.float64]:
    """T_D/E_K above which a localized state is stable at T = 0, the bound of (51).

    From the derived criterion (48) at T → 0: T_D/E_K > 4d²/(d − 1), so 16 for d = 2 and
    18 for d = 3 ((52), (53)); ``inf`` for d = 1, where no T_D suffices.
    ``zone="exact"``: 2dκ⟨s^(−1/2)⟩ over the whole zone of (43), 18.23 for d = 2 and
    21.30 for d = 3.

    Parameters
    ----------
    d : array_like of int
        dimension, 1, 2 or 3.
    zone : str
        "debye" (the paper's sphere, (48)) or "exact" (the whole zone of (43)).

    Returns
    -------
    ndarray
        the threshold of T_D/E_K [dimensionless].

    Notes
    -----
    """
    d = as_dimension("d", d)
    if as_zone(zone) == "exact":
        return as_result(elementwise(_exact_threshold, d))
    return as_result(elementwise(_lindemann_threshold, d))


def _lindemann_threshold(d):
    return _ZERO_T_THRESHOLD[d]


def _zone():
    """The whole-zone numerics, imported on first use: they need scipy.special (~0.25 s of
    import), which the Debye-sphere path and the commands that use only it do not."""
    from . import _cubic_zone

    return _cubic_zone


def _exact_constants() -> tuple[np.ndarray, np.ndarray]:
    """κ_d = k_D a and ⟨s^(−1/2)⟩ by dimension (index d; inf where it diverges)."""
    kappa = np.array([np.nan, *(_zone().kappa(d) for d in (1, 2, 3))])
    inv_sqrt = np.array([np.nan, np.inf, *(_zone().inverse_sqrt_average(d) for d in (2, 3))])
    return kappa, inv_sqrt


def _exact_threshold(d):
    kappa, inv_sqrt = _exact_constants()
    return 2.0 * d * kappa[d] * inv_sqrt[d]


def _lindemann_ratio_exact(T_D, E_K, T, d):
    kappa, inv_sqrt = _exact_constants()
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        k = kappa[d]
        beta = T_D / (k * T)  # T = 0: inf
        hot = beta < 1e-200  # C = ⟨1/s⟩/β to all digits; β itself may have underflowed
        thermal = _zone().thermal_part(np.where(hot, 1.0, beta))
        average = np.where(
            d == 3, inv_sqrt[d] + thermal, np.where(beta == np.inf, inv_sqrt[d], np.inf)
        )
        # d·κ·F/2 under one root, E_K and T_D apart: nothing leaves float64 unless r₀/a does
        plain = np.sqrt(0.5 * d * k * average) * (np.sqrt(E_K) / np.sqrt(T_D))
        scorching = (
            k * np.sqrt(0.5 * d * _zone().inverse_average(3)) * (np.sqrt(E_K) * np.sqrt(T)) / T_D
        )
    return np.where(hot & (d == 3), scorching, plain)


def _melting_temperature_exact(T_D, E_K, d):
    kappa, inv_sqrt = _exact_constants()
    if np.ndim(d) == 0 and d != 3:  # d = 1, 2: r₀ is infinite at every T > 0
        return np.zeros(np.broadcast_shapes(np.shape(T_D), np.shape(E_K)))
    k = kappa[3]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        excess = T_D / (6.0 * k * E_K) - inv_sqrt[3]  # the thermal part C(β) must reach this
        solvable = excess > 0  # NaN (T_D = E_K = inf) has no localized state, as in (48)
        hot = excess > 1e200  # C = ⟨1/s⟩/β to all digits: T_m = T_D²/(12 W κ² E_K)
        beta = _zone().solve(np.where(solvable & ~hot, excess, 1.0))
        T_m = np.where(solvable, T_D / (k * beta), 0.0)
        if np.any(hot):  # from mantissas and exponents: inf only where T_m is beyond float64
            m_T, e_T = np.frexp(T_D)
            m_E, e_E = np.frexp(E_K)
            far = np.ldexp(
                m_T * m_T / (6.0 * k * k * _zone().inverse_average(3) * m_E), 2 * e_T - e_E
            )
            T_m = np.where(hot, far, T_m)
    if np.ndim(d):
        T_m = np.where(d == 3, T_m, 0.0)
    return T_m


def _debye_integral(d, b):
    if np.ndim(d) == 0:  # one dimension for every point: compute only what it needs
        if d == 3:
            return _i3(b)
        if d == 2:
            return np.where(np.isinf(b), 1.0, np.inf)
        return np.full_like(b, np.inf)
    i2 = np.where(np.isinf(b), 1.0, np.inf)
    return np.where(d == 3, _i3(b), np.where(d == 2, i2, np.inf))


def _lindemann_ratio(T_D, E_K, T, d):
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        b = T_D / (2.0 * T)  # T = 0 (or so small that b overflows) gives b = inf: T → 0
        integral = _debye_integral(d, b)
        squared = E_K / T_D * integral
    # The plain form where (E_K/T_D)·I lies in [1e-300, 1e300] and b is not near underflow
    # (NaN fails the test too). One reduction decides for a block that is wholly in range;
    # otherwise the test runs point by point, so no result depends on its neighbours
    # (a dask chunk and a NumPy block give the same bits).
    if squared.size == 0 or (
        np.min(squared) > 1e-300 and np.max(squared) < 1e300 and np.min(b) > 1e-300
    ):
        return d * np.sqrt(squared)
    plain = (squared > 1e-300) & (squared < 1e300) & (b > 1e-300)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        # Square roots first, so no intermediate leaves float64 unless the result does;
        # where b is tiny (T ≫ T_D), I₃ = 1/b to all digits and r₀/a = d √(2 E_K T)/T_D.
        careful = d * (np.sqrt(E_K) * np.sqrt(integral)) / np.sqrt(T_D)
        hot = d * (np.sqrt(2.0 * E_K) * np.sqrt(T)) / T_D
        return np.where(
            plain, d * np.sqrt(squared), np.where((b < 1e-150) & (d == 3), hot, careful)
        )


def _melting_temperature(T_D, E_K, d):
    # For d = 3 the bound is I₃(b) = R = T_D/(C E_K), C = 36, solved on the two sides of
    # R = _R_SWITCH: from it up (the series side, b ≤ 1.008) the generated fit gives the
    # root itself; below it (b > SWITCH) one Newton step finishes a tabulated start.
    if np.ndim(d) == 0 and d != 3:  # d = 1, 2: I_d diverges at every T > 0
        return np.zeros(np.broadcast_shapes(np.shape(T_D), np.shape(E_K)))
    # Everything is scaled by E_K's binary exponent first (exact), so that T_D/E_K is formed
    # once and the Dekker split of the Newton side cannot overflow.
    m_E, e_E = np.frexp(E_K)
    # The series side runs over the whole block, no gathering: the points of the Newton side
    # (R → 0 gives w = inf, E_K = inf gives NaN) get a value there too, which they replace.
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        T_s = np.ldexp(T_D, -e_E)  # (T_D/E_K)·m_E; inf where the ratio overflows
        R = T_s / (_C3 * m_E)
        T_m = _melting_series_side(T_D, T_s, m_E, e_E, R)
    newton = ~(R >= _R_SWITCH)  # NaN too (T_D = E_K = inf): it has no localized state
    if np.any(newton):
        index = np.flatnonzero(newton)
        T_m.reshape(-1)[index] = _melting_newton_side(
            *(_at(a, T_m.shape, index) for a in (T_D, T_s, m_E))
        )
    if np.ndim(d):
        T_m = np.where(d == 3, T_m, 0.0)
    return T_m


def _at(a, shape: tuple[int, ...], index):
    """``a`` broadcast to ``shape``, at the flat ``index``; a 0-d ``a`` as it is."""
    return a if np.ndim(a) == 0 else np.broadcast_to(a, shape).reshape(-1).take(index)


def _melting_series_side(T_D, T_s, m_E, e_E, R):
    """T_m = T_D/(2b) where the root lies on the series side (R ≥ _R_SWITCH), from the
    generated fit: (T_D R/2)(1 + w g(w)), w = 1/R², summed last, so that the rounding of the
    small |w g(w)| < 0.1 hardly counts.

    T_D R/2 is formed as T_D·T_s/(2C m_E): the rounded R enters only w g(w).
    """
    w = 1.0 / R
    w *= w
    correction = horner(w, _SERIES)
    correction *= w
    product = T_D * T_s  # T_D² m_E/E_K
    lead = product / (_TWICE_C3 * m_E)
    T_m = np.asarray(lead * correction)  # an array for 0-d arguments too: written into below
    T_m += lead
    if product.size and not np.max(product) < np.inf:
        # T_D·T_s overflowed (from T_m ≈ 2.5e306 up, or where T_D/E_K did): the same
        # product there from mantissas and exponents, which leaves float64 only if T_m does.
        index = np.flatnonzero(~(product < np.inf))
        m_T, e_T = np.frexp(_at(T_D, product.shape, index))
        big = m_T * m_T / (_TWICE_C3 * _at(m_E, product.shape, index))
        big = np.ldexp(big, 2 * e_T - _at(e_E, product.shape, index))
        # lead·(1 + w g(w)) as above; where lead itself is inf, inf (not inf − inf)
        fixed = big + big * _at(correction, T_m.shape, index)
        T_m.reshape(-1)[index] = np.where(np.isinf(big), big, fixed)
    return T_m


def _melting_newton_side(T_D, T_s, m_E):
    """T_m where the root lies beyond b = SWITCH (R < _R_SWITCH); 0.0 where R ≤ 1/2, where
    the localized state is unstable already at T = 0."""
    # Near the edge R → 1/2 the root b grows like (R − 1/2)^(−1/2), and a rounded R would
    # lose R/(R − 1/2) ulp in R − 1/2. So the excess X = R − 1/2 = (T_D − (C/2) E_K)/(C E_K)
    # is formed from (C/2) m_E = p + e exactly, and Newton works on I₃ − 1/2, which the
    # large-b branches give without cancellation.
    with np.errstate(invalid="ignore"):  # E_K = inf: m_E = inf, no localized state
        p, e = two_prod(m_E, _HALF_C3)
        X = ((T_s - p) - e) / (_C3 * m_E)
    solvable = X > 0
    # Every point runs the same steps; the others on a dummy X = 1/2 (inside the table).
    Xs = np.where(solvable, X, 0.5)
    b = _melting_start(Xs)
    # One Newton step in b: the start is within 1e-10, so the step leaves ~1e-20, and b
    # itself (not ln b) carries no more than its own rounding.
    excess, slope = _i3_excess_with_slope(b)
    b -= (excess - Xs) / slope
    # b > SWITCH: T_m < T_D/2 cannot overflow (it underflows with a T_D near 1e-308)
    with np.errstate(under="ignore"):
        return np.where(solvable, T_D / (2.0 * b), 0.0)


def _melting_start(X):
    """The root b of I₃(b) − 1/2 = X for the X of the Newton side (0 < X ≤ _R_SWITCH − 1/2,
    where the table ends), to within 1e-10: the asymptote √(ζ(2)/(2X)) where b ≥ ASYMPTOTIC
    (exact there), the generated table of ln b against ln X below."""
    t = np.log(X)
    # the table is evaluated at its own ends outside them (where the asymptote is taken):
    # a polynomial at s ≫ 1 would overflow
    inside = np.clip(t, tables.MELTING_T_LO, tables.MELTING_T_HI)
    # the piece: truncation of a nonnegative product (floor division of floats is ~20x
    # slower); a point on a piece's edge may fall to either side, where both fits hold
    k = np.minimum(((inside - tables.MELTING_T_LO) * (1 / _MELT_WIDTH)).astype(np.intp), _MELT_LAST)
    s = (inside - (tables.MELTING_T_LO + (k + 0.5) * _MELT_WIDTH)) / (0.5 * _MELT_WIDTH)
    ln_b = _MELT_POWERS[0].take(k) * s + _MELT_POWERS[1].take(k)
    for j in range(2, _MELT_DEGREE):
        ln_b *= s
        ln_b += _MELT_POWERS[j].take(k)
    large = np.sqrt(_ZETA2 / (2.0 * X))
    return np.where(t < tables.MELTING_T_LO, large, np.exp(ln_b))


def _i3(b):
    """I₃(b) for b > 0, inf included (I₃ = 1/2 there)."""
    return _i3_branches(b, slope=False)[0]


def _i3_excess_with_slope(b):
    """I₃(b) − 1/2 and dI₃/db for b ≥ SWITCH, from the same branches as :func:`_i3`."""
    return _i3_branches(b, slope=True)


def _i3_branches(b, slope: bool):
    """I₃(b); with ``slope``, I₃(b) − 1/2 and dI₃/db. Every point through its own branch.

    The slope is for the Newton side of the melting root, which lies beyond b = SWITCH
    (see :func:`_melting_newton_side`): the series branch has none, and a point below
    SWITCH is NaN there.
    """
    b = np.asarray(b, dtype=np.float64)
    flat = b.reshape(-1)
    # Gathering each branch's points by index and scattering the results back costs about
    # four passes; running both branches everywhere costs one whole branch more (~25
    # passes). Measured 1.6x faster over a block of log-uniform b.
    parts: list[tuple[NDArray[np.intp], Callable[[Any], tuple[Any, Any]]]] = [
        (
            np.flatnonzero((flat >= _SWITCH) & (flat < _ASYMPTOTIC)),
            functools.partial(_i3_large, slope=slope),
        ),
        (np.flatnonzero(flat >= _ASYMPTOTIC), functools.partial(_i3_asymptotic, slope=slope)),
    ]
    if not slope:
        parts.insert(0, (np.flatnonzero(flat < _SWITCH), _i3_small))
    # NaN where no branch claims a point (b = NaN, from inf/inf upstream): never garbage.
    value = np.full(flat.shape, np.nan)
    dvalue: Any = np.full(flat.shape, np.nan) if slope else None
    for index, branch in parts:
        if index.size == flat.size:  # one branch holds every point: no gathering
            value, dvalue = branch(flat)
        elif index.size:
            v, dv = branch(flat.take(index))
            value[index] = v
            if slope:
                dvalue[index] = dv
    value = value.reshape(b.shape)
    return value, (dvalue.reshape(b.shape) if slope else None)


def _i3_small(b):
    """The b < _SWITCH branch: 1/b + b f(b²) (and no slope)."""
    with np.errstate(over="ignore", divide="ignore"):
        inv = 1.0 / b  # inf below b ≈ 5.6e-309, where I₃ > 1/b overflows too
    value = b * horner(b * b, _SMALL_B)
    value += inv
    return value, None


def _i3_asymptotic(b, slope: bool):
    """The b ≥ _ASYMPTOTIC branch, inf included: 1/2 + (π²/6)/(2b²) and its slope."""
    inv = 1.0 / b
    value = inv * inv
    value *= 0.5 * _ZETA2
    if slope:
        return value, -_ZETA2 * inv * inv * inv
    value += 0.5
    return value, None


def _i3_large(b, slope: bool):
    """The b ≥ _SWITCH branch, inf included (1/b = 0 there and I₃ = 1/2 exactly).

    Used for _SWITCH ≤ b < _ASYMPTOTIC.
    """
    inv = 1.0 / b
    # z below e^(−2·_Z_CLAMP) changes no digit of I₃ (≥ 1/2); clamping spares exp its slow
    # underflow path.
    z = np.exp(-2.0 * np.minimum(b, _Z_CLAMP))
    log_term = np.log1p(-z)
    rest = _ZETA2 - z * horner(z, _LI2)
    value = rest * inv  # 1/2 + (log1p(−z) + rest/(2b))/b, in place
    value *= 0.5
    value += log_term
    value *= inv
    if not slope:
        value += 0.5
        return value, None
    # d/db: log1p(−z) → 2z/(1 − z), Li₂(z) → 2 log1p(−z), with z = e^(−2b).
    dvalue = 2.0 * z / (1.0 - z) * inv
    dvalue -= 2.0 * log_term * inv * inv
    dvalue -= rest * inv * inv * inv
    return value, dvalue
