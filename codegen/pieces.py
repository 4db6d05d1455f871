"""The SymPy pieces the generator prints, each taken from a derivation.

A generated function's expression is the *derived* result (never a printed form the
verify run found wrong). Where a stable form replaces it, the generator proves the stable
form equal to the derived one by the verdict machinery before any code is written.
:func:`phonon_tables` computes the constants of the hand-written Debye numerics.
"""

from __future__ import annotations

import functools

import mpmath
import sympy as sp
from sympy.codegen.cfunctions import expm1

from qcrystal.derivations import energy, phonons
from qcrystal.derivations.symbols import E_K, T_D, D, U, d, eps, k0, m, nu

__all__ = [
    "effective_frequency",
    "gaussian_hopping",
    "lattice_frequency",
    "phonon_tables",
    "r_sym",
    "sound_velocity",
    "symbol",
]

r_sym = sp.Symbol("r", real=True)
b_sym = sp.Symbol("b", positive=True)


def symbol(name: str) -> sp.Symbol:
    """The paper's symbol called ``name`` (as registry arguments name them)."""
    from qcrystal.derivations import symbols

    found = {"r": r_sym, "b": b_sym}.get(name)
    if found is not None:
        return found
    for value in vars(symbols).values():
        if isinstance(value, sp.Symbol) and value.name == name:
            return value
    raise KeyError(f"no symbol {name!r} in qcrystal.derivations.symbols")


def lattice_frequency() -> dict[str, sp.Expr]:
    return {"result": energy.derive_omega().result.rhs}


def effective_frequency() -> dict[str, sp.Expr]:
    return {"result": energy.derive_epsilon().result.rhs}


def sound_velocity() -> dict[str, sp.Expr]:
    return {"result": phonons.derive_sound().result.rhs}


def gaussian_hopping() -> dict[str, sp.Expr]:
    """Per-direction exponent and bracket of J = −exp(−Σ a_α) Σ b_α, site i at the origin."""
    general = energy.derive_hopping_general()
    overlaps_brackets = general.step("per_direction").expr
    xi1, xj1 = sp.Symbol("x_i1", real=True), sp.Symbol("x_j1", real=True)
    l1, e1, u1, k1 = (sp.Symbol(n, positive=True) for n in ("l_1", "epsilon_1", "U_1", "k0_1"))
    place = {xi1: 0, xj1: r_sym, l1: 1 / sp.sqrt(m * eps), e1: eps, u1: U, k1: k0}
    exponent = -sp.log(overlaps_brackets[0, 0].xreplace(place))
    bracket = overlaps_brackets[0, 1].xreplace(place)
    q = k0**2 / (m * eps)
    # 1 − cos(k₀r) e^(−q) cancels when both terms are near 1 (deep lattice, r near a site):
    # write it as −expm1(−q) + 2 e^(−q) sin²(k₀r/2).
    stable = eps * (2 - m * eps * r_sym**2) / 8 + U / 2 * (
        -expm1(-q) + 2 * sp.exp(-q) * sp.sin(k0 * r_sym / 2) ** 2
    )
    return {
        "exponent": sp.expand(sp.powsimp(exponent, force=True)),
        "bracket": bracket,
        "bracket_stable": stable,
    }


# gaussian_hopping sums its bracket again in long double where its terms cancel by more
# than this (Σ|t| > ratio·|Σt|); measured in codegen/measure.py (hopping_cancelling). The
# float64 error relative to J grows as about Σ|t|/(2|Σt|) ulp: 8 left a point at 7.5 with
# 3.9 ulp; 7 keeps the measured worst at 2.1 ulp for 6.7 % of the benchmark's points.
CANCELLATION_RATIO = 7.0
SWITCH = 1.0  # series below, closed form above; both measured in tests/test_phonons_numeric.py
TAYLOR_TERMS = 90  # of f(t) in I₃ = 1/b + b f(b²): (1/π²)^90 leaves nothing at 50 digits
# Chebyshev economization: the lowest degree whose fit error is below these bounds. f is
# about 0.11 and Li₂(z)/z about 1, so both bounds sit a decade under float64 rounding.
SMALL_B_TOL = 2e-18
LI2_TOL = 2e-17
# Above b = Z_CLAMP, z = e^(−2b) < 2e-35 is dropped against I₃ ≥ 1/2 (it would need 1e-17).
Z_CLAMP = 40.0
# From the smallest integer b where everything but 1/2 + ζ(2)/(2b²) adds up to less than
# this (≈ 1e-3 ulp of I₃ ≥ 1/2), the two-term asymptote replaces exp, log1p and Li₂.
ASYMPTOTIC_TOL = 1e-19
# The melting root b of I₃(b) = R, R = T_D/(C E_K), on two sides of MELTING_R_SWITCH, the
# largest two-decimal R at or below I₃(SWITCH):
# - from it up (b ≤ 1.008, the series side), 1/(bR) = 1 + w g(w) is a smooth function of
#   w = 1/R² (its Chebyshev coefficients fall ~20× a degree), so one fit of g over
#   [0, 1/MELTING_R_SWITCH²] gives the root itself, with no Newton step: an error below
#   MELTING_SERIES_TOL in g, times w ≤ 0.83, is a few hundredths of an ulp of T_m;
# - below it (b > SWITCH, only the dilogarithm branches of I₃), ln b tabulated against
#   t = ln X, X = R − 1/2, so that one Newton step in b finishes it. From b = ASYMPTOTIC up
#   the two-term asymptote is I₃ itself and b = √(ζ(2)/(2X)) is the root; in between,
#   MELTING_PIECES polynomials in equal pieces of t, each the lowest degree whose fit error
#   in ln b is below MELTING_TOL (a Newton step from there leaves ~1e-22, far below rounding).
MELTING_SERIES_TOL = 1e-17
MELTING_PIECES = 6
MELTING_TOL = 1e-11


def _f64(value: sp.Expr) -> str:
    return repr(float(sp.N(value, 30)))


def phonon_tables() -> dict[str, object]:
    """Numbers the hand-written phonon numerics need, each computed from a derivation."""
    td = phonons.derive_debye_temperature().result.rhs
    factor = sp.simplify(td / sp.sqrt(nu * D / m))
    if factor.free_symbols - {d}:
        raise RuntimeError(f"T_D is not √(νD/m) × f(d): {td}")
    # x coth(bx) = 1/b + Σ_n 2^(2n) B_2n b^(2n−1) x^(2n)/(2n)!; integrated over x ∈ [0, 1].
    coeffs = [
        sp.Integer(2) ** (2 * n) * sp.bernoulli(2 * n) / (sp.factorial(2 * n) * (2 * n + 1))
        for n in range(1, TAYLOR_TERMS + 1)
    ]
    # Prove the first coefficients against the derived integrand of (48) at d = 3.
    b, x = sp.Symbol("b", positive=True), phonons.xv
    integrand = phonons.debye_integral(3, b).function
    series = sp.expand(sp.series(integrand, b, 0, 8).removeO())
    check = sp.expand(sp.integrate(series, (x, 0, 1)))
    for n in range(1, 4):
        if check.coeff(b, 2 * n - 1) != coeffs[n - 1]:
            raise RuntimeError(f"series coefficient {n} of I_3 disagrees with the derivation")
    small_b, small_err = _chebyshev(lambda t: _taylor(coeffs, t), SWITCH**2, SMALL_B_TOL)
    with mpmath.workdps(50):
        z_max = mpmath.exp(-2 * mpmath.mpf(SWITCH))
    li2, li2_err = _chebyshev(
        lambda z: mpmath.polylog(2, z) / z if z else mpmath.mpf(1), z_max, LI2_TOL
    )
    asymptotic = _asymptotic_start()
    r_switch = _melting_r_switch(coeffs)
    threshold = phonons.derive_zero_temperature().result.rhs  # T_D/E_K > this at T = 0
    # (48) as derived: C(d) (E_K/T_D) I_d < 1; the factor C(d) = 4d² (the paper prints 12).
    criterion = phonons.derive_lindemann().result.lhs
    lindemann = sp.simplify(criterion * T_D / (E_K * phonons.debye_integral()))
    if lindemann.free_symbols - {d}:
        raise RuntimeError(f"(48) is not C(d) (E_K/T_D) I_d: {criterion}")
    return {
        "lindemann_factor": [_f64(lindemann.subs(d, k)) for k in (1, 2, 3)],
        "td_factor": [_f64(factor.subs(d, k)) for k in (1, 2, 3)],
        "zero_t_threshold": [_threshold(threshold, k) for k in (1, 2, 3)],
        "small_b": [repr(float(c)) for c in small_b],
        "small_b_error": f"{float(small_err):.1e}",
        "li2": [repr(float(c)) for c in li2],
        "li2_error": f"{float(li2_err):.1e}",
        "switch": SWITCH,
        "zeta2": _f64(sp.pi**2 / 6),
        "melting": _melting_table(asymptotic, r_switch),
        "melting_series": _melting_series(coeffs, r_switch),
        "z_clamp": Z_CLAMP,
        "asymptotic": asymptotic,
    }


def _i3_mp(b: mpmath.mpf) -> mpmath.mpf:
    """I₃(b) − 1/2 from the dilogarithm form of (48) at the working precision."""
    z = mpmath.exp(-2 * b)
    return mpmath.pi**2 / (12 * b * b) + mpmath.log1p(-z) / b - mpmath.polylog(2, z) / (2 * b * b)


def _i3_taylor(coeffs: list[sp.Rational], b: mpmath.mpf) -> mpmath.mpf:
    """I₃(b) = 1/b + b f(b²) from its Taylor series (convergent for b < π), at 50 digits."""
    with mpmath.workdps(50):
        return 1 / b + b * _taylor(coeffs, b * b)


def _melting_r_switch(coeffs: list[sp.Rational]) -> float:
    """MELTING_R_SWITCH: I₃(SWITCH) rounded down to two decimals, so that every root the
    Newton side solves (R below it) lies at b > SWITCH, on the dilogarithm branches."""
    with mpmath.workdps(50):
        return float(mpmath.floor(_i3_taylor(coeffs, mpmath.mpf(SWITCH)) * 100) / 100)


def _melting_series(coeffs: list[sp.Rational], r_switch: float) -> dict[str, object]:
    """The series side of the melting root (see MELTING_SERIES_TOL): g(w) with
    1/(bR) = 1 + w g(w), w = 1/R², where I₃(b) = R ≥ r_switch, fitted on [0, 1/r_switch²].

    Each value of g is mpmath's root of the Taylor series of I₃ (50 digits, from b = 1/R);
    1/(bR) − 1 ≈ −w/9 loses log10(1/w) ≤ 4 of those digits at the fit's nodes.
    """
    with mpmath.workdps(50):
        # chebyfit asks for every node once per coefficient: each root is found once
        @functools.cache
        def g(w: mpmath.mpf) -> mpmath.mpf:
            if not w:  # R = inf: 1/(bR) = 1 − w/9 + …, the first Taylor coefficient
                return -mpmath.mpf(coeffs[0].p) / coeffs[0].q
            R = 1 / mpmath.sqrt(w)
            root = mpmath.findroot(lambda b: _i3_taylor(coeffs, b) - R, 1 / R)
            return (1 / (root * R) - 1) / w

        fit, err = _chebyshev(g, 1 / mpmath.mpf(r_switch) ** 2, MELTING_SERIES_TOL)
        edge = mpmath.findroot(lambda b: _i3_taylor(coeffs, b) - r_switch, 1)
    return {
        "coeffs": [repr(float(c)) for c in fit],
        "error": f"{float(err):.1e}",
        "r_switch": repr(r_switch),
        "b_switch": f"{float(edge):.4f}",
    }


def _melting_root(t: mpmath.mpf) -> mpmath.mpf:
    """ln b with I₃(b) − 1/2 = e^t, bracketed by 1/R ≤ b ≤ 1/X (1/z ≤ coth z ≤ 1 + 1/z)."""
    X = mpmath.exp(t)
    lo, hi = 1 / (X + mpmath.mpf(1) / 2), 1 / X
    root = mpmath.findroot(lambda b: _i3_mp(b) - X, (lo, hi), solver="anderson")
    return mpmath.log(root)


_MELTING_NODES = 16  # Chebyshev nodes a piece: the coefficients past degree 12 are < 1e-13


def _melting_table(asymptotic: float, r_switch: float) -> dict[str, object]:
    """The pieces of the tabulated start of the melting root (see MELTING_PIECES), from
    b = ``asymptotic`` down to the root at R = ``r_switch``.

    On each piece the root is found at 16 Chebyshev nodes (30 digits); the Chebyshev
    series through them is cut where the rest falls below MELTING_TOL and written in
    powers of s ∈ [−1, 1], highest first, for Horner's rule.
    """
    with mpmath.workdps(30):
        t_lo = mpmath.log(_i3_mp(mpmath.mpf(asymptotic)))
        t_hi = mpmath.log(mpmath.mpf(r_switch) - mpmath.mpf(1) / 2)  # X = R − 1/2 there
        # round outwards to two decimals: the table covers a little more than it must
        t_lo = mpmath.floor(t_lo * 100) / 100
        t_hi = mpmath.ceil(t_hi * 100) / 100
        width = (t_hi - t_lo) / MELTING_PIECES
        n = _MELTING_NODES
        nodes = [mpmath.cos(mpmath.pi * (j + mpmath.mpf(1) / 2) / n) for j in range(n)]
        pieces, worst = [], mpmath.mpf(0)
        for k in range(MELTING_PIECES):
            centre = t_lo + (k + mpmath.mpf(1) / 2) * width
            values = [_melting_root(centre + s * width / 2) for s in nodes]
            cheb = [
                (2 - (i == 0)) / mpmath.mpf(n)
                * mpmath.fsum(v * mpmath.cos(mpmath.pi * i * (j + mpmath.mpf(1) / 2) / n)
                              for j, v in enumerate(values))
                for i in range(n)
            ]  # fmt: skip
            keep = next(
                m for m in range(1, n + 1) if mpmath.fsum(abs(c) for c in cheb[m:]) < MELTING_TOL
            )
            worst = max(worst, mpmath.fsum(abs(c) for c in cheb[keep:]))
            power = mpmath.zeros(1, keep)  # Σ c_i T_i(s) in powers of s
            t_prev, t_cur = [mpmath.mpf(1)], [mpmath.mpf(0), mpmath.mpf(1)]
            for i in range(keep):
                basis = t_prev if i == 0 else t_cur
                if i >= 2:
                    nxt = [mpmath.mpf(0)] + [2 * c for c in t_cur]
                    for j, c in enumerate(t_prev):
                        nxt[j] -= c
                    t_prev, t_cur = t_cur, nxt
                    basis = t_cur
                for j, c in enumerate(basis):
                    power[j] += cheb[i] * c
            pieces.append([repr(float(power[j])) for j in reversed(range(keep))])
    if worst >= MELTING_TOL:
        raise RuntimeError(f"the melting table misses its tolerance ({worst} ≥ {MELTING_TOL})")
    return {
        "t_lo": repr(float(t_lo)),
        "t_hi": repr(float(t_hi)),
        "pieces": pieces,
        "error": f"{float(worst):.1e}",
    }


def _threshold(expr: sp.Expr, dim: int) -> str:
    """The T = 0 bound of (51) at d = dim as a float64 literal; inf where it has none."""
    value = sp.limit(expr, d, dim, "+") if dim == 1 else expr.subs(d, dim)
    return 'float("inf")' if value.is_infinite else _f64(value)


def _asymptotic_start() -> float:
    """The smallest integer b ≥ 2 where I₃(b) − 1/2 − ζ(2)/(2b²) is below ASYMPTOTIC_TOL.

    The remainder log1p(−z)/b − Li₂(z)/(2b²), z = e^(−2b), evaluated at 50 digits; both
    terms are negative and fall monotonically, so the first integer that passes bounds all
    larger b.
    """
    with mpmath.workdps(50):
        for b in range(2, 200):
            z = mpmath.exp(-2 * mpmath.mpf(b))
            rest = mpmath.log1p(-z) / b - mpmath.polylog(2, z) / (2 * b * b)
            if abs(rest) < ASYMPTOTIC_TOL:
                return float(b)
    raise RuntimeError("no asymptotic switch below b = 200")


def _taylor(coeffs: list[sp.Rational], t: mpmath.mpf) -> mpmath.mpf:
    """Σ_n a_n t^(n−1) at 50 digits from the exact rational coefficients."""
    with mpmath.workdps(50):
        return mpmath.fsum(mpmath.mpf(c.p) / c.q * t**k for k, c in enumerate(coeffs))


def _chebyshev(fn, upper: mpmath.mpf, tol: float) -> tuple[list[mpmath.mpf], mpmath.mpf]:
    """The lowest-degree Chebyshev fit of ``fn`` on [0, upper] with error below ``tol``."""
    with mpmath.workdps(50):
        for n in range(4, 40):
            poly, err = mpmath.chebyfit(fn, [0, mpmath.mpf(upper)], n, error=True)
            if err < tol:
                return poly, err
    raise RuntimeError(f"no Chebyshev fit below {tol} on [0, {upper}]")
