"""The instructor's tools for the course: grading a class, reports, synthetic classes, the release step,
and the nbgrader-side steps that run outside the learner's kernel. Installed with the ``[instructor]`` extra;
``mlcore`` never imports this package."""
