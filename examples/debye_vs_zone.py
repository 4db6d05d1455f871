"""How far the Debye sphere of (42) is from the whole Brillouin zone, geometry by geometry.

For a crystal of point particles with a repulsive C/r⁶ (summed over all neighbours by Ewald),
r₀² of (41)–(42) over the whole zone (qcrystal.crystal.HarmonicCrystal) is divided by r₀²
over the Debye sphere with the crystal's own direction-dependent sound velocities — what the
paper's approximation keeps of the same crystal. At T = 0 (⟨Σ_s 1/ω_s⟩) and at T ≫ T_D
(⟨Σ_s 1/ω_s²⟩). Run: python examples/debye_vs_zone.py (about a minute); prints Markdown.
"""

from __future__ import annotations

import math

import numpy as np

import qcrystal
from qcrystal.crystal import HarmonicCrystal, PowerLaw, UnstableError, geometry
from qcrystal.crystal import dynamics as dyn
from qcrystal.numerics import _cubic_zone as cz


def debye_sphere(crystal: HarmonicCrystal, hot: bool) -> float:
    """(1/2M)(1/V_zone) ∫_{k ≤ k_D} Σ_s φ(c_s(k̂) k) dᵈk with φ = 1/ω (T = 0) or 2/ω² (per
    unit T, T ≫ T_D): the long-wave spectrum carried out to the Debye sphere."""
    g = crystal.geometry
    d, kD = g.d, g.debye_wavenumber
    dirs, w = dyn._sphere_rule(d)
    c = np.sqrt(np.linalg.eigvalsh(crystal._long_wave(dirs)))  # (m, d)
    if hot:
        radial = kD ** (d - 2) / (d - 2)
        per_dir = np.sum(2.0 / c**2, axis=1) * radial
    else:
        radial = kD ** (d - 1) / (d - 1)
        per_dir = np.sum(1.0 / c, axis=1) * radial
    return float(np.sum(w * per_dir)) / g.zone_volume / (2.0 * crystal.mass)


def row(name: str, n: int = 12) -> str:
    crystal = HarmonicCrystal(geometry(name), PowerLaw(1.0, 6))
    st = crystal.stability(8)
    if not st.stable:
        where = np.round(st.k, 2).tolist()
        return (
            f"| {name} | unstable (ω² = {st.omega2:.3g} at k = {where}, branch {st.branch}) | | |"
        )
    zero = crystal.mean_square_displacement(0.0, n=n)
    cells = [f"{zero.value / debye_sphere(crystal, False):.3f}"]
    if crystal.geometry.d == 3:
        big = 1e4 * float(np.max(crystal.frequencies(np.array([[math.pi, 0.0, 0.0]]))))
        hot = crystal.mean_square_displacement(big, n=n)
        cells.append(f"{hot.value / big / debye_sphere(crystal, True):.3f}")
    else:
        cells.append("∞ both (d = 2)")
    return f"| {name} | stable | {cells[0]} | {cells[1]} |"


if __name__ == "__main__":
    print("| geometry, C/r⁶ | stability | r₀² zone/sphere, T = 0 | r₀² zone/sphere, T ≫ T_D |")
    print("|---|---|---:|---:|")

    zero = qcrystal.lindemann_threshold(3, zone="exact") / qcrystal.lindemann_threshold(3)
    # T ≫ T_D: the bound on T_D²/(E_K T), 2dκ²⟨1/s⟩ over the zone, 8d²/(d − 2) = 72 over the sphere
    hot = 2 * 3 * cz.kappa(3) ** 2 * cz.inverse_average(3) / 72.0
    print(f"| cubic, the paper's scalar spectrum (43) | (no branches) | {zero:.3f} | {hot:.3f} |")
    for name in ("square", "triangular", "cubic", "bcc", "fcc"):
        try:
            print(row(name))
        except (UnstableError, ValueError) as exc:
            print(f"| {name} | {exc} | | |")
