"""The learner's JupyterLab: nbgrader's Validate button, none of the instructor's tools, no news pop-up.

    python -m mlcore.jupyter_settings learner       # the README's Learn command and binder/postBuild run this
    python -m mlcore.jupyter_settings instructor    # Formgrader, Create Assignment, course and assignment lists back

Installing nbgrader switches on all of its Jupyter extensions. A learner needs only Validate: the formgrader,
the Create Assignment panel and the Nbgrader menu are the instructor's, and without an exchange folder the
course and assignment lists only print "Error fetching courses" and "The exchange directory does not
exist". Everything is done with Jupyter's own commands (``jupyter server extension disable``, ``jupyter
labextension disable``/``lock``) and JupyterLab's ``overrides.json``, written into this Python environment's
configuration (``sys.prefix``): nothing in HOME, and every other environment is left alone.
"""

import json
import subprocess
import sys
from pathlib import Path

SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",  # it only opens the tools above
)
# No "get notified about Jupyter news?" pop-up over a learner's first notebook. JupyterLab's schema spells
# fetchNews as a string ("true", "false", "none").
SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def _jupyter(*args):
    # `python -m jupyter` finds the `jupyter-*` commands next to this interpreter, activated or not.
    subprocess.run([sys.executable, "-m", "jupyter", *args], check=True, stdout=subprocess.DEVNULL)


def overrides_path(prefix=sys.prefix):
    """JupyterLab's ``overrides.json`` of the environment at ``prefix`` (read on every start)."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def learner():
    """Switch the instructor's tools off (locked, so the plugin manager cannot turn them back on)."""
    _jupyter("server", "extension", "disable", "--sys-prefix", *SERVER_EXTENSIONS)
    _jupyter("labextension", "disable", "--level=sys_prefix", *LAB_PLUGINS)
    _jupyter("labextension", "lock", "--level=sys_prefix", *LAB_PLUGINS)
    path = overrides_path()
    settings = json.loads(path.read_text()) if path.is_file() else {}
    for plugin, values in SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")


def instructor():
    """Switch the instructor's tools back on (the news setting stays as it is)."""
    _jupyter("labextension", "unlock", "--level=sys_prefix", *LAB_PLUGINS)
    _jupyter("labextension", "enable", "--level=sys_prefix", *LAB_PLUGINS)
    _jupyter("server", "extension", "enable", "--sys-prefix", *SERVER_EXTENSIONS)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv not in (["learner"], ["instructor"]):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    (learner if argv == ["learner"] else instructor)()
    print(f"JupyterLab in {sys.prefix}: set up for the {argv[0]}. Restart JupyterLab if it is running.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
