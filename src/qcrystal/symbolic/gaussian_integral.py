"""Closed-form Gaussian integrals, over the real line and the half line, without SymPy's
general integrator.

:func:`gaussian_integral` evaluates ∫_ℝ Σ_k P_k(x) exp(−a_k x² + b_k x + c_k) dx for
polynomials P_k and Re a_k > 0; cos, sin, cosh and sinh of linear arguments are first
written through exponentials, so Fourier-type integrands (a Gaussian times cos(qx)) are
covered too. Each term is done by completing the square,

    ∫ xⁿ e^(−a x² + b x) dx = √(π/a) e^(b²/4a) E[(μ + σZ)ⁿ],  μ = b/2a, σ² = 1/2a,

with the moments E[Z^2k] = (2k − 1)!! of a standard normal Z. This is what ``sp.integrate``
returns for such integrands, but in milliseconds instead of the Meijer-G machinery's
fraction of a second per integral; the result is not simplified (callers decide how).

:func:`half_line_gaussian_integral` gives the radial moments ∫₀^∞ rˢ e^(−a r²) dr through
the Γ function, for a power s that may be symbolic (a dimension d).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["gaussian_integral", "half_line_gaussian_integral"]


# Written through exponentials before integrating: e^(±iqx), e^(±qx) complete the square.
_TRIGONOMETRIC = (sp.sin, sp.cos, sp.sinh, sp.cosh)


def gaussian_integral(integrand: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """∫_{−∞}^{∞} ``integrand`` d``var`` for a sum of polynomials times Gaussians.

    Raises ``ValueError`` when a term is not of that form or its quadratic coefficient
    is not provably of positive real part (the integral might diverge).
    """
    integrand = sp.sympify(integrand)
    if integrand.has(*_TRIGONOMETRIC):  # rewriting walks the whole tree: only when needed
        integrand = integrand.rewrite(_TRIGONOMETRIC, sp.exp)
    expanded = sp.expand(integrand, power_exp=False)  # exponentials kept whole: summed below
    total = sp.Integer(0)
    for term in sp.Add.make_args(expanded):
        if term != 0:  # a zero integrand has no Gaussian to find
            total += _term_integral(term, var)
    return total


def _term_integral(term: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """One term c · varⁿ · Π exp(…) of the expanded integrand."""
    constant, power, exponent = _parts(term, var)
    if not (power.is_Integer and power >= 0):
        raise ValueError(f"not a polynomial times a Gaussian in {var}: {term}")
    try:
        quadratic = sp.Poly(exponent, var)
    except sp.PolynomialError as exc:
        raise ValueError(f"exponent {exponent} is not a polynomial in {var}") from exc
    if quadratic.degree() != 2:
        raise ValueError(f"exponent {exponent} is not quadratic in {var}")
    minus_a, b, c = quadratic.all_coeffs()
    a = -minus_a
    if not (a.is_positive or sp.re(a).is_positive):  # re() only when needed: it is slow
        raise ValueError(f"cannot show Re({a}) > 0: the integral may diverge")
    moment = _moment(int(power), a, b)
    return constant * sp.exp(c + b**2 / (4 * a)) * sp.sqrt(sp.pi / a) * moment


def half_line_gaussian_integral(integrand: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """∫₀^∞ c varˢ exp(−a var²) dvar = c Γ((s + 1)/2) / (2 a^((s+1)/2)), s possibly symbolic.

    The radial moments of a Gaussian (the area of a unit sphere in d dimensions). The
    integral converges for Re s > −1 and Re a > 0; a symbolic s is taken to satisfy that
    (the caller's condition, as with ``integrate(..., conds="none")``). Raises
    ``ValueError`` for any other integrand.
    """
    constant, power, exponent = _parts(sp.sympify(integrand), var)
    a = -exponent / var**2
    if a.has(var) or not (a.is_positive or sp.re(a).is_positive):
        raise ValueError(f"exponent {exponent} is not −a {var}² with Re a > 0")
    half = (power + 1) / 2
    return constant * sp.gamma(half) / (2 * a**half)


def _parts(term: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """``term`` as constant · var^power · exp(exponent): the three parts (power and
    exponent as found, not yet checked), or ``ValueError`` for any other factor of var."""
    constant, power, exponent = sp.Integer(1), sp.Integer(0), sp.Integer(0)
    for factor in sp.Mul.make_args(term):
        if not factor.has(var):
            constant *= factor
        elif isinstance(factor, sp.exp):
            exponent += factor.args[0]
        elif factor == var:
            power += 1
        elif factor.is_Pow and factor.base == var and not factor.exp.has(var):
            power += factor.exp
        else:
            raise ValueError(f"not a power of {var} times a Gaussian: factor {factor}")
    return constant, power, exponent


def _moment(n: int, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """E[(μ + σZ)ⁿ] for μ = b/(2a), σ² = 1/(2a): the binomial sum over the even moments."""
    mu = b / (2 * a)
    return sp.Add(
        *(
            sp.binomial(n, 2 * k) * mu ** (n - 2 * k) * sp.factorial2(2 * k - 1) / (2 * a) ** k
            for k in range(n // 2 + 1)
        )
    )
