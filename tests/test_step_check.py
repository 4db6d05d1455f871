"""The step checker: equivalent rewritings pass, near misses fail with a point, hostile
text is refused without being evaluated. Exit codes 0 / 1 / 2 through the CLI."""

import time

import mpmath
import pytest
import sympy as sp

import qcrystal
from qcrystal.models import parser as safe_expr
from qcrystal.teaching.step_check import EQUIVALENT, NOT_EQUIVALENT


@pytest.mark.parametrize(
    ("eq_id", "step", "text"),
    [
        ("38", 7, "sqrt(omega**2 + Omega**2)"),
        ("38", 7, "(Omega**2 + omega**2)**(1/2)"),
        ("38", 7, "epsilon = sqrt(omega*omega + Omega*Omega)"),
        ("38", 6, "(omega_1**2 + Omega_1**2 - epsilon_1**2)/(4*epsilon_1) = 0"),
        ("34", 2, "2*sqrt(E_R*U)"),
        # the same equation rearranged, multiplied through by 4ε₁ > 0, or squared (ε > 0)
        ("38", 6, "Omega_1**2 + omega_1**2 = epsilon_1**2"),
        ("38", 6, "0 = epsilon_1 - (Omega_1**2 + omega_1**2)/epsilon_1"),
        ("38", 7, "epsilon**2 = Omega**2 + omega**2"),
        ("38", 7, "sqrt(Omega**2 + omega**2) = epsilon"),
        # the Greek letters `derive` prints
        ("38", 7, "sqrt(ω**2 + Ω**2)"),
        ("38", 6, "Ω_1**2 + ω_1**2 = ε_1**2"),
    ],
)
def test_equivalent_rewritings_are_accepted(eq_id, step, text):
    result = qcrystal.check_step(eq_id, step, text)
    assert result.answer == EQUIVALENT, result.detail


@pytest.mark.parametrize(
    ("text", "diagnosis"),
    [
        ("2*sqrt(omega**2 + Omega**2)", "constant factor"),
        ("-sqrt(omega**2 + Omega**2)", "sign"),
        ("omega**2 + Omega**2", "missing square root"),
        ("omega + Omega", "yours/derived"),
    ],
)
def test_near_misses_are_caught_with_a_counterexample(text, diagnosis):
    result = qcrystal.check_step("38", 7, text)
    assert result.answer == NOT_EQUIVALENT
    assert diagnosis in result.detail
    assert result.point["point"] and result.point["printed"] != result.point["derived"]


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('ls')", "omega.__class__", "open('f')", "lambda: omega", "x + 1"],
)
def test_hostile_input_is_refused(text, nothing_is_evaluated):
    with pytest.raises(safe_expr.ExpressionError):
        qcrystal.check_step("38", 7, text)


def test_bad_step_numbers_and_ids():
    with pytest.raises(ValueError, match="steps 1 to 7"):
        qcrystal.check_step("38", 8, "omega")
    with pytest.raises(ValueError, match="has no derivation"):
        qcrystal.check_step("37", 1, "nu")


def test_derivation_renders_for_jupyter():
    dv = qcrystal.derivation("38")
    assert "sqrt" in dv._repr_latex_() and len(dv.steps) == 7
    # LaTeX for LaTeX consumers, Markdown for the notebook front ends: no Markdown in LaTeX.
    assert dv._repr_latex_().startswith(r"\textbf{(38)") and "**" not in dv._repr_latex_()
    assert r"\begin{enumerate}" in dv._repr_latex_()
    assert dv._repr_markdown_().startswith("**(38)")


@pytest.mark.parametrize(
    ("text", "code"),
    [("sqrt(omega**2 + Omega**2)", 0), ("2*sqrt(omega**2 + Omega**2)", 1), ("os.system", 2)],
)
def test_cli_exit_codes(text, code, qc):
    for step in ("7", "solve_for_epsilon"):  # by number and by name
        out = qc("check-step", "38", step, text)
        assert out.returncode == code, out.stdout + out.stderr


@pytest.mark.parametrize(
    "text",
    [
        "sqrt(Omega**2 + omega**2) + 10**(-40)",  # below the 30-digit probe
        "sqrt(Omega**2 + omega**2)*(1 + 10**(-31))",
        "sqrt(Omega**2 + omega**2) + abs(omega - 7) + (omega - 7)",  # differs only for ω > 7
        "((Omega + omega + 1)**8 + 1)**8",  # would take SymPy minutes to expand
    ],
)
def test_wrong_answers_the_narrow_probe_missed_are_caught(text):
    result = qcrystal.check_step("38", 7, text)
    assert result.answer == NOT_EQUIVALENT and result.point


def test_decimals_mean_what_they_spell():
    assert qcrystal.check_step("38", 7, "(Omega**2 + omega**2)**0.5").answer == EQUIVALENT


def test_a_condition_step_needs_the_whole_equation():
    with pytest.raises(safe_expr.ExpressionError, match="write the whole equation"):
        qcrystal.check_step("38", 6, "0")


@pytest.mark.parametrize(
    "text",
    [
        "T_D/E_K > 4*d**2/(d-1)",  # the paper's (51) as printed
        "E_K/T_D < (d-1)/(4*d**2)",  # flipped and inverted (both sides positive)
        "(d - 1)*T_D > 4*d**2*E_K",  # multiplied through by a positive factor
        "T_D**2/E_K**2 > 16*d**4/(d-1)**2",  # squared, both sides positive
        "4*d**2/(d-1) < T_D/E_K",  # the sides swapped with the direction
    ],
)
def test_inequality_steps_are_checked_as_inequalities(text):
    result = qcrystal.check_step("51", "threshold", text)
    assert result.answer == "equivalent", result.detail


def test_a_wrong_inequality_gets_a_point_where_one_holds_and_the_other_not():
    # 4d instead of 4d²: at d = 3 the two bounds are 6 and 18, so T_D/E_K = 10 tells them
    # apart; the checker must find some such point and say which side holds there
    result = qcrystal.check_step("51", "threshold", "T_D/E_K > 4*d/(d-1)")
    assert result.answer == "not equivalent"
    assert result.point["yours"] is True and result.point["derived"] is False
    values = dict(kv.split("=") for kv in result.point["point"].split(", "))
    d, ratio = float(values["d"]), float(values["T_D"]) / float(values["E_K"])
    assert 4 * d / (d - 1) < ratio <= 4 * d**2 / (d - 1)  # the point is a real counterexample
    reversed_ = qcrystal.check_step("51", "threshold", "T_D/E_K < 4*d**2/(d-1)")
    assert reversed_.answer == "not equivalent"
    # ≥ for > differs on the boundary only, and the answer says so
    weak = qcrystal.check_step("51", "threshold", "T_D/E_K >= 4*d**2/(d-1)")
    assert weak.answer == "not equivalent" and "boundary" in weak.detail
    with pytest.raises(safe_expr.ExpressionError, match="write yours with <, >"):
        qcrystal.check_step("51", "threshold", "T_D/E_K")
    with pytest.raises(safe_expr.ExpressionError, match="one comparison only"):
        qcrystal.check_step("51", "threshold", "0 < T_D/E_K < 4*d**2/(d-1)")


@pytest.mark.parametrize("gamma", ["gamma", "Gamma", "Γ"])
def test_gamma_function_and_subscript_spellings(gamma):
    good = f"T_D = 2*sqrt(pi*D*nu/m)*{gamma}(d/2 + 1)**(1/d)"
    assert qcrystal.check_step("49", 2, good).answer == "equivalent"
    wrong = qcrystal.check_step("49", 2, f"T_D = 2*sqrt(pi*D*nu/m)*{gamma}(d/2)**(1/d)")
    assert wrong.answer == "not equivalent"
    for c0 in ("c0", "c₀", "c_0"):
        assert qcrystal.check_step("46", 1, f"{c0} = a*sqrt(D*nu/m)").answer == "equivalent"
    with pytest.raises(safe_expr.ExpressionError, match=r"allowed: .*c0.*c_0"):
        qcrystal.check_step("46", 1, "c0 = a*sqrt(D*nu/m) + k0")


@pytest.mark.parametrize(
    ("step", "text"),
    [
        (6, "Omega_1**2 + omega_1**2 = 2*epsilon_1**2"),  # a factor 2 on one side
        (6, "Omega_1**2 - omega_1**2 = epsilon_1**2"),  # a sign
        (7, "epsilon**2 = Omega**2 - omega**2"),
        (7, "epsilon = Omega**2 + omega**2"),  # the square root dropped, not squared
    ],
)
def test_wrong_equations_stay_wrong_however_arranged(step, text):
    assert qcrystal.check_step("38", step, text).answer == NOT_EQUIVALENT


def test_an_unknown_name_after_greek_letters_is_shown_as_typed():
    with pytest.raises(safe_expr.ExpressionError) as err:
        qcrystal.check_step("38", 7, "sqrt(ω**2 + Ω**2 + x)")
    assert "unknown name 'x'" in str(err.value) and ":20:" in str(err.value)
    with pytest.raises(safe_expr.ExpressionError, match="unknown name 'ψ'"):
        qcrystal.check_step("38", 7, "sqrt(ψ**2)")


# --------------------------------------------------------------------------- hostile review

B = "sqrt(omega**2 + Omega**2)"


def _point(where: str) -> dict[str, mpmath.mpf]:
    """The point a detail names ("Omega=0.00017, omega=88.2") as numbers."""
    pairs = (item.split("=") for item in where.split(", "))
    return {name: mpmath.mpf(number) for name, number in pairs}


def _number(shown: str) -> mpmath.mpf:
    return mpmath.mpf(shown.split(" (")[0])


@pytest.mark.parametrize(
    ("text", "perturbation"),
    [
        # each is below 10^-40 of the answer wherever every symbol is in [1e-3, 1e3]
        (f"{B} + erfc(1e4*Omega)", lambda w, W: mpmath.erfc(10**4 * W)),
        (f"{B} + 1 - erf(1e4*omega)", lambda w, W: mpmath.erfc(10**4 * w)),
        (f"{B}*erf(1e4*omega)", lambda w, W: -mpmath.erfc(10**4 * w) * mpmath.hypot(w, W)),
        (f"{B} + exp(-1e6*omega)", lambda w, W: mpmath.exp(-(10**6) * w)),
        (f"{B} + 1 - tanh(1e5*omega)", lambda w, W: 1 - mpmath.tanh(10**5 * w)),
        (f"{B} + erfc(1e4*Omega)*erfc(1e4*omega)",
         lambda w, W: mpmath.erfc(10**4 * W) * mpmath.erfc(10**4 * w)),
    ],
)  # fmt: skip
def test_perturbations_far_from_the_unit_decades_are_caught(text, perturbation):
    result = qcrystal.check_step("38", 7, text)
    assert result.answer == NOT_EQUIVALENT, result.detail
    # the values shown differ by the perturbation at the point shown (6 digits of it)
    with mpmath.workdps(30):
        at = _point(result.point["point"])
        shown = _number(result.point["printed"]) - _number(result.point["derived"])
        expected = perturbation(at["omega"], at["Omega"])
        assert abs(shown - expected) <= 1e-3 * abs(expected)


def test_a_perturbation_only_large_symbols_show_is_caught_where_they_are_large():
    result = qcrystal.check_step("38", 7, f"{B} + exp(omega - 1e4)")
    assert result.answer == NOT_EQUIVALENT
    # exp(ω − 10⁴) is below 10^-40 of the answer for every ω below 9900
    assert _point(result.point["point"])["omega"] > 9900


@pytest.mark.parametrize(
    "text",
    [
        f"{B} + erfc(1e20*omega)",  # < 1e-10**20 at every point: no 60-digit value shows it
        f"{B} + exp(-1e8*(omega - Omega)**2)",
    ],
)
def test_a_difference_sympy_cannot_reduce_is_proved_nonzero_at_a_point(text):
    result = qcrystal.check_step("38", 7, text)
    assert result.answer == NOT_EQUIVALENT, result.detail
    assert "difference" in result.point or result.point["printed"] != result.point["derived"]
    if "difference" in result.point:  # both perturbations are positive everywhere
        assert _number(result.point["difference"]) > 0


@pytest.mark.parametrize(
    "text",
    [
        # identities SymPy does not close, whose difference rounds to a tiny nonzero value
        f"{B} + erf(1e4*omega) + erfc(1e4*omega) - 1",
        f"{B} + atan(omega) + atan(1/omega) - pi/2",
        # values over 10^150000 at the wide points, equal all the same
        f"{B}*exp(omega)*exp(-omega)*exp(exp(omega))/exp(exp(omega))",
    ],
)
def test_equal_forms_sympy_cannot_close_still_pass(text):
    result = qcrystal.check_step("38", 7, text)
    assert result.answer == EQUIVALENT, result.detail


@pytest.mark.parametrize("perturbation", ["1e-12", "1e-20", "1e-25"])
def test_the_values_shown_differ_by_the_perturbation(perturbation):
    result = qcrystal.check_step("38", 7, f"{B} + {perturbation}")
    assert result.answer == NOT_EQUIVALENT
    with mpmath.workdps(60):
        shown = _number(result.point["printed"]) - _number(result.point["derived"])
        assert abs(shown - mpmath.mpf(perturbation)) < 1e-2 * mpmath.mpf(perturbation)
    assert f"yours = {result.point['printed']}" in result.detail


@pytest.mark.parametrize(
    ("text", "part", "why"),
    [
        (f"{B} + 0*log(-omega)", "log(-omega)", "logarithm of a negative number"),
        (f"{B} + 0*sqrt(-omega)", "sqrt(-omega)", "square root of a negative number"),
        (f"{B} + sqrt(-omega**2)", "sqrt(-omega**2)", "square root of a negative number"),
        (f"{B}*(omega-Omega)/(omega-Omega)", "omega-Omega", "is 0 where Omega = omega"),
        (f"{B} + (sin(omega)**2+cos(omega)**2-1)/(sin(omega)**2+cos(omega)**2-1)",
         "sin(omega)**2+cos(omega)**2-1", "identically 0"),
        (f"{B} + 0*log(sin(omega)**2 + cos(omega)**2 - 1)",
         "log(sin(omega)**2 + cos(omega)**2 - 1)", "logarithm of 0"),
        (f"{B} + 0*(omega - Omega)**(1/3)", "(omega - Omega)**(1/3)", "fractional power"),
        (f"{B} + 0*(omega - Omega)**omega", "(omega - Omega)**omega", "variable exponent"),
        (f"{B} + 0*(omega - 2*Omega)**(-2)", "omega - 2*Omega", "changes sign"),
        (f"{B} + 0*tan(omega)", "tan(omega)", "cos(omega) is 0 where omega = pi/2"),
        (f"{B} + 0*coth(omega - Omega)", "coth(omega - Omega)", "where omega - Omega = 0"),
        # the innermost part is named
        (f"{B} + 0*log(sqrt(-omega))", "sqrt(-omega)", "square root of a negative number"),
    ],
)  # fmt: skip
def test_parts_undefined_on_the_domain_are_refused(text, part, why):
    with pytest.raises(safe_expr.ExpressionError) as err:
        qcrystal.check_step("38", 7, text)
    assert err.value.token == part and why in str(err.value), str(err.value)
    assert text[err.value.column - 1 :].startswith(part)  # the column points at it
    assert "\n" not in str(err.value)


def test_an_undefined_right_side_of_an_equation_is_pointed_at():
    text = f"epsilon = {B}*(omega - Omega)/(omega - Omega)"
    with pytest.raises(safe_expr.ExpressionError, match="changes sign") as err:
        qcrystal.check_step("38", 7, text)
    assert text[err.value.column - 1 :].startswith("omega - Omega)")


@pytest.mark.parametrize(
    "text",
    [
        f"{B} + 0*log(omega)",
        f"{B}*(omega + Omega)/(omega + Omega)",  # a denominator that never vanishes
        f"{B}*omega**Omega/omega**Omega",
        f"{B} + 0*(omega - Omega)**2 + 0*abs(omega - Omega)**(1/2)",
        f"{B} + log(exp(-omega)) + omega",  # exp(−10⁸) is tiny, and still positive
        f"{B} + 0/(1 + (omega - Omega)**2)",
        "(omega**2 + Omega**2)**(1/2)",
    ],
)
def test_defined_look_alikes_are_not_refused(text):
    assert qcrystal.check_step("38", 7, text).answer == EQUIVALENT


def test_the_derived_steps_own_singularities_may_be_rewritten():
    # (54) step 3 is I_d = 2T/(T_D (d − 2)): undefined at d = 2 itself, so the same pole
    # written another way is not refused
    assert qcrystal.check_step("54", 3, "I_d = 4*T/(T_D*(2*d - 4))").answer == EQUIVALENT
    assert qcrystal.check_step("54", 3, "I_d = 2*T/(T_D*(d - 1))").answer == NOT_EQUIVALENT


def test_a_step_that_cannot_be_evaluated_is_undecided_not_a_crash():
    # (18) step 3 holds undefined functions (U_L, V_H): no point can be computed
    result = qcrystal.check_step("18", 3, "1")
    assert result.answer == "cannot decide" and "cannot be evaluated" in result.detail


def test_nested_exponentials_at_the_wide_points_stay_cheap():
    t0 = time.perf_counter()
    result = qcrystal.check_step("38", 7, f"{B} + exp(-exp(exp(omega)))")
    assert result.answer == NOT_EQUIVALENT
    assert time.perf_counter() - t0 < 10  # exp(exp(1e8)) would take hours


@pytest.mark.parametrize(
    ("expr", "x"),
    [
        ("sin(x)**2 + cos(x)**2 - 1", "0.7"),
        ("erf(x) + erfc(x) - 1", "3.5"),
        ("exp(-x)*cosh(x) - 1/2 - exp(-2*x)/2", "1e-8"),
        ("coth(x) - 1/tanh(x)", "-2.5"),
        ("atan(x) + atan(1/x)", "1e8"),
        ("(x**3 - 1)**(1/2)*log(x)*gamma(x)", "12.25"),
    ],
)
def test_enclosures_contain_the_value(expr, x):
    from qcrystal.teaching import _numbers

    sym = sp.Symbol("x", real=True)
    e = sp.sympify(expr, locals={"x": sym})  # test's own trusted text
    env = {sym: sp.Rational(x)}
    exact = _numbers.value(e, env, 200, allow_lambdify=False)
    box = _numbers.enclosure(e, env, 30)
    with mpmath.workdps(200):
        assert mpmath.mpf(box.a) <= exact <= mpmath.mpf(box.b)
        assert mpmath.mpf(box.b) - mpmath.mpf(box.a) < 1e-20 * max(1, abs(exact))


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("-omega", 1, "not equivalent"),
        ("-sqrt(omega**2 + Omega**2)", 1, "sign"),
        ("-(-sqrt(omega**2 + Omega**2))", 0, "equivalent"),
        ("-x", 2, "unknown name 'x'"),
    ],
)
def test_an_expression_may_start_with_a_minus(qc, text, code, needle):
    for args in (("38", "7", text), ("38", "7", text, "--json"), ("38", "7", "--", text)):
        out = qc("check-step", *args)
        assert out.returncode == code, (args, out.stdout, out.stderr)
        assert needle in out.stdout + out.stderr
    assert qc("check-step", "-h").returncode == 0  # the option itself still works


def test_undefined_input_through_the_cli_is_one_line_and_exit_2(qc):
    out = qc("check-step", "38", "7", f"{B} + 0*log(-omega)")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "'log(-omega)' is not real" in out.stderr
