"""Grade with the functions that existed before any learner code ran.

A learner's cell runs in the same kernel as the checks, so it can reassign ``np.allclose``, a
builtin such as ``len`` or ``isinstance``, or ``mlcore.mse``. :func:`snapshot` records the namespaces
of builtins, NumPy and mlcore when ``mlcore.grading`` is imported; :func:`pristine` puts those
values back while the grader computes references and compares, then restores whatever the learner
had, so the learner's own code keeps seeing its own namespace.
"""

import builtins
import contextlib
import sys

import numpy as np
import numpy.linalg
import numpy.random

_MISSING = object()
_snapshot = {}  # module -> copy of its namespace when mlcore.grading was imported


def snapshot():
    """Record the current namespaces of builtins, NumPy and every loaded mlcore module."""
    modules = [builtins, np, numpy.linalg, numpy.random]
    # numpy.testing takes ~70 ms to import (a notebook's first cell pays it) and the grader never calls it:
    # it is recorded only when something has loaded it already.
    if "numpy.testing" in sys.modules:
        modules.append(sys.modules["numpy.testing"])
    modules += [m for name, m in sorted(sys.modules.items()) if name.split(".")[0] == "mlcore"]
    for module in modules:
        _snapshot.setdefault(module, dict(vars(module)))


def _swap(module, values):
    """Set ``module``'s attributes to ``values`` (``_MISSING`` deletes); return what they were."""
    namespace = module.__dict__  # not vars(): the learner may have reassigned that builtin
    previous = {key: namespace.get(key, _MISSING) for key in values}
    for key, value in values.items():
        if value is _MISSING:
            namespace.pop(key, None)
        else:
            namespace[key] = value
    return previous


def _restore(values_by_module):
    """Apply ``{module: {key: value}}``; return the values they replace, in the same form."""
    return {module: _swap(module, values) for module, values in values_by_module.items()}


@contextlib.contextmanager
def pristine():
    """Within this block, every recorded namespace entry has its import-time value again.

    The block receives a context manager that gives the learner's namespace back for a moment:
    ``with pristine() as learner_namespace: ... with learner_namespace(): fn(...)``.
    """
    altered = {}
    for module, original in _snapshot.items():
        namespace = module.__dict__
        changes = {k: v for k, v in original.items() if namespace.get(k, _MISSING) is not v}
        if changes:
            altered[module] = changes
    learner_values = _restore(altered)

    @contextlib.contextmanager
    def learner_namespace():
        originals = _restore(learner_values)
        try:
            yield
        finally:
            _restore(originals)

    try:
        yield learner_namespace
    finally:
        _restore(learner_values)
