"""Flags an instructor should look at, kept beside each autograded submission in ``grading_flags.json``.

One file per submission folder (``autograded/<student>/<assignment>/grading_flags.json``)::

    {"flags": [{"source": "cleanroom", "notebook": "01_mse", "kind": "suspected_tampering",
                "cell": "mse_grad_tests", "detail": "in the kernel: passed; clean room: failed [factor]"}]}

``source`` names the step that wrote the flag (``cleanroom``, ``structure``...): a step that runs again on a
notebook replaces its own flags for that notebook and leaves the others. The class report and
``class_grades.csv`` read them with :func:`read_flags`.
"""

import json
import os

FILENAME = "grading_flags.json"


def _path(folder):
    return os.path.join(folder, FILENAME)


def read_flags(folder):
    """The flags of the submission in ``folder`` (a list of dicts; empty when there are none)."""
    try:
        with open(_path(folder), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return []
    flags = data.get("flags") if isinstance(data, dict) else None
    return [f for f in flags if isinstance(f, dict)] if isinstance(flags, list) else []


def replace_flags(folder, source, notebook, flags):
    """Replace the flags ``source`` wrote for ``notebook`` in ``folder`` by ``flags`` (dicts with ``kind``,
    ``cell`` and ``detail``; ``source`` and ``notebook`` are filled in)."""
    kept = [f for f in read_flags(folder) if not (f.get("source") == source and f.get("notebook") == notebook)]
    kept += [dict(flag, source=source, notebook=notebook) for flag in flags]
    os.makedirs(folder, exist_ok=True)
    if not kept and not os.path.exists(_path(folder)):
        return
    with open(_path(folder), "w", encoding="utf-8") as handle:
        json.dump({"flags": kept}, handle, indent=1)


def summary(flags):
    """One short line per flag, for a report cell or a CSV column: ``01_mse/mse_grad_tests: suspected_tampering``."""
    return "; ".join(f"{f.get('notebook', '?')}/{f.get('cell') or '-'}: {f.get('kind', 'flag')}" for f in flags)
