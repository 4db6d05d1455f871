"""Edge values through every public numeric function, on the NumPy and the dask path.

Every registered function gets every combination of ±0, the smallest subnormal, the
smallest normal, ordinary values, the largest float and inf (as its domain allows). The
two paths must agree point for point and bit for bit (the sign of a zero included), or
both refuse with a ValueError; no NaN may come back silently; and −0.0 must give what 0.0
gives. Bad types are refused by name.
"""

import functools
import itertools

import dask.array as da
import numpy as np
import pytest

import qcrystal
from qcrystal.codegen import registry

TINY, NORMAL, HUGE = 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308
EDGE = {
    "nonnegative": [0.0, -0.0, TINY, NORMAL, 1.0, HUGE, np.inf],
    "positive": [TINY, NORMAL, 1.0, 3.0, HUGE, np.inf],
    "real": [-HUGE, -1.0, -0.0, 0.0, TINY, 1.0, HUGE],
    "dimension": [1, 2, 3],
}


def _columns(f):
    combos = list(itertools.product(*(EDGE[a.domain] for a in f.args)))
    cols = [np.array([c[i] for c in combos]) for i in range(len(f.args))]
    if f.name == "gaussian_hopping":  # one direction: r, eps, U, k0 get the direction axis
        cols = [c[:, None] if a.name != "m" else c for c, a in zip(cols, f.args, strict=True)]
    return cols


def _evaluate(fn, cols):
    try:
        return fn(*cols), None
    except ValueError as exc:
        return None, exc


# every function with each of its options' choices (zone="exact" as well as "debye")
VARIANTS = [
    (f, {o.name: c for o, c in zip(f.options, combo, strict=True)})
    for f in registry.FUNCTIONS
    for combo in itertools.product(*(o.choices for o in f.options))
]


def _variant_id(v) -> str:
    f, options = v
    return f.name + "".join(f"[{k}={c}]" for k, c in options.items())


@pytest.mark.parametrize("variant", VARIANTS, ids=_variant_id)
def test_numpy_and_dask_agree_at_every_edge_value(variant):
    f, options = variant
    fn = functools.partial(getattr(qcrystal, f.name), **options)
    cols = _columns(f)
    got, np_error = _evaluate(fn, cols)
    lazy = [da.from_array(c, chunks=37) for c in cols]  # chunks unlike NumPy's blocks
    try:
        lazy_got, dask_error = np.asarray(fn(*lazy).compute()), None
    except ValueError as exc:
        lazy_got, dask_error = None, exc
    assert (np_error is None) == (dask_error is None), (np_error, dask_error)
    if np_error is not None:  # both refuse (each names the first bad point it met)
        return
    assert not np.isnan(got).any(), f"{f.name} returned NaN without saying why"
    assert got.tobytes() == lazy_got.tobytes(), f"{f.name}: the two paths differ"


@pytest.mark.parametrize("variant", VARIANTS, ids=_variant_id)
def test_a_negative_zero_is_zero(variant):
    f, options = variant
    fn = functools.partial(getattr(qcrystal, f.name), **options)
    cols = _columns(f)
    flipped = [np.where(c == 0, -0.0, c) if c.dtype.kind == "f" else c for c in cols]
    zeros = [np.where(c == 0, 0.0, c) if c.dtype.kind == "f" else c for c in cols]
    a, err_a = _evaluate(fn, flipped)
    b, err_b = _evaluate(fn, zeros)
    if f.name == "gaussian_hopping":  # r is real: J(−0) = J(+0) by symmetry, both defined
        pass
    assert (err_a is None) == (err_b is None)
    if err_a is None:
        assert a.tobytes() == b.tobytes(), f.name


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "got booleans"),
        ("5", "got text '5'"),
        (np.datetime64("2020-01-01"), "got dates"),
        (1 + 2j, "got complex numbers"),
        ([1.0, "x"], "got text"),
        (np.ma.masked_array([1.0, 2.0], [False, True]), "masked array"),
        (object(), "got objects"),
    ],
)
def test_what_is_not_a_real_number_is_refused_by_name(value, message):
    with pytest.raises(ValueError, match=message) as caught:
        qcrystal.lattice_frequency(value, 1.0)
    assert str(caught.value).startswith("U ")


def test_gaussian_hopping_takes_at_most_three_directions():
    with pytest.raises(ValueError, match=r"r, eps, U, k0: the last axis .* \(got 4\)"):
        qcrystal.gaussian_hopping([1.0, 0.0, 0.0, 0.0], 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="got no axis"):
        qcrystal.gaussian_hopping(1.0, 1.0, 1.0, 1.0, 1.0)


def test_the_cli_state_does_not_depend_on_the_sign_of_zero(qc):
    import json

    out = [json.loads(qc("state", "--omega", "0.01", "--E_K", "1", "--T_D", "15", "--T", t,
                         "--json").stdout) for t in ("-0", "0")]  # fmt: skip
    assert out[0]["state"] == out[1]["state"] == "delocalized_quantum_crystal"
    assert out[0]["lindemann_ratio"] == out[1]["lindemann_ratio"] > 0.5
