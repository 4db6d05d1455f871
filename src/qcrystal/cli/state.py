"""``qcrystal state``: which of the four states, from ω, E_K, T_D or from a model file."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ._common import SET_HELP, Formatter, add_budget, budgeted, dump_json, fail, model_overrides

NAME = "state"
HELP = "which of the four states: from ω, E_K, T_D or from a model file"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Classify a point by the paper's closing orderings of ω, E_K and T_D, "
        "with the Lindemann ratio r₀/a < 1/2 deciding the localized label (see "
        "qcrystal.states). Give the three scales, or a model file.",
        epilog="examples:\n  qcrystal state --omega 100 --E_K 1 --T_D 1e5\n"
        "  qcrystal state --model examples/dipolar.toml --set U=20 --set T=0.1 --json",
    )
    st.add_argument("--omega", type=float, help="lattice frequency ω [energy]")
    st.add_argument("--E_K", type=float, help="kinetic energy 1/(2ma²) [energy]")
    st.add_argument("--T_D", type=float, help="Debye temperature [energy]")
    st.add_argument("--T", type=float, default=None, help="temperature [energy] (default 0)")
    st.add_argument("--d", type=int, default=None, help="dimension 1, 2, 3 (default 3)")
    st.add_argument("--model", type=Path, metavar="FILE", help="take ω, E_K, T_D, T, d from it")
    st.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
help=SET_HELP)  # fmt: skip
    st.add_argument("--margin", type=float, default=10.0, help="the factor read as ≪ (10)")
    st.add_argument(
        "--zone", choices=("debye", "exact"), default="debye",
        help="r₀ of the Lindemann test over the Debye sphere (the paper's, default) or the "
        "whole zone of the spectrum (43)",
    )  # fmt: skip
    st.add_argument(
        "--lindemann", type=float, default=0.5, metavar="X",
        help="the Lindemann number of (47): localized where r₀/a < X (default 0.5, the "
        "paper's; QMC of self-organised crystals supports about 0.25, see qcrystal crystals)",
    )  # fmt: skip
    st.add_argument(
        "--units", choices=("model", "lab", "recoil"), default="model",
        help="with --model: energies and temperatures in model units, lab units (E/h in "
        "Hz/kHz, k_B T in nK/µK; a file in lab units) or recoil units E_R; --json keeps "
        "model-unit values and adds the shown ones",
    )  # fmt: skip
    st.add_argument("--json", action="store_true", help="print JSON")
    add_budget(st)


def _scales(
    args: argparse.Namespace,
) -> tuple[float, float, float, float, int, list[str], dict | None]:
    """ω, E_K, T_D, T, d, the warnings that qualify them and, for a model with an onsite
    interaction, the Bose–Hubbard verdict (:mod:`qcrystal.models.hubbard`)."""
    if args.model:
        if args.T is not None or args.d is not None:
            flag = "--T" if args.T is not None else "--d"
            hint = "--set T=…" if args.T is not None else "the lattice kind in the file"
            raise ValueError(f"with --model, {flag} comes from the model: use {hint}")
        if any(v is not None for v in (args.omega, args.E_K, args.T_D)):
            raise ValueError("give either --model (with --set) or --omega/--E_K/--T_D")
        # Reading the file parses user text too (a custom Φ): all of it inside the budget.
        return budgeted(args, _from_model, args.model, model_overrides(args.set))
    if args.set:
        raise ValueError("--set needs --model")
    missing = [n for n in ("omega", "E_K", "T_D") if getattr(args, n) is None]
    if missing:
        raise ValueError(f"missing --{', --'.join(missing)}: give ω, E_K and T_D, or --model FILE")
    T = 0.0 if args.T is None else args.T
    d = 3 if args.d is None else args.d
    return args.omega, args.E_K, args.T_D, T, d, [], None


def _from_model(path: Path, overrides: dict[str, object]):
    from qcrystal import models
    from qcrystal.models import hubbard as hubbard_numbers

    m = models.load(path, overrides)
    q = models.quantities(m)
    # T_D rests on D: an untrustworthy D makes the state's T_D untrustworthy too.
    omega = q.vector("ω")[0]  # the first direction, as section 4 takes a = a₁
    if not omega > 0:
        raise ValueError(
            f"{path}: the lattice depth U = {m.depth[0]:g} gives ω = 0; the four states are "
            "those of atoms in a lattice, U > 0 (set it with --set U=…)"
        )
    E_R = q.vector("E_R")[0]
    hubbard: dict[str, object] = {"s": m.depth[0] / E_R, "U": m.depth[0], "E_R": E_R, "model": m}
    if q.hubbard is not None and q.hubbard.mott_note is not None:
        h = q.hubbard
        point = hubbard_numbers.mott_point(m)
        critical = point.critical if point is not None else math.inf  # ν not an integer
        hubbard.update({"U/J": h.U_over_J, "U_onsite": h.U_exact, "critical": critical,
                        "mott": h.mott, "note": h.mott_note})  # fmt: skip
    scales = (omega, q.scalar("E_K"), q.scalar("T_D"), m.temperature, m.d)
    return (*scales, list(q.warnings), hubbard)


_PRIVATE = ("s", "U", "E_R", "model")  # what the model run carries that is not a verdict


def _shower(units: str, hubbard: dict | None):
    """A function (value, temperature) → "value unit" in ``units`` (an energy, or with
    ``temperature`` one shown as k_B T)."""
    if units == "model":
        return lambda value, temperature=False: f"{value:.6g}"
    if hubbard is None:
        raise ValueError(f"--units {units} needs --model (the scales alone carry no units)")
    from qcrystal.models.display import convert

    model, E_R = hubbard["model"], hubbard["E_R"]
    convert("T_check", 1.0, "energy", model, units, E_R)  # a file not in lab units fails here

    def show(value: float, temperature: bool = False) -> str:
        symbol = "T_" if temperature else "E"  # display.convert reads T_… as a temperature
        shown = convert(symbol, value, "energy", model, units, E_R)
        return f"{shown.value:.6g} {shown.unit}"

    return show


def _onsite_decides(why: dict, hubbard: dict | None, T: float, margin: float, show) -> None:
    """Where the paper leaves an integer filling to the onsite interaction, the
    Bose–Hubbard verdict decides where T ≪ U (:func:`qcrystal.states.onsite_codes`)."""
    from qcrystal import states

    if hubbard is None or "mott" not in hubbard:
        return
    why["bose_hubbard"] = {k: v for k, v in hubbard.items() if k not in _PRIVATE}
    if hubbard["mott"] is None:
        why["notes"].append(hubbard["note"])
        return
    here = states.STATES.index(why["state"])
    code, applied = states.onsite_codes(
        here, T, hubbard["U_onsite"], hubbard["U/J"], hubbard["critical"], margin
    )
    if not applied:
        why["notes"].append(
            f"{hubbard['note']} — not applied: T = {show(T, True)} is not ≪ U_onsite = "
            f"{show(hubbard['U_onsite'], True)} (×{margin:g}), where the ground-state "
            "point holds"
        )
        return
    state = states.STATES[int(code)]
    if state != why["state"]:
        why["notes"].append(
            f"the paper's orderings give {why['state'].replace('_', ' ')}; at integer filling "
            "the paper leaves the state to the onsite interaction, which decides here "
            "(T ≪ U_onsite)"
        )
    why["paper_state"], why["state"] = why["state"], state
    why["notes"].append(hubbard["note"])


def run(args: argparse.Namespace) -> int:
    from qcrystal import states

    try:
        if args.units != "model" and not args.model:
            raise ValueError(f"--units {args.units} needs --model (the scales alone carry "
                             "no units)")  # fmt: skip
        omega, E_K, T_D, T, d, warnings, hubbard = _scales(args)
        show = _shower(args.units, hubbard)
        depth = None if hubbard is None else hubbard["U"]
        why = states.reasons(omega, E_K, T_D, T, d, args.margin, args.zone, args.lindemann, depth)
        _onsite_decides(why, hubbard, T, args.margin, show)
    except ValueError as exc:
        return fail(NAME, exc)
    scales = {"omega": omega, "E_K": E_K, "T_D": T_D, "T": T}
    if args.json:
        record = {**scales, "d": d, "zone": args.zone, **why, "warnings": warnings}
        if hubbard is not None:
            record["recoil_depth"] = hubbard["s"]
        if args.units != "model":
            shown = {k: show(v, k.startswith("T")) for k, v in scales.items()}
            record["shown"] = {"units": args.units, **shown}
        print(dump_json(record))
        return 0
    print(f"ω = {show(omega)}, E_K = {show(E_K)}, T_D = {show(T_D, True)}  "
          f"(T = {show(T, True)}, d = {d})")  # fmt: skip
    if hubbard is None:
        print(f"lattice: {why['lattice']} (the paper's sense: ω against E_K)")
    else:
        print(f"lattice: {why['lattice']} (the paper's sense: ω against E_K = E_R/π²; in "
              f"recoil units s = U/E_R = {hubbard['s']:.3g})")  # fmt: skip
    print(f"ordering: {why['ordering']}   (≪ means ×{why['margin']:g} or more)")
    where = "the whole zone of (43)" if args.zone == "exact" else "the Debye sphere (the paper's)"
    print(f"Lindemann ratio r₀/a = {why['lindemann_ratio']:.4g} over {where} "
          "(localized needs < 1/2)")  # fmt: skip
    print(f"state: {why['state'].replace('_', ' ')}")
    for note in why["notes"]:
        print(f"note: {note}")
    for warning in warnings:
        print(f"warning: {warning}")
    if warnings:
        print("warning: the state above is built on these quantities")
    return 0
