"""A model file (TOML): interaction, lattice and parameters, to every quantity of the paper.

::

    [model]
    name = "dipolar atoms"      # optional
    mass = 1.0                  # m
    filling = 1.0               # ν, atoms per site

    [lattice]
    kind = "cubic"              # chain | square | cubic
    wavelength = 2.0            # λ_α (one number, or one per direction); a_α = λ_α/2
    depth = 20.0                # U_α of (2), one number or one per direction; or instead
                                # recoil_depth = s, with U_α = s·E_R,α (E_R,α = k₀_α²/2m)
    temperature = 0.0           # T, for r₀/a

    [interaction]
    kind = "dipolar"            # see qcrystal.interactions
    C_dd = 0.5
    direction = [0, 0, 1]

Units: ħ = k_B = 1 and one unit of length and one of mass of the user's choosing; energies
are then in ħ²/(m_unit·length_unit²). Numbers only: a string where a number belongs, an
unknown key, a missing key or an unphysical value (mass ≤ 0, spacing ≤ 0, d outside 1–3)
is a :class:`ModelError` naming the file, the key and, where TOML knows it, the line.
Nothing is defaulted silently: the optional keys and their defaults are listed above.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from qcrystal import interactions, safe_expr
from qcrystal.lattice_sums import KINDS as LATTICE_KINDS
from qcrystal.lattice_sums import Lattice, LatticeSumError, SumResult, lattice_sum

__all__ = ["Model", "ModelError", "Quantity", "load", "loads", "quantities"]

# A lattice sum that is slow to reach 1e-8 (∂²Φ ~ r^-5 in 3D) is reported with the error it
# reached, down to this, instead of refused: every quantity here is far less certain.
_SUM_ACCEPT = 1e-6
# The words a quantity's note carries when its value cannot be trusted.
_UNRELIABLE = "not reliable here"

_SECTIONS = {
    "model": {"name": str, "mass": float, "filling": float, "omega": str},
    "lattice": {
        "kind": str,
        "wavelength": "vector",
        "depth": "vector",
        "recoil_depth": "vector",
        "temperature": float,
    },
    "interaction": None,  # checked by qcrystal.interactions
}
# [lattice] also needs exactly one of depth (U itself) and recoil_depth (s = U/E_R).
_REQUIRED = {"model": {"mass"}, "lattice": {"kind", "wavelength"}, "interaction": {"kind"}}
_DEPTH_KEYS = ("depth", "recoil_depth")
_DEFAULTS = {
    "model": {"name": "", "filling": 1.0, "omega": "bare"},
    "lattice": {"temperature": 0.0},
}
OMEGA_MODES = ("bare", "smeared")


def _vectorized(fn):
    """A scalar function over arrays; an overflow gives inf (the sums then refuse it)."""

    def safe(*args):
        try:
            return float(fn(*args))
        except (OverflowError, ValueError):
            return math.inf

    return np.vectorize(safe, otypes=[float])


# NumPy lacks some functions the model parser allows (and their derivatives): evaluate them
# here rather than fail with a NameError from inside lambdify.
_NUMPY = [
    {
        "erf": _vectorized(math.erf),
        "erfc": _vectorized(math.erfc),
        "gamma": _vectorized(math.gamma),
        "polygamma": _vectorized(lambda n, x: mpmath.polygamma(int(n), x)),
        "loggamma": _vectorized(math.lgamma),
        "DiracDelta": lambda x, *k: np.zeros_like(np.asarray(x, dtype=float)),
        "Heaviside": lambda x, *k: np.heaviside(x, 0.5),
    },
    "numpy",
]


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Model:
    source: str
    name: str
    mass: float
    filling: float
    kind: str
    wavelength: tuple[float, ...]
    depth: tuple[float, ...]
    temperature: float
    interaction: interactions.Interaction
    raw: dict = field(repr=False, default_factory=dict)
    omega: str = "bare"  # Ω of (36) from the bare Φ, or from Φ smeared by (29), self-consistent

    @property
    def d(self) -> int:
        return LATTICE_KINDS[self.kind]

    @property
    def spacing(self) -> tuple[float, ...]:
        return tuple(lam / 2 for lam in self.wavelength)


def load(path: str | Path, overrides: dict[str, object] | None = None) -> Model:
    """Read and check a model file; ``overrides`` maps "section.key" to a value (--set)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model file ({exc.strerror})") from None
    return loads(text, str(path), overrides)


def loads(text: str, source: str = "<model>", overrides: dict | None = None) -> Model:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{source}: not valid TOML: {exc}") from None
    for dotted, value in (overrides or {}).items():
        section, _, key = dotted.partition(".")
        if not key or section not in _SECTIONS:
            raise ModelError(
                f"--set {dotted}: name a key as section.key, section one of {', '.join(_SECTIONS)}"
            )
        table = data.setdefault(section, {})
        if section == "lattice" and key in _DEPTH_KEYS:
            for other in _DEPTH_KEYS:  # --set U=… replaces the file's depth, however given
                table.pop(other, None)
        table[key] = value
    return _check(data, source, text)


def _line_of(text: str, section: str, key: str | None = None) -> str:
    """' (line N)' for the key in its section, found by reading the text (not evaluating)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[]").strip()
            if key is None and current == section:
                return f" (line {number})"
        elif current == section and key and stripped.split("=", 1)[0].strip() == key:
            return f" (line {number})"
    return ""


def _check(data: dict, source: str, text: str) -> Model:
    for section in data:
        if section not in _SECTIONS:
            raise ModelError(
                f"{source}: unknown section [{section}]{_line_of(text, section)}; "
                f"allowed: {', '.join(f'[{s}]' for s in _SECTIONS)}"
            )
    values: dict[str, dict] = {}
    for section, schema in _SECTIONS.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise ModelError(f"{source}: missing section [{section}]")
        missing = _REQUIRED[section] - set(table)
        if missing:
            raise ModelError(
                f"{source}: [{section}] is missing {', '.join(sorted(missing))}"
                f"{_line_of(text, section)}"
            )
        if schema is None:
            continue
        values[section] = dict(_DEFAULTS.get(section, {}))
        for key, value in table.items():
            where = f"{source}: [{section}] {key}{_line_of(text, section, key)}"
            if key not in schema:
                raise ModelError(f"{where}: unknown key; allowed: {', '.join(schema)}")
            values[section][key] = _typed(value, schema[key], where)
    m, lat = values["model"], values["lattice"]
    where = f"{source}: [lattice] kind"
    if lat["kind"] not in LATTICE_KINDS:
        raise ModelError(f"{where}: '{lat['kind']}' is not one of {', '.join(LATTICE_KINDS)}")
    d = LATTICE_KINDS[lat["kind"]]
    wavelength = _per_direction(lat["wavelength"], d, f"{source}: [lattice] wavelength")
    given = [k for k in _DEPTH_KEYS if k in lat]
    if len(given) != 1:
        raise ModelError(
            f"{source}: [lattice]{_line_of(text, 'lattice')} needs exactly one of depth (U) "
            f"and recoil_depth (s = U/E_R) (got {', '.join(given) or 'neither'})"
        )
    depth = _per_direction(lat[given[0]], d, f"{source}: [lattice] {given[0]}")
    _require(m["mass"] > 0, f"{source}: [model] mass must be > 0 (got {m['mass']!r})")
    _require(
        0 < m["filling"] <= 1e6,
        f"{source}: [model] filling must be in (0, 1e6] atoms per site (got {m['filling']!r})",
    )
    _require(m["mass"] <= 1e30, f"{source}: [model] mass must be <= 1e30 (got {m['mass']!r})")
    _require(
        all(w > 0 for w in wavelength),
        f"{source}: [lattice] wavelength must be > 0 (got {list(wavelength)})",
    )
    _require(
        all(u >= 0 for u in depth),
        f"{source}: [lattice] {given[0]} must be >= 0 (got {list(depth)})",
    )
    if given[0] == "recoil_depth":  # U_α = s_α E_R,α with E_R,α = k₀_α²/2m, k₀_α = 2π/λ_α
        depth = tuple(
            s * (2 * math.pi / lam) ** 2 / (2 * m["mass"])
            for s, lam in zip(depth, wavelength, strict=True)
        )
    _require(
        lat["temperature"] >= 0,
        f"{source}: [lattice] temperature must be >= 0 (got {lat['temperature']!r})",
    )
    inter = dict(data["interaction"])
    kind = inter.pop("kind")
    try:
        interaction = interactions.make(
            str(kind), inter, source=source, line=_line_number(text, "interaction", "expression")
        )
    except safe_expr.ExpressionError as exc:
        raise ModelError(str(exc)) from None
    except ValueError as exc:
        raise ModelError(f"{source}: [interaction]{_line_of(text, 'interaction')}: {exc}") from None
    _require(
        m["omega"] in OMEGA_MODES,
        f"{source}: [model] omega must be one of {', '.join(OMEGA_MODES)} (got {m['omega']!r})",
    )
    return Model(
        source, m["name"], m["mass"], m["filling"], lat["kind"], wavelength, depth,
        lat["temperature"], interaction, data, m["omega"],
    )  # fmt: skip


def _line_number(text: str, section: str, key: str) -> int:
    found = _line_of(text, section, key)
    return int(found.split()[-1].rstrip(")")) if found else 1


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ModelError(message)


def _typed(value: object, kind: object, where: str) -> object:
    if kind is str:
        if not isinstance(value, str):
            raise ModelError(f"{where}: must be text (got {type(value).__name__} {value!r})")
        return value
    if kind is float:
        return _number(value, where)
    # "vector": one number, or a list of numbers (one per direction)
    if isinstance(value, list):
        return tuple(_number(v, where) for v in value)
    return _number(value, where)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelError(f"{where}: must be a number (got {type(value).__name__} {value!r})")
    if not math.isfinite(value):
        raise ModelError(f"{where}: must be finite (got {value!r})")
    return float(value)


def _per_direction(value: object, d: int, where: str) -> tuple[float, ...]:
    if isinstance(value, tuple):
        if len(value) != d:
            raise ModelError(f"{where}: needs {d} values for this lattice (got {len(value)})")
        return value
    return (float(value),) * d


# --------------------------------------------------------------------------------------
# Quantities


@dataclass(frozen=True)
class Quantity:
    symbol: str
    value: float | tuple[float, ...]
    unit: str
    equation: str
    note: str = ""

    @property
    def reliable(self) -> bool:
        """False where the note says the value cannot be trusted (an expansion outside its
        range), so that commands built on it can say so too."""
        return _UNRELIABLE not in self.note


def _sum(model: Model, expr: sp.Expr, what: str, power: float | None) -> SumResult:
    xs = interactions.X
    f = sp.lambdify(xs, expr, _NUMPY)
    lattice = Lattice(model.spacing)
    try:
        return lattice_sum(
            f,
            lattice,
            power=power,
            angular_mean_zero=model.interaction.angular_mean_zero,
            accept=_SUM_ACCEPT,
            what=what,
        )
    except LatticeSumError as exc:
        raise LatticeSumError(f"{model.source}: {exc}") from exc


def quantities(model: Model) -> list[Quantity]:
    """ω_α, E_R, E_K, Ω_α, ε_α, l_α, nearest-neighbour J, u₀, D, c₀, T_D, r₀/a, T_melt."""
    import qcrystal

    d, m, nu = model.d, model.mass, model.filling
    a = np.array(model.spacing)
    k0 = 2 * np.pi / np.array(model.wavelength)
    E_R = k0**2 / (2 * m)
    U = np.array(model.depth)
    omega = qcrystal.lattice_frequency(U, E_R)
    out = [
        Quantity("E_R", tuple(E_R), "energy", "(34)", "recoil energy k₀²/2m"),
        Quantity("ω", tuple(omega), "energy", "(34)", "harmonic lattice frequency"),
    ]
    inter = model.interaction
    notes: list[str] = []
    xs = interactions.X
    omega2_nn = np.zeros(d)
    if inter.onsite_only:
        omega2_int = np.zeros(d)
        u0 = 0.0
        notes.append("contact interaction: no intersite part, Ω = u₀ = D = 0")
    else:
        far = inter.far_power
        omega2_int = np.empty(d)
        neighbours = np.zeros((2 * d, 3))
        for beta in range(d):
            neighbours[2 * beta, beta], neighbours[2 * beta + 1, beta] = a[beta], -a[beta]
        for alpha in range(d):
            second = sp.diff(inter.phi, xs[alpha], 2)
            curv = sp.lambdify(xs, second, _NUMPY)
            omega2_nn[alpha] = 2 * nu / m * float(np.sum(curv(*neighbours.T)))
            res = _sum(
                model,
                second,
                f"Σ_j ∂²Φ/∂x_{alpha + 1}² (36)",
                None if far is None else far + 2,
            )
            omega2_int[alpha] = 2 * nu / m * res.value
            if res.note:
                notes.append(res.note)
        try:
            res0 = _sum(model, inter.phi, "Σ_j Φ(r_j) (37)", far)
            u0 = nu * res0.value
            if res0.note:
                notes.append(res0.note)
        except LatticeSumError as exc:
            u0 = math.nan
            notes.append(f"u₀ not reported: {exc}")
    eps2 = omega**2 + omega2_int
    if np.any(eps2 <= 0) and not np.any(omega2_int < 0):
        raise ModelError(
            f"{model.source}: ε² = ω² + Ω² = {eps2.tolist()}: no lattice depth and no "
            "intersite curvature, so nothing holds the atoms at the sites (38); the depth "
            "must be > 0 in every direction"
        )
    if np.any(eps2 <= 0):
        raise ModelError(
            f"{model.source}: ω² + Ω² = {eps2.tolist()} ≤ 0: the interaction pulls the lattice "
            "apart faster than the optical lattice holds it; no localized state (38)"
        )
    eps = np.sqrt(eps2)
    if model.omega == "smeared" and not inter.onsite_only:
        eps, omega2_int, note = _self_consistent(model, omega, eps)
        notes.append(note)
    l_width = 1 / np.sqrt(m * eps)
    spread = float(np.max(l_width / a))
    if spread > 0.5:
        notes.append(
            f"l/a = {spread:.2g} > 1/2: the Gaussians (29) of neighbouring sites overlap, so "
            f"the localized picture, and J_nn, D and T_D built on it, are {_UNRELIABLE}"
        )
    out += [
        Quantity("Ω²", tuple(omega2_int), "energy²", "(36)", "interaction curvature, 2ν/m Σ∂²Φ"),
        Quantity("Ω²_nn", tuple(omega2_nn), "energy²", "(36)", "the same, nearest neighbours only"),
        Quantity("ε", tuple(eps), "energy", "(38)", "effective frequency √(ω² + Ω²)"),
        Quantity("l", tuple(l_width), "length", "(29)", "Gaussian width 1/√(mε)"),
        Quantity("u₀", u0, "energy", "(37)", "ν Σ Φ(r_j)"),
    ]
    hop = []
    for alpha in range(d):
        r = np.zeros(d)
        r[alpha] = a[alpha]
        hop.append(float(qcrystal.gaussian_hopping(r, eps, U, k0, m)))
    out.append(Quantity("J_nn", tuple(hop), "energy", "(7)", "nearest-neighbour J, Gaussian"))
    E_K = 1 / (2 * m * a[0] ** 2)
    out.append(Quantity("E_K", E_K, "energy", "(50)", "1/(2ma²), a = a₁"))
    if len(set(model.spacing)) > 1:
        notes.append("section 4 assumes one spacing a: phonon quantities use a = a₁")
    D, d_note = _dynamic_parameter(model, l_width)
    if d_note:
        notes.append(d_note)
    out.append(Quantity("D", D, "energy/length²", "(44)", "(ν²/d) ∇²U(a), U smeared by (29)"))
    if D > 0:
        c0 = a[0] * math.sqrt(nu * D / m)
        T_D = float(qcrystal.debye_temperature(nu, D, m, d))
        ratio = float(qcrystal.lindemann_ratio(T_D, E_K, model.temperature, d))
        T_m = float(qcrystal.melting_temperature(T_D, E_K, d))
    else:
        c0, T_D, ratio, T_m = 0.0, 0.0, math.inf, 0.0
        notes.append("D ≤ 0: no restoring force between sites, no phonons (T_D = 0, r₀/a = ∞)")
    out += [
        Quantity("c₀", c0, "energy·length", "(46)", "sound velocity a√(νD/m)"),
        Quantity("T_D", T_D, "energy", "(49)", "Debye temperature (derived form)"),
        Quantity("r₀/a", ratio, "1", "(47)", f"Lindemann ratio at T = {model.temperature:g}"),
        Quantity("T_melt", T_m, "energy", "(47)", "r₀/a = 1/2; 0 if none survives T > 0"),
    ]
    return out + [Quantity("notes", 0.0, "", "", n) for n in notes]


def _self_consistent(
    model: Model, omega: np.ndarray, eps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str]:
    """ε_α = √(ω_α² + Ω_α²(l)) with Ω from the smeared interaction, l = 1/√(mε): a fixed point.

    Smearing by the Gaussians (29), to second order in l² (the gradient expansion, l ≪ a):
    Ω_α²(l) = (2ν/m)[S2 + h S4 + (h²/2) S6], h = l²/2, with S2, S4, S6 the lattice sums of
    ∂²_αΦ, ∂²_α∇²Φ, ∂²_α∇⁴Φ. Iterated from the bare solution until ε changes by < 1e-14;
    an ω² + Ω² ≤ 0 on the way, or no convergence in 200 steps, is a ModelError. The first
    omitted term (h³/6) S8 gives the stated uncertainty of ε; a steep core (h∇² not small)
    makes it large, and the note shows it.
    """
    inter, d, m, nu = model.interaction, model.d, model.mass, model.filling
    far = inter.far_power
    sums = np.empty((4, d))
    for k, curvatures in enumerate(_laplacian_curvatures(inter, d, 3)):
        for alpha in range(d):
            power = None if far is None else far + 2 + 2 * k
            sums[k, alpha] = _sum(model, curvatures[alpha], f"Σ_j ∂²∇^{2 * k}Φ", power).value
    for step in range(1, 201):
        h = 1 / (2 * m * eps)
        omega2_int = 2 * nu / m * (sums[0] + h * sums[1] + h**2 / 2 * sums[2])
        eps2 = omega**2 + omega2_int
        if np.any(eps2 <= 0):
            raise ModelError(
                f"{model.source}: no self-consistent ε with the smeared Ω: ω² + Ω²(l) ≤ 0 at "
                f"step {step} (ε = {eps.tolist()})"
            )
        new = np.sqrt(eps2)
        change = float(np.max(np.abs(new - eps) / new))
        eps = new
        if change < 1e-14:
            # The first omitted term, (h³/6) S8, moves ε by about its share of ε²/(2ε).
            omitted = 2 * nu / m * h**3 / 6 * sums[3]
            err = float(np.max(np.abs(omitted) / (2 * eps)))
            note = (
                f"Ω from Φ smeared by (29) (gradient expansion to l⁴), self-consistent in ε: "
                f"converged in {step} iterations (last change {change:.1e}); the expansion "
                f"leaves ε uncertain by ≈ {err:.2g} (first omitted term)"
            )
            return eps, omega2_int, note
    raise ModelError(
        f"{model.source}: the self-consistent ε did not converge in 200 iterations "
        f'(last relative change {change:.1e}); use omega = "bare"'
    )


def _laplacian_curvatures(inter: interactions.Interaction, d: int, order: int) -> list[list]:
    """[[∂²_α ∇^(2k) Φ for α < d] for k = 0 … order], as expressions in x, y, z.

    Floats are made rational first and each step is cancelled to one fraction: repeated
    Laplacians of a soft core otherwise swell for minutes. A radial Φ is differentiated in
    r alone (∇² g = g″ + (d − 1)g′/r) and ∂²_α g = g″ x_α²/r² + (g′/r)(1 − x_α²/r²).
    """
    xs = interactions.X[:d]
    profile = _radial_profile(inter, d)
    out = []
    if profile is not None:
        r = interactions.R
        g = sp.nsimplify(profile, rational=True)
        rr = sp.sqrt(sum(x**2 for x in xs))
        if g.is_rational_function(r):
            derivatives = _radial_rational_derivatives(g, d, order)
        else:
            derivatives = []
            for _ in range(order + 1):
                g1, g2 = sp.diff(g, r), sp.diff(g, r, 2)
                derivatives.append((g1, g2))
                g = sp.cancel(g2 + (d - 1) * g1 / r)
        for g1, g2 in derivatives:
            row = []
            for x in xs:
                c = x**2 / rr**2
                row.append((g2 * c + g1 / r * (1 - c)).subs(r, rr))
            out.append(row)
        return out
    f = sp.nsimplify(inter.phi.subs({x: 0 for x in interactions.X[d:]}), rational=True)
    for _ in range(order + 1):
        out.append([sp.diff(f, x, 2) for x in xs])
        f = sp.cancel(sum(sp.diff(f, x, 2) for x in xs))
    return out


def _radial_rational_derivatives(g: sp.Expr, d: int, order: int) -> list[tuple[sp.Expr, sp.Expr]]:
    """[(g_k′, g_k″) for k = 0 … order], g_0 = g rational in r, g_(k+1) = ∇² g_k (radial).

    Each g_k is kept as P/(Q^m r^j) with polynomials P, Q over the rationals and Q the
    denominator of g: differentiating, (P/(Q^m r^j))′ = (P′Qr − mPQ′r − jPQ)/(Q^(m+1) r^(j+1)),
    needs only polynomial products, where cancelling each Laplacian to lowest terms (the
    general path) spends minutes in polynomial GCDs for a rational Φ of degree 8. The forms
    are not reduced, which costs nothing away from r = 0, the one point lattice sums skip.
    """
    r = interactions.R
    num, den = sp.fraction(sp.together(g))
    base, m = (den.base, int(den.exp)) if den.is_Pow and den.exp.is_Integer else (den, 1)
    Q = sp.Poly(base, r, domain="QQ")
    dQ, R = Q.diff(r), sp.Poly(r, r, domain="QQ")

    def derivative(P, m, j):
        return P.diff(r) * Q * R - m * P * dQ * R - j * P * Q, m + 1, j + 1

    def expr(P, m, j):
        return P.as_expr() / (Q.as_expr() ** m * r**j)

    out = []
    term = (sp.Poly(num, r, domain="QQ"), m, 0)
    for _ in range(order + 1):
        first = derivative(*term)
        second = derivative(*first)
        out.append((expr(*first), expr(*second)))
        # ∇² g = g″ + (d − 1) g′/r, brought over the common denominator Q^m2 r^j2.
        (P1, m1, j1), (P2, m2, j2) = first, second
        term = (P2 + (d - 1) * P1 * Q ** (m2 - m1) * R ** (j2 - j1 - 1), m2, j2)
    return out


def _dynamic_parameter(model: Model, l_width: np.ndarray) -> tuple[float, str]:
    """D = (ν²/d) Σ_α ∂²U/∂a_α² at the nearest neighbour a = (a₁, 0, 0), eq. (44).

    U is Φ smeared by the two Gaussians (29): a Gaussian of variance l_α² per direction.

    * Gaussian soft core: exact, the smearing integral done by SymPy.
    * A core Φ ~ r^(−q) with q ≥ d (Lennard-Jones, a bare power law, dipoles): the smearing
      integral diverges at r → 0. The Gaussian overlap of two sites is exactly what such a
      core forbids, so U(a) = Φ(a) is used, and the note says so.
    * An isotropic Φ and width in d = 1 or 3: the smearing integral by quadrature, exact
      (the overlap with an integrable core such as Yukawa's 1/r included).
    * Otherwise (d = 2, anisotropic Φ or width): the gradient expansion
      U = exp(Σ l_α²∂_α²/2) Φ to second order in l², valid for l ≪ a; the first omitted
      term is reported as its error, and the core-overlap size e^(−a²/2l²) it cannot see.
    """
    inter, d, nu = model.interaction, model.d, model.filling
    if inter.onsite_only:
        return 0.0, ""
    xs = interactions.X[:d]
    at = [model.spacing[0], 0.0, 0.0]
    if inter.kind == "gaussian":
        smeared = _smeared_gaussian(inter, l_width)
        curvature = sum(sp.diff(smeared, x, 2) for x in xs)
        return nu**2 / d * float(curvature.subs(dict(zip(interactions.X, at, strict=True)))), ""
    profile = _radial_profile(inter, d)
    q = inter.near_power
    if q is None:
        q = (
            _near_power(profile, model.spacing[0])
            if profile is not None
            else _near_power_cartesian(inter.phi, d, model.spacing[0])
        )
    diverges = q is not None and q >= d
    isotropic = np.ptp(l_width) <= 1e-12 * l_width[0]
    if profile is not None and diverges:
        value = _radial_laplacians(profile, d, model.spacing[0], 1)[1]
        note = (
            f"U(a): smearing Φ ~ r^-{q:g} by the Gaussians diverges at r → 0 in d = {d}; "
            "used U(a) = Φ(a), the bare interaction (the core forbids the overlap)"
        )
        return nu**2 / d * value, note
    if profile is not None and isotropic and d in (1, 3):
        value = _smeared_radial_laplacian(profile, d, model.spacing[0], float(l_width[0]))
        return nu**2 / d * value, "U(a): the smearing integral of (44) by quadrature (radial Φ)"
    if profile is not None and isotropic:
        h = float(l_width[0]) ** 2 / 2
        terms = _radial_laplacians(profile, d, model.spacing[0], 4)
        value = terms[1] + h * terms[2] + h**2 / 2 * terms[3]
        err = abs(h**3 / 6 * terms[4])
        overlap = math.exp(-(model.spacing[0] ** 2) / (2 * float(l_width[0]) ** 2))
        note = (
            "U(a) by the gradient expansion U ≈ Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ (l ≪ a); its "
            f"truncation error in D ≈ {nu**2 / d * err:.2g} (the first omitted term), plus "
            f"core-overlap terms ∝ e^(−a²/2l²) = {overlap:.1g} that no expansion sees"
        )
        if err > 0.1 * abs(value):
            note += f": too large, D is {_UNRELIABLE} (l is not ≪ a)"
        return nu**2 / d * value, note
    if diverges:
        smeared = inter.phi
        note = (
            f"U(a): smearing Φ ~ r^-{q:g} by the Gaussians diverges at r → 0 in d = {d}; "
            "used U(a) = Φ(a), the bare interaction (the core forbids the overlap)"
        )
    else:
        lap = sum((l_width[i] ** 2 / 2) * sp.diff(inter.phi, xs[i], 2) for i in range(d))
        lap2 = sum((l_width[i] ** 2 / 2) * sp.diff(lap, xs[i], 2) for i in range(d)) / 2
        smeared = inter.phi + lap + lap2
        note = "U(a) by the gradient expansion U ≈ Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ (l ≪ a)"
    curvature = sp.lambdify(interactions.X, sum(sp.diff(smeared, x, 2) for x in xs), _NUMPY)
    return nu**2 / d * float(curvature(*at)), note


def _near_power(profile: sp.Expr, a: float) -> float:
    """q in |Φ| ~ r^(−q) as r → 0 (0 when Φ stays finite), from Φ at 1e-8 a and 2e-8 a."""
    f = sp.lambdify(interactions.R, profile, "mpmath")
    with mpmath.workdps(30):
        small, smaller = abs(f(mpmath.mpf(2e-8) * a)), abs(f(mpmath.mpf(1e-8) * a))
    if small == 0 or not mpmath.isfinite(smaller):
        return math.inf if not mpmath.isfinite(smaller) else 0.0
    return max(0.0, float(mpmath.log(smaller / small, 2)))


def _near_power_cartesian(phi: sp.Expr, d: int, a: float) -> float:
    """q in max_direction |Φ| ~ r^(−q) as r → 0, for a Φ that is not radial."""
    f = sp.lambdify(interactions.X, phi, "mpmath")
    dirs = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)]
    dirs = [v for v in dirs if not any(v[d:])] or [(1, 0, 0)]
    with mpmath.workdps(30):

        def envelope(scale):
            vals = []
            for v in dirs:
                norm = mpmath.sqrt(sum(c * c for c in v))
                vals.append(abs(f(*(mpmath.mpf(scale) * a * c / norm for c in v))))
            return max(vals)

        small, smaller = envelope(2e-8), envelope(1e-8)
    if small == 0 or not mpmath.isfinite(smaller):
        return math.inf if not mpmath.isfinite(smaller) else 0.0
    return max(0.0, float(mpmath.log(smaller / small, 2)))


def _smeared_radial_laplacian(profile: sp.Expr, d: int, a: float, width: float) -> float:
    """∇²U at distance a for U = Φ smeared by N(0, l²) per direction (d = 1 or 3), by quadrature.

    The derivatives go onto the Gaussian kernel g(u) = e^(−u²/2l²), g″ = (u²/l⁴ − 1/l²) g:
    d = 1: U″(a) = ∫ Φ(|ρ|) g″(ρ − a) dρ / (l√(2π));
    d = 3: ∇²U = (aU)″/a = ∫₀^∞ ρΦ(ρ)[g″(ρ − a) − g″(ρ + a)] dρ / (a l √(2π)).
    Exact up to quadrature (30 digits), the overlap with a singular core included.
    """
    f = sp.lambdify(interactions.R, profile, "mpmath")
    with mpmath.workdps(30):
        a_, w = mpmath.mpf(a), mpmath.mpf(width)

        def g2(u):
            return (u * u / w**4 - 1 / w**2) * mpmath.exp(-u * u / (2 * w * w))

        cuts = sorted({mpmath.mpf(0), max(mpmath.mpf(0), a_ - 10 * w), a_, a_ + 10 * w})
        norm = w * mpmath.sqrt(2 * mpmath.pi)
        if d == 1:
            # Φ(|ρ|) on both sides: the mirror image of ρ > 0 sits at g″(−ρ − a) = g″(ρ + a).
            value = mpmath.quad(
                lambda rho: f(rho) * (g2(rho - a_) + g2(rho + a_)), [*cuts, mpmath.inf]
            )
            return float(value / norm)
        value = mpmath.quad(
            lambda rho: rho * f(rho) * (g2(rho - a_) - g2(rho + a_)), [*cuts, mpmath.inf]
        )
        return float(value / (a_ * norm))


def _radial_laplacians(profile: sp.Expr, d: int, a: float, order: int) -> list[float]:
    """[f, ∇²f, ∇⁴f, …] at r = a for a radial f in d dimensions, up to ∇^(2·order).

    ∇² of a radial function is f'' + (d − 1) f'/r. Repeating it symbolically swells the
    expressions (a minute for ∇⁸ of a soft core), so f is expanded at a into a Taylor
    polynomial in t = r − a (mpmath, 40 digits) and ∇² acts on that polynomial, with 1/r
    expanded in t as well; each application costs two orders, so 2·order + 2 are kept.
    """
    r = interactions.R
    t = sp.Symbol("t")
    keep = 2 * order + 2
    f_mp = sp.lambdify(r, profile, "mpmath")
    with mpmath.workdps(40):
        coeffs = mpmath.taylor(f_mp, mpmath.mpf(a), keep)
    poly = sum(sp.Float(c, 40) * t**k for k, c in enumerate(coeffs))
    inv_r = sum(
        sp.Float((-1) ** j, 40) * t**j / sp.Float(a, 40) ** (j + 1) for j in range(keep + 1)
    )
    out = [float(poly.subs(t, 0))]
    for _ in range(order):
        poly = sp.expand(sp.diff(poly, t, 2) + (d - 1) * sp.diff(poly, t) * inv_r)
        poly = sum(poly.coeff(t, k) * t**k for k in range(keep + 1))
        out.append(float(poly.subs(t, 0)))
    return out


def _radial_profile(inter: interactions.Interaction, d: int) -> sp.Expr | None:
    """Φ on the d-dimensional lattice space as a function of r alone, if it is one.

    Known for the isotropic kinds; otherwise (dipoles perpendicular to a square lattice,
    say) found by restricting Φ to the lattice space and comparing it with its profile
    along the first axis at a few fixed points.
    """
    if inter.profile is not None:
        return inter.profile
    xs, r = interactions.X, interactions.R
    on_plane = inter.phi.subs({x: 0 for x in xs[d:]})
    candidate = on_plane.subs({x: 0 for x in xs[1:d]}).subs(xs[0], r)
    if candidate.free_symbols - {r}:
        return None
    f_plane = sp.lambdify(xs[:d], on_plane, _NUMPY)
    f_radial = sp.lambdify(r, candidate, _NUMPY)
    rng = np.random.default_rng(1)
    pts = rng.uniform(0.3, 3.0, (6, d)) * rng.choice([-1, 1], (6, d))
    with np.errstate(all="ignore"):
        a = np.array([f_plane(*p) for p in pts], dtype=float)
        b = np.array([f_radial(np.linalg.norm(p)) for p in pts], dtype=float)
    ok = np.all(np.isfinite(a)) and np.allclose(a, b, rtol=1e-12, atol=0)
    return candidate if ok else None


def _smeared_gaussian(inter: interactions.Interaction, l_width: np.ndarray) -> sp.Expr:
    """V₀ exp(−r²/2σ²) convolved with N(0, l_α²) per direction, integrated by SymPy."""
    v0, sigma = inter.params["V0"], inter.params["sigma"]
    s = sp.Symbol("s", real=True)
    out = sp.Float(v0)
    for i, li in enumerate(l_width):
        x = interactions.X[i]
        kernel = sp.exp(-(s**2) / (2 * sp.Float(li) ** 2)) / sp.sqrt(2 * sp.pi * sp.Float(li) ** 2)
        out *= sp.integrate(
            sp.exp(-((x + s) ** 2) / (2 * sp.Float(sigma) ** 2)) * kernel, (s, -sp.oo, sp.oo)
        )
    return sp.simplify(out)
