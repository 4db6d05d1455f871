"""The hand-written kernels behind the generated modules, and dask arrays through them.

References are mpmath at 50 digits. hypot and sqrt_product are allowed 2 ulp: each is a
handful of correctly rounded operations (a division, a square, a sum, a square root and a
product for hypot), so the bound is a few half-ulp roundings, not a fitted number.
"""

import dask.array as da
import mpmath as mp
import numpy as np
import pytest

import qcrystal
from qcrystal.numerics import _kernels

ULP = np.finfo(float).eps
EXTREMES = np.concatenate([[0.0, 5e-324, 1e-310], np.logspace(-300, 300, 41), [1.2e308]])


def _rel_ulp(got, ref):
    got, ref = np.asarray(got), np.asarray(ref)
    scale = np.where(ref == 0, 1.0, np.abs(ref))
    return float(np.max(np.abs(got - ref) / scale) / ULP)


def test_hypot_over_the_whole_float64_range():
    x, y = np.meshgrid(EXTREMES, EXTREMES)
    got = _kernels.hypot(x, y)
    with mp.workdps(50):
        ref = np.array(
            [
                float(mp.sqrt(mp.mpf(a) ** 2 + mp.mpf(b) ** 2))
                for a, b in zip(x.flat, y.flat, strict=True)
            ]
        ).reshape(x.shape)
    ulps = _rel_ulp(got, ref)
    print(f"hypot worst error {ulps:.2f} ulp")
    assert ulps <= 2.0


def test_sqrt_product_where_the_product_overflows_or_underflows():
    x, y = np.meshgrid(EXTREMES, EXTREMES)
    got = _kernels.sqrt_product(x, y)
    with mp.workdps(50):
        ref = np.array(
            [float(mp.sqrt(mp.mpf(a) * mp.mpf(b))) for a, b in zip(x.flat, y.flat, strict=True)]
        ).reshape(x.shape)
    ulps = _rel_ulp(got, ref)
    print(f"sqrt_product worst error {ulps:.2f} ulp")
    assert ulps <= 2.0


@pytest.mark.parametrize("kernel", ["hypot", "sqrt_product"])
def test_kernels_block_by_block_with_broadcasting_and_mixed_ranges(kernel, monkeypatch):
    # Blocks of 7 points: most blocks mix in-range points with ones that need the slow
    # form, and a column against a transposed row exercises broadcasting without copies.
    monkeypatch.setattr(_kernels, "BLOCK", 7)
    x = EXTREMES[:, None]
    y = np.asfortranarray(np.tile(EXTREMES[::-1], (3, 1))).T.reshape(1, -1)
    got = getattr(_kernels, kernel)(x, y)
    assert got.shape == (EXTREMES.size, 3 * EXTREMES.size)
    op = (lambda a, b: a * a + b * b) if kernel == "hypot" else (lambda a, b: a * b)
    xb, yb = np.broadcast_arrays(x, y)
    with mp.workdps(50):
        ref = np.array(
            [
                float(mp.sqrt(op(mp.mpf(a), mp.mpf(b))))
                for a, b in zip(xb.flat, yb.flat, strict=True)
            ]
        ).reshape(xb.shape)
    assert _rel_ulp(got, ref) <= 2.0


def test_infinities_give_the_limit_not_nan():
    assert _kernels.hypot(np.inf, np.inf) == np.inf
    assert _kernels.hypot(0.0, 0.0) == 0.0
    assert _kernels.sqrt_product(np.inf, 2.0) == np.inf


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 7)])
def test_blockwise_matches_one_call_across_block_edges(shape):
    rng = np.random.default_rng(7)
    b = np.exp(rng.uniform(-5, 5, shape))
    d = np.full(shape[-1:] if shape else (), 3)
    whole = qcrystal.debye_integral(d, b)
    # A block of 5 points puts block edges everywhere in these shapes.
    blocked = _kernels.blockwise(lambda dd, bb: qcrystal.debye_integral(dd, bb), d, b, block=5)
    assert blocked.shape == np.broadcast_shapes(np.shape(d), np.shape(b))
    np.testing.assert_array_equal(blocked, whole)


def _lazy(x, chunks=7):
    return da.from_array(np.asarray(x, dtype=float), chunks=chunks)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("lattice_frequency", (np.logspace(-3, 3, 20), 2.0)),
        ("effective_frequency", (np.logspace(-3, 3, 20), np.logspace(3, -3, 20))),
        ("debye_integral", (3, np.logspace(-6, 4, 20))),
        ("lindemann_ratio", (40.0, 1.0, np.logspace(-3, 3, 20), 3)),
        ("melting_temperature", (np.logspace(1.3, 6, 20), 1.0, 3)),
    ],
)
def test_dask_arrays_stay_lazy_and_agree_with_numpy(name, args):
    fn = getattr(qcrystal, name)
    lazy_args = [_lazy(a) if np.ndim(a) else a for a in args]
    out = fn(*lazy_args)
    assert isinstance(out, da.Array), f"{name} computed its dask input eagerly"
    np.testing.assert_allclose(out.compute(), fn(*args), rtol=4 * ULP, atol=0)


def test_dask_input_with_a_bad_value_is_still_refused():
    with pytest.raises(ValueError, match="b must be > 0"):
        qcrystal.debye_integral(3, _lazy([1.0, -2.0, 3.0]))


@pytest.mark.parametrize("kernel", ["hypot", "sqrt_product"])
def test_a_result_does_not_depend_on_its_neighbours(kernel):
    """One out-of-range point in a block must not switch the others to the slow form."""
    fn = getattr(_kernels, kernel)
    rng = np.random.default_rng(3)
    x, y = np.exp(rng.uniform(-5, 5, (2, 5000)))
    alone = fn(x, y)
    x2, y2 = x.copy(), y.copy()
    x2[17], y2[17] = 1e200, 1e200
    mixed = fn(x2, y2)
    keep = np.arange(x.size) != 17
    np.testing.assert_array_equal(mixed[keep], alone[keep])


def test_the_pieces_of_pi_add_up_to_pi_and_multiply_exactly():
    """Cody–Waite: k times the leading pieces must be exact, so they have few bits."""
    with mp.workdps(60):
        for pieces, lead_bits in ((_kernels._PI, 33), (_kernels._PI_LONG, 40)):
            assert len(pieces) == 3
            total = mp.fsum(mp.mpf(_ld_text(p)) for p in pieces)
            assert abs(total - mp.pi) < mp.mpf("1e-30")
            for p in pieces[: len(pieces) - 1]:
                mant, _ = mp.frexp(mp.mpf(_ld_text(p)))
                assert mp.ldexp(mant, lead_bits) == int(mp.ldexp(mant, lead_bits))


def _ld_text(value) -> str:
    """A float or long double as an exact decimal string (mpmath reads it exactly)."""
    return np.format_float_positional(value, unique=False, precision=120, trim="-")


@pytest.mark.parametrize("dtype", [np.float64, np.longdouble])
def test_sin_squared_against_mpmath_near_and_far_from_the_multiples_of_pi(dtype):
    """sin² of reduced arguments: 1 ulp (float64), and 11 bits better in long double,
    including next to kπ (where sin² is tiny) and beyond the reduction's range."""
    k = np.array([0, 1, 3, 10, 1000, 2**19, 2**21])
    near = np.concatenate([k * np.pi + d for d in (1e-9, -1e-5, 0.3, 1.2, -1.5)])
    theta = np.concatenate([near, np.linspace(-40, 40, 301), [1e-300, 0.0]]).astype(dtype)
    got = _kernels.sin_squared(theta)
    assert got.dtype == dtype
    eps = float(np.finfo(dtype).eps)
    with mp.workdps(50):
        ref = np.array([float(mp.sin(mp.mpf(_ld_text(t))) ** 2) for t in theta])
        worst = max(
            abs(mp.mpf(_ld_text(g)) - mp.sin(mp.mpf(_ld_text(t))) ** 2)
            / max(mp.sin(mp.mpf(_ld_text(t))) ** 2, mp.mpf(1e-300))
            for g, t in zip(got, theta, strict=True)
        )
    assert np.all(np.isfinite(got)) and np.all(got >= 0)
    # two roundings of sin (its own and the square) and the reduction: 2 ulp of the type
    assert float(worst) <= 2 * eps, f"{float(worst) / eps:.2f} ulp"
    assert _rel_ulp(np.asarray(got, float), ref) <= 2.0


def test_fast_exp_is_np_exp_bit_for_bit():
    """fast_exp only routes points around NumPy's slow path: the values are np.exp's."""
    x = np.concatenate([
        -np.logspace(-5, 6, 400), np.linspace(-750, -690, 601), [0.0, 3.0, -np.inf, 700.0],
        np.nextafter(-745.2, [-1.0, 1.0]), np.nextafter(-700.0, [-1.0, 1.0]),
    ])  # fmt: skip
    np.testing.assert_array_equal(_kernels.fast_exp(x), np.exp(x))
    np.testing.assert_array_equal(
        _kernels.fast_exp(x[:1000].reshape(-1, 2)), np.exp(x[:1000]).reshape(-1, 2)
    )
    assert _kernels.fast_exp(np.float64(-800.0)) == 0.0


def test_refined_sum_recovers_a_cancelling_sum_that_float64_loses():
    """Terms that cancel to 1/700 of their size: float64 loses ~8 bits of the sum, long
    double (11 more bits) keeps the float64 result within an ulp or two of it."""

    def terms(x, y, work):  # the signed protocol: (Σ of terms ≥ 0, Σ of terms ≤ 0)
        return np.exp(x), -np.exp(y)

    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (200, 1))  # one term pair a point: Σ|t|/|Σt| ≈ 2/|x − y| ≤ 700
    y = x + rng.choice([3e-3, -3e-3, 1e-2, 0.3], size=x.shape)
    with mp.workdps(50):
        ref = np.array(
            [
                float(mp.exp(mp.mpf(a)) - mp.exp(mp.mpf(b)))
                for a, b in zip(x[:, 0], y[:, 0], strict=True)
            ]
        )
    plain = _kernels.refined_sum(terms, x, y, ratio=np.inf)
    assert _rel_ulp(plain, ref) > 30  # the control: float64 alone loses digits here
    if not _kernels._LONG_DOUBLE_IS_WIDER:
        pytest.skip("long double is float64 here: nothing to refine with")
    everywhere = _kernels.refined_sum(terms, x, y, ratio=1.0)
    assert _rel_ulp(everywhere, ref) <= 1.0  # the long double sum, rounded once
    # with a ratio, exactly the points that cancel by more than it are refined
    cancels = (np.exp(x) + np.exp(y))[:, 0] > 8.0 * np.abs(np.exp(x) - np.exp(y))[:, 0]
    some = _kernels.refined_sum(terms, x, y, ratio=8.0)
    np.testing.assert_array_equal(some, np.where(cancels, everywhere, plain))
    assert 0 < np.count_nonzero(cancels) < len(cancels)
