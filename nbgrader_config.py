"""nbgrader configuration of the course (read by every `nbgrader` command run from the repository root).

Layout: the instructor versions live in ``solutions/<assignment>/<assignment>.ipynb`` and the student
versions are generated into ``notebooks/<assignment>/<assignment>.ipynb`` (``python -m instructor.release``).
Submissions, autograded copies and feedback go to ``submitted/``, ``autograded/`` and ``feedback/``
below the same root (all git-ignored). Every option set here was checked against nbgrader 0.9.6.
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets when it loads this file)

# The course root is the folder holding this file, whatever the current directory.
_here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nn-first-principles"
c.CourseDirectory.root = _here
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# Gradebook: SQLite in the course root by default (gradebook.db, git-ignored). Set NBGRADER_DB_URL to
# use another database, e.g. postgresql+psycopg://user:password@host/dbname (or pass
# --CourseDirectory.db_url=... on the command line, which wins over this file).
if os.environ.get("NBGRADER_DB_URL"):
    c.CourseDirectory.db_url = os.environ["NBGRADER_DB_URL"]

# Files copied from a submission but never graded: nbgrader's defaults, plus every *.py a learner might
# leave next to the notebook (a numpy.py there would shadow numpy while the notebook is graded).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]

# Seconds one cell may run while autograding or validating; a cell that hangs is interrupted, marked as
# an error, and the later cells still run. Every graded cell takes well under a second.
c.Execute.timeout = 60

# A learner who deletes a test cell gets it back (with a note) instead of a "needs manual grade".
c.OverwriteCells.add_missing_cells = True

# Feedback shows the visible checks and their messages but never the hidden tests' source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# Before anything runs: the submission is graded in the source notebook's cell layout with only the learner's
# answer cells copied in; edited metadata, extra or duplicated cells are flagged (instructor/structure.py).
c.Autograde.sanitize_preprocessors = [
    "instructor.structure.StructureCheck",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# The learner's kernel runs in a bubblewrap sandbox while autograding (instructor/kernel.py): no network, no
# view of solutions/, the gradebook, this file or other students, resource limits. Validate is unaffected.
# After the notebook ran, and outside the learner's kernel: a test cell earns its points only if each of
# its check(...) calls printed its pass line. This catches a submission that silences failing checks by
# changing how IPython runs cells (instructor/verify.py explains why no in-kernel check can).
c.Autograde.autograde_preprocessors = [
    "instructor.kernel.SandboxedExecute",
    # The score of every test cell is graded again outside the learner's kernel, in a sandboxed child process
    # that only gets plain data (instructor/cleanroom); a cell whose two verdicts differ is flagged.
    "instructor.cleanroom.CleanRoom",
    "instructor.verify.VerifyChecks",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
