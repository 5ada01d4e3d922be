"""The class grader with a real PostgreSQL gradebook: two workers write at once and no score is lost.

Needs a server: ``MLCORE_TEST_PG_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5433/postgres``, a
role allowed to create databases). ``bash .ci/run`` starts a throwaway one and sets it. Without a server
the test is skipped, except in CI (``CI=true``), where a missing server is a failure.
"""

import os
import uuid

import pytest

from instructor.grade import GRADED, grade_class
from instructor.synthetic import make_class
from test_classroom import VARIANTS, assert_matches_plan, make_tiny_course

PG_URL = os.environ.get("MLCORE_TEST_PG_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _no_server(reason):
    if IN_CI:
        pytest.fail(f"CI=true but {reason}: .ci/run must start PostgreSQL and set MLCORE_TEST_PG_URL")
    pytest.skip(f"no PostgreSQL server for the gradebook test ({reason}); bash .ci/run starts one")


@pytest.fixture
def pg_database():
    """A fresh, empty database on the test server; dropped afterwards."""
    if not PG_URL:
        _no_server("MLCORE_TEST_PG_URL is not set")
    psycopg = pytest.importorskip("psycopg")
    from sqlalchemy.engine import make_url

    admin = make_url(PG_URL)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(libpq, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        _no_server(f"cannot connect to {admin.render_as_string(hide_password=True)}: {exc}")
    name = f"mlcore_test_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def test_two_workers_write_every_score_to_postgres(tmp_path, pg_database):
    from nbgrader.api import Gradebook

    make_tiny_course(tmp_path)
    plan = make_class(tmp_path, 8, seed=5, variants=VARIANTS, broken=False)
    result = grade_class(tmp_path, ["t1"], workers=2, db_url=pg_database, timeout=5, progress=False)
    assert not result.errors, [e.error for e in result.errors]
    assert_matches_plan(result.rows, plan, "t1")
    assert not (tmp_path / "gradebook.db").exists()  # nothing went to the default SQLite gradebook

    with Gradebook(pg_database, "tiny") as gb:
        assert sorted(s.id for s in gb.students) == sorted(plan["students"])
        for student, per in plan["students"].items():
            nb = gb.find_submission_notebook("t1", "t1", student)
            assert per["t1"]["status"] == GRADED
            assert nb.score == pytest.approx(per["t1"]["score"])
            assert not nb.needs_manual_grade

    again = grade_class(tmp_path, ["t1"], workers=2, db_url=pg_database, timeout=5, progress=False)
    assert (again.graded, again.skipped) == (0, 8)
    assert_matches_plan(again.rows, plan, "t1")
