"""How far the Debye sphere of (42) is from the whole Brillouin zone, geometry by geometry.

For a crystal of point particles with a repulsive C/r⁶ (summed over all neighbours by Ewald),
r₀² of (41)–(42) over the whole zone is divided by r₀² over the Debye sphere with the
crystal's own direction-dependent sound velocities (qcrystal.Crystal, zone "exact" and
"debye") — what the paper's approximation keeps of the same crystal — at T = 0 (⟨Σ_s 1/ω_s⟩)
and at T ≫ T_D (⟨Σ_s 1/ω_s²⟩). Run: python examples/debye_vs_zone.py (about ten seconds);
prints the README's Markdown table.
"""

from __future__ import annotations

import math

import numpy as np

import qcrystal
from qcrystal.numerics import _cubic_zone as cz


def row(name: str) -> str:
    crystal = qcrystal.Crystal(name, {"kind": "power_law", "C": 1.0, "n": 6}, n=12)
    st = crystal.stability()
    if not st.stable:
        where = np.round(st.k, 2).tolist()
        return (
            f"| {name} | unstable (ω² = {st.omega2:.3g} at k = {where}, branch {st.branch}) | | |"
        )
    ratios = []
    temperatures = [0.0]
    if crystal._harmonic.geometry.d == 3:  # T ≫ T_D: 10⁴ times the top of the spectrum
        top = float(np.max(crystal.frequencies(np.full(3, math.pi))))
        temperatures.append(1e4 * top)
    for T in temperatures:
        exact = float(crystal.mean_square_displacement(T, "exact"))
        ratios.append(f"{exact / float(crystal.mean_square_displacement(T, 'debye')):.3f}")
    if len(ratios) == 1:
        ratios.append("∞ both (d = 2)")
    return f"| {name} | stable | {ratios[0]} | {ratios[1]} |"


if __name__ == "__main__":
    print("| geometry, C/r⁶ | stability | r₀² zone/sphere, T = 0 | r₀² zone/sphere, T ≫ T_D |")
    print("|---|---|---:|---:|")
    zero = qcrystal.lindemann_threshold(3, zone="exact") / qcrystal.lindemann_threshold(3)
    # T ≫ T_D: the bound on T_D²/(E_K T), 2dκ²⟨1/s⟩ over the zone, 8d²/(d − 2) = 72 over the sphere
    hot = 2 * 3 * cz.kappa(3) ** 2 * cz.inverse_average(3) / 72.0
    print(f"| cubic, the paper's scalar spectrum (43) | (no branches) | {zero:.3f} | {hot:.3f} |")
    for name in ("square", "triangular", "cubic", "bcc", "fcc"):
        print(row(name))
