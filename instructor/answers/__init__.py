"""The catalogue of learner answers, one module per notebook, named like its spec: ``nb01.py`` for
``01_mse`` (``mlcore/grading/specs/nb01.py``), and so on.

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
``diagnoses``, ``says``, ``seeds``, ``visible``, ``autograde`` (optional)
    test-cell grade_id -> every key its check names, in order; -> words its failure message contains;
    the seeds each check runs with in ``tests/test_catalogue.py`` (then every check must fail, or pass);
    ``visible=False``: only the hidden checks must name the key (the visible cases cannot show it);
    ``autograde=False``: not autograded again (:func:`spellings`).

Three readers: ``tests/test_catalogue.py`` runs every variant's checks in-process (visible and hidden);
``tests/test_autograde.py`` autogrades every variant (but ``autograde=False`` ones) with nbgrader, one run per
notebook, finding the catalogues with :func:`catalogue`; the synthetic-class generator
(``instructor.synthetic``) samples them. Adding a learner answer is one entry in one ``VARIANTS``;
:func:`catalogue` finds every module by listing this folder.
"""

import importlib
import pkgutil


def _modules():
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
            if info.name.startswith("nb")]


def catalogue():
    """{assignment: VARIANTS} of every ``nbNN`` module in this folder."""
    return {module.ASSIGNMENT: module.VARIANTS for module in _modules()}


def module_of(assignment):
    """The catalogue module of ``assignment`` (its ``CORRECT``, ``POINTS``, ``TEST_OF``, ``VARIANTS``)."""
    return next(module for module in _modules() if module.ASSIGNMENT == assignment)


#: Seeds for entries checked on the same three draws every run (visible and hidden).
SEEDS = (0, 1, 2024)


def blank(points):
    """The blank submission: nothing written, every test cell fails with ``not_implemented``."""
    return {
        "answers": {},
        "points": {test: 0 for test in points},
        "mistakes": {test: "not_implemented" for test in points},
    }


def builders(correct, points, test_of):
    """The two variant builders of one assignment, given its ``CORRECT``, ``POINTS`` and ``TEST_OF``.

    ``wrong(mistakes, says=None, **answers)``: the correct answers with some replaced; ``mistakes`` maps
    answer cell -> the mistake key its test cell must name (or a tuple: every key the check names, in
    order), and the test cells grading those answer cells get 0 points; ``says``: words (one str or a
    tuple) the failure message must contain; ``seeds``: run each check with each of these seeds (default:
    one fresh seed); ``visible=False``: only the hidden checks are held to the key. ``right(seeds=None,
    **answers)``: correct answers written differently.
    """

    def wrong(mistakes, says=None, seeds=None, visible=True, **answers):
        merged = dict(correct, **answers)
        keys = {test_of[cell]: (key if isinstance(key, tuple) else (key,)) for cell, key in mistakes.items()}
        pts = {test: (0 if test in keys else full) for test, full in points.items()}
        variant = {"answers": merged, "points": pts, "mistakes": {test: k[0] for test, k in keys.items()}}
        if any(isinstance(key, tuple) for key in mistakes.values()):
            variant["diagnoses"] = keys  # the check must name exactly these keys
        if says:
            variant["says"] = {test: (says,) if isinstance(says, str) else tuple(says) for test in keys}
        if seeds:
            variant["seeds"] = tuple(seeds)  # each check is run with each of these seeds
        if not visible:
            variant["visible"] = False
        return variant

    def right(seeds=None, **answers):
        return wrong({}, seeds=seeds, **answers)

    return wrong, right


def spellings(variants, more, autograde=True):
    """``variants`` with ``more`` added: further spellings, right and wrong, graded in-process on
    :data:`SEEDS`. One whose test cells and keys an entry already has (a correct one: ``correct``) is not
    autograded again (``autograde=False``): its nbgrader path is that entry's, and one more submission per
    spelling would multiply the end-to-end run. ``autograde=False``: none of ``more`` is autograded."""
    seen = {(test, key) for v in variants.values() if v.get("autograde", True) for test, key in v["mistakes"].items()}
    for name, variant in more.items():
        assert name not in variants, name
        keys = set(variant["mistakes"].items())
        if keys <= seen or not autograde:
            variant = dict(variant, autograde=False)
        seen |= keys
        variants[name] = variant
    return variants
