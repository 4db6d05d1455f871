"""Symbolic derivations of the paper's formulas (installed as ``qcrystal.derivations``)."""
