"""Model files (TOML): the schema, its checks, and the :class:`Model` they describe.

::

    [model]
    name = "dipolar atoms"      # optional
    mass = 1.0                  # m (or instead, or beside it, species = "Rb87")
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

Units: ħ = k_B = 1. A file of plain numbers is in one unit of length and one of mass of the
user's choosing; energies are then in ħ²/(m_unit·length_unit²) (``Model.units == "model"``).
Any value may instead be a string with a unit, read by pint (:mod:`.units`): ``"1064 nm"``,
``"12 kHz"`` (E/h), ``"50 nK"`` (k_B T), ``"87 Da"``; a depth may be ``"10 E_R"``. A file
with such a string, or with ``[model] species`` (:mod:`.species`), is in the lab system
(``Model.units == "lab"``): length 1 µm, mass 1 Da, energy E₀ = ħ²/(Da·µm²) ≈ h × 10.1 kHz,
temperature E₀/k_B ≈ 485 nK, and its plain numbers mean these units. ``"s E_R"`` alone
keeps a file in its own units. The dimension of each key: mass a mass; wavelength a
length; depth an energy (or ``"s E_R"``); recoil_depth a pure number (or ``"s E_R"``);
temperature an energy; the interaction's g, C (of C/rⁿ), C_dd, C6 an energy × length³,
lengthⁿ, length³, length⁶; R_c, sigma lengths; epsilon, V0 energies; custom parameters
plain numbers only. The contact g is the three-dimensional coupling of g δ³(r) (energy ×
length³) whatever the lattice's d: the atoms are three-dimensional, no reduced coupling of
a tightly confined direction is formed, and g enters no quantity shown (Φ = 0 off-site).

Physical interactions (lab files): dipolar may give ``magnetic_moment = "10 bohr_magneton"``
(C_dd = μ₀μ²/4π) or ``electric_dipole = "0.57 debye"`` (C_dd = d²/4πε₀) instead of C_dd;
contact may give ``scattering_length = "100.4 bohr"`` (g = 4πħ²a_s/m, m the model's mass)
instead of g. Exactly one way; none: the species' table value (a magnetic moment before an
electric dipole), and a species without one is refused. ``Model.sources`` says how each
derived value was obtained. Values in the file win over the species' (a ``mass`` beside
``species`` is the mass used), silently: the file says what it means.

Numbers or unit strings only: text where a number belongs, an unknown key, a missing key,
a unit of the wrong dimension or an unphysical value (mass ≤ 0, spacing ≤ 0, d outside
1–3) is a :class:`ModelError` naming the file, the key and, where TOML knows it, the line.
Nothing is defaulted silently: the optional keys and their defaults are listed above.
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import interactions, parser, units
from . import species as species_table
from .functions import kinetic_energy, recoil_energy, wave_number
from .lattice_sums import KINDS as LATTICE_KINDS

__all__ = ["OMEGA_MODES", "PHONON_MODES", "Model", "ModelError", "load", "loads"]

_SECTIONS: dict[str, dict[str, object] | None] = {
    "model": {
        "name": str,
        "species": str,
        "mass": float,
        "filling": float,
        "omega": str,
        "phonons": str,
    },
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
# The dimension of each quantity key, for values given as unit strings (see .units).
_DIMENSIONS: dict[tuple[str, str], units.Dimension] = {
    ("model", "mass"): units.MASS,
    ("lattice", "wavelength"): units.LENGTH,
    ("lattice", "depth"): units.ENERGY,
    ("lattice", "recoil_depth"): units.DIMENSIONLESS,
    ("lattice", "temperature"): units.ENERGY,
}
# The same for the interaction's parameters, by kind; C of power_law has energy × lengthⁿ.
_PARAMETER_DIMENSIONS: dict[str, dict[str, units.Dimension]] = {
    "contact": {"g": units.energy_length(3), "scattering_length": units.LENGTH},
    "dipolar": {"C_dd": units.energy_length(3)},
    "rydberg": {
        "C6": units.energy_length(6),
        "R_c": units.LENGTH,
        "rydberg_C6": units.energy_length(6),
        "rabi_frequency": units.ENERGY,
        "detuning": units.ENERGY,
    },
    "lennard_jones": {"epsilon": units.ENERGY, "sigma": units.LENGTH},
    "gaussian": {"V0": units.ENERGY, "sigma": units.LENGTH},
}
# The ways of giving one coupling: exactly one of each group (or the species' value).
_WAYS = {
    "dipolar": ("C_dd", "magnetic_moment", "electric_dipole"),
    "contact": ("g", "scattering_length"),
    "rydberg": ("C6", "rydberg_C6"),
}
_DRESSING = ("rydberg_C6", "rabi_frequency", "detuning")
_DEFAULTS: dict[str, dict[str, object]] = {
    "model": {"name": "", "filling": 1.0, "omega": "bare", "phonons": "interaction"},
    "lattice": {"temperature": 0.0},
}
OMEGA_MODES = ("bare", "smeared")
# the phonons of section 4 from the interaction part of (6) alone (the paper's), or with the
# on-site restoring force of the optical lattice U_L too (a gap under every branch)
PHONON_MODES = ("interaction", "with_lattice")
MAX_BYTES = 1_000_000  # a model file is a few hundred bytes; this refuses /dev/zero and the like


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
    phonons: str = "interaction"  # one of PHONON_MODES
    # "model": the file's own units; "lab": µm, Da, ħ = k_B = 1 (qcrystal.models.units)
    units: str = units.MODEL
    species: str = ""  # the [model] species, if named
    # how each value not given as it is used was obtained ("interaction.C_dd": "μ₀μ²/4π …")
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def energy_unit_J(self) -> float | None:
        """The SI size of the model's energy unit (J), or None in the file's own units."""
        return units.LAB_ENERGY_J if self.units == units.LAB else None

    @property
    def length_unit_m(self) -> float | None:
        """The SI size of the model's length unit (m), or None in the file's own units."""
        return units.LAB_LENGTH_M if self.units == units.LAB else None

    @property
    def d(self) -> int:
        return LATTICE_KINDS[self.kind]

    @property
    def spacing(self) -> tuple[float, ...]:
        return tuple(lam / 2 for lam in self.wavelength)


def load(path: str | Path, overrides: dict[str, object] | None = None) -> Model:
    """Read and check a model file; ``overrides`` maps "section.key" to a value (--set).

    The file is read by :func:`read_text`; anything wrong is a ModelError naming it.
    """
    return loads(read_text(path), str(path), overrides)


def read_text(path: str | Path) -> str:
    """The text of a model file: a regular file of at most ``MAX_BYTES`` (not a device, a
    FIFO or a folder) in UTF-8; anything else is a ModelError naming the file."""
    path = Path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ModelError(f"{path}: not a regular file (a model file is a TOML text file)")
        if info.st_size > MAX_BYTES:
            raise ModelError(
                f"{path}: {info.st_size:,} bytes; a model file has at most {MAX_BYTES:,}"
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # the file may have grown since stat
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model file ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise ModelError(f"{path}: more than {MAX_BYTES:,} bytes; a model file has at most that")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(
            f"{path}: not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x})"
        ) from None


def loads(text: str, source: str = "<model>", overrides: dict | None = None) -> Model:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ModelError(f"{source}: nested too deeply to be a model file") from None
    except ValueError as exc:  # an integer of more digits than Python converts (4300)
        raise ModelError(f"{source}: not a usable TOML file: {exc}") from None
    for dotted, value in (overrides or {}).items():
        section, _, key = dotted.partition(".")
        if not key or section not in _SECTIONS:
            raise ModelError(
                f"--set {dotted}: name a key as section.key, section one of {', '.join(_SECTIONS)}"
            )
        table = data.setdefault(section, {})
        if not isinstance(table, dict):
            raise ModelError(f"--set {dotted}: [{section}] is not a table in {source}")
        if section == "lattice" and key in _DEPTH_KEYS:
            for other in _DEPTH_KEYS:  # --set U=… replaces the file's depth, however given
                table.pop(other, None)
        for ways in _WAYS.values():  # --set C_dd=… replaces a magnetic_moment, and so on
            if section == "interaction" and key in ways:
                for other in ways:
                    table.pop(other, None)
        table[key] = value
    return _check(data, source, text, {d.partition(".")[::2] for d in overrides or {}})


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


def _check(data: dict, source: str, text: str, overridden: set[tuple[str, str]]) -> Model:
    def origin(section: str, key: str) -> str:
        """Where a value came from: the --set that gave it, or the file and line."""
        if (section, key) in overridden:
            return f"--set {section}.{key}"
        return f"{source}: [{section}] {key}{_line_of(text, section, key)}"

    for section in data:
        if section not in _SECTIONS:
            raise ModelError(
                f"{source}: unknown section [{section}]{_line_of(text, section)}; "
                f"allowed: {', '.join(f'[{s}]' for s in _SECTIONS)}"
            )
    lab = _uses_units(data)
    values: dict[str, dict] = {}
    for section, schema in _SECTIONS.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise ModelError(f"{source}: missing section [{section}]")
        missing = _REQUIRED[section] - set(table)
        if section == "model" and "species" in table:
            missing.discard("mass")  # the species' mass, unless the file gives its own
        if missing:
            raise ModelError(
                f"{source}: [{section}] is missing {', '.join(sorted(missing))}"
                f"{_line_of(text, section)}"
            )
        if schema is None:
            continue
        values[section] = dict(_DEFAULTS.get(section, {}))
        for key, value in table.items():
            where = origin(section, key)
            if key not in schema:
                raise ModelError(f"{where}: unknown key; allowed: {', '.join(schema)}")
            dim = _DIMENSIONS.get((section, key))
            recoil_ok = section == "lattice" and key in _DEPTH_KEYS
            values[section][key] = _typed(value, schema[key], where, dim, recoil_ok)
    m, lat = values["model"], values["lattice"]
    sources: dict[str, str] = {}
    spec = None
    if "species" in m:
        try:
            spec = species_table.lookup(m["species"])
        except ValueError as exc:
            raise ModelError(f"{origin('model', 'species')}: {exc}") from None
        if "mass" not in m:  # a mass beside the species wins (documented, not warned)
            m["mass"] = spec.mass
            sources["model.mass"] = f"{spec.name}: {' + '.join(spec.isotopes)}, periodictable"
    where = f"{source}: [lattice] kind"
    if lat["kind"] not in LATTICE_KINDS:
        raise ModelError(f"{where}: '{lat['kind']}' is not one of {', '.join(LATTICE_KINDS)}")
    d = LATTICE_KINDS[lat["kind"]]
    wavelength = _per_direction(lat["wavelength"], d, origin("lattice", "wavelength"))
    given = [k for k in _DEPTH_KEYS if k in lat]
    if len(given) != 1:
        raise ModelError(
            f"{source}: [lattice]{_line_of(text, 'lattice')} needs exactly one of depth (U) "
            f"and recoil_depth (s = U/E_R) (got {', '.join(given) or 'neither'})"
        )
    depth_given = _per_direction(lat[given[0]], d, origin("lattice", given[0]))
    _require(m["mass"] > 0, f"{origin('model', 'mass')} must be > 0 (got {m['mass']!r})")
    _require(
        0 < m["filling"] <= 1e6,
        f"{origin('model', 'filling')} must be in (0, 1e6] atoms per site (got {m['filling']!r})",
    )
    _require(m["mass"] <= 1e30, f"{origin('model', 'mass')} must be <= 1e30 (got {m['mass']!r})")
    _require(
        all(w > 0 for w in wavelength),
        f"{origin('lattice', 'wavelength')} must be > 0 (got {list(wavelength)})",
    )
    _require(
        all(float(u) >= 0 for u in depth_given),
        f"{origin('lattice', given[0])} must be >= 0 (got {[float(u) for u in depth_given]})",
    )
    _require(
        m["name"].isprintable(),
        f"{origin('model', 'name')} must be printable text (got {m['name']!r})",
    )
    # E_R = k₀²/2m and E_K = 1/(2ma²) must be ordinary float64 numbers: a wavelength of
    # 1e300 is refused here, naming it, not later as "E_R must be > 0".
    recoil = recoil_energy(wave_number(wavelength), m["mass"])
    kinetic = [kinetic_energy(lam / 2, m["mass"]) for lam in wavelength]
    for what, numbers in (("E_R = k₀²/2m", list(recoil)), ("E_K = 1/(2ma²)", kinetic)):
        _require(
            all(1e-250 < v < 1e250 for v in numbers),
            f"{source}: [lattice] wavelength {list(wavelength)} with [model] mass {m['mass']!r} "
            f"gives {what} = {', '.join(f'{float(v):.3g}' for v in numbers)}, outside float64's "
            "comfortable range: choose units "
            "in which these numbers are moderate",
        )
    # U_α = s_α E_R,α for recoil_depth = s and for a depth of "s E_R"; an energy as it is
    depth = tuple(
        float(u) * float(e) if given[0] == "recoil_depth" or isinstance(u, _Recoil) else float(u)
        for u, e in zip(depth_given, recoil, strict=True)
    )
    _require(
        lat["temperature"] >= 0,
        f"{origin('lattice', 'temperature')} must be >= 0 (got {lat['temperature']!r})",
    )
    inter = dict(data["interaction"])
    kind = inter.pop("kind")
    inter = _physical_interaction(str(kind), inter, spec, m["mass"], origin, sources)
    try:
        interaction = interactions.make(
            str(kind), inter, source=source, line=_line_number(text, "interaction", "expression")
        )
    except parser.ExpressionError as exc:
        raise ModelError(str(exc)) from None
    except ValueError as exc:
        raise ModelError(f"{source}: [interaction]{_line_of(text, 'interaction')}: {exc}") from None
    _require(
        m["omega"] in OMEGA_MODES,
        f"{source}: [model] omega must be one of {', '.join(OMEGA_MODES)} (got {m['omega']!r})",
    )
    _require(
        m["phonons"] in PHONON_MODES,
        f"{source}: [model] phonons must be one of {', '.join(PHONON_MODES)} "
        f"(got {m['phonons']!r})",
    )
    return Model(
        source, m["name"], m["mass"], m["filling"], lat["kind"], wavelength, depth,
        lat["temperature"], interaction, data, m["omega"], m["phonons"],
        units.LAB if lab else units.MODEL, m.get("species", ""), sources,
    )  # fmt: skip


@dataclass(frozen=True)
class _Recoil:
    """A depth given as ``"s E_R"``: s recoil energies of its direction, resolved once the
    wavelength and the mass are known."""

    s: float

    def __float__(self) -> float:
        return self.s


def _recoil_or_none(value: object) -> float | None:
    """s of a ``"s E_R"`` string; None for anything else (a later check says what is wrong)."""
    if not isinstance(value, str):
        return None
    try:
        return units.recoil_multiple(value)
    except units.UnitError:
        return None


def _uses_units(data: dict) -> bool:
    """Whether a file is in the lab system: it names a species, or gives a quantity as a
    unit string other than ``"s E_R"`` (which means the same in any units)."""
    model, inter = data.get("model"), data.get("interaction")
    if isinstance(model, dict) and "species" in model:
        return True
    strings: list[object] = []
    for section, key in _DIMENSIONS:
        table = data.get(section)
        value = table.get(key) if isinstance(table, dict) else None
        strings += value if isinstance(value, list) else [value]
    if isinstance(inter, dict):
        kind = inter.get("kind")
        keys = set(_PARAMETER_DIMENSIONS.get(kind, {})) if isinstance(kind, str) else set()
        keys |= {"C", "magnetic_moment", "electric_dipole"} if kind != "custom" else set()
        strings += [inter[k] for k in keys & set(inter)]
    return any(isinstance(v, str) and _recoil_or_none(v) is None for v in strings)


def _physical_interaction(
    kind: str,
    params: dict,
    spec: species_table.Species | None,
    mass: float,
    origin: Callable[[str, str], str],
    sources: dict[str, str],
) -> dict:
    """The interaction's parameters in the model's units: unit strings converted, C_dd from
    a moment and g from a scattering length (or from the species' table), checked that
    exactly one way is given. What :func:`interactions.make` does not know is consumed."""
    raw, params = params, dict(params)
    dims = dict(_PARAMETER_DIMENSIONS.get(kind, {}))
    if kind == "power_law" and isinstance(params.get("C"), str):
        n = params.get("n")
        if isinstance(n, bool) or not isinstance(n, int | float) or not math.isfinite(n):
            raise ModelError(f"{origin('interaction', 'n')}: must be a number (C's unit needs it)")
        dims["C"] = units.energy_length(n)
    for key, dim in dims.items():
        if isinstance(params.get(key), str):
            params[key] = _in_lab(params[key], dim, origin("interaction", key))
    ways = _WAYS.get(kind, ())
    chosen = [k for k in ways if k in params]
    if len(chosen) > 1:
        raise ModelError(
            f"{origin('interaction', chosen[1])}: give one of {', '.join(ways)}, not both "
            f"{chosen[0]} and {chosen[1]}"
        )
    for key in ("magnetic_moment", "electric_dipole"):
        if key in params and kind != "dipolar":
            raise ModelError(f'{origin("interaction", key)}: only for kind = "dipolar"')
    if kind == "dipolar":
        via, text, whose = _moment(params, spec, origin)
        if via:
            coupling = {"magnetic_moment": units.magnetic_dipole_coupling,
                        "electric_dipole": units.electric_dipole_coupling}[via]  # fmt: skip
            try:
                params["C_dd"] = coupling(text)
            except units.UnitError as exc:
                raise ModelError(f"{origin('interaction', via)}: {exc}") from None
            formula = "μ₀μ²/4π, μ" if via == "magnetic_moment" else "d²/4πε₀, d"
            sources["interaction.C_dd"] = f"{formula} = {text}{whose}"
    if kind == "rydberg" and set(_DRESSING) & set(params):
        _dress(params, raw, origin, sources)
    if kind == "contact" and "g" not in params:
        a, whose = params.pop("scattering_length", None), ""
        if a is None and spec is not None:
            if spec.scattering_length is None:
                raise ModelError(
                    f"{origin('model', 'species')}: {spec.name} has no scattering length in "
                    "qcrystal's species table; give g or scattering_length in [interaction]"
                )
            a = _in_lab(spec.scattering_length, units.LENGTH, origin("model", "species"))
            whose = f" of {spec.name} ({spec.sources['scattering_length']})"
            text = spec.scattering_length
        else:
            text = str(raw.get("scattering_length"))
        if a is not None:
            if isinstance(a, bool) or not isinstance(a, int | float) or not math.isfinite(a):
                raise ModelError(f"{origin('interaction', 'scattering_length')}: must be a length")
            params["g"] = units.contact_coupling(float(a), mass)
            sources["interaction.g"] = f"4πħ²a_s/m, a_s = {text}{whose}"
    return params


def _dress(params: dict, raw: dict, origin: Callable[[str, str], str], sources: dict) -> None:
    """C6 and R_c of the rydberg kind from the dressing (:func:`interactions.dressed_soft_core`),
    in place; all three keys needed, and R_c not given beside them."""
    missing = [k for k in _DRESSING if k not in params]
    if missing:
        raise ModelError(
            f"{origin('interaction', missing[0])}: the dressing needs {', '.join(_DRESSING)} "
            f"together (missing: {', '.join(missing)}); or give C6 and R_c"
        )
    if "R_c" in params:
        raise ModelError(
            f"{origin('interaction', 'R_c')}: R_c follows from rydberg_C6 and detuning; give "
            "one way, the dressing or C6 and R_c"
        )
    values = []
    for key in _DRESSING:
        value = params.pop(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ModelError(f"{origin('interaction', key)}: must be a number or a unit string")
        values.append(float(value))
    try:
        params["C6"], params["R_c"] = interactions.dressed_soft_core(*values)
    except ValueError as exc:
        raise ModelError(f"{origin('interaction', 'rydberg_C6')}: {exc}") from None
    given = ", ".join(f"{k} = {raw[k]}" for k in _DRESSING)
    sources["interaction.C6"] = f"Ω⁴C₆/(16Δ⁴), weak dressing: {given}"
    sources["interaction.R_c"] = f"(C₆/2Δ)^(1/6): {given}"


def _moment(
    params: dict, spec: species_table.Species | None, origin: Callable[[str, str], str]
) -> tuple[str, str, str]:
    """Which moment gives C_dd (key, unit string, whose), or ("", "", "") for C_dd itself
    or for nothing (interactions.make then asks for C_dd)."""
    for key in ("magnetic_moment", "electric_dipole"):
        if key in params:
            text = params.pop(key)
            if not isinstance(text, str):
                example = '"10 bohr_magneton"' if key == "magnetic_moment" else '"0.57 debye"'
                raise ModelError(
                    f"{origin('interaction', key)}: give it with a unit, e.g. {example}"
                )
            return key, text, ""
    if "C_dd" in params or spec is None:
        return "", "", ""
    for key in ("magnetic_moment", "electric_dipole"):  # the species' table, magnetic first
        text = getattr(spec, key)
        if text is not None:
            return key, text, f" of {spec.name} ({spec.sources[key]})"
    raise ModelError(
        f"{origin('model', 'species')}: {spec.name} has no magnetic moment or electric dipole "
        "in qcrystal's species table; give C_dd, magnetic_moment or electric_dipole in "
        "[interaction]"
    )


def _in_lab(text: str, dim: units.Dimension, where: str) -> float:
    try:
        return units.to_lab(text, dim)
    except units.UnitError as exc:
        raise ModelError(f"{where}: {exc}") from None


def _line_number(text: str, section: str, key: str) -> int:
    found = _line_of(text, section, key)
    return int(found.split()[-1].rstrip(")")) if found else 1


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ModelError(message)


def _typed(
    value: object,
    kind: object,
    where: str,
    dim: units.Dimension | None = None,
    recoil_ok: bool = False,
) -> object:
    if kind is str:
        if not isinstance(value, str):
            raise ModelError(f"{where}: must be text (got {type(value).__name__} {value!r})")
        return value
    if kind is float:
        return _quantity(value, where, dim, recoil_ok)
    # "vector": one number, or a list of numbers (one per direction)
    if isinstance(value, list):
        return tuple(_quantity(v, where, dim, recoil_ok) for v in value)
    return _quantity(value, where, dim, recoil_ok)


def _quantity(
    value: object, where: str, dim: units.Dimension | None, recoil_ok: bool
) -> float | _Recoil:
    """A number, or a unit string in lab units; a depth may be ``"s E_R"`` (a _Recoil for
    depth, s itself for recoil_depth)."""
    if not isinstance(value, str) or dim is None:
        return _number(value, where)
    recoil = _recoil_or_none(value) if recoil_ok else None
    if recoil is not None:
        return _Recoil(recoil) if dim is units.ENERGY else recoil
    if dim is units.DIMENSIONLESS:  # recoil_depth is s itself
        try:
            what = units.describe(value)
        except units.UnitError as exc:
            raise ModelError(f"{where}: {exc}") from None
        raise ModelError(f'{where}: s = U/E_R is a number or "s E_R"; "{value}" is {what} '
                         "(an energy is a depth)")  # fmt: skip
    return _in_lab(value, dim, where)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelError(f"{where}: must be a number (got {type(value).__name__} {value!r})")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float64
        raise ModelError(
            f"{where}: an integer of {len(str(abs(int(value))))} digits, beyond float64's 1.8e308"
        ) from None
    if not math.isfinite(number):
        raise ModelError(f"{where}: must be finite (got {value!r})")
    return number + 0.0  # −0.0 is 0.0


def _per_direction(value: object, d: int, where: str) -> tuple[float, ...]:
    """One value per direction: a tuple of ``d`` as given, or one value repeated."""
    if isinstance(value, tuple):
        if len(value) != d:
            raise ModelError(f"{where}: needs {d} values for this lattice (got {len(value)})")
        return value
    return (value,) * d  # type: ignore[return-value]  # a number (or _Recoil), by _typed


# --------------------------------------------------------------------------------------
# Quantities
