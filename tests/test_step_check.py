"""The step checker: equivalent rewritings pass, near misses fail with a point, hostile
text is refused without being evaluated. Exit codes 0 / 1 / 2 through the CLI."""

import pytest

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


def test_inequality_steps_say_so():
    result = qcrystal.check_step("48", 5, "x")
    assert result.answer == "cannot decide" and "inequality" in result.detail


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
