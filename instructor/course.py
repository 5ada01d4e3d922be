"""One nbgrader course: its root, its ``nbgrader_config.py`` (read once), folders, gradebook URL and course id.

Every instructor tool (class grading, the report, the synthetic class, the release step) asks a
:class:`Course` instead of reading the configuration itself::

    course = Course.load(".")
    course.folder("submitted", "s001", "01_mse")   # <root>/submitted/s001/01_mse
    course.db_url, course.id
    api = NbGraderAPI(config=course.config(timeout=30))
"""

from __future__ import annotations

import copy
import os
import sys
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"

# nbgrader's own defaults, used where the course's configuration names no folder.
DEFAULT_FOLDERS = {
    "source": "source",
    "release": "release",
    "submitted": "submitted",
    "autograded": "autograded",
    "feedback": "feedback",
}
DEFAULT_IGNORE = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


def ensure_tools_on_path():
    """Put this interpreter's bin folder first on PATH: nbgrader runs the environment's ``alembic`` when it
    creates a gradebook, also when the environment is not activated (``.venv/bin/python -m ...``)."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])


def redact(url):
    """``url`` with any password replaced by ***, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        return f"{scheme}://{creds}@{host}"
    return url


def _with_busy_timeout(db_url):
    # Parallel workers share one SQLite file: each waits up to 60 s for another's short write transaction
    # instead of failing with "database is locked".
    if db_url.startswith("sqlite") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + "timeout=60"
    return db_url


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and what its configuration says about it.

    Attributes
    ----------
    root : Path
        The course root (holding ``nbgrader_config.py``, ``submitted/``, ...), absolute.
    folders : dict
        {"source", "release", "submitted", "autograded", "feedback"} -> folder name under ``root``.
    ignore : tuple of str
        File patterns nbgrader ignores in a submission (``CourseDirectory.ignore``).
    db_url : str
        The gradebook URL: the one passed to :meth:`load`, else the configuration's, else SQLite
        ``gradebook.db`` in the root (SQLite URLs get a busy timeout).
    id : str
        ``CourseDirectory.course_id`` (nbgrader's ``"default_course"`` when unset).
    """

    root: Path
    folders: dict
    ignore: tuple
    db_url: str
    id: str
    _file_config: object  # the traitlets Config read from nbgrader_config.py

    @classmethod
    def load(cls, root=".", db_url=None):
        """Read ``<root>/nbgrader_config.py`` (if any) once; ``db_url`` overrides its gradebook."""
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        root = Path(root).resolve()
        config = Config()
        if (root / CONFIG_FILE).exists():
            config.merge(PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config())
        given = config.CourseDirectory
        folders = {kind: given.get(f"{kind}_directory", default) for kind, default in DEFAULT_FOLDERS.items()}
        db_url = db_url or given.get("db_url") or f"sqlite:///{root / 'gradebook.db'}"
        return cls(
            root=root,
            folders=folders,
            ignore=tuple(given.get("ignore", DEFAULT_IGNORE)),
            db_url=_with_busy_timeout(db_url),
            id=given.get("course_id", "default_course"),
            _file_config=config,
        )

    def folder(self, kind, *parts):
        """``<root>/<folder of kind>/<parts...>``, e.g. ``folder("submitted", student, assignment)``."""
        return self.root.joinpath(self.folders[kind], *parts)

    def config(self, *, timeout=None, db=True):
        """A fresh copy of the course's nbgrader configuration for one nbgrader application.

        ``timeout`` sets ``Execute.timeout``; ``db=False`` leaves the gradebook URL as the file has it.
        """
        config = copy.deepcopy(self._file_config)
        config.CourseDirectory.root = str(self.root)
        if db:
            config.CourseDirectory.db_url = self.db_url
        if timeout:
            config.Execute.timeout = int(timeout)
        if "shutdown_kernel" not in config.Execute:
            # Every output is in by then: kill the kernel instead of waiting for it to wind down (~1 s each).
            config.Execute.shutdown_kernel = "immediate"
        return config

    def assignments(self):
        """Assignments with notebooks in the release folder (or, failing that, the source folder), sorted."""
        for kind in ("release", "source"):
            base = self.folder(kind)
            if base.is_dir():
                found = sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
                if found:
                    return found
        return []

    def submissions(self, assignments):
        """(student, assignment) pairs that have a folder under the submitted folder, sorted by student."""
        base = self.folder("submitted")
        if not base.is_dir():
            return []
        students = sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
        return [(s, a) for s in students for a in assignments if (base / s / a).is_dir()]

    def gradebook(self):
        """nbgrader's Gradebook of this course (a context manager); a connection failure is a
        :class:`GradingSetupError`."""
        ensure_tools_on_path()
        from nbgrader.api import Gradebook

        try:
            return Gradebook(self.db_url, self.id)
        except Exception as exc:  # any driver error: unreachable host, bad credentials, missing driver
            raise GradingSetupError(
                f"cannot open the gradebook at {redact(self.db_url)}: {type(exc).__name__}: {exc}"
            ) from exc


class GradingSetupError(RuntimeError):
    """Grading cannot start or cannot go on: a broken setup, not a student's mistake."""
