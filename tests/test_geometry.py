"""Bravais geometries against the textbook lattices, counted by brute force here.

References: each lattice is built in this file from its textbook description, not from the
module's primitive vectors — the integer grid (chain, square, cubic), rows of a 60° rhombus
(triangular), a cube of edge c with its centre (bcc, c = 2a/√3) or with even coordinate sums
on a grid of step c/2 (fcc, c = √2 a), as in Ashcroft & Mermin, *Solid State Physics*
(1976), ch. 4. Coordination numbers, shells and densities are counted on these points. The
Debye wave number is compared with the paper's closed form evaluated by mpmath at 30 digits.
"""

import itertools
import math
import re
from collections import Counter

import mpmath as mp
import numpy as np
import pytest

from qcrystal.crystal import GEOMETRIES, Geometry, Shell, geometry

DIMENSION = {"chain": 1, "square": 2, "triangular": 2, "cubic": 3, "bcc": 3, "fcc": 3}
# Ashcroft & Mermin ch. 4: sc 6, bcc 8, fcc 12; the chain, square and triangular lattices by
# inspection.
COORDINATION = {"chain": 2, "square": 4, "triangular": 6, "cubic": 6, "bcc": 8, "fcc": 12}
# A spacing that is not 1, so that a missing or doubled factor of a shows.
A = 1.37
# Float64 rounding of sums of a few vectors of size ~a: a few ulps, far below 1e-12.
TOL = 1e-12


def textbook_points(name: str, a: float, reach: float) -> np.ndarray:
    """All sites r ≠ 0 with |r| ≤ reach of the textbook lattice ``name`` (rows)."""
    n = math.ceil(2 * reach / a) + 2  # generous index range: points are filtered below
    rng = range(-n, n + 1)
    if name == "chain":
        pts = [(a * i,) for i in rng]
    elif name == "square":
        pts = [(a * i, a * j) for i, j in itertools.product(rng, rng)]
    elif name == "triangular":  # rows a apart along x, shifted by a/2, √3a/2 apart along y
        pts = [(a * (i + j / 2), a * j * math.sqrt(3) / 2) for i, j in itertools.product(rng, rng)]
    elif name == "cubic":
        pts = [(a * i, a * j, a * k) for i, j, k in itertools.product(rng, rng, rng)]
    elif name == "bcc":  # cube corners and cube centres, cube edge c = 2a/√3
        c = 2 * a / math.sqrt(3)
        pts = [(c * (i + s), c * (j + s), c * (k + s))
               for i, j, k in itertools.product(rng, rng, rng) for s in (0.0, 0.5)]  # fmt: skip
    elif name == "fcc":  # corners and face centres of cubes of edge c = √2 a: step c/2
        h = a / math.sqrt(2)
        pts = [(h * i, h * j, h * k) for i, j, k in itertools.product(rng, rng, rng)
               if (i + j + k) % 2 == 0]  # fmt: skip
    else:
        raise AssertionError(name)
    arr = np.array(pts, dtype=float)
    r = np.linalg.norm(arr, axis=1)
    return arr[(r > 0) & (r <= reach * (1 + 1e-9))]


def shell_counts(points: np.ndarray, a: float) -> list[tuple[float, int]]:
    """(|r|/a, number of sites) for each distinct distance, nearest first."""
    counts = Counter(np.round(np.linalg.norm(points, axis=1) / a, 9))
    return sorted(counts.items())


def as_set(points: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(p) for p in np.round(points, 9) + 0.0}  # + 0.0: −0.0 becomes 0.0


# -- the direct lattice ---------------------------------------------------------------


@pytest.mark.parametrize("name", GEOMETRIES)
def test_coordination_and_nearest_neighbour_distance_by_brute_force(name):
    points = textbook_points(name, A, 1.05 * A)
    radius, z = shell_counts(points, A)[0]
    assert (radius, z) == (1.0, COORDINATION[name])  # nearest neighbours at a, z of them
    g = geometry(name, A)
    assert g.d == DIMENSION[name]
    assert g.coordination == z
    assert as_set(g.nn_vectors) == as_set(points)
    assert np.allclose(np.linalg.norm(g.nn_vectors, axis=1), A, rtol=TOL, atol=0)


@pytest.mark.parametrize("name", GEOMETRIES)
def test_primitive_vectors_generate_the_textbook_lattice(name):
    # Each a_i is a site, and the cell they span holds one site per textbook volume per
    # site: a sublattice of the same density is the whole lattice.
    g = geometry(name, A)
    sites = as_set(textbook_points(name, A, 2.0 * A))
    assert g.primitive_vectors.shape == (g.d, g.d)
    assert as_set(g.primitive_vectors) <= sites
    assert math.isclose(g.cell_volume * textbook_density(name, A), 1.0, rel_tol=TOL)


def textbook_density(name: str, a: float) -> float:
    """Sites per unit length, area or volume, from the conventional cells."""
    return {
        "chain": 1 / a,
        "square": 1 / a**2,
        "triangular": 2 / (math.sqrt(3) * a**2),  # one site per rhombus of area √3a²/2
        "cubic": 1 / a**3,
        "bcc": 2 / (2 * a / math.sqrt(3)) ** 3,  # 2 sites per cube of edge 2a/√3
        "fcc": 4 / (math.sqrt(2) * a) ** 3,  # 4 sites per cube of edge √2 a
    }[name]


@pytest.mark.parametrize("name", GEOMETRIES)
def test_density_is_the_textbook_count_per_conventional_cell(name):
    assert math.isclose(geometry(name, A).density, textbook_density(name, A), rel_tol=TOL)


def test_densities_at_unit_spacing_are_the_closed_forms():
    assert math.isclose(geometry("triangular").density, 2 / math.sqrt(3), rel_tol=TOL)
    assert math.isclose(geometry("bcc").density, 3 * math.sqrt(3) / 4, rel_tol=TOL)
    assert math.isclose(geometry("fcc").density, math.sqrt(2), rel_tol=TOL)


# -- the reciprocal lattice -----------------------------------------------------------


@pytest.mark.parametrize("name", GEOMETRIES)
def test_reciprocal_vectors_are_dual_and_the_zone_volume_is_the_inverse(name):
    g = geometry(name, A)
    b, a = g.reciprocal_vectors, g.primitive_vectors
    assert np.allclose(b @ a.T, 2 * math.pi * np.eye(g.d), rtol=0, atol=TOL)
    assert math.isclose(g.zone_volume * g.cell_volume, (2 * math.pi) ** g.d, rel_tol=TOL)


@pytest.mark.parametrize(
    ("name", "rows"),
    # Ashcroft & Mermin ch. 5: the reciprocal of the symmetric bcc set (c/2)(−1, 1, 1) … is
    # the fcc set (2π/c)(0, 1, 1) …, and that of the fcc set (c/2)(0, 1, 1) … is the bcc set
    # (2π/c)(−1, 1, 1) …
    [("bcc", [(0, 1, 1), (1, 0, 1), (1, 1, 0)]), ("fcc", [(-1, 1, 1), (1, -1, 1), (1, 1, -1)])],
)
def test_reciprocal_of_bcc_is_fcc_and_back(name, rows):
    c = {"bcc": 2 * A / math.sqrt(3), "fcc": math.sqrt(2) * A}[name]
    expected = 2 * math.pi / c * np.array(rows, dtype=float)
    assert np.allclose(geometry(name, A).reciprocal_vectors, expected, rtol=0, atol=TOL)


def paper_k_D(d: int, a: float) -> mp.mpf:
    """The paper's k_D = √(4π) [(d/2) Γ(d/2)]^(1/d)/a (after its eq. 46)."""
    d = mp.mpf(d)
    return mp.sqrt(4 * mp.pi) * (d / 2 * mp.gamma(d / 2)) ** (1 / d) / a


@pytest.mark.parametrize(("name", "d"), [("chain", 1), ("square", 2), ("cubic", 3)])
@pytest.mark.parametrize("a", [1.0, A])
def test_debye_wavenumber_of_the_cubic_lattices_is_the_papers(name, d, a):
    with mp.workdps(30):  # reference at 30 digits, compared at float64's 1e-14
        ref = paper_k_D(d, mp.mpf(a))
    assert math.isclose(geometry(name, a).debye_wavenumber, float(ref), rel_tol=1e-14)


def test_debye_wavenumber_values_at_unit_spacing():
    # π in 1D, √(4π) in 2D, (6π²)^(1/3) in 3D: the d-ball of volume (2π)^d.
    assert math.isclose(geometry("chain").debye_wavenumber, math.pi, rel_tol=1e-14)
    assert math.isclose(geometry("square").debye_wavenumber, math.sqrt(4 * math.pi), rel_tol=1e-14)
    assert math.isclose(geometry("cubic").debye_wavenumber, (6 * math.pi**2) ** (1 / 3),
                        rel_tol=1e-14)  # fmt: skip


@pytest.mark.parametrize("name", ["triangular", "bcc", "fcc"])
def test_debye_wavenumber_of_the_other_lattices_from_the_density(name):
    # Ashcroft & Mermin ch. 23: k_D³ = 6π² n in 3D; in 2D the disc π k_D² = (2π)² n.
    n = textbook_density(name, A)
    ref = (6 * math.pi**2 * n) ** (1 / 3) if DIMENSION[name] == 3 else math.sqrt(4 * math.pi * n)
    assert math.isclose(geometry(name, A).debye_wavenumber, ref, rel_tol=1e-14)


# -- the Monkhorst–Pack grid ----------------------------------------------------------


@pytest.mark.parametrize("name", GEOMETRIES)
@pytest.mark.parametrize("n", [4, 5])
def test_zone_grid_averages_plane_waves_like_the_zone(name, n):
    # The zone average of exp(i k·R) is δ_R0. Every site within 2a has primitive
    # coordinates |m_j| ≤ 2 < n here, so the grid must reproduce it exactly.
    g = geometry(name, A)
    k = g.zone_grid(n)
    assert k.shape == (n**g.d, g.d)
    assert len(as_set(k)) == n**g.d  # n^d distinct points
    for R in textbook_points(name, A, 2.0 * A):
        phase = k @ R
        assert abs(np.cos(phase).mean()) < 1e-13, R
        assert abs(np.sin(phase).mean()) < 1e-13, R
    assert np.cos(k @ np.zeros(g.d)).mean() == 1.0


@pytest.mark.parametrize("name", GEOMETRIES)
def test_zone_grid_lies_in_the_reciprocal_cell_centred_on_zero(name):
    g = geometry(name, A)
    frac = g.zone_grid(6) @ g.primitive_vectors.T / (2 * math.pi)  # k = Σ u_i b_i
    assert np.all(np.abs(frac) < 0.5)
    assert np.allclose(frac.mean(axis=0), 0.0, atol=TOL)  # symmetric about k = 0


def test_zone_grid_contains_gamma_only_for_odd_n():
    g = geometry("fcc")
    assert np.min(np.linalg.norm(g.zone_grid(3), axis=1)) < TOL
    assert np.min(np.linalg.norm(g.zone_grid(4), axis=1)) > 0.1


def test_zone_grid_is_exact_only_below_its_order():
    # Negative control: R = n a_1 is a lattice vector the n-point grid cannot tell from
    # R = 0 (cos(k·R) = ±1 at every point), so the exactness above is a property of the
    # grid's order, not of any average.
    g = geometry("square")
    R = 4 * g.primitive_vectors[0]
    assert abs(np.cos(g.zone_grid(4) @ R).mean()) == pytest.approx(1.0, abs=1e-12)
    assert abs(np.cos(g.zone_grid(5) @ R).mean()) < 1e-13


# -- shells of lattice vectors --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fcc", [(1.0, 12), (math.sqrt(2), 6), (math.sqrt(3), 24)]),
        ("bcc", [(1.0, 8), (2 / math.sqrt(3), 6), (math.sqrt(8 / 3), 12)]),
    ],
)
def test_first_three_shells_of_fcc_and_bcc(name, expected):
    counted = shell_counts(textbook_points(name, A, 1.8 * A), A)[:3]
    assert [(pytest.approx(r, abs=1e-9), z) for r, z in expected] == counted  # textbook
    shells = geometry(name, A).shells(3)
    assert [(s.radius / A, s.count) for s in shells] == [
        (pytest.approx(r, rel=TOL), z) for r, z in expected
    ]


@pytest.mark.parametrize("name", GEOMETRIES)
def test_shells_and_neighbours_match_the_brute_force_count(name):
    reach = 2.2 * A
    points = textbook_points(name, A, reach)
    counted = shell_counts(points, A)
    g = geometry(name, A)
    shells = g.shells(len(counted))
    assert all(isinstance(s, Shell) for s in shells)
    assert [s.count for s in shells] == [z for _, z in counted]
    for s, (r, _) in zip(shells, counted, strict=True):
        assert math.isclose(s.radius, r * A, rel_tol=1e-9)
        assert np.allclose(np.linalg.norm(s.vectors, axis=1), s.radius, rtol=TOL, atol=0)
    near = g.neighbours(reach)
    assert as_set(near) == as_set(points)
    lengths = np.linalg.norm(near, axis=1)
    assert np.all(np.diff(lengths) > -TOL * A)  # sorted by |R|
    assert as_set(np.concatenate([s.vectors for s in shells])) == as_set(near)


def test_neighbours_of_a_zero_radius_is_empty_and_the_order_is_fixed():
    g = geometry("cubic")
    assert g.neighbours(0.0).shape == (0, 3)
    first = g.neighbours(1.0)
    # One shell in lexicographic order of the components.
    assert first.tolist() == sorted(first.tolist())
    assert np.array_equal(first, geometry("cubic").neighbours(1.0))


# -- the dataclass and bad input ------------------------------------------------------


def test_geometry_is_a_frozen_value():
    g = geometry("fcc", 2)
    assert g == Geometry("fcc", 2.0) and hash(g) == hash(Geometry("fcc", 2.0))
    assert isinstance(g.spacing, float)
    with pytest.raises(AttributeError):
        g.spacing = 3.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("bbc", "bcc"), ("triangle", "triangular"), ("FCC", "fcc"), ("sc", "cubic"),
     ("simple cubic", "cubic"), ("hexagonal", "triangular"), ("chian", "chain")],
)  # fmt: skip
def test_unknown_name_lists_the_known_ones_and_suggests_the_closest(name, suggestion):
    with pytest.raises(ValueError, match="unknown geometry") as err:
        geometry(name)
    message = str(err.value)
    assert repr(name) in message
    assert all(known in message for known in GEOMETRIES)
    assert message.endswith(f"did you mean {suggestion!r}?")


def test_unknown_name_without_a_close_one_still_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown geometry 'kagome'; known geometries: chain"):
        geometry("kagome")
    with pytest.raises(ValueError, match="must be a string"):
        geometry(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("spacing", [0, 0.0, -1.0, math.nan, math.inf, -math.inf, "1", True])
def test_bad_spacing_is_refused_with_its_value(spacing):
    with pytest.raises(ValueError, match="spacing") as err:
        geometry("square", spacing)
    assert repr(spacing) in str(err.value)


def test_bad_counts_and_radii_are_refused_with_their_values():
    g = geometry("bcc")
    for bad in (0, -2, 2.5, True, "3"):
        with pytest.raises(ValueError, match="n_max .*" + re.escape(f"(got {bad!r})")):
            g.shells(bad)
        with pytest.raises(ValueError, match="^n must .*" + re.escape(f"(got {bad!r})")):
            g.zone_grid(bad)
    for bad in (-1.0, math.nan, math.inf, "1"):
        with pytest.raises(ValueError, match="radius"):
            g.neighbours(bad)
    with pytest.raises(ValueError, match=r"radius = 1000\.0 holds about"):
        g.neighbours(1000.0)  # ~5e9 points: refused, not truncated
    with pytest.raises(ValueError, match="n_max = 10000000 shells of the bcc lattice need"):
        g.shells(10_000_000)
