"""Regenerate the student notebooks in ``notebooks/`` from the instructor versions in ``solutions/``.

Usage, from anywhere (the course root is found from this file)::

    python -m instructor.release                 # every assignment in solutions/
    python -m instructor.release 01_mse 02_sigmoid_derivative
    python -m instructor.release --no-db         # do not record the assignments in the gradebook
    python -m instructor.release --course-dir zh # the Chinese edition: zh/solutions -> zh/notebooks

This is ``nbgrader generate_assignment <A> --force`` for each assignment, run in one process with the
repository's ``nbgrader_config.py``: nbgrader removes the solutions (``### BEGIN SOLUTION`` ...
``### END SOLUTION`` becomes ``raise NotImplementedError()``) and the hidden tests, clears the outputs,
locks the test cells and writes their checksums. By default it also records the assignment's cells in the
gradebook (``gradebook.db``), which ``nbgrader autograde`` needs later; ``--no-db`` skips that.

``notebooks/`` is never edited by hand: edit ``solutions/`` and run this module (the test suite checks
that the two agree).
"""

import argparse
import logging
import os
import sys
from pathlib import Path

from instructor.course import Course, ensure_tools_on_path

ROOT = Path(__file__).resolve().parent.parent


def assignments(root=ROOT):
    """Return the sorted names of the assignments in ``<root>/solutions``.

    An assignment is a folder ``solutions/<A>`` holding ``<A>.ipynb``.
    """
    source = Course.load(root).folder("source")
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def generate(names=None, *, root=ROOT, release_root=None, db_url=None, no_database=False, quiet=False):
    """Generate the student version of each assignment with nbgrader's ``GenerateAssignment``.

    Parameters
    ----------
    names : list of str, optional
        Assignment names; default every assignment in ``solutions/``.
    root : path
        The course root holding ``nbgrader_config.py`` and ``solutions/``.
    release_root : path, optional
        Write ``<release_root>/notebooks/<A>/`` instead of the repository's ``notebooks/`` (the tests
        generate into a temporary folder and compare). Implies a database there unless ``db_url`` is given.
    db_url : str, optional
        Gradebook URL; default the configuration's (``<root>/gradebook.db``).
    no_database : bool
        Do not record the assignments in the gradebook.
    quiet : bool
        Log warnings and errors only.

    Returns
    -------
    list of Path
        The generated notebooks.
    """
    course = Course.load(root)
    names = _checked_names(course, names)
    config = _release_config(course, release_root, db_url, no_database, quiet)
    ensure_tools_on_path()
    if not logging.getLogger().handlers:
        logging.basicConfig(format="[release] %(levelname)s %(message)s")
    return [_generate_one(config, name, quiet) for name in names]


def _checked_names(course, names):
    """``names`` (default every assignment), each with its ``solutions/<A>/<A>.ipynb``, or ValueError."""
    names = list(names) if names else assignments(course.root)
    unknown = [n for n in names if not course.folder("source", n, f"{n}.ipynb").is_file()]
    if unknown:
        raise ValueError(f"no notebook solutions/<A>/<A>.ipynb for: {', '.join(unknown)}")
    return names


def _release_config(course, release_root, db_url, no_database, quiet):
    """The course's nbgrader configuration with the release folder, gradebook and log level asked for."""
    config = course.config(db=False)
    if release_root is not None:
        # nbgrader joins every step folder with the root; an absolute release folder elsewhere works
        # because os.path.join drops the root before an absolute path.
        release_dir = Path(release_root).resolve() / "notebooks"
        config.CourseDirectory.release_directory = str(release_dir)
        if db_url is None and not no_database:
            db_url = "sqlite:///" + str(Path(release_root).resolve() / "gradebook.db")
    if db_url is not None:
        config.CourseDirectory.db_url = db_url
    if no_database:
        # what `nbgrader generate_assignment --no-db` sets
        config.GenerateAssignment.no_database = True
        config.SaveCells.enabled = False
    config.BaseConverter.force = True
    if quiet:
        config.Application.log_level = "WARN"
    return config


def _generate_one(config, name, quiet):
    """Run nbgrader's ``GenerateAssignment`` on assignment ``name``; return the released notebook's path."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = name
    converter = GenerateAssignment(coursedir=coursedir, config=config)
    if quiet:
        converter.log.setLevel("WARN")
    converter.start()
    return Path(coursedir.format_path(coursedir.release_directory, ".", name)).resolve() / f"{name}.ipynb"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m instructor.release",
        description="Regenerate notebooks/ from solutions/ with nbgrader generate_assignment --force.",
    )
    parser.add_argument("assignments", nargs="*", help="assignment names (default: all in solutions/)")
    parser.add_argument("--no-db", action="store_true", help="do not record the assignments in the gradebook")
    parser.add_argument("--db-url", default=None, help="gradebook URL (default: sqlite gradebook.db in the root)")
    parser.add_argument("--course-dir", default=str(ROOT),
                        help="the course root holding nbgrader_config.py (default: the repository; zh for 中文版)")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.assignments, root=args.course_dir, db_url=args.db_url, no_database=args.no_db)
    except ValueError as err:
        parser.error(str(err))
    for path in paths:
        print(os.path.relpath(path, Path.cwd()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
