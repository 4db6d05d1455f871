"""How far the Debye sphere of (42) is from the whole Brillouin zone, geometry by geometry.

For a crystal of point particles of mass M with a repulsive C/r⁶ (summed over all
neighbours by Ewald) at nearest-neighbour distance a, r₀² of (41)–(42) over the whole zone
is set beside r₀² over the Debye sphere with the crystal's own direction-dependent sound
velocities (qcrystal.Crystal, zone "exact" and "debye"): what the paper's approximation
keeps of the same crystal. Both are turned into the Lindemann thresholds of (47), r₀/a = 1/2:

* T = 0: r₀² = ⟨Σ_s 1/ω_s⟩/2M ∝ (MC/a⁴)^(−1/2) a², so the crystal localizes for
  λ = MC/a⁴ (ħ = 1) above λ_c = 16 λ (r₀/a)⁴;
* T ≫ T_D: r₀² = T⟨Σ_s 1/ω_s²⟩/M ∝ T a⁸/C, so it melts where κ = C/(a⁶T) falls below
  κ_c = 4 κ (r₀/a)² (classical: M drops out).

The paper's own model (the scalar spectrum (43) on the simple cubic zone) heads the table
with its bounds on T_D/E_K and T_D²/(E_K T). Run: python examples/debye_vs_zone.py (about
half a minute); prints the README's Markdown table.
"""

from __future__ import annotations

import math

import numpy as np

import qcrystal
from qcrystal.numerics import _cubic_zone as cz

N = 24  # zone grid points per direction


def row(name: str) -> str:
    crystal = qcrystal.Crystal(name, {"kind": "power_law", "C": 1.0, "n": 6}, n=N)
    st = crystal.stability()
    if not st.stable:
        where = np.round(st.k, 2).tolist()
        return (
            f"| {name} | unstable (ω² = {st.omega2:.3g} at k = {where}, branch {st.branch}) "
            "| | | | | | |"
        )
    cells = []
    # λ = κ = 1 (C = M = a = 1): the thresholds are 16 r₀⁴ and 4 r₀²/T
    zero = [float(crystal.mean_square_displacement(0.0, z)) for z in ("debye", "exact")]
    err = float(crystal.lindemann_error(0.0)) / float(crystal.lindemann_ratio(0.0))
    cells += [f"{16 * zero[0] ** 2:.4g}", f"{16 * zero[1] ** 2:.4g} ± {400 * err:.2g} %"]
    cells.append(f"{zero[1] ** 2 / zero[0] ** 2:.3f}")
    if crystal._harmonic.geometry.d == 3:  # T ≫ T_D: 10⁴ times the top of the spectrum
        top = float(np.max(crystal.frequencies(np.full(3, math.pi))))
        T = 1e4 * top
        hot = [float(crystal.mean_square_displacement(T, z)) / T for z in ("debye", "exact")]
        err = float(crystal.lindemann_error(T)) / float(crystal.lindemann_ratio(T))
        cells += [f"{4 * hot[0]:.4g}", f"{4 * hot[1]:.4g} ± {200 * err:.2g} %"]
        cells.append(f"{hot[1] / hot[0]:.3f}")
    else:
        cells += ["∞", "∞", "(d = 2: no crystal at T > 0)"]
    return f"| {name} | stable | " + " | ".join(cells) + " |"


if __name__ == "__main__":
    print(
        "| geometry, C/r⁶ | stability | λ_c sphere | λ_c zone | ratio "
        "| κ_c sphere | κ_c zone | ratio |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    sphere0, zone0 = qcrystal.lindemann_threshold(3), qcrystal.lindemann_threshold(3, zone="exact")
    # T ≫ T_D: the bound on T_D²/(E_K T), 2dκ²⟨1/s⟩ over the zone, 8d²/(d − 2) = 72 over the sphere
    hot_zone = 2 * 3 * cz.kappa(3) ** 2 * cz.inverse_average(3)
    print(
        f"| the paper's model: (43) on the cubic zone, bounds on T_D/E_K and T_D²/(E_K T) "
        f"| (no branches) | {float(sphere0):.4g} | {float(zone0):.4g} "
        f"| {float(zone0 / sphere0):.3f} | 72 | {hot_zone:.4g} | {hot_zone / 72:.3f} |"
    )
    for name in ("square", "triangular", "cubic", "bcc", "fcc"):
        print(row(name))
