"""Model files (TOML): the schema, its checks, and the :class:`Model` they describe.

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
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import interactions, parser
from .functions import kinetic_energy, recoil_energy, wave_number
from .lattice_sums import KINDS as LATTICE_KINDS

__all__ = ["OMEGA_MODES", "PHONON_MODES", "Model", "ModelError", "load", "loads"]

_SECTIONS: dict[str, dict[str, object] | None] = {
    "model": {"name": str, "mass": float, "filling": float, "omega": str, "phonons": str},
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
            where = origin(section, key)
            if key not in schema:
                raise ModelError(f"{where}: unknown key; allowed: {', '.join(schema)}")
            values[section][key] = _typed(value, schema[key], where)
    m, lat = values["model"], values["lattice"]
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
    depth = _per_direction(lat[given[0]], d, origin("lattice", given[0]))
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
        all(u >= 0 for u in depth),
        f"{origin('lattice', given[0])} must be >= 0 (got {list(depth)})",
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
    if given[0] == "recoil_depth":  # U_α = s_α E_R,α
        depth = tuple(float(s * e) for s, e in zip(depth, recoil, strict=True))
    _require(
        lat["temperature"] >= 0,
        f"{origin('lattice', 'temperature')} must be >= 0 (got {lat['temperature']!r})",
    )
    inter = dict(data["interaction"])
    kind = inter.pop("kind")
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
    if isinstance(value, tuple):
        if len(value) != d:
            raise ModelError(f"{where}: needs {d} values for this lattice (got {len(value)})")
        return value
    return (float(value),) * d  # type: ignore[arg-type]  # a number, checked by _typed


# --------------------------------------------------------------------------------------
# Quantities
