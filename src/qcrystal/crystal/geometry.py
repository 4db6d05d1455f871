"""Bravais geometries: the chain, the square and triangular lattices, simple cubic, bcc and fcc.

Every length is in units in which the nearest-neighbour distance is ``spacing`` (the paper's
a), so the six geometries are compared at the same a rather than at the same cube edge. The
conventions are those of Ashcroft & Mermin, *Solid State Physics* (1976):

* primitive vectors are the rows of a d×d array; bcc and fcc use the symmetric sets of
  ch. 4, with the conventional cube edge c = 2a/√3 (bcc) and c = √2 a (fcc);
* one site per primitive cell, so the site density is 1/V_cell (V_cell the cell's length,
  area or volume in d = 1, 2, 3);
* reciprocal vectors b_i with b_i·a_j = 2π δ_ij (ch. 5), so the Brillouin zone has the
  volume (2π)^d/V_cell;
* the Debye wave number k_D is the radius of the d-ball of the zone's volume (ch. 23 in
  d = 3, where it reads k_D³ = 6π² n). For the hypercubic lattices (chain, square, cubic)
  it is the paper's k_D = √(4π) [(d/2) Γ(d/2)]^(1/d)/a, quoted after its eq. (46).
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["GEOMETRIES", "Geometry", "Shell", "geometry"]

_R2 = math.sqrt(2.0)
_R3 = math.sqrt(3.0)

# Primitive vectors at nearest-neighbour distance 1, rows a_1 … a_d.
_UNIT_PRIMITIVE: dict[str, tuple[tuple[float, ...], ...]] = {
    "chain": ((1.0,),),
    "square": ((1.0, 0.0), (0.0, 1.0)),
    # 60° between a_1 and a_2: each site has six neighbours at distance a.
    "triangular": ((1.0, 0.0), (0.5, _R3 / 2)),
    "cubic": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    # Ashcroft & Mermin's symmetric bcc set (c/2)(−1, 1, 1) … with c = 2/√3: the body
    # diagonal's half, (c/2)√3, is the nearest-neighbour distance 1.
    "bcc": tuple(tuple(s / _R3 for s in row) for row in ((-1, 1, 1), (1, -1, 1), (1, 1, -1))),
    # Ashcroft & Mermin's symmetric fcc set (c/2)(0, 1, 1) … with c = √2: the face
    # diagonal's half, c/√2, is the nearest-neighbour distance 1.
    "fcc": tuple(tuple(s / _R2 for s in row) for row in ((0, 1, 1), (1, 0, 1), (1, 1, 0))),
}

GEOMETRIES: tuple[str, ...] = tuple(_UNIT_PRIMITIVE)
"""The known geometry names, in order of dimension."""

# Names a reader may try first; they only feed the "did you mean" of the error message.
_SYNONYMS = {
    "linear": "chain",
    "line": "chain",
    "1d": "chain",
    "hexagonal": "triangular",
    "sc": "cubic",
    "simple cubic": "cubic",
    "simple_cubic": "cubic",
    "simple-cubic": "cubic",
    "body-centred cubic": "bcc",
    "body-centered cubic": "bcc",
    "face-centred cubic": "fcc",
    "face-centered cubic": "fcc",
}

# Distances that agree to this relative precision are one shell. The lattice vectors are
# sums of a few primitive vectors, so two equal |R| differ only by rounding (~1e-15); the
# nearest distinct shells of these lattices differ by far more than 1e-9.
_SAME_SHELL = 1e-9
# neighbours() refuses a ball holding more points than this (about 80 MB of float64 rows)
# rather than exhausting memory.
_MAX_POINTS = 10_000_000


@dataclass(frozen=True, eq=False)
class Shell:
    """The lattice vectors at one distance from the origin.

    Attributes
    ----------
    radius : float
        |R| of the shell, in the units of the geometry's ``spacing``.
    vectors : ndarray, shape (count, d)
        The vectors R of the shell, one per row.
    """

    radius: float
    vectors: NDArray[np.float64]

    @property
    def count(self) -> int:
        """The number of lattice vectors in the shell (12 for the first of fcc)."""
        return int(self.vectors.shape[0])


@dataclass(frozen=True)
class Geometry:
    """A Bravais lattice of one of the :data:`GEOMETRIES`, at nearest-neighbour distance a.

    Parameters
    ----------
    name : str
        One of ``"chain"``, ``"square"``, ``"triangular"``, ``"cubic"`` (simple cubic),
        ``"bcc"``, ``"fcc"``.
    spacing : float
        The nearest-neighbour distance a > 0 (the paper's a, in any length unit; every
        length below is in that unit and every wave number in its inverse).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones and the closest), or a
        spacing that is not a finite number > 0.
    """

    name: str
    spacing: float = 1.0

    def __post_init__(self) -> None:
        _check_name(self.name)
        # Stored as a plain float, so that Geometry("fcc", 1) == Geometry("fcc", 1.0).
        object.__setattr__(self, "spacing", _check_spacing(self.spacing))

    # -- the direct lattice ------------------------------------------------------------

    @property
    def d(self) -> int:
        """The dimension (1 for the chain, 2 for square and triangular, 3 otherwise)."""
        return len(_UNIT_PRIMITIVE[self.name])

    @property
    def primitive_vectors(self) -> NDArray[np.float64]:
        """The primitive vectors a_1 … a_d as the rows of a d×d array (units of length)."""
        return self.spacing * np.array(_UNIT_PRIMITIVE[self.name], dtype=np.float64)

    @property
    def cell_volume(self) -> float:
        """V_cell = |det(a_1 … a_d)|: a length in 1D, an area in 2D, a volume in 3D.

        √3 a²/2 for the triangular lattice, 4a³/(3√3) for bcc, a³/√2 for fcc.
        """
        return float(abs(np.linalg.det(self.primitive_vectors)))

    @property
    def density(self) -> float:
        """The site density n = 1/V_cell (one site per primitive cell of a Bravais lattice)."""
        return 1.0 / self.cell_volume

    @property
    def nn_vectors(self) -> NDArray[np.float64]:
        """The nearest-neighbour vectors (z × d, all of length ``spacing``), sorted as by
        :meth:`neighbours`."""
        return self.neighbours(self.spacing)

    @property
    def coordination(self) -> int:
        """The coordination number z: 2, 4, 6, 6, 8, 12 for chain, square, triangular,
        cubic, bcc, fcc (Ashcroft & Mermin ch. 4)."""
        return int(self.nn_vectors.shape[0])

    # -- the reciprocal lattice --------------------------------------------------------

    @property
    def reciprocal_vectors(self) -> NDArray[np.float64]:
        """The reciprocal primitive vectors b_1 … b_d as rows, with b_i·a_j = 2π δ_ij.

        With A the matrix of rows a_i, the rows of B = 2π (A⁻¹)ᵀ satisfy B Aᵀ = 2π 1: the
        same as Ashcroft & Mermin's b_1 = 2π a_2×a_3/(a_1·a_2×a_3) (ch. 5) in 3D, and
        defined in 1D and 2D too. Units: inverse length.
        """
        inverse = np.linalg.inv(self.primitive_vectors)
        return np.asarray(2.0 * math.pi * inverse.T, dtype=np.float64)

    @property
    def zone_volume(self) -> float:
        """The Brillouin zone's volume |det(b_1 … b_d)| = (2π)^d/V_cell (inverse length^d)."""
        return float(abs(np.linalg.det(self.reciprocal_vectors)))

    @property
    def debye_wavenumber(self) -> float:
        """k_D, the radius of the d-ball whose volume is the zone's: V_d k_D^d = (2π)^d/V_cell.

        V_d = π^(d/2)/Γ(d/2 + 1) is the unit ball's volume. The Debye sphere holds as many
        wave vectors as the zone, one per site (Ashcroft & Mermin ch. 23). For the chain,
        the square and the simple cubic lattice this is the paper's
        k_D = √(4π) [(d/2) Γ(d/2)]^(1/d)/a. Units: inverse length.
        """
        d = self.d
        ball = math.pi ** (d / 2) / math.gamma(d / 2 + 1)
        return float((self.zone_volume / ball) ** (1.0 / d))

    # -- lattice vectors ---------------------------------------------------------------

    def neighbours(self, radius: float) -> NDArray[np.float64]:
        """Every lattice vector R ≠ 0 with |R| ≤ radius, sorted by |R|.

        Parameters
        ----------
        radius : float
            The largest |R| wanted (units of length), finite and ≥ 0. Vectors within a
            relative 1e-9 of the radius count as on it, so ``neighbours(a)`` gives the whole
            first shell despite rounding.

        Returns
        -------
        ndarray, shape (m, d)
            One vector per row; vectors of equal length (one shell) are in lexicographic
            order of their components, so the order is reproducible.

        Raises
        ------
        ValueError
            For a radius that is not a finite number ≥ 0, or one holding more than ten
            million lattice points.
        """
        r = _check_radius(radius)
        a = self.primitive_vectors
        # A lattice vector R = Σ n_i a_i has n_i = R·b_i/(2π), so |n_i| ≤ r |b_i|/(2π):
        # this box of integer coefficients holds the whole ball (its corners are cut below).
        reach = r * (1 + _SAME_SHELL) * np.linalg.norm(self.reciprocal_vectors, axis=1)
        bounds = np.floor(reach / (2 * math.pi)).astype(np.int64)
        boxed = int(np.prod(2 * bounds + 1))
        ball = math.pi ** (self.d / 2) / math.gamma(self.d / 2 + 1) * r**self.d
        if ball * self.density > _MAX_POINTS or boxed > 10 * _MAX_POINTS:
            raise ValueError(
                f"radius = {radius!r} holds about {ball * self.density:.3g} lattice points "
                f"of the {self.name} lattice (a = {self.spacing:g}); at most "
                f"{_MAX_POINTS:.0e} are enumerated"
            )
        axes = [np.arange(-b, b + 1) for b in bounds]
        coefficients = np.stack(
            [g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1
        ).astype(np.float64)
        vectors = coefficients @ a
        lengths = np.linalg.norm(vectors, axis=1)
        keep = (lengths > 0) & (lengths <= r * (1 + _SAME_SHELL))
        vectors, lengths = vectors[keep], lengths[keep]
        shell = _shell_index(lengths)
        # lexsort sorts by its last key first: by shell, then component by component.
        order = np.lexsort((*vectors.T[::-1], shell))
        return vectors[order]

    def shells(self, n_max: int) -> tuple[Shell, ...]:
        """The first ``n_max`` shells of lattice vectors R ≠ 0, nearest first.

        Each shell holds every lattice vector of its length, so Σ_shells count × f(radius)
        is a lattice sum of a radial f truncated at a shell boundary. For fcc the radii are
        a, √2 a, √3 a, 2a with 12, 6, 24, 12 vectors; for bcc a, 2a/√3, √(8/3) a with 8, 6, 12.

        Parameters
        ----------
        n_max : int
            The number of shells, ≥ 1.

        Returns
        -------
        tuple of Shell
            Shells in order of increasing radius.
        """
        if isinstance(n_max, bool) or not isinstance(n_max, numbers.Integral) or n_max < 1:
            raise ValueError(f"n_max must be an integer >= 1 (got {n_max!r})")
        n = int(n_max)
        too_many = ValueError(
            f"n_max = {n_max!r} shells of the {self.name} lattice need more than "
            f"{_MAX_POINTS:.0e} lattice points"
        )
        if 2 * n > _MAX_POINTS:  # a shell holds R and −R: refused before enumerating
            raise too_many
        radius = 2.0 * self.spacing
        while True:
            # Every ball is enumerated completely, so every shell inside it is complete;
            # grow the ball until it holds n distinct distances.
            try:
                vectors = self.neighbours(radius)
            except ValueError:  # the ball grew past the enumeration limit
                raise too_many from None
            index = _shell_index(np.linalg.norm(vectors, axis=1))
            if index.size and index[-1] + 1 >= n:
                break
            radius *= 1.5
        out = []
        for k in range(n):
            members = vectors[index == k]
            members.setflags(write=False)  # the Shell is frozen, and so are its vectors
            out.append(Shell(float(np.linalg.norm(members, axis=1).mean()), members))
        return tuple(out)

    # -- the Brillouin zone ------------------------------------------------------------

    def zone_grid(self, n: int) -> NDArray[np.float64]:
        """A Monkhorst–Pack grid of n^d wave vectors in the reciprocal cell, equal weights.

        k = Σ_i u_i b_i with u_i ∈ {(2r − n − 1)/(2n) : r = 1 … n} (Monkhorst & Pack,
        Phys. Rev. B 13, 5188 (1976), eq. (3)), symmetric about k = 0; it contains k = 0
        for odd n and avoids it for even n. The points fill the parallelepiped spanned by
        the b_i, centred on 0, not the Wigner–Seitz zone: the two are the same cell of the
        reciprocal lattice, so an integrand periodic in the reciprocal lattice has the same
        average over both.

        The plain mean over the grid (each point weighted 1/n^d) of exp(i k·R) is exactly
        0 for every lattice vector R = Σ m_j a_j with all |m_j| < n, except R = 0 where
        it is 1: the mean over the grid is the zone average for every Fourier component
        of the integrand up to that order.

        Parameters
        ----------
        n : int
            Points per reciprocal direction, ≥ 1.

        Returns
        -------
        ndarray, shape (n^d, d)
            The wave vectors, one per row (units of inverse length).
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n must be an integer >= 1 points per direction (got {n!r})")
        m = int(n)
        u = (2.0 * np.arange(1, m + 1) - m - 1) / (2.0 * m)
        fractions = np.stack(
            [g.ravel() for g in np.meshgrid(*([u] * self.d), indexing="ij")], axis=1
        )
        return fractions @ self.reciprocal_vectors


def geometry(name: str, spacing: float = 1.0) -> Geometry:
    """The Bravais geometry ``name`` at nearest-neighbour distance ``spacing``.

    Parameters
    ----------
    name : str
        One of :data:`GEOMETRIES`: ``"chain"``, ``"square"``, ``"triangular"``,
        ``"cubic"`` (simple cubic), ``"bcc"``, ``"fcc"``.
    spacing : float
        The nearest-neighbour distance a, finite and > 0.

    Returns
    -------
    Geometry

    Examples
    --------
    >>> g = geometry("fcc")
    >>> g.d, g.coordination
    (3, 12)
    >>> round(g.cell_volume * g.zone_volume / (2 * 3.141592653589793) ** 3, 12)
    1.0
    """
    return Geometry(name, spacing)


def _check_name(name: object) -> None:
    known = ", ".join(GEOMETRIES)
    if not isinstance(name, str):
        raise ValueError(f"geometry name must be a string, one of {known} (got {name!r})")
    if name in _UNIT_PRIMITIVE:
        return
    # Names are matched exactly (no case folding): the suggestion shows the spelling.
    key = name.strip().lower()
    if key in _SYNONYMS:
        close = [_SYNONYMS[key]]
    else:
        close = difflib.get_close_matches(key, GEOMETRIES, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown geometry {name!r}; known geometries: {known}{hint}")


def _check_spacing(spacing: object) -> float:
    if (
        isinstance(spacing, bool)
        or not isinstance(spacing, numbers.Real)
        or not math.isfinite(spacing)
        or spacing <= 0
    ):
        raise ValueError(
            f"spacing (the nearest-neighbour distance) must be a finite number > 0 "
            f"(got {spacing!r})"
        )
    return float(spacing)


def _check_radius(radius: object) -> float:
    if (
        isinstance(radius, bool)
        or not isinstance(radius, numbers.Real)
        or not math.isfinite(radius)
        or radius < 0
    ):
        raise ValueError(f"radius must be a finite number >= 0 (got {radius!r})")
    return float(radius)


def _shell_index(lengths: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each length, the index (0, 1, …) of its shell among the distinct lengths.

    Sorted lengths are cut where one exceeds its predecessor by more than the relative
    _SAME_SHELL, so equal distances that differ only by rounding share a shell.
    """
    order = np.argsort(lengths, kind="stable")
    ranked = lengths[order]
    jumps = np.diff(ranked) > _SAME_SHELL * ranked[1:]
    index = np.empty(lengths.size, dtype=np.int64)
    index[order] = np.concatenate([[0], np.cumsum(jumps)]) if lengths.size else []
    return index
