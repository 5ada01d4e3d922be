"""Import a heavy module on first use.

``mlcore.plots`` and ``mlcore.widgets`` are imported by every notebook's first cell, but importing
matplotlib's pyplot and ipywidgets costs about a second of CPU. While a class is autograded every notebook
runs once per student and draws nothing (figures and widgets are skipped under ``NBGRADER_EXECUTION``), so
these modules bind ``plt`` and ``widgets`` to proxies that import the real module the first time one of its
attributes is used.
"""

import importlib


class LazyModule:
    """Stands for the module ``name``; the first attribute access imports it."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self):
        return f"<lazily imported module {self._name!r}>"
