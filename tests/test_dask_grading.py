"""Class grading on a real Dask cluster: ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1,
with the PostgreSQL gradebook that ``bash .ci/run`` starts (``MLCORE_TEST_PG_URL``; see
tests/test_classroom_postgres.py: skipped without a server, a failure under ``CI=true``).

- The cluster grades a synthetic class of the course's own 01_mse (sandboxed kernels and the clean room, as
  the course's nbgrader_config.py sets them up) exactly as the default local run (``course-grade grade`` with
  nothing set up: a local cluster and SQLite) grades an identical copy, and as the generator's plan says.
- A worker killed with SIGKILL in the middle of grading a student loses no grade: after the run (Dask reran
  the task elsewhere) or after a second run (the student was listed for a regrade), every grade is right and
  the gradebook holds each submission once.
- A worker that cannot see the course or reach the gradebook fails the student's task with a message naming
  what it could not reach.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from instructor import cluster
from instructor.course import Course
from instructor.grade import CLASS_CSV, GRADED, venv_env
from instructor.synthetic import make_class
from test_classroom import (ROOT, TIMEOUT, VARIANTS, assert_matches_plan, copy_course, make_tiny_course, read_csv,
                            run_cli)
from test_classroom_postgres import pg_database  # noqa: F401  (a fixture: a fresh database on the test server)

pytestmark = pytest.mark.slow  # each test grades a class: a minute or more on a loaded machine

STUDENTS = 8  # one of each kind (correct, timeout, os_exit, missing, renamed, sys_exit, blank) and a variant
SEED = 11


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc):
    """Stop a process started in its own session, and everything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """(scheduler address, Client) of ``dask scheduler`` + two ``dask worker`` processes on 127.0.0.1."""
    from distributed import Client

    exe = Path(sys.executable).parent / "dask"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: requirements.txt installs distributed, which provides the dask command")
    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    commands = [[str(exe), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                 "--no-dashboard"]]
    commands += [[str(exe), "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                  "--name", f"w{i}", "--local-directory", str(logs / f"w{i}")] for i in (1, 2)]
    procs = []
    try:
        for i, argv in enumerate(commands):
            # The workers run from a folder of their own: they find the course by its absolute path only.
            procs.append(subprocess.Popen(argv, cwd=logs, env=venv_env(), start_new_session=True,
                                          stdout=subprocess.DEVNULL, stderr=open(logs / f"{i}.log", "w")))
        client = Client(address, timeout="60s")
        client.wait_for_workers(2, timeout=180)
        yield address, client
        client.close()
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _class(root):
    """A synthetic class of the tiny two-function assignment t1 (quick to grade)."""
    make_tiny_course(root)
    return make_class(root, STUDENTS, seed=SEED, variants=VARIANTS)


def _course_class(root):
    """A synthetic class of the course's own 01_mse, graded through its sandbox and clean room."""
    if not (ROOT / "notebooks" / "01_mse" / "01_mse.ipynb").exists():
        pytest.fail("notebooks/01_mse is missing: run python -m instructor.release")
    copy_course(root, "01_mse")
    return make_class(root, STUDENTS, seed=SEED, assignments=["01_mse"])


def _worker_pids(course):
    """pids of the processes that graded in `course` (their log files: .classroom/worker-<host>-<pid>.log)."""
    return {int(p.stem.rsplit("-", 1)[1]) for p in (course / ".classroom").glob("worker-*.log")}


def _grade_on(address, course, db_url, assignment="t1"):
    return ["grade", assignment, "--course-dir", str(course), "--db-url", db_url, "--scheduler", address,
            "--timeout", TIMEOUT, "--no-progress"]


def _assert_gradebook_matches(db_url, plan, course, assignment="t1"):
    """Every student is in the PostgreSQL gradebook; each graded submission with the planned score."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, Course.load(course).id) as gb:
        assert sorted(s.id for s in gb.students) == sorted(plan["students"])
        for student, per in plan["students"].items():
            if per[assignment]["status"] == GRADED:
                nb = gb.find_submission_notebook(assignment, assignment, student)
                assert nb.score == pytest.approx(per[assignment]["score"]), student
                assert not nb.needs_manual_grade, student


def test_a_dask_cluster_with_postgres_grades_exactly_like_the_default_local_run(tmp_path, dask_cluster,
                                                                                 pg_database):
    address, client = dask_cluster
    local, remote = tmp_path / "local", tmp_path / "cluster"
    plan = _course_class(local)
    assert _course_class(remote) == plan  # the same seed writes the same class

    default = run_cli("grade", "01_mse", "--course-dir", str(local), "--timeout", TIMEOUT, "--no-progress")
    assert default.returncode == 0, default.stdout + default.stderr
    assert "local Dask cluster" in default.stdout
    on_cluster = run_cli(*_grade_on(address, remote, pg_database, "01_mse"))
    assert on_cluster.returncode == 0, on_cluster.stdout + on_cluster.stderr
    assert f"Dask scheduler {address}" in on_cluster.stdout

    expected, got = read_csv(local / CLASS_CSV), read_csv(remote / CLASS_CSV)
    assert got == expected  # every column: score, max_score, status, reason, flags
    assert_matches_plan(got, plan, "01_mse")
    _assert_gradebook_matches(pg_database, plan, remote, "01_mse")
    assert not (remote / "gradebook.db").exists()  # nothing went to a SQLite gradebook
    # The cluster's own worker processes graded it, not processes of the command's own.
    cluster_pids = set(client.run(os.getpid).values())
    assert _worker_pids(remote) and _worker_pids(remote) <= cluster_pids
    assert not _worker_pids(local) & cluster_pids

    again = run_cli(*_grade_on(address, remote, pg_database, "01_mse"))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"0 graded now, {STUDENTS} unchanged and skipped" in again.stdout


def test_a_worker_killed_mid_grade_loses_no_grade(tmp_path, dask_cluster, pg_database):
    import psutil

    address, client = dask_cluster
    plan = _class(tmp_path)
    # The student whose notebook loops until nbgrader's timeout: its worker is surely busy grading it.
    victim = next(s for s, per in plan["students"].items() if per["t1"]["kind"] == "timeout")
    pids = client.run(os.getpid)
    run = subprocess.Popen([sys.executable, "-m", "instructor", *_grade_on(address, tmp_path, pg_database)],
                           env=venv_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed, deadline = None, time.monotonic() + 600
    while killed is None and run.poll() is None and time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            started = (tmp_path / "autograded" / victim / "t1").is_dir()  # nbgrader is at work on it
            if started and worker in pids and any(str(k).startswith(f"grade-{victim}-") for k in keys):
                time.sleep(1.0)
                os.kill(pids[worker], signal.SIGKILL)  # as the out-of-memory killer would
                killed = pids[worker]
                break
        time.sleep(0.2)
    out, err = run.communicate(timeout=900)
    assert killed is not None, f"the run ended before {victim}'s task started: nothing was killed\n{out}{err}"
    assert not psutil.pid_exists(killed) or psutil.Process(killed).status() == psutil.STATUS_ZOMBIE

    print(f"killed worker pid {killed} while it graded {victim}; the run exited {run.returncode}")
    rows = read_csv(tmp_path / CLASS_CSV)
    if run.returncode != 0:
        # Dask gave the task up: the student is listed for a regrade, nobody else is affected.
        assert run.returncode == 1, out + err
        assert f"{victim} / t1: {cluster.WORKER_ERROR}" in out, out
        others = [r for r in rows if r["student"] != victim]
        assert_matches_plan(others, {"students": {s: p for s, p in plan["students"].items() if s != victim}}, "t1")
        rerun = run_cli(*_grade_on(address, tmp_path, pg_database))
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert f"1 graded now, {STUDENTS - 1} unchanged" in rerun.stdout
        rows = read_csv(tmp_path / CLASS_CSV)
    assert_matches_plan(rows, plan, "t1")
    _assert_gradebook_matches(pg_database, plan, tmp_path)


def test_a_worker_that_cannot_see_the_course_or_the_gradebook_says_so(tmp_path, dask_cluster):
    _, client = dask_cluster
    make_tiny_course(tmp_path / "course")
    notebooks = {"t1": ["t1"]}

    hidden = tmp_path / "not-shared"
    spec = {"course_dir": str(hidden), "db_url": "sqlite:///unused.db", "timeout": 5, "notebooks": notebooks,
            "sandbox": False}
    events = list(cluster.run(client, spec, {"s001": ["t1"], "s002": ["t1"]}))
    assert sorted(o.student for _, o in events) == ["s001", "s002"]
    for kind, outcome in events:
        assert kind == "grade" and not outcome.ok
        assert outcome.error.startswith(cluster.WORKER_ERROR)
        assert f"cannot see the course directory {hidden}" in outcome.error

    nowhere = f"postgresql+psycopg://grader:secret@127.0.0.1:{_free_port()}/gradebook"
    spec = dict(spec, course_dir=str(tmp_path / "course"), db_url=nowhere)
    [(kind, outcome)] = list(cluster.run(client, spec, {"s001": ["t1"]}))
    assert not outcome.ok and outcome.error.startswith(cluster.WORKER_ERROR)
    assert "cannot open the gradebook at postgresql+psycopg://grader:***@127.0.0.1:" in outcome.error
    assert "secret" not in outcome.error
    assert not (tmp_path / "course" / "autograded").exists()  # nothing was graded


def test_an_unreachable_scheduler_stops_the_command_with_its_address(tmp_path):
    make_tiny_course(tmp_path)
    make_class(tmp_path, 2, seed=0, variants=VARIANTS, broken=False)
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = dict(venv_env(), **{cluster.SCHEDULER_ENV: address})
    done = subprocess.run([sys.executable, "-m", "instructor", "grade", "t1", "--course-dir", str(tmp_path),
                           "--no-progress"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr
    assert not (tmp_path / "autograded").exists()
