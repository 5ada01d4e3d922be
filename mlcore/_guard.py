"""Make mlcore's reference functions unreachable while a learner's function is being checked.

Every reference implementation of a graded function is wrapped with :func:`reference`. The wrapper
itself knows when a check is running (:func:`blocking`), so it refuses to run even when a learner
imported it under another name before the check started; swapping a module attribute would not be
enough.
"""

import contextlib
import functools

from mlcore.i18n import tr

_blocked = set()  # names whose reference refuses to run right now


class ReferenceBlocked(RuntimeError):
    """Raised when a learner's function calls the reference it is meant to replace."""


def reference(name, *more):
    """Decorate the reference implementation of the graded function ``name``.

    Parameters
    ----------
    name : str
        The graded function's name in COURSE.md, e.g. ``"mse_grad"``.
    *more : str
        Further graded names, for a function that computes what several references compute (the MLP's
        hot path): it refuses while any of them is switched off.
    """
    names = (name, *more)

    def decorate(fn):
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            if not _blocked.isdisjoint(names):
                blocked = next(n for n in names if n in _blocked)
                raise ReferenceBlocked(
                    tr("use your own implementation of {name}: the check is grading your code, "
                       "so mlcore's reference {name} is switched off while it runs.").format(name=blocked)
                )
            return fn(*args, **kwargs)

        # functools.wraps exposes the unguarded function as __wrapped__; a check must not be
        # bypassable that easily.
        del guarded.__wrapped__
        guarded.__reference_name__ = name
        guarded.__reference_names__ = names
        return guarded

    return decorate


@contextlib.contextmanager
def blocking(names):
    """Within this block, the references called ``names`` raise :class:`ReferenceBlocked`."""
    names = set(names)
    added = names - _blocked
    _blocked.update(added)
    try:
        yield
    finally:
        _blocked.difference_update(added)


def is_blocked(name):
    """Return True while the reference ``name`` is switched off."""
    return name in _blocked
