"""Teaching: the step checker, the derivation book, and the Markdown and LaTeX reports.

* :mod:`.step_check` — is a student's step right? (``qcrystal check-step``)
* :mod:`.book` — the offline derivation book (``qcrystal book``)
* :mod:`.derivation_map` — the book's map of which derivation uses which
* :mod:`.report_markdown`, :mod:`.report_latex` — the verification as a document
* :mod:`.test_index` — which tests check which function (for the book)
"""
