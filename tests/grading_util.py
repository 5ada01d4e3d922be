"""Helpers shared by the ``test_grading_nbXX.py`` tests (imported by plain name: pytest puts ``tests/`` on
``sys.path``, as for ``nbgrader_harness``).

Two ways of asking a check for its verdict, kept apart because they assert different things about the message:
``verdict`` (the GradingError, whose second line ends with the mistake) and ``mistakes_of`` (the mistake keys,
the whole message ending with the last one).
"""

import pytest

from mlcore.grading import GradingError, check
from mlcore.grading.messages import mistakes_in, tag

BOTH = pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])

SEEDS = (0, 1, 2024)


def verdict(name, fn, hidden, seed=None):
    """None when ``fn`` passes, else the GradingError."""
    try:
        check(name, fn, hidden=hidden, seed=seed)
    except GradingError as error:
        assert mistakes_in(str(error)) == list(error.mistakes)
        return error
    return None


def mistakes_of(name, fn, hidden):
    """None when ``fn`` passes, else the mistake keys of the GradingError."""
    try:
        check(name, fn, hidden=hidden)
    except GradingError as error:
        assert mistakes_in(str(error)) == list(error.mistakes)
        return error.mistakes
    return None


def assert_passes(name, fn):
    """The visible and the hidden check pass for every seed in ``SEEDS``."""
    for seed in SEEDS:
        for hidden in (False, True):
            check(name, fn, hidden=hidden, seed=seed)


def assert_diagnosed(name, fn, key, *, visible=True):
    """The hidden check (and the visible one, unless ``visible=False``) fails with mistake ``key``."""
    for seed in SEEDS:
        for hidden in (False, True) if visible else (True,):
            with pytest.raises(GradingError) as info:
                check(name, fn, hidden=hidden, seed=seed)
            assert info.value.mistake == key, f"{name} seed={seed} hidden={hidden}: {info.value}"
            assert tag(key) in str(info.value)
