"""Code generation from the derivations (installed as ``qcrystal.codegen``).

* :mod:`.registry` — every numeric function, declared once (read by everything else);
* :mod:`.pieces` — the SymPy expressions and constants taken from the derivations;
* :mod:`.printer` — NumPy printing with CSE and the overflow-safe kernels;
* :mod:`.render` — strict Jinja2 rendering, pinned formatting, the ``--check`` diff;
* :mod:`.measure` — accuracy on fixed grids against mpmath (``codegen --measure``);
* :mod:`.model_module` — a module specialised to one model file (``codegen --model``);
* ``templates/`` — one template per generated file, named after it.
"""
