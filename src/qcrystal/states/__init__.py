"""The four states of the paper's conclusion: classification and phase diagrams.

* :mod:`.classify` — the six cases of the closing classification and the Lindemann rule;
* :mod:`.diagram` — the states over the paper's ratios, or over a model's depth and T.
"""

from .classify import STATES, classify, codes, onsite_codes, paper_depth, reasons

__all__ = ["STATES", "classify", "codes", "onsite_codes", "paper_depth", "reasons"]
