"""Code generation from the derivations (installed as ``qcrystal.codegen``)."""
