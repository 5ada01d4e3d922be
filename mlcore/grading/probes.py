"""Explanations found by running things again: the reference on transformed inputs, and the learner's
function on perturbed or resized inputs.

Everything here is derived from the reference and from the case's inputs, never written per exercise:

* **near misses** (:func:`near_miss`): the learner's values equal the reference's on *transformed inputs*
  (``z`` doubled, ``y`` and ``y_hat`` swapped, labels flipped, ``lr`` squared, the mean subtracted ...) or
  a simple function of the reference's output (``1 - f``, ``f**2``, ``sqrt(f)``);
* **ignored inputs** (:func:`ignored_input`): changing one input changes the reference's value but not
  the learner's;
* **properties** (:func:`broken_property`): what the reference's outputs always satisfy (rows that are
  probability distributions, never negative, at most 1, zero when the prediction equals the target,
  unchanged by adding a constant to each row) and the learner's do not;
* **shape dependence** (:func:`shape_dependence`): the learner's function raises on some cases and not
  on others, and the sizes of the cases tell which dimensions it confuses.

The learner's function is only ever *called* (through ``Lab.run``), with ordinary arguments: this also
works when the function lives in another process (the clean room).
"""

import copy
import itertools
import re

import numpy as np

from mlcore.grading.compare import as_numbers, close
from mlcore.i18n import N_, tr

PROBE_BUDGET = 40  # learner calls one diagnosis may spend on probes
CHANGED = 10  # a reference value counts as changed when it moves by this many tolerances


class Lab:
    """The reference and (when a probe is available) the learner's function, callable on new cases.

    ``probe(case) -> Run`` runs the learner's function on ``case`` exactly as a check does and returns the
    :class:`~mlcore.grading.diagnose.Run` (reference value included).
    """

    def __init__(self, exercise, runs, probe=None):
        self.exercise, self.runs, self.probe = exercise, runs, probe
        self.calls = 0
        self._cache = {}

    def reference(self, case):
        """The reference's value on ``case``, or None when it refuses the case."""
        try:
            return self.exercise.reference(*copy.deepcopy(case).values())
        except Exception:
            return None

    def run(self, case):
        """The learner's run on ``case``, or None without a probe or when the budget is spent."""
        if self.probe is None or self.calls >= PROBE_BUDGET:
            return None
        self.calls += 1
        return self.probe(case)

    def cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


# ----------------------------------------------------------------------------- kinds of inputs


def _float_array(value):
    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size > 0


def _float_list(value):
    return isinstance(value, (list, tuple)) and value and all(_float_array(v) for v in value)


def _float_scalar(value):
    return isinstance(value, float)


def _map(value, f):
    """``f`` applied to an array, a float, or each array of a list (the list's type kept)."""
    if isinstance(value, (list, tuple)):
        return type(value)(f(v) for v in value)
    return f(value)


def _with(case, **changes):
    new = dict(case)
    new.update(changes)
    return new


def _labels01(value):
    return _float_array(value) and bool(np.all((value == 0) | (value == 1)))


def _probabilities(value):
    return _float_array(value) and bool(np.all((value > 0) & (value < 1)))


# ----------------------------------------------------------------------------- near misses


def input_transforms(case):
    """``[(key, description, advice, transform), ...]`` for one case: small changes of its inputs that
    turn the right formula into a common wrong one. ``transform(case) -> case``."""
    found = []
    names = list(case)
    for n in names:
        v = case[n]
        if not (_float_array(v) or _float_list(v) or _float_scalar(v)):
            continue
        if _float_scalar(v) and 0 < v < 1:
            found += [
                ("applied_twice", tr("{n}² in place of {n}").format(n=n),
                 tr("{n} is applied twice (e.g. multiplied in once more).").format(n=n),
                 lambda c, n=n: _with(c, **{n: c[n] ** 2})),
                ("left_out", f"{n} = 1", tr("{n} is left out where it should multiply.").format(n=n),
                 lambda c, n=n: _with(c, **{n: 1.0})),
                ("divides", tr("1/{n} in place of {n}").format(n=n), tr("you divide by {n} where it multiplies.").format(n=n),
                 lambda c, n=n: _with(c, **{n: 1.0 / c[n]})),
                ("complement_input", tr("1 - {n} in place of {n}").format(n=n),
                 tr("{n} and 1 - {n} are swapped.").format(n=n),
                 lambda c, n=n: _with(c, **{n: 1.0 - c[n]})),
            ]
            for m in names:
                if m != n and _float_scalar(case[m]) and 0 < case[m] < 1:
                    found.append((
                        "applied_twice", tr("{n}·{m} in place of {n}").format(n=n, m=m),
                        tr("{m} multiplies {n} where it does not belong.").format(n=n, m=m),
                        lambda c, n=n, m=m: _with(c, **{n: c[n] * c[m]}),
                    ))
                if m != n and _float_list(case[m]):
                    found.append((
                        "applied_twice", tr("{m} multiplied by {n}").format(n=n, m=m),
                        tr("{n} multiplies {m} once more than it should.").format(n=n, m=m),
                        lambda c, n=n, m=m: _with(c, **{m: _map(c[m], lambda a: c[n] * a)}),
                    ))
                    found.append((
                        "dampened", tr("{m} multiplied by (1 - {n})").format(n=n, m=m),
                        tr("a dampened or moving-average convention (e.g. v' = {n}·v + (1 - {n})·g); the contract "
                           "has no factor (1 - {n}).").format(n=n),
                        lambda c, n=n, m=m: _with(c, **{m: _map(c[m], lambda a: (1.0 - c[n]) * a)}),
                    ))
            continue
        if _float_scalar(v):
            found += [
                ("negated_input", tr("-{n} in place of {n}").format(n=n), tr("{n} enters with the wrong sign.").format(n=n),
                 lambda c, n=n: _with(c, **{n: -c[n]})),
                ("left_out", f"{n} = 0", tr("{n} is left out: its term is missing.").format(n=n),
                 lambda c, n=n: _with(c, **{n: 0.0})),
            ]
            continue
        found += [
            ("scaled_input", tr("2·{n} in place of {n}").format(n=n),
             tr("a factor 2 inside the formula: {n} is doubled somewhere").format(n=n)
             + (tr(" (e.g. tanh(z) where tanh(z/2) belongs).") if n == "z" else tr(".")),
             lambda c, n=n: _with(c, **{n: _map(c[n], lambda a: 2.0 * a)})),
            ("scaled_input", tr("{n}/2 in place of {n}").format(n=n),
             tr("a factor 1/2 inside the formula: {n} is halved somewhere it should not be.").format(n=n),
             lambda c, n=n: _with(c, **{n: _map(c[n], lambda a: 0.5 * a)})),
            ("negated_input", tr("-{n} in place of {n}").format(n=n),
             tr("a sign inside the formula: {n} enters with the wrong sign (e.g. e^{n} where e^-{n} belongs).").format(n=n),
             lambda c, n=n: _with(c, **{n: _map(c[n], lambda a: -a)})),
            ("left_out", f"{n} = 0", tr("{n} is left out: its term is missing.").format(n=n),
             lambda c, n=n: _with(c, **{n: _map(c[n], np.zeros_like)})),
        ]
        if _labels01(v):
            found.append(("labels_flipped", tr("the labels flipped (1 - {n} in place of {n})").format(n=n),
                          tr("the terms of {n} and 1 - {n} are swapped: {n} goes with log p, 1 - {n} with log(1 - p).")
                          .format(n=n),
                          lambda c, n=n: _with(c, **{n: 1.0 - c[n]})))
        elif _probabilities(v):
            found.append(("complement_input", tr("1 - {n} in place of {n}").format(n=n),
                          tr("{n} and 1 - {n} are swapped.").format(n=n),
                          lambda c, n=n: _with(c, **{n: 1.0 - c[n]})))
        if _float_array(v) and v.ndim == 2 and v.shape[0] == v.shape[1] and v.shape[0] > 1:
            found.append(("transposed_input", tr("{n}.T in place of {n}").format(n=n),
                          tr("{n} is used where its transpose belongs (or the other way round).").format(n=n),
                          lambda c, n=n: _with(c, **{n: c[n].T.copy()})))
    for a, b in itertools.combinations(names, 2):
        va, vb = case[a], case[b]
        if _float_array(va) and _float_array(vb) and va.shape == vb.shape:
            found.append(("swapped_inputs", tr("{a} and {b} swapped").format(a=a, b=b),
                          tr("{a} and {b} are swapped in your formula.").format(a=a, b=b),
                          lambda c, a=a, b=b: _with(c, **{a: c[b], b: c[a]})))
            found.append(("variance", tr("the mean subtracted from {a} and from {b}").format(a=a, b=b),
                          tr("that is the variance of the difference (np.var, or a mean subtracted first), not the "
                             "mean of its square."),
                          lambda c, a=a, b=b: _with(c, **{a: c[a] - c[a].mean(), b: c[b] - c[b].mean()})))
    return found


OUTPUT_IDENTITIES = (
    ("complement_output", N_("1 minus the expected value"), N_("you return 1 - f where f belongs: check which term "
     "the formula keeps."), lambda f: 1.0 - f),
    ("squared_output", N_("the square of the expected value"), N_("you squared the result (or multiplied a factor in "
     "twice)."), lambda f: f * f),
    ("root_output", N_("the square root of the expected value"), N_("you took a square root that does not belong."),
     lambda f: np.sqrt(np.abs(f))),
)


def near_miss(part, lab):
    """``(key, text, run)`` when the learner's value of ``part`` is a near miss on every case, else None."""
    failing = part.failing()
    if not failing:
        return None
    judged = [run for run in part.runs if run.error is None]
    if not judged:
        return None
    rtol = part.exercise.rtol
    transforms = lab.cached("transforms", lambda: _all_transforms(judged))
    for i, (key, description, advice, transform) in enumerate(transforms):
        ok, explained = True, 0
        for run in judged:
            moved = lab.cached(("moved", i, id(run)), lambda run=run, transform=transform: _moved(lab, run, transform))
            if moved is None:
                continue  # the transformed case is outside the function's domain (e.g. beta = 1)
            want = part.value(moved)
            if want is None or not np.all(np.isfinite(want)) or not close(part.got(run), want, rtol):
                ok = False
                break
            explained += run in failing
        if ok and explained:
            text = tr("{name} equals what the right formula gives with {description}: {advice}").format(
                name=part.named(), description=description, advice=advice)
            return key, text, failing[0]
    for key, description, advice, f in OUTPUT_IDENTITIES:
        ok = True
        for run in judged:
            with np.errstate(all="ignore"):
                want = f(part.expected(run))
            if not np.all(np.isfinite(want)) or not close(part.got(run), want, rtol):
                ok = False
                break
        if ok:
            return key, tr("{name} is {description}: {advice}").format(
                name=part.named(), description=tr(description), advice=tr(advice)), failing[0]
    return None


def _all_transforms(runs):
    """The transforms of every case, each once (a square input, say, may occur in only some cases)."""
    found = {}
    for run in runs:
        for item in input_transforms(run.case):
            found.setdefault(item[1], item)
    return list(found.values())


def _moved(lab, run, transform):
    try:
        case = transform(copy.deepcopy(run.case))
    except Exception:
        return None
    with np.errstate(all="ignore"):
        return lab.reference(case)


# ----------------------------------------------------------------------------- ignored inputs

_DERIVATIVES = ("tanh_prime", "sigmoid_prime", "relu_prime")


def _other_derivative(fn):
    """A different course derivative than ``fn`` (for an ``act_prime`` argument), or None."""
    from mlcore import activations

    name = getattr(fn, "__name__", "")
    if name not in _DERIVATIVES:
        return None
    other = _DERIVATIVES[(_DERIVATIVES.index(name) + 1) % len(_DERIVATIVES)]
    return getattr(activations, other), tr("{other} in place of {name}").format(other=other, name=name)


def perturbations(case):
    """``[(name, description, changed case), ...]``: each input changed on its own."""
    found = []
    rng = np.random.default_rng(7)
    for name, value in case.items():
        if _float_array(value) or _float_list(value):
            found.append((name, tr("{name} changed").format(name=name), _with(case, **{name: _map(value, lambda a: _redrawn(a, rng))})))
        elif _float_scalar(value):
            new = value * 1.37 + (0.11 if value == 0 else 0.0)
            if 0 < value < 1:  # a learning rate or a momentum: a clear change that stays in (0, 1)
                new = 3 * value if value < 0.3 else 0.5 * (1 + value)
            found.append((name, tr("{name} = {new:.3g} in place of {value:.3g}").format(name=name, new=new, value=value),
                          _with(case, **{name: new})))
        elif isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size > 1:
            new = np.roll(value, 1)
            if not np.array_equal(new, value):
                found.append((name, tr("{name} rolled by one place").format(name=name), _with(case, **{name: new})))
        elif callable(value):
            other = _other_derivative(value)
            if other is not None:
                found.append((name, other[1], _with(case, **{name: other[0]})))
    return found


def _redrawn(a, rng):
    """Other values of the same kind as ``a``: labels flipped, probabilities and other numbers drawn afresh
    (signs too: a function of z > 0 must see a difference)."""
    if _labels01(a):
        return 1.0 - a
    if _probabilities(a):
        return rng.uniform(0.02, 0.98, size=a.shape)
    scale = float(np.max(np.abs(a))) or 1.0
    return rng.uniform(-scale, scale, size=a.shape)


def ignored_input(part, lab):
    """``(key, text, run)`` when the learner's value of ``part`` does not change with some input that
    changes the reference's value, else None."""
    failing = [run for run in part.failing() if run.error is None]
    if not failing or lab.probe is None:
        return None
    run = max(failing, key=lambda r: _size(r.case))  # the largest case reveals the most
    rtol = part.exercise.rtol
    before, mine = part.expected(run), as_numbers(part.got(run))
    if before is None or mine is None:
        return None
    for name, description, case in lab.cached(("perturbations", id(run)), lambda: perturbations(run.case)):
        after = lab.cached(("perturbed", id(run), name), lambda case=case: (lab.reference(case), lab.run(case)))
        reference, learner = after
        if reference is None or learner is None or learner.error is not None:
            continue
        want = part.value(reference)
        got = part.value(learner.got)
        if want is None or got is None or want.shape != before.shape or got.shape != mine.shape:
            continue
        reference_moved = not close(want, before, CHANGED * rtol)
        learner_still = bool(np.array_equal(got, mine)) or close(got, mine, 1e-12)
        if reference_moved and learner_still:
            return "ignores_input", (
                tr("{part} does not depend on {name}: with {description}, your values stay exactly the same, "
                   "but the right ones change. Use the argument {name} itself (not a fixed value, a global variable "
                   "or a name from another cell).").format(part=part.named(), name=name, description=description)
            ), run
    return None


def _size(case):
    return sum(np.asarray(v).size for v in case.values() if isinstance(v, np.ndarray))


# ----------------------------------------------------------------------------- properties


def _rows_are_distributions(array):
    return array.ndim == 2 and bool(np.all(array >= 0)) and np.allclose(array.sum(axis=1), 1.0, rtol=0, atol=1e-9)


def broken_property(part, lab):
    """``(key, text, run)`` for a property every expected value has and the learner's value breaks."""
    judged = [run for run in part.runs if run.error is None and as_numbers(part.got(run)) is not None]
    if not judged:
        return None
    expected = [part.expected(run) for run in judged]
    name = part.named()
    shaped = [run for run in judged if as_numbers(part.got(run)).shape == part.expected(run).shape]
    if all(_rows_are_distributions(e) for e in expected):
        for run in shaped:
            got = as_numbers(part.got(run))
            if np.any(got < 0):
                return "negative_probability", (
                    tr("{name} has negative entries, but each row is a probability distribution (entries >= 0 that "
                       "sum to 1): exponentiate before you normalise.").format(name=name)
                ), run
            if not np.allclose(got.sum(axis=1), 1.0, rtol=1e-6, atol=1e-6):
                if np.allclose(got.sum(axis=0), 1.0, rtol=1e-6, atol=1e-6):
                    words = tr("your columns sum to 1 instead: normalise over axis 1, not axis 0")
                elif np.isclose(got.sum(), 1.0, rtol=1e-6):
                    words = tr("your whole array sums to 1 instead: divide each row by its own sum")
                else:
                    words = tr("normalise over axis 1: divide each row by its own sum (keepdims=True)")
                return "rows_not_normalised", tr("{name}: your rows do not sum to 1; {words}.").format(
                    name=name, words=words), run
    if all(np.all(e >= 0) for e in expected) and any(np.any(e > 0) for e in expected):
        for run in shaped:
            got = as_numbers(part.got(run))
            if np.any(got < -part.exercise.rtol * max(float(np.max(np.abs(part.expected(run)))), 1e-8)):
                what = tr("a loss") if part.expected(run).ndim == 0 else tr("every entry")
                return "negative", (
                    tr("{name} is negative here ({value:.4g}), but {what} can never be negative: look for "
                       "a lost minus sign or terms subtracted in the wrong order.").format(
                        name=name, value=float(got.min()), what=what)
                ), run
    if all(np.all(e <= 1) for e in expected) and all(np.all(e >= 0) for e in expected):
        for run in shaped:
            got = as_numbers(part.got(run))
            if np.any(got > 1 + 1e-6):
                return "out_of_range", (
                    tr("{name} exceeds 1 here ({value:.4g}), but the right values always lie between 0 "
                       "and 1: check the formula's denominator.").format(name=name, value=float(got.max()))
                ), run
    return _zero_at_target(part, lab) or _shift_invariance(part, lab)


def _target_case(case):
    """The case with the prediction set equal to the target ``y``, or None when it has no such pair."""
    names = list(case)
    if "y" not in case or not _float_array(case["y"]):
        return None
    for other in names:
        if other != "y" and _float_array(case[other]) and case[other].shape == case["y"].shape:
            return other, _with(case, **{other: case["y"].copy()})
    return None


def _zero_at_target(part, lab):
    judged = [run for run in part.failing() if run.error is None]
    if not judged or lab.probe is None:
        return None
    run = judged[0]
    found = _target_case(run.case)
    if found is None:
        return None
    other, case = found
    want = part.value(lab.reference(case))
    if want is None or not np.all(np.abs(want) <= 1e-9):
        return None
    mine = lab.run(case)
    if mine is None or mine.error is not None:
        return None
    got = part.value(mine.got)
    if got is None or got.shape != want.shape or np.all(np.abs(got) <= 1e-9 * max(1.0, float(np.abs(case["y"]).max()))):
        return None
    what = tr("loss") if want.ndim == 0 else tr("gradient")
    where = tr("a perfect prediction") if want.ndim == 0 else tr("the minimum")
    return "not_zero_at_target", (
        tr("{name} is not 0 when {other} = y (it gives {value:.4g}), but a {what} is 0 at "
           "{where}: every term should vanish when {other} - y = 0. Check each term for one that does not contain "
           "{other} - y.").format(name=part.named(), other=other, value=float(np.max(np.abs(got))), what=what,
                                  where=where)
    ), run


def _shift_invariance(part, lab):
    judged = [run for run in part.failing() if run.error is None]
    if not judged or lab.probe is None:
        return None
    run = judged[0]
    rng = np.random.default_rng(11)
    for name, value in run.case.items():
        if not (_float_array(value) and value.ndim == 2):
            continue
        case = _with(run.case, **{name: value + rng.uniform(-3, 3, size=(value.shape[0], 1))})
        want = part.value(lab.reference(case))
        if want is None or not close(want, part.expected(run), part.exercise.rtol):
            continue  # the right function is not shift-invariant in this input
        mine = lab.run(case)
        if mine is None or mine.error is not None:
            continue
        got = part.value(mine.got)
        before = as_numbers(part.got(run))
        if got is not None and before is not None and got.shape == before.shape and not close(got, before, part.exercise.rtol):
            return "not_shift_invariant", (
                tr("{part} changes when the same number is added to every entry of a row of {name}, but the "
                   "right values do not (softmax(z + c) = softmax(z)): normalise each row by a quantity of that row "
                   "(its own sum of exponentials, after subtracting the row's own maximum).").format(
                    part=part.named(), name=name)
            ), run
    return None


# ----------------------------------------------------------------------------- shape dependence


def _size_table(exercise, case):
    """The case's named sizes, then the number of axes of each array input (a 1-D y where code wants 2-D);
    for an elementwise function (no named sizes), also its input's number of entries."""
    sizes = dict(exercise.sizes(**case))
    arrays = [n for n, v in case.items() if isinstance(v, np.ndarray)]
    if not sizes and arrays:
        sizes[f"{arrays[0]}.size"] = int(case[arrays[0]].size)
    for name in arrays:
        sizes[f"{name}.ndim"] = int(case[name].ndim)
    return sizes


def _predicates(names):
    """``(description, predicate(sizes) -> True where the function runs)``, simplest first."""
    found = []
    for s, t in itertools.combinations(names, 2):
        found.append((f"{s} == {t}", lambda z, s=s, t=t: z[s] == z[t], (s, t)))
        found.append((f"{s} == {t} (or one of them is 1)",
                      lambda z, s=s, t=t: z[s] == z[t] or z[s] == 1 or z[t] == 1, (s, t)))
    for s in names:
        found.append((f"{s} == 1", lambda z, s=s: z[s] == 1, (s,)))
        found.append((f"{s} > 1", lambda z, s=s: z[s] > 1, (s,)))
        found.append((f"{s} == 0", lambda z, s=s: z[s] == 0, (s,)))
        found.append((f"{s} > 0", lambda z, s=s: z[s] > 0, (s,)))
    return found


def shape_dependence(exercise, runs, lab, fails):
    """``(condition, size names)`` when the function raises exactly on the cases that break a size condition
    (e.g. "N == K"), or is right exactly on the cases that meet it (it raises on some others), judged on the
    check's cases and on extra probe cases; else None. ``fails(exercise, run)`` judges a run's value."""
    observed = [(_size_table(exercise, run.case), run) for run in runs]
    if lab.probe is not None:
        rng = np.random.default_rng(2024)
        try:
            extra = exercise.cases(rng, True)[:12]
        except Exception:
            extra = []
        for case in extra:
            probe = lab.run(case)
            if probe is not None:
                observed.append((_size_table(exercise, case), probe))
    common = set.intersection(*(set(z) for z, _ in observed))
    names = [n for n in observed[0][0] if n in common]  # in the order the exercise names them
    ran = [(z, run.error is None) for z, run in observed]
    right = [(z, run.error is None and run.expected is not None and not fails(exercise, run)) for z, run in observed]
    for table in (ran, right):
        if all(ok for _, ok in table) or not any(ok for _, ok in table):
            continue
        for description, runs_when, involved in _predicates(names):
            if all(runs_when(z) == ok for z, ok in table):
                return f"works only when {description}", involved
    # Messier code (it also gives wrong values on some other sizes): every case that raised breaks the
    # condition, and every case that meets it ran.
    for s, t in itertools.combinations(names, 2):
        meets = [ok for z, ok in ran if z[s] == z[t]]
        breaks = [ok for z, ok in ran if z[s] != z[t]]
        if meets and all(meets) and breaks and not all(breaks):
            return f"raises only when {s} != {t} (every case with {s} == {t} runs)", (s, t)
    return None


def condition_text(condition):
    """A condition of :func:`shape_dependence` (English, which the diagnosis also reads) in the current
    language."""
    works = re.fullmatch(r"works only when (.*?)( \(or one of them is 1\))?", condition)
    if works:
        either = tr(" (or one of them is 1)") if works.group(2) else ""
        return tr("works only when {condition}").format(condition=works.group(1) + either)
    raises = re.fullmatch(r"raises only when (\S+) != (\S+) \(every case with .*\)", condition)
    if raises:
        return tr("raises only when {s} != {t} (every case with {s} == {t} runs)").format(
            s=raises.group(1), t=raises.group(2))
    return condition
