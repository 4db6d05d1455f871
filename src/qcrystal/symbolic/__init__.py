"""The paper-independent framework: derivations of named steps, equation records,
computed verdicts with their diagnosis, dimensional analysis and time budgets.

Nothing here knows which paper it serves: a :class:`Paper` object brings the records,
the symbol dimensions, the unit system and the probe settings.
"""

from .budget import BudgetError, OutOfMemoryError, OutOfTimeError, isolated, within
from .dimensions import Dim, DimensionError, UnitSystem, check_relation, dimension
from .gaussian_integral import gaussian_integral, half_line_gaussian_integral
from .paper import Paper
from .record import Check, EquationRecord, Finding, judge
from .steps import Builder, Derivation, Step, to_latex, to_text
from .taylor import taylor_polynomial
from .verdict import Condition, Outcome, Probe, Verdict, compare, compare_relations, tidy

__all__ = [
    "BudgetError",
    "Builder",
    "Check",
    "Condition",
    "Derivation",
    "Dim",
    "DimensionError",
    "EquationRecord",
    "Finding",
    "OutOfMemoryError",
    "OutOfTimeError",
    "Outcome",
    "Paper",
    "Probe",
    "Step",
    "UnitSystem",
    "Verdict",
    "check_relation",
    "compare",
    "compare_relations",
    "dimension",
    "gaussian_integral",
    "half_line_gaussian_integral",
    "isolated",
    "judge",
    "taylor_polynomial",
    "tidy",
    "to_latex",
    "to_text",
    "within",
]
