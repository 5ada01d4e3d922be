"""The clean room: every graded test cell is graded again outside the learner's kernel (GRADING.md, principle 8).

- :mod:`~instructor.cleanroom.wire`: the plain-data wire format (JSON and raw array bytes, never pickle);
- :mod:`~instructor.cleanroom.child`: the child process that runs the learner's code (sandboxed);
- :mod:`~instructor.cleanroom.runner`: the grader's side, with proxies the grading engine calls;
- :mod:`~instructor.cleanroom.preprocessor`: :class:`CleanRoom`, the nbgrader autograde step;
- :mod:`~instructor.cleanroom.flags`: ``grading_flags.json``, what the class report shows an instructor.
"""

from instructor.cleanroom.preprocessor import CleanRoom

__all__ = ["CleanRoom"]
