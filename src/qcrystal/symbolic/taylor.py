"""Taylor polynomials at a regular point, by differentiation.

``sp.series(f, x, 0, n).removeO()`` runs SymPy's general series machinery (leading terms,
Order objects) even when f is analytic at the point; for the smooth functions derivations
expand (a potential about its minimum, a spectrum at long waves) the Taylor coefficients
f⁽ᵏ⁾(0)/k! are a few derivatives away, and the polynomial is the same expression.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["taylor_polynomial"]


def taylor_polynomial(expr: sp.Expr, var: sp.Symbol, order: int) -> sp.Expr:
    """Σ_{k < order} f⁽ᵏ⁾(0)/k! varᵏ: what ``series(expr, var, 0, order).removeO()`` gives.

    Raises ``ValueError`` when a derivative does not have a finite value at 0 (a pole or
    a branch point: there the general ``series`` is needed).
    """
    terms, derivative = [], sp.sympify(expr)
    for k in range(order):
        if k:
            derivative = sp.diff(derivative, var)
        value = derivative.subs(var, 0)
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise ValueError(f"{expr} is not regular at {var} = 0")
        terms.append(value / sp.factorial(k) * var**k)
    return sp.Add(*terms)
