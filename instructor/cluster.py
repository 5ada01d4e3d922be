"""Where class grading runs: a Dask cluster, on this machine by default or an existing one anywhere.

:func:`connect` gives a ``distributed.Client``: to a ``LocalCluster`` of ``workers`` processes on this machine
(nothing to set up), or to the scheduler at ``--scheduler tcp://host:8786`` / ``$COURSE_GRADE_SCHEDULER``.
:func:`run` then grades the class on it and yields each result as it comes, for the caller to write into the
manifest (so a run cut short resumes where it stopped). What the home-made pool guaranteed, Dask now keeps:

- **A student is never graded by two workers at once.** One task grades one student (all that student's
  assignments); the task also holds a lock on the student (:func:`_student_lock`, a POSIX lock on a file in the
  course's ``.classroom/locks/``, released by the kernel when its process dies), for the rare case where the
  scheduler gives a task to a second worker while a first one, cut off from the scheduler, still runs it.
- **An infinite loop holds up no one else.** The client keeps at most one task per worker process in flight,
  so no task waits in the queue of a worker that is stuck in nbgrader's cell timeout.
- **nbgrader's start-up is paid once per worker process.** Each worker keeps its ``NbGraderAPI`` in
  :data:`_APIS` (keyed by course, gradebook, timeout and sandbox) and grades student after student with it.
- **A dead worker loses nothing.** Dask reruns the task of a worker that died (killed, out of memory) on
  another one; after ``allowed-failures`` deaths the student comes back as an error ("needs a regrade"), which
  the manifest records, so the next run grades that student again. nbgrader's ``autograde --force`` replaces
  whatever a dead worker left half-written.
- **A worker that cannot grade says why.** A worker that cannot see the course directory, reach the gradebook
  or build the sandbox fails that student's task with a message naming what was missing.

Across machines every worker must see the course directory at the same path (a shared filesystem) and the
gradebook must be a database server (PostgreSQL): see the README's "Grading a class on several machines".
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import warnings
from collections import deque
from dataclasses import asdict
from pathlib import Path

from . import sandbox
from .course import CONFIG_FILE, Course, GradingSetupError, ensure_tools_on_path, redact

SCHEDULER_ENV = "COURSE_GRADE_SCHEDULER"
FEEDBACK_CHUNK = 10  # students per generate_feedback run: each run builds its HTML exporter afresh
# Where the error of a student's task starts (the class CSV's reason, the summary): not the student's fault.
WORKER_ERROR = "worker could not grade"
# The LocalCluster's scheduler: a task whose worker died is rerun this many times before it is given up
# (a student whose notebook kills every worker it runs on must not take the whole class down with it).
LOCAL_CONFIG = {"distributed.scheduler.allowed-failures": 2}
LOCAL_DASHBOARD = "127.0.0.1:8787"


def scheduler_address(given=None):
    """The scheduler to use: `given`, else ``$COURSE_GRADE_SCHEDULER``, else None (a local cluster)."""
    return given or os.environ.get(SCHEDULER_ENV) or None


# ------------------------------------------------------------------------------------------------ client


@contextlib.contextmanager
def connect(scheduler=None, workers=1, log=print):
    """A ``distributed.Client`` on the scheduler at `scheduler`, or on a new local cluster of `workers` processes.

    Raises GradingSetupError when the scheduler cannot be reached or no worker joins it within a minute.
    """
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise GradingSetupError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise GradingSetupError(f"no Dask worker joined the scheduler at {scheduler} within 60 s "
                                        f"(start some with: dask worker {scheduler})") from None
            log(f"Dask scheduler {scheduler}: {len(client.nthreads())} worker(s); dashboard {client.dashboard_link}")
            yield client
        return
    import dask
    from distributed import LocalCluster

    with warnings.catch_warnings():
        # Port 8787 taken (another run's dashboard): Dask picks a free port; the line below names it.
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        # One thread per process: nbgrader grades one notebook at a time per process (see _ONE_AT_A_TIME).
        with dask.config.set(LOCAL_CONFIG):
            cluster = LocalCluster(n_workers=max(1, int(workers)), threads_per_worker=1, processes=True,
                                   dashboard_address=LOCAL_DASHBOARD, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        log(f"local Dask cluster: {max(1, int(workers))} worker process(es); dashboard {client.dashboard_link}")
        yield client


# ------------------------------------------------------------------------------------------ client side


def run(client, spec, by_student):
    """Grade `by_student` ({student: [assignment]}) on `client`'s cluster; yield results as they come.

    Yields ``("grade", Outcome)`` per submission and ``("feedback", {"assignment", "students", "failed"})``
    per feedback chunk, like the pool it replaces. Feedback for an assignment is generated, ten students per
    task, for the students whose autograde succeeded, once they are done.
    """
    from distributed import as_completed

    spec = dict(spec, local=client.cluster is not None)  # a LocalCluster this process started
    queue = deque(("grade", s, assigns) for s, assigns in by_student.items())
    waiting = {}  # assignment -> students graded and waiting for their feedback task
    inflight = {}
    done = as_completed()
    while queue or inflight:
        # At most one task per worker process: a task never waits behind a worker stuck in a timeout.
        slots = max(1, len(client.nthreads()))
        while queue and len(inflight) < slots:
            task = queue.popleft()
            future = client.submit(_TASKS[task[0]], spec, *task[1:], pure=False, key=_key(task))
            inflight[future] = task
            done.add(future)
        future = next(done)
        task = inflight.pop(future)
        for event in _results(future, task):
            yield event
            kind, item = event
            if kind == "grade" and item.ok:
                waiting.setdefault(item.assignment, []).append(item.student)
        future.release()
        grading_left = any(t[0] == "grade" for t in queue) or any(t[0] == "grade" for t in inflight.values())
        for assignment, students in waiting.items():
            # Full chunks as they fill up; once grading is over, the rest shared out among the workers.
            size = FEEDBACK_CHUNK if grading_left else min(FEEDBACK_CHUNK, -(-len(students) // slots))
            while students and (len(students) >= size or not grading_left):
                chunk, students[:] = students[:size], students[size:]
                queue.appendleft(("feedback", assignment, chunk))


def _key(task):
    import uuid

    return f"{task[0]}-{task[1]}-{uuid.uuid4().hex[:8]}"  # the dashboard shows what each worker grades


def _results(future, task):
    """The events of one finished task; a task that failed becomes errors for each of its submissions."""
    from .grade import Outcome

    kind = task[0]
    if future.status == "finished":
        result = future.result()
        return [("grade", Outcome(**r)) for r in result] if kind == "grade" else [("feedback", result)]
    message = f"{WORKER_ERROR}: {_failure(future)}"
    if kind == "feedback":
        return [("feedback", {"assignment": task[1], "students": task[2], "failed": task[2], "error": message})]
    student, assignments = task[1], task[2]
    return [("grade", Outcome(student, a, ok=False, error=message, reasons=[message])) for a in assignments]


def _failure(future):
    """Why a task failed, in words an instructor can act on."""
    from distributed import KilledWorker

    if future.status == "cancelled":
        return "the Dask scheduler lost the task (was it restarted?); grade again"
    exc = future.exception()
    if isinstance(exc, KilledWorker):
        return ("every worker that ran it died (killed, or out of memory); nothing of it was kept: "
                "grade again (if it happens again, grade this student alone)")
    if isinstance(exc, (ModuleNotFoundError, ImportError)):
        return f"{type(exc).__name__}: {exc} (install the course with its [instructor] extra on every worker)"
    return f"{type(exc).__name__}: {exc}"


# ------------------------------------------------------------------------------------------ worker side


_APIS = {}  # (course dir, gradebook URL, timeout, sandbox) -> (NbGraderAPI, Course), per worker process
# One grading at a time in a worker process, whatever its thread count: the NbGraderAPI is not thread-safe.
_ONE_AT_A_TIME = threading.Lock()


class WorkerSetupError(RuntimeError):
    """This worker cannot grade: it cannot see the course, reach the gradebook or build the sandbox."""


def grade_student(spec, student, assignments):
    """(Dask task) Autograde one student's `assignments`; a list of Outcome dicts, one per assignment."""
    from .grade import Outcome, _autograde

    with _ONE_AT_A_TIME:
        try:
            api, course = _api(spec)
        except WorkerSetupError as exc:
            return [asdict(Outcome(student, a, ok=False, error=str(exc), reasons=[str(exc)])) for a in assignments]
        with _student_lock(course, [student]):
            return [asdict(_autograde(api, course, spec["notebooks"][a], student, a)) for a in assignments]


def feedback(spec, assignment, students):
    """(Dask task) nbgrader's feedback for `students` of `assignment`, in one run."""
    from .grade import _feedback

    with _ONE_AT_A_TIME:
        try:
            api, course = _api(spec)
        except WorkerSetupError as exc:
            return {"assignment": assignment, "students": students, "failed": students, "error": str(exc)}
        with _student_lock(course, students):
            return _feedback(api, course, spec["notebooks"], {"assignment": assignment, "students": students})


_TASKS = {"grade": grade_student, "feedback": feedback}


def _api(spec):
    key = (spec["course_dir"], spec["db_url"], spec.get("timeout"), spec.get("sandbox", True))
    if key not in _APIS:  # a failure is not cached: the next task tries again
        _APIS[key] = _open_api(spec)
    return _APIS[key]


def _open_api(spec):
    """This worker's NbGraderAPI for `spec`, after checking it can see and reach everything it needs."""
    here = f"worker {socket.gethostname()} (pid {os.getpid()})"
    root = Path(spec["course_dir"])
    if not (root / CONFIG_FILE).is_file():
        raise WorkerSetupError(f"{WORKER_ERROR}: {here} cannot see the course directory {root} (no {CONFIG_FILE} "
                               "there): every worker must see it at the same path")
    if spec.get("sandbox", True) and not sandbox.available():
        raise WorkerSetupError(f"{WORKER_ERROR}: {here} has no working bubblewrap sandbox (bwrap): install it "
                               "there, or grade with --no-sandbox")
    ensure_tools_on_path()
    course = Course.load(root, spec["db_url"])
    try:
        with course.gradebook():
            pass
    except GradingSetupError as exc:  # its message names the (redacted) URL and the driver's error
        raise WorkerSetupError(f"{WORKER_ERROR}: {here} {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any driver error, e.g. a database that vanished
        raise WorkerSetupError(f"{WORKER_ERROR}: {here} cannot open the gradebook at {redact(spec['db_url'])}: "
                               f"{type(exc).__name__}: {exc}") from None
    _log_to_file(course, spec.get("local", False))
    from nbgrader.apps import NbGraderAPI

    config = course.config(timeout=spec.get("timeout"))
    if not spec.get("sandbox", True):
        config.SandboxedExecute.sandbox = False  # the instructor's explicit --no-sandbox
        config.CleanRoom.sandbox = False  # the clean room's child too
    return NbGraderAPI(config=config), course


def _log_to_file(course, local):
    """nbgrader's log (traitlets' logger) into ``.classroom/worker-<host>-<pid>.log``, not the terminal.

    In a local cluster's worker (`local`), everything else written to stdout and stderr goes there too: the
    kernels' and the database driver's warnings would otherwise interleave with the progress bar. A worker
    started by hand (``dask worker``) keeps its own terminal for Dask's messages.
    """
    path = course.root / ".classroom" / f"worker-{socket.gethostname()}-{os.getpid()}.log"
    path.parent.mkdir(exist_ok=True)
    if local:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("traitlets")
    logger.addHandler(handler)
    logger.propagate = False


@contextlib.contextmanager
def _student_lock(course, students):
    """Hold an exclusive lock on each of `students` (sorted, so two holders never wait on each other)."""
    folder = course.root / ".classroom" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for student in sorted(students):
            f = stack.enter_context(open(folder / f"{student}.lock", "a"))
            fcntl.lockf(f, fcntl.LOCK_EX)  # POSIX locks also hold across NFS clients; freed when the process dies
        yield
