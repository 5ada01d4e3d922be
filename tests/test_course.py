"""instructor.course.Course: what a course's nbgrader_config.py says, read once."""

from instructor.course import Course, redact


def _course(tmp_path, config_text):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n" + config_text)
    return Course.load(tmp_path)


def test_folders_gradebook_and_id_come_from_the_config(tmp_path):
    course = _course(tmp_path, 'c.CourseDirectory.source_directory = "solutions"\n'
                               'c.CourseDirectory.course_id = "c1"\n'
                               'c.CourseDirectory.db_url = "postgresql+psycopg://u:secret@h/db"\n')
    assert course.folder("source", "01_mse") == tmp_path.resolve() / "solutions" / "01_mse"
    assert course.folder("submitted") == tmp_path.resolve() / "submitted"
    assert course.id == "c1" and course.db_url == "postgresql+psycopg://u:secret@h/db"
    assert redact(course.db_url) == "postgresql+psycopg://u:***@h/db"


def test_without_a_config_nbgrader_defaults_and_a_sqlite_gradebook_that_waits(tmp_path):
    course = Course.load(tmp_path)
    assert course.folders["release"] == "release" and course.id == "default_course"
    assert course.db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}?timeout=60"
    assert Course.load(tmp_path, "sqlite:///x.db").db_url == "sqlite:///x.db?timeout=60"


def test_each_config_is_a_fresh_copy_with_the_root_and_gradebook(tmp_path):
    course = _course(tmp_path, "c.Execute.timeout = 60\n")
    first = course.config(timeout=5)
    assert first.Execute.timeout == 5 and first.CourseDirectory.root == str(tmp_path.resolve())
    assert first.CourseDirectory.db_url == course.db_url
    assert course.config().Execute.timeout == 60
    assert "db_url" not in course.config(db=False).CourseDirectory


def test_assignments_and_submissions_are_found_by_listing_folders(tmp_path):
    course = _course(tmp_path, 'c.CourseDirectory.release_directory = "notebooks"\n')
    for a in ("01_a", "02_b"):
        (tmp_path / "notebooks" / a).mkdir(parents=True)
        (tmp_path / "notebooks" / a / f"{a}.ipynb").write_text("{}")
    (tmp_path / "notebooks" / "empty").mkdir()
    (tmp_path / "submitted" / "s2" / "01_a").mkdir(parents=True)
    (tmp_path / "submitted" / "s1" / "02_b").mkdir(parents=True)
    assert course.assignments() == ["01_a", "02_b"]
    assert course.submissions(["01_a", "02_b"]) == [("s1", "02_b"), ("s2", "01_a")]
