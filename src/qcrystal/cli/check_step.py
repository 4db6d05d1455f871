"""``qcrystal check-step ID STEP EXPRESSION``: is a student's step right?"""

from __future__ import annotations

import argparse
import json

from ._common import Formatter, add_budget, budgeted, fail

NAME = "check-step"
HELP = "is your expression for a step of a derivation right?"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    ck = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Compare an expression with a step of the derivation of an equation "
        "(see `qcrystal derive ID` for the steps, their names and numbers). Plain "
        "mathematics in the step's symbols only: + - * / **, numbers, sqrt, exp, log, sin, "
        "…; nothing is evaluated. Exit 0: equivalent, 1: not equivalent (a point where they "
        "differ is shown), 2: cannot decide or bad input.",
        epilog="examples:\n  qcrystal check-step 38 solve_for_epsilon 'sqrt(omega**2 + Omega**2)'\n"
        "  qcrystal check-step 38 7 'epsilon = omega + Omega'",
    )
    ck.add_argument("id", help="equation id, e.g. 38")
    ck.add_argument("step", help="the step's name (solve_for_epsilon) or its number from 1")
    ck.add_argument("expression", help="your expression (quote it for the shell); it may "
                    "start with '-': '-omega' is an expression, not an option")  # fmt: skip
    ck.add_argument("--json", action="store_true", help="print JSON")
    add_budget(ck)
    _expressions_may_start_with_minus(ck)


def _expressions_may_start_with_minus(parser: argparse.ArgumentParser) -> None:
    """'-omega' or '-sqrt(omega**2 + Omega**2)' is an expression, not an unknown option.

    argparse reads any word that starts with '-' as an option (only one that looks like a
    negative number or holds a space is taken as a value), so `check-step 38 7 -omega`
    failed with "the following arguments are required: expression". Here a word with one
    leading '-' that is not exactly one of the command's options (-h) is a value; '--json',
    '--budget …' and '-h' keep their meaning, and `--` still works.
    """
    classify = parser._parse_optional

    def parse_optional(arg: str) -> object:
        if (
            arg[:1] == "-"
            and arg[1:2] not in ("", "-")
            and arg not in parser._option_string_actions
        ):
            return None  # a positional value
        return classify(arg)

    parser._parse_optional = parse_optional  # type: ignore[method-assign,assignment]


def run(args: argparse.Namespace) -> int:
    from qcrystal.teaching import step_check

    try:
        result = budgeted(args, step_check.check_step, args.id, args.step, args.expression)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        if "unknown name" in message:
            message += f" (`qcrystal derive {args.id} {args.step}` shows the step)"
        return fail(NAME, message)
    if args.json:
        print(json.dumps({"answer": result.answer, "detail": result.detail,
                          "point": result.point}, ensure_ascii=False))  # fmt: skip
    else:
        print(f"{result.answer}: {result.detail}")
    return result.exit_code
