"""The accuracy the generated docstrings state, re-measured on this machine.

`qcrystal codegen --measure` records the worst error of every generated function on fixed
grids (codegen/measured.json) and the generator writes those figures into the docstrings.
Here each grid is measured again against its mpmath reference: the figure must stay
within the 1e-14 budget (45 ulp) and within MACHINE_SLACK_ULP of the record (NumPy's SIMD
exp, log and sqrt loops may round differently on another CPU); a larger gap means the
record no longer describes the code and must be re-measured.
"""

import numpy as np
import pytest

import qcrystal
from qcrystal.codegen import measure, registry
from qcrystal.numerics import lattice, phonons

BUDGET_ULP = 1e-14 / measure.ULP  # ≈ 45 ulp, the reference tests' relative budget
RECORD = measure.load_record()
REGIONS = [(f.name, r) for f in registry.FUNCTIONS for r in f.regions]


@pytest.mark.parametrize("index", range(len(REGIONS)), ids=[name for name, _ in REGIONS])
def test_region_matches_its_record(index):
    name, region = REGIONS[index]
    recorded = RECORD["regions"][index]
    assert (recorded["function"], recorded["region"]) == (name, region.label), (
        "codegen/measured.json lists other grids than the registry: "
        "run `qcrystal codegen --measure`"
    )
    measured = measure.worst_ulp(*measure.run_region(name, region.runner, region.params))
    print(f"{name}: {measured:.2f} ulp measured, {recorded['worst_ulp']:.1f} recorded"
          f" ({region.label})")  # fmt: skip
    assert measured <= BUDGET_ULP
    assert abs(measured - recorded["worst_ulp"]) <= measure.MACHINE_SLACK_ULP, (
        f"{name} now measures {measured:.2f} ulp but its docstring says "
        f"{recorded['worst_ulp']:.1f}: run `qcrystal codegen --measure`"
    )


def test_every_numeric_function_has_a_record_and_states_it():
    public = sorted({*lattice.__all__, *phonons.__all__})
    assert sorted({name for name, _ in REGIONS}) == public == sorted(qcrystal.numerics.__all__)
    for name in public:
        doc = getattr(qcrystal, name).__doc__
        lines = [line.strip() for line in doc.splitlines()]
        for line in measure.docstring_lines(name):
            assert line.strip() in lines, f"{name}'s docstring lacks {line!r}"


def test_readme_shows_the_recorded_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert measure.table() in readme


def test_worst_ulp_catches_a_function_that_is_off():
    """Negative control: a relative error of 1e-13 reads as ~450 ulp, above the budget."""
    ref = np.logspace(-5, 5, 11)
    assert measure.worst_ulp(ref * (1 + 1e-13), ref, ref) > BUDGET_ULP
    assert measure.worst_ulp(ref, ref, ref) == 0.0
    # An exact zero must be met exactly.
    assert measure.worst_ulp(np.array([1e-300]), np.array([0.0]), np.array([0.0])) == np.inf


def test_quasi_random_points_are_fixed_and_spread():
    q = measure._quasi(200, 13)
    assert q.shape == (200, 13) and q.min() >= 0 and q.max() < 1
    # Low discrepancy: every tenth of every axis holds some points.
    for axis in q.T:
        assert np.all(np.histogram(axis, bins=10, range=(0, 1))[0] >= 10)
    np.testing.assert_array_equal(q, measure._quasi(200, 13))
