"""The clean room (instructor/cleanroom): test cells graded outside the learner's kernel, from plain data.

- the wire format carries every kind of argument and result the exercises use, and refuses anything else;
- for every exercise with answers in the catalogue, the clean room gives each variant the verdict and the
  diagnosis the in-kernel check gives (same seed), for right and wrong answers alike;
- an endless loop or ``os._exit`` fails that check only; the child is restarted and the run goes on;
- through real ``nbgrader autograde``: answers that fool the in-kernel check earn no more than the same wrong
  answer without the trick, and the submission is flagged; correct and honestly wrong ones are not flagged.
"""

import copy
import importlib
import json
import os
import re
import shutil
import time

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import mlcore
from instructor import sandbox
from instructor.cleanroom import flags as flagfile
from instructor.cleanroom import wire
from instructor.cleanroom.preprocessor import check_calls, grade_calls, plan
from instructor.cleanroom.runner import KNOWN_EXCEPTIONS, RECORDS, ProcessEnded, Runner, allow_list
from mlcore._guard import ReferenceBlocked
from mlcore.grading import GradingError, check
from nbgrader_harness import ROOT, autograde, make_submission, read_notebook, solution_path

SANDBOXED = sandbox.available()
CATALOGUE = ["nb01", "nb02", "nb03", "nb04", "nb05"]
SEED = 20261129


# ----------------------------------------------------------------------------------------------- wire format


def _round_trip(value, **decode_options):
    """Encode on the child's side (drain=True), send as a frame through a pipe, decode on the grader's side."""
    node, buffers = wire.encode(value, drain=True, records={mlcore.Cache: "Cache"})
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as pipe:
        try:
            wire.write_frame(write_fd, {"value": node}, buffers)
        finally:
            os.close(write_fd)
        header, data = wire.read_frame(pipe.read)
    return wire.decode(header["value"], data, **decode_options)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


PLAIN = {
    "float64 matrix": np.arange(12.0).reshape(3, 4) / 7,
    "float32 with nan and inf": np.array([1.5, np.nan, np.inf, -np.inf], dtype=np.float32),
    "int labels": np.array([2, 0, 1], dtype=np.int64),
    "bool mask": np.array([[True, False]]),
    "complex": np.array([1 + 2j]),
    "0-d array": np.array(3.25),
    "empty (0, 3)": np.zeros((0, 3)),
    "non-contiguous view": np.arange(20.0).reshape(4, 5)[:, ::2],
    "float": 0.1,
    "nan": float("nan"),
    "inf": float("inf"),
    "big int": 2**80,
    "bool": True,
    "None": None,
    "str": "ŷ − y",
    "numpy float64 scalar": np.float64(2.5),
    "numpy float32 scalar": np.float32(-1.25),
    "numpy int scalar": np.int64(7),
    "python complex": 1.5 - 2j,
    "list of arrays": [np.ones(2), np.zeros((2, 2))],
    "tuple (dw, db)": (np.ones(3), 0.5),
    "nested": ([1, (2.0, None)], {"a": np.eye(2)}),
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_values_round_trip(name):
    value = PLAIN[name]
    got = _round_trip(value)
    if name == "non-contiguous view":
        value = np.ascontiguousarray(value)
    assert _same(value, got), (value, got)


def test_arguments_of_every_kind_reach_the_child_as_they_were():
    """Grader -> child: the course's functions by name, a Generator by its state, the MLP cache by field."""
    rng = np.random.default_rng(5)
    rng.normal(size=3)  # a generator part-way through its stream
    cache = mlcore.Cache(a=[np.ones((2, 3)), np.zeros((2, 4))], z=[None, np.full((2, 4), 0.5)])
    args = [mlcore.relu_prime, np.tanh, rng, cache]
    node, buffers = wire.encode(args, functions=allow_list(), records=RECORDS)
    child_functions = {name: eval(name.replace("numpy.", "np."), {"mlcore": mlcore, "np": np}) for name in allow_list().values()}
    got = wire.decode(json.loads(json.dumps(node)), buffers, functions=child_functions,
                      records={"Cache": mlcore.Cache}, untrusted=False)
    assert got[0] is mlcore.relu_prime and got[1] is np.tanh
    assert np.array_equal(got[2].normal(size=5), copy.deepcopy(rng).normal(size=5))
    assert type(got[3]) is mlcore.Cache and got[3].z[0] is None and np.array_equal(got[3].z[1], cache.z[1])


def test_child_results_that_are_not_plain_data_arrive_as_plain_stand_ins():
    def batches():
        yield np.ones((2, 4)), np.zeros(2)
        yield np.ones((1, 4)), np.zeros(1)

    class Lazy:
        def __array__(self, dtype=None, copy=None):
            raise AssertionError("the grader must never call back into a learner's object")

        def __repr__(self):
            return "Lazy()"

    got = _round_trip([batches(), Lazy(), np.array([None, 1.0], dtype=object)])
    items = list(got[0])
    assert type(got[0]).__name__ == "generator" and len(items) == 2 and items[1][0].shape == (1, 4)
    assert type(got[1]).__name__ == "Lazy" and repr(got[1]) == "Lazy()" and not hasattr(got[1], "__array__")
    assert got[2].dtype == object and got[2][0] is None


def test_a_drained_generator_is_capped():
    def forever():
        while True:
            yield 1.0

    replayed = _round_trip(forever())
    with pytest.raises(RuntimeError, match="more than"):
        list(replayed)


@pytest.mark.parametrize("node, buffers", [
    ({"t": "array", "dtype": "|O", "shape": [1], "buf": 0}, [b"\0" * 8]),  # an object array: pointers
    ({"t": "array", "dtype": "<f8", "shape": [3], "buf": 0}, [b"\0" * 16]),  # bytes do not match the shape
    ({"t": "array", "dtype": [["a", "<f8"]], "shape": [1], "buf": 0}, [b"\0" * 8]),  # a structured dtype
    ({"t": "pickle", "v": "gASVAAAAAAAAAACMCGJ1aWx0aW5zlIwEZXZhbJSTlC4="}, []),  # no such node type
    ({"t": "function", "name": "os.system"}, []),  # functions only travel to the child
    ({"t": "rng", "state": {"t": "dict", "v": {}}}, []),  # nor do generators of random numbers
    ({"t": "record", "type": "Cache", "v": {}}, []),  # nor course objects
    ({"t": "list", "v": "abc"}, []),
    ([1, 2], []),
])
def test_the_grader_refuses_anything_but_plain_data(node, buffers):
    with pytest.raises(wire.WireError):
        wire.decode(node, buffers)


def test_oversized_and_malformed_frames_are_refused():
    header = wire.HEADER.pack(wire.MAX_FRAME + 1)
    with pytest.raises(wire.WireError):
        wire.read_frame(lambda n, data=[header]: data.pop(0)[:n])
    body = b"[1, 2]"
    chunks = [wire.HEADER.pack(len(body)), body]
    with pytest.raises(wire.WireError):
        wire.read_frame(lambda n: chunks.pop(0))


def test_exceptions_cross_as_data_with_the_learners_lines():
    def learner():
        raise KeyError("W2")

    try:
        learner()
    except KeyError as error:
        info = wire.describe_exception(error, [(3, "return params['W2']")])
    rebuilt = wire.rebuild_exception(json.loads(json.dumps(info)))
    assert type(rebuilt) is KeyError and str(rebuilt) == "'W2'"
    assert rebuilt.learner_frames == [(3, "return params['W2']")]
    # sys.exit() in a learner's function must not stop the grader: it becomes an ordinary Exception
    exit_info = wire.describe_exception(SystemExit(3))
    assert isinstance(wire.rebuild_exception(exit_info), Exception)
    assert type(wire.rebuild_exception(exit_info)).__name__ == "SystemExit"

    class MyError(Exception):
        pass

    own = wire.rebuild_exception(wire.describe_exception(MyError("mine")))
    assert type(own).__name__ == "MyError" and str(own) == "mine" and type(own) is not MyError
    blocked = wire.describe_exception(ReferenceBlocked("use your own"))
    assert type(wire.rebuild_exception(blocked, KNOWN_EXCEPTIONS)) is ReferenceBlocked


# ----------------------------------------------------------------------------------------------- the child


SETUP = "import numpy as np\nimport mlcore\nfrom mlcore.grading import check\n"


def _answer(runner, code, name="test_answer"):
    runner.exec_cell(f"<answer {name}>", code)


@pytest.fixture(scope="module")
def runner():
    with Runner(ROOT, sandboxed=SANDBOXED, call_timeout=3) as r:
        r.exec_cell("<cell 0>", SETUP)
        yield r


def test_the_child_has_no_grader_and_no_channel_to_write_into(runner):
    _answer(runner, """
import os, sys
def probe(x):
    found = []
    for name in ("mlcore.grading.check", "mlcore.grading.specs", "instructor", "instructor.cleanroom"):
        try:
            __import__(name)
            found.append(name)
        except ImportError:
            pass
    print("garbage on stdout")
    os.write(1, b"garbage on fd 1")
    return found
""")
    assert runner.resolve("probe", name="probe")(np.ones(1)) == []


def test_in_place_changes_and_warnings_reach_the_engine(runner):
    _answer(runner, """
def halve(y_hat):
    y_hat /= 2
    return np.log(y_hat - 10)
""")
    proxy = runner.resolve("halve", name="halve")
    given = np.array([4.0, 8.0])
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = proxy(given)
    assert np.array_equal(given, [2.0, 4.0]), "the grader's argument shows the in-place change"
    assert np.isnan(got).all() and any("invalid value encountered in log" in str(w.message) for w in caught)


def test_the_reference_refuses_while_the_learner_function_runs(runner):
    _answer(runner, """
from mlcore import mse_grad as renamed
def lazy(y, y_hat):
    return (row for row in renamed(y, y_hat))   # computed only when drained: still inside the guard
""")
    proxy = runner.resolve("lazy", name="mse_grad", guarded=("mse_grad",))
    with pytest.raises(ReferenceBlocked):
        proxy(np.ones(3), np.zeros(3))


REFERENCE_TRICKS = {
    "closure": """
_raw = mlcore.mse_grad.__closure__[mlcore.mse_grad.__code__.co_freevars.index("fn")].cell_contents
def mse_grad(y, y_hat):
    return _raw(y, y_hat)
""",
    "ctypes": """
import ctypes, mlcore._guard
_blocked = mlcore._guard._blocked
def mse_grad(y, y_hat):
    ctypes.pythonapi.PySet_Clear(ctypes.py_object(_blocked))
    return mlcore.mse_grad(y, y_hat)
""",
    "reload": """
import importlib, mlcore._guard, mlcore.losses
importlib.reload(mlcore._guard)
importlib.reload(mlcore.losses)
def mse_grad(y, y_hat):
    return mlcore.losses.mse_grad(y, y_hat)
""",
    "second_import": """
import importlib.util, os, sys
_spec = importlib.util.spec_from_file_location("mlcore_again", os.path.join(os.path.dirname(mlcore.__file__), "__init__.py"),
                                                submodule_search_locations=[os.path.dirname(mlcore.__file__)])
_again = importlib.util.module_from_spec(_spec)
sys.modules["mlcore_again"] = _again
_spec.loader.exec_module(_again)
def mse_grad(y, y_hat):
    return _again.mse_grad(y, y_hat)
""",
    "lazy": """
class _Lazy:
    def __init__(self, y, y_hat):
        self.args = (y, y_hat)
    def __array__(self, dtype=None, copy=None):
        return mlcore.mse_grad(*self.args)
def mse_grad(y, y_hat):
    return _Lazy(y, y_hat)
""",
}


@pytest.mark.parametrize("trick", sorted(REFERENCE_TRICKS))
def test_the_reference_cannot_be_reached_around_the_guard(trick):
    """Each of these passes a check that runs in the learner's own process; in the clean room it fails."""
    with Runner(ROOT, sandboxed=SANDBOXED) as fresh:  # the tricks change mlcore in the child: a child each
        fresh.exec_cell("<cell 0>", SETUP)
        fresh.exec_cell("<answer mse_grad_answer>", REFERENCE_TRICKS[trick])
        verdict = grade_calls(fresh, [("mse_grad", "mse_grad", False), ("mse_grad", "mse_grad", True)], SEED)
        assert not verdict.passed, verdict.text
        # and the reference works again for code that is not being graded
        fresh.exec_cell("<cell 1>", "_after = mlcore.mse_grad(np.ones(2), np.zeros(2))")
        assert np.array_equal(fresh.resolve("_after", name="_after"), [-1.0, -1.0])


HOT_PATH_TRICK = """
from mlcore import mlp as _mlp
_raw = _mlp._descend.__closure__[_mlp._descend.__code__.co_freevars.index("fn")].cell_contents
def layer_grads(a_prev, delta):
    # MLP.step's hot path on one identity layer with W = 0, b = 0 and lr = 1 gives back -dW, -db
    a_prev, delta = np.asarray(a_prev, float), np.asarray(delta, float)
    W, b = np.zeros((a_prev.shape[1], delta.shape[1])), np.zeros(delta.shape[1])
    targets = -delta * delta.size / 2  # so that the MSE head's delta 2 (0 - y) / y.size is delta
    _, new = _raw([W, b], a_prev, targets, 1.0, mlcore.identity, mlcore.identity_prime, _mlp.HEADS["identity"])
    return -new[0], -new[1]
"""


def test_the_mlp_hot_path_refuses_with_the_references_it_computes():
    """MLP.step's hot path computes what layer_grads computes: taken out of its guard, it refuses as well."""
    namespace = {}
    exec(SETUP + HOT_PATH_TRICK, namespace)
    check("layer_grads", namespace["layer_grads"], seed=SEED)  # in the learner's own process the trick works
    with Runner(ROOT, sandboxed=SANDBOXED) as fresh:
        fresh.exec_cell("<cell 0>", SETUP)
        fresh.exec_cell("<answer layer_grads_answer>", HOT_PATH_TRICK)
        verdict = grade_calls(fresh, [("layer_grads", "layer_grads", False)], SEED)
        assert not verdict.passed and "layer_grads" in verdict.text, verdict.text
        fresh.exec_cell("<cell 1>", "_m = mlcore.MLP((2, 3, 2), rng=0); _m.step(np.ones((4, 2)), [0, 1, 1, 0], 0.1)")


def test_a_function_of_the_graders_own_is_called_back_and_cannot_stall_the_grader(runner):
    """A case's function that is not on the allow-list (a spec's test function) runs in the grader on plain
    data when the learner's code calls it; calling it forever still ends at the call's timeout."""
    _answer(runner, "def apply(f, x):\n    return f(x) + 1\n\ndef spin(f, x):\n    while True:\n        f(x)\n")
    assert np.array_equal(runner.resolve("apply", name="apply")(lambda t: t ** 3, np.arange(3.0)), [1.0, 2.0, 9.0])
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        runner.resolve("spin", name="spin")(lambda t: t, np.ones(2))
    assert time.monotonic() - started < 3 * runner.call_timeout


def test_central_difference_is_graded_with_its_spec_functions_called_back(runner):
    """nb00's cases pass np.sin, np.exp, np.tanh (by name) and the spec's own cubic (called back)."""
    _answer(runner, "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / (2 * h)\n")
    calls = [("central_difference", "central_difference", False), ("central_difference", "central_difference", True)]
    assert grade_calls(runner, calls, SEED).passed
    wrong = "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / h\n"
    _answer(runner, wrong)
    namespace = {}
    exec(wrong, namespace)
    with pytest.raises(GradingError) as in_kernel:
        check("central_difference", namespace["central_difference"], seed=SEED)
    assert grade_calls(runner, calls, SEED).mistakes == in_kernel.value.mistakes


def test_an_endless_loop_and_os_exit_fail_one_check_and_the_run_goes_on(runner):
    _answer(runner, """
def mse(y, y_hat):
    while True:
        pass

def mse_grad(y, y_hat):
    import os
    os._exit(9)
""")
    started = time.monotonic()
    looped = grade_calls(runner, [("mse", "mse", False), ("mse", "mse", True)], seed=1)
    assert not looped.passed and looped.mistakes[0] == "exception" and "TimeoutError" in looped.text
    assert time.monotonic() - started < 3 * runner.call_timeout, "one timeout per check, not one per case"
    died = grade_calls(runner, [("mse_grad", "mse_grad", False)], seed=1)
    assert not died.passed and died.mistakes[0] == "exception" and ProcessEnded.__name__ in died.text
    _answer(runner, "def mse(y, y_hat):\n    return float(np.mean((y - y_hat) ** 2))\n", "mse_answer")
    assert grade_calls(runner, [("mse", "mse", False), ("mse", "mse", True)], seed=1).passed


def test_magics_in_an_answer_cell_do_not_cost_the_answer(runner):
    """IPython syntax a learner leaves in an answer cell (%timeit, !ls, f?) runs as a no-op in the child."""
    from instructor.cleanroom.preprocessor import plain_python

    code = "%timeit 1 + 1\nfiles = !ls\ndef mse(y, y_hat):\n    return float(np.mean((y - y_hat) ** 2))\nmse?\n"
    runner.exec_cell("<answer mse_answer>", plain_python(code))
    assert grade_calls(runner, [("mse", "mse", False)], SEED).passed


def test_the_plan_runs_the_learners_answers_in_the_sources_layout_and_skips_demonstrations():
    def cell(source, **nbgrader):
        return new_code_cell(source, metadata={"nbgrader": nbgrader} if nbgrader else {})

    source = new_notebook(cells=[
        cell("import numpy as np\nSCALE = 2.0"),
        cell("def f(x):\n    raise NotImplementedError()", grade_id="f_answer", solution=True),
        cell('check("f", f)', grade_id="f_tests", grade=True, solution=False, points=1),
        cell("plot_everything(f(np.ones(3)))   # a demonstration"),
        cell("def helper(x):\n    return x"),
    ])
    submitted = new_notebook(cells=[
        cell("import os\nos.system('echo extra')"),  # an extra cell of the learner's: never run
        cell("def f(x):\n    return helper(x) * SCALE", grade_id="f_answer", solution=False),  # flag flipped
        cell("def f(x):\n    return 0", grade_id="f_answer", solution=True),  # a duplicate id: the first counts
    ])
    steps = plan(source, submitted)
    assert [s[1] for s in steps] == ["<cell 0>", "<answer f_answer>", "f_tests", "<cell 4>"]
    assert steps[1][2].strip() == "def f(x):\n    return helper(x) * SCALE"


def test_check_calls_are_read_from_the_source_without_running_it():
    source = 'check("mse", mse)\n### BEGIN HIDDEN TESTS\ncheck("mse", mse, hidden=True, seed=3)\n### END HIDDEN TESTS\n'
    assert check_calls(source) == [("mse", "mse", False), ("mse", "mse", True)]
    assert check_calls("print(1)\ncheck(name, mse)\n") == []


def _questions():
    from mlcore.grading.question import Question
    from mlcore.grading.specs import EXERCISES

    return sorted(name for name, exercise in EXERCISES.items() if isinstance(exercise, Question))


def _spellings(value):
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("question", _questions())
def test_self_check_questions_get_the_in_kernel_verdict(runner, question, capsys):
    """A question is graded from the value of the learner's variable, sent by the child as plain data."""
    from mlcore.grading.specs import EXERCISES

    exercise = EXERCISES[question]
    answers = _spellings(exercise.answer) + [w for key in exercise.explanations for w in _spellings(key)]
    answers += [None, "not an answer", 12345.0, [1, 2]]
    for value in answers:
        _answer(runner, f"{question} = {value!r}\n", f"{question}_answer")
        verdict = grade_calls(runner, [(question, question, False), (question, question, True)], SEED)
        try:
            check(question, value)
            check(question, value, hidden=True)
            kernel = ()
        except GradingError as error:
            kernel = error.mistakes
        capsys.readouterr()
        assert verdict.passed == (kernel == ()) and verdict.mistakes == kernel, (value, verdict.text)


def test_a_missing_answer_variable_fails_the_question(runner):
    question = _questions()[0]
    runner.exec_cell("<answer gone>", f"globals().pop({question!r}, None)\n")
    assert not grade_calls(runner, [(question, question, False)], SEED).passed


def _test_cell(outputs):
    from nbformat.v4 import new_output

    cell = new_code_cell('check("mse", mse)', metadata={"nbgrader": {"grade": True, "solution": False,
                                                                        "grade_id": "mse_tests", "points": 2}})
    made = {"pass": new_output("stream", name="stdout", text="mse: passed 5 checks on random inputs\n"),
            "error": new_output("error", ename="GradingError", evalue="wrong [mistake: sign]", traceback=[]),
            "stderr": new_output("stream", name="stderr", text="a warning\n"),
            "result": new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)}
    cell.outputs = [made[o] for o in outputs]
    return cell


@pytest.mark.parametrize("kernel", [["pass"], ["error"], ["stderr"], ["result", "error"], ["result"]])
@pytest.mark.parametrize("clean_passed", [True, False])
def test_nbgrader_scores_the_clean_rooms_verdict_whatever_the_kernel_printed(kernel, clean_passed):
    from nbgrader.utils import determine_grade

    from instructor.cleanroom.preprocessor import Verdict, apply_verdict, kernel_verdict

    cell = _test_cell(kernel)
    kernel_passed, _ = kernel_verdict(cell)
    apply_verdict(cell, Verdict(clean_passed, "mse: passed 5 checks" if clean_passed else "mse is wrong [mistake: factor]",
                                () if clean_passed else ("factor",)), kernel_passed)
    assert determine_grade(cell) == ((2.0 if clean_passed else 0.0), 2.0)
    if kernel_passed == clean_passed and kernel == ["pass"]:
        assert [o.output_type for o in cell.outputs] == ["stream"], "both agree: the learner's own output stays"


def test_a_clean_room_that_cannot_run_fails_every_test_cell_and_flags_it(tmp_path):
    """Never a silent pass: without its source notebook the clean room grades nothing and says so."""
    from traitlets.config import Config

    from instructor.cleanroom import CleanRoom

    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    step = CleanRoom(config=config, sandbox=SANDBOXED)
    nb = new_notebook(cells=[_test_cell(["pass"])])
    resources = {"nbgrader": {"student": "s1", "assignment": "01_mse", "notebook": "01_mse"}}
    step.preprocess(nb, resources)
    from nbgrader.utils import determine_grade

    assert determine_grade(nb.cells[0])[0] == 0
    found = flagfile.read_flags(tmp_path / "autograded" / "s1" / "01_mse")
    assert [f["kind"] for f in found] == ["cleanroom_error"] and found[0]["source"] == "cleanroom"


# ----------------------------------------------------------------------------------------------- every exercise


def _stubbed(source_nb):
    """The released answer cells (``raise NotImplementedError()``) by grade id, cleared as nbgrader clears them."""
    from nbgrader.preprocessors import ClearSolutions

    released, _ = ClearSolutions().preprocess(copy.deepcopy(source_nb), {})
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")}


def _submission(stubs, answers):
    cells = [new_code_cell(answers.get(gid, stub), metadata={"nbgrader": {"grade_id": gid, "solution": True}})
             for gid, stub in stubs.items()]
    return new_notebook(cells=cells)


_TAMPERING = re.compile(r"^\s*(np|numpy|mlcore|builtins)[\w.]*\s*=|get_ipython|__code__", re.M)


def _in_kernel(steps, calls, namespace):
    """The verdict of the in-kernel check, run here on the same code with the same seed."""
    for kind, filename, code in steps:
        if kind == "exec":
            try:
                exec(compile(code, filename, "exec"), namespace)
            except Exception:
                pass
    for name, expr, hidden in calls:
        try:
            check(name, eval(expr, namespace), hidden=hidden, seed=SEED)
        except GradingError as error:
            return error.mistakes
        except Exception as error:  # e.g. a NameError for a missing answer
            return (type(error).__name__,)
    return ()


@pytest.mark.parametrize("module", CATALOGUE)
def test_every_variant_gets_the_in_kernel_verdict(module, capsys, monkeypatch):
    """Right answers pass and wrong ones fail with the catalogue's (and the in-kernel check's) diagnosis."""
    answers = importlib.import_module(f"instructor.answers.{module}")
    source_nb = read_notebook(solution_path(answers.ASSIGNMENT))
    stubs = _stubbed(source_nb)
    tests = {step[1]: check_calls(step[2]) for step in plan(source_nb, _submission(stubs, {})) if step[0] == "test"}
    order = sorted(answers.VARIANTS, key=lambda v: bool(_TAMPERING.search("".join(answers.VARIANTS[v]["answers"].values()))))
    checked, expected = set(), set()
    runner = Runner(ROOT, sandboxed=SANDBOXED)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # the in-kernel side skips demonstrations too
    try:
        for name in order:
            variant = answers.VARIANTS[name]
            code = "".join(variant["answers"].values())
            tampering = bool(_TAMPERING.search(code))
            if tampering:  # a fresh child: what this variant does to NumPy or mlcore must not reach the next
                runner.kill()
                runner.cells = []
            steps = plan(source_nb, _submission(stubs, variant["answers"]))
            changed = {answers.TEST_OF[gid] for gid, src in variant["answers"].items()
                       if gid in answers.TEST_OF and src != answers.CORRECT.get(gid)}
            cells = set(variant["mistakes"]) | changed | (set(answers.POINTS) if name == "correct" else set())
            # A test cell the catalogue knows but the notebook does not have yet is not graded anywhere.
            cells &= set(tests) & set(answers.POINTS)
            expected |= {(name, cell) for cell in cells}
            for kind, filename, code_or_source in steps:
                if kind == "exec":
                    runner.exec_cell(filename, code_or_source)
                    continue
                if filename not in cells:
                    continue
                verdict = grade_calls(runner, tests[filename], SEED)
                want = variant["mistakes"].get(filename)
                where = f"{module} {name} {filename}: {verdict.text[:600]}"
                if want is None:
                    assert verdict.passed, where
                else:
                    assert not verdict.passed and verdict.mistakes[0] == want, where
                if not tampering:
                    capsys.readouterr()
                    kernel = _in_kernel([s for s in steps if s[0] == "exec"][: _upto(steps, filename)], tests[filename], {"__name__": "__main__"})
                    assert kernel == verdict.mistakes, f"in-kernel {kernel} vs clean room: {where}"
                checked.add((name, filename))
    finally:
        runner.close()
    assert checked == expected and len(checked) >= len(answers.VARIANTS) // 2


def _upto(steps, test_cell):
    """How many exec steps come before ``test_cell``."""
    count = 0
    for kind, name, _ in steps:
        if kind == "test" and name == test_cell:
            return count
        count += kind == "exec"
    return count


# ----------------------------------------------------------------------------------------------- nbgrader


WRONG_MSE_GRAD = "\ndef mse_grad(y, y_hat):\n    return y_hat - y          # the 2/n dropped\n"

TRICKS = {
    # Reassigning NumPy's comparisons: the in-kernel check already grades with pristine functions.
    "allclose": "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n" + WRONG_MSE_GRAD,
    # An IPython input transformer that wraps every later cell in try/except: the failing check is silenced.
    "transformer": WRONG_MSE_GRAD + """
def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept Exception:\\n    pass\\n"]
get_ipython().input_transformers_post.append(_swallow)
""",
    # check's code object swapped for one that prints a perfect pass line (no pattern of VerifyChecks sees it).
    "code_swap": WRONG_MSE_GRAD + """
def _forged(name, fn, *, hidden=False, seed=None):
    print(f"{name}: passed 20 {'hidden checks' if hidden else 'checks'} on random inputs")
check.__code__ = _forged.__code__
""",
}


def _flags(workdir, student, assignment):
    found = []
    for job in sorted(workdir.glob("job*")):
        found += flagfile.read_flags(job / "autograded" / student / assignment)
    return found


@pytest.fixture(scope="module")
def graded_tricks(tmp_path_factory):
    from instructor.release import generate

    from instructor.answers.nb01 import CORRECT

    base = tmp_path_factory.mktemp("cleanroom")
    released = read_notebook(generate(["01_mse"], release_root=base / "release", no_database=True, quiet=True)[0])
    subs = {"correct": make_submission(released, CORRECT),
            "control": make_submission(released, dict(CORRECT, mse_grad_answer=WRONG_MSE_GRAD))}
    for name, code in TRICKS.items():
        subs[name] = make_submission(released, dict(CORRECT, mse_grad_answer=code))
    results = autograde("01_mse", subs, feedback=False, workdir=base / "ag")
    return results, base / "ag"


def test_correct_and_honestly_wrong_submissions_are_scored_as_before_and_not_flagged(graded_tricks):
    results, workdir = graded_tricks
    correct, control = results["correct"].scores, results["control"].scores
    assert correct["mse_grad_tests"] == (1.0, 1.0) and correct["linear_mse_grads_tests"] == (2.0, 2.0)
    assert control["mse_grad_tests"][0] == 0 and control["mse_tests"] == correct["mse_tests"]
    assert "[mistake: factor]" in results["control"].outputs["mse_grad_tests"]
    for student in ("correct", "control"):
        assert [f for f in _flags(workdir, student, "01_mse") if f["source"] == "cleanroom"] == []


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_a_trick_earns_nothing_beyond_the_control(graded_tricks, trick):
    results, _ = graded_tricks
    control, cheat = results["control"].scores, results[trick].scores
    for cell, (score, _) in cheat.items():
        assert score <= control[cell][0], f"{trick}: {cell} scored {score}, the control {control[cell][0]}"
    assert cheat["mse_grad_tests"][0] == 0


@pytest.mark.parametrize("trick", ["transformer", "code_swap"])
def test_a_trick_that_fooled_the_kernel_is_flagged(graded_tricks, trick):
    results, workdir = graded_tricks
    found = [f for f in _flags(workdir, trick, "01_mse") if f["cell"] == "mse_grad_tests"]
    assert found and found[0]["kind"] == "suspected_tampering", _flags(workdir, trick, "01_mse")
    assert "in the kernel: passed" in found[0]["detail"] and "clean room: failed [factor]" in found[0]["detail"]
    assert "graded outside the notebook's kernel" in results[trick].outputs["mse_grad_tests"]


def test_every_verdict_and_the_seed_are_recorded_beside_the_submission(graded_tricks):
    _, workdir = graded_tricks
    job = next(j for j in sorted(workdir.glob("job*")) if (j / "autograded" / "code_swap").exists())
    record = json.loads((job / "autograded" / "code_swap" / "01_mse" / "cleanroom.json").read_text())["01_mse"]
    assert isinstance(record["seed"], int) and record["sandboxed"] is SANDBOXED
    assert record["cells"]["mse_grad_tests"] == {"clean_room": "failed [factor]", "kernel": "passed"}
    assert record["cells"]["mse_tests"] == {"clean_room": "passed", "kernel": "passed"}


def test_the_clean_room_can_be_switched_off_and_what_it_costs(tmp_path, capsys):
    """``c.CleanRoom.enabled = False`` grades as before the clean room (nothing recorded beside the submission).

    Prints the seconds per notebook-submission with the clean room and without it, measured in this one run
    (one nbgrader process each, nbgrader's start-up and GenerateAssignment included).
    """
    from instructor.answers.nb01 import CORRECT, VARIANTS
    from instructor.release import generate

    released = read_notebook(generate(["01_mse"], release_root=tmp_path / "release", no_database=True, quiet=True)[0])
    names = ["correct", "mse_grad_dropped_2_over_n", "linear_dropped_2_over_n"]
    subs = {n: make_submission(released, VARIANTS[n]["answers"] if n != "correct" else CORRECT) for n in names}
    without = tmp_path / "without_course"
    shutil.copytree(ROOT / "solutions" / "01_mse", without / "solutions" / "01_mse")
    (without / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + "\nc.CleanRoom.enabled = False\n")
    times, scores = {}, {}
    for label, course in (("with", ROOT), ("without", without)):
        started = time.monotonic()
        results = autograde("01_mse", subs, feedback=False, jobs=1, workdir=tmp_path / label, course=course)
        times[label] = (time.monotonic() - started) / len(subs)
        scores[label] = {n: r.scores for n, r in results.items()}
        recorded = [(tmp_path / label / "job0" / "autograded" / n / "01_mse" / "cleanroom.json").exists() for n in names]
        assert all(recorded) if label == "with" else not any(recorded)
    assert scores["with"] == scores["without"], "honest submissions score the same with and without the clean room"
    with capsys.disabled():
        print(f"\n01_mse, {len(subs)} submissions, 1 nbgrader process, sandbox {'on' if SANDBOXED else 'OFF'}: "
              f"{times['with']:.2f} s per notebook-submission with the clean room, {times['without']:.2f} s without "
              f"({times['with'] / times['without']:.2f}x; nbgrader's start-up and GenerateAssignment included)")
