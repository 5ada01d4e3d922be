"""Synthetic submissions, one module per assignment: ``a01_mse.py`` for ``01_mse``, and so on.

Each module defines ``ASSIGNMENT`` (the assignment's name) and ``VARIANTS``: a dict mapping a variant's name
to a dict with

``answers``
    answer-cell grade_id -> the source a learner would have written there. Cells not named keep the
    released ``raise NotImplementedError()``; so ``{}`` is the blank submission.
``points``
    test-cell grade_id -> the points nbgrader must give that cell (0 or the cell's full points: a test
    cell passes or fails as a whole).
``mistakes``
    test-cell grade_id -> the mistake key (``mlcore.grading``'s ``[mistake: key]``) the feedback of that
    cell must name; failing cells only.

The tests autograde every variant (``tests/test_autograde_XX.py``) and the synthetic-class generator
(``mlcore.classroom.synthetic``) samples them.
"""
