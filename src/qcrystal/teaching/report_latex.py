"""The verification as a LaTeX document that compiles with plain pdflatex.

Mathematics comes from the records (printed LaTeX, verbatim from the paper) and from SymPy
(derived forms). Prose (findings, assumptions, justifications) is Unicode text: it is
escaped for LaTeX, and every non-ASCII character is written as a LaTeX command from a
table (Greek letters, ≤, ×, √, sub- and superscript digits …) so that no inputenc or
Unicode engine is needed. A character missing from the table becomes its code point,
visibly, never a compile error.
"""

from __future__ import annotations

import unicodedata

from qcrystal.symbolic import Finding, Paper

__all__ = ["text_to_latex", "to_latex_document"]

_GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda",
    "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma",
    "τ": r"\tau", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Σ": r"\Sigma",
    "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
}  # fmt: skip
_SYMBOLS = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≡": r"\equiv", "≈": r"\approx",
    "≪": r"\ll", "≫": r"\gg", "×": r"\times", "·": r"\cdot", "−": "-", "→": r"\to",
    "∂": r"\partial", "√": r"\surd", "∞": r"\infty", "∇": r"\nabla", "±": r"\pm",
    "∈": r"\in", "ħ": r"\hbar", "†": r"\dagger", "∫": r"\int", "Σ": r"\Sigma",
}  # fmt: skip
_SUPER = {"²": "2", "³": "3", "⁴": "4", "¹": "1", "⁰": "0", "⁻": "-"}
_SUB = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "ₖ": "k", "ₙ": "n"}
_TEXT = {"–": "--", "—": "---", "“": "``", "”": "''", "’": "'", "…": r"\dots{}", "ĉ": r"\^{c}",
         "Ĥ": r"\^{H}"}  # fmt: skip
_ESCAPE = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "{": r"\{",
           "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
           "\\": r"\textbackslash{}"}  # fmt: skip


def text_to_latex(text: str) -> str:
    """Unicode prose as LaTeX text: specials escaped, symbols as math commands."""
    out = []
    for ch in text:
        if ch in _ESCAPE:
            out.append(_ESCAPE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _GREEK:
            out.append(f"${_GREEK[ch]}$")
        elif ch in _SYMBOLS:
            out.append(f"${_SYMBOLS[ch]}$")
        elif ch in _SUPER:
            out.append(f"$^{{{_SUPER[ch]}}}$")
        elif ch in _SUB:
            out.append(f"$_{{{_SUB[ch]}}}$")
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        else:
            name = unicodedata.name(ch, "")
            out.append(rf"\texttt{{[U+{ord(ch):04X}{' ' + name.lower() if name else ''}]}}")
    return "".join(out)


def _math(latex: str) -> str:
    """A display equation; the record's LaTeX is ASCII (checked by the tests)."""
    return "\\[\n" + latex.strip() + "\n\\]"


def to_latex_document(paper: Paper, findings: list[Finding], summary: str) -> str:
    """A complete article: summary table, then each section's equations with their verdicts."""
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2.2cm]{geometry}",
        r"\usepackage{longtable}",
        r"\setlength{\emergencystretch}{3em}",
        r"\allowdisplaybreaks",
        rf"\title{{Verification of ``{text_to_latex(paper.title)}''}}",
        r"\author{qcrystal}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        text_to_latex(summary) + ".",
        "",
        "Verdicts are computed: printed and derived forms are compared by SymPy and by an "
        f"mpmath probe at {paper.probe.digits} digits.",
        "",
        r"\begin{longtable}{lll}",
        r"equation & section & verdict \\ \hline",
    ]
    for f in findings:
        lines.append(
            f"({text_to_latex(f.record.id)}) & {f.record.section} & {f.verdict.value} \\\\"
        )
    lines.append(r"\end{longtable}")
    for sec, title in paper.sections.items():
        in_section = [f for f in findings if f.record.section == sec]
        if not in_section:
            continue
        lines += ["", rf"\section*{{{sec}. {text_to_latex(title)}}}"]
        for f in in_section:
            lines += [
                "",
                rf"\subsection*{{({text_to_latex(f.record.id)}): {f.verdict.value}}}",
                r"\noindent Printed:",
                _math(f.record.latex),
            ]
            if f.derivation:
                lines += [r"\noindent Derived:", _math(f.derived_latex)]
            if f.assumptions:
                items = "; ".join(text_to_latex(a) for a in f.assumptions)
                lines += [rf"\noindent Assumptions: {items}.", ""]
            lines += [rf"\noindent Finding: {text_to_latex(f.finding)}", ""]
            if f.dimensions:
                lines += [rf"\noindent Dimensions: {text_to_latex(f.dimensions)}", ""]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"
