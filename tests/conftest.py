"""Shared test set-up."""

import sys

import pytest


@pytest.fixture(autouse=True)
def _mlcore_speaks_english_again():
    """mlcore's language (mlcore.set_language) is process-wide: a test that switches to Chinese must not change
    the messages the next test reads. Only resets when mlcore is loaded and not speaking English."""
    yield
    i18n = sys.modules.get("mlcore.i18n")
    if i18n is not None and i18n.language() != "en":
        i18n.set_language("en")
