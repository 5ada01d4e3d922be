"""nbgrader configuration of the course's Chinese edition (中文版), its own nbgrader course in ``zh/``.

Every setting of the English course (the repository's ``nbgrader_config.py``: preprocessors, sandbox,
timeouts, ignored files, ``NBGRADER_DB_URL``) is loaded first; this file changes only what makes it a
separate course: its id and its root, so ``zh/solutions`` (built by ``python -m instructor.translate``),
``zh/notebooks`` (released by ``python -m instructor.release --course-dir zh``), ``zh/submitted``,
``zh/autograded``, ``zh/feedback`` and ``zh/gradebook.db``. Give a shared gradebook server a separate
database for this course (``course-grade ... --db-url``): both courses have assignments of the same names.
"""

import importlib.util
import os

c = get_config()  # noqa: F821  (injected by traitlets when it loads this file)

_here = os.path.dirname(os.path.abspath(__file__))


def _english_config():
    """The English course's configuration: the one of the repository the instructor tools come from (so a
    copy of this file in another folder still finds it), else the one in the folder above."""
    spec = importlib.util.find_spec("instructor")
    bases = [os.path.dirname(os.path.dirname(spec.origin))] if spec and spec.origin else []
    for base in bases + [os.path.dirname(_here)]:
        path = os.path.join(base, "nbgrader_config.py")
        if os.path.isfile(path) and os.path.realpath(path) != os.path.realpath(__file__):
            return path
    raise FileNotFoundError("the English course's nbgrader_config.py (the repository root) was not found")


load_subconfig(_english_config())  # noqa: F821  (traitlets)

c.CourseDirectory.course_id = "nn-first-principles-zh"
c.CourseDirectory.root = _here
