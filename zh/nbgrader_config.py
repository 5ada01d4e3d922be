"""nbgrader configuration of the course's Chinese edition (中文版), its own nbgrader course in ``zh/``.

Every setting of the English course (``../nbgrader_config.py``: preprocessors, sandbox, timeouts, ignored
files, ``NBGRADER_DB_URL``) is loaded first; this file changes only what makes it a separate course: its id
and its root, so ``zh/solutions`` (built by ``python -m instructor.translate``), ``zh/notebooks`` (released
by ``python -m instructor.release --course-dir zh``), ``zh/submitted``, ``zh/autograded``, ``zh/feedback``
and ``zh/gradebook.db``. Give a shared gradebook server a separate database for this course
(``course-grade ... --db-url``): both courses have assignments of the same names.
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets when it loads this file)

_here = os.path.dirname(os.path.abspath(__file__))
load_subconfig(os.path.join(os.path.dirname(_here), "nbgrader_config.py"))  # noqa: F821  (traitlets)

c.CourseDirectory.course_id = "nn-first-principles-zh"
c.CourseDirectory.root = _here
