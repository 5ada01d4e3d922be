"""The Binder folder, the README's launch links, and the environment ``binder/`` describes.

Fast tests read the files and ask repo2docker (installed in the dev venv) for the Dockerfile it would
build, without a Docker engine. Slow tests build the environment exactly as ``binder/`` says, in a fresh
venv (``browser_util.binder_env``: runtime.txt's Python, binder/requirements.txt, then binder/postBuild from
the repository root), check its Jupyter configuration, and run every released and solution notebook in it.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from mlcore import jupyter_settings

from browser_util import (
    BINDER,
    COURSE,
    REPO,
    binder_env,
    copy_course,
    error_outputs,
    learn_command,
    notebook_params,
    runtime_python_version,
    solution_of,
    unexpected_errors,
)

FIRST_NOTEBOOK = "notebooks/00_start_here/00_start_here.ipynb"
INSTRUCTOR_SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
}
LEARNER_LAB_PLUGIN = "@jupyter/nbgrader:validate-assignment"


def requirements(path):
    """{canonical name: Requirement} of a requirements file (comments, blank lines and -r lines skipped)."""
    found = {}
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        found[canonicalize_name(requirement.name)] = requirement
    return found


# ---------------------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------------------


def test_binder_requirements_agree_with_the_root_requirements():
    root, binder = requirements(REPO / "requirements.txt"), requirements(BINDER / "requirements.txt")
    assert sorted(binder) == sorted(root), "binder/requirements.txt and requirements.txt list different packages"
    for name, pinned in binder.items():
        wanted = root[name].specifier
        if pinned.specifier == wanted:
            continue
        exact = [s for s in pinned.specifier if s.operator == "=="]
        assert len(exact) == 1, f"{name}: binder pins {pinned.specifier}, neither == X nor the root's {wanted}"
        version = Version(exact[0].version)
        assert version in wanted, f"{name}: binder pins {version}, outside the root requirement {wanted}"


def test_runtime_txt_pins_a_python_that_repo2docker_and_the_package_accept():
    from repo2docker.buildpacks.conda.supported_python_version import SUPPORTED_PYTHON_VERSION

    version = runtime_python_version()
    assert version in SUPPORTED_PYTHON_VERSION
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Version(version) in SpecifierSet(requires), f"mlcore requires Python {requires}"


def test_postbuild_starts_with_set_e_and_installs_mlcore():
    path = BINDER / "postBuild"
    assert os.access(path, os.X_OK), "binder/postBuild must be executable"
    lines = [line.strip() for line in path.read_text().splitlines()]
    assert lines[0].startswith("#!"), "postBuild needs a shebang: repo2docker runs it as ./binder/postBuild"
    commands = [line for line in lines[1:] if line and not line.startswith("#")]
    assert commands[0] == "set -e", "postBuild must stop at the first failing command"
    # repo2docker runs postBuild from the repository root (WORKDIR ${REPO_DIR}), so "." is the repository.
    assert any(re.fullmatch(r"python -m pip install (--\S+ )*\.", c) for c in commands), "postBuild must install mlcore"
    assert _git_mode(path) in (None, "100755"), "git must record binder/postBuild as executable"


def _git_mode(path):
    """The mode git records for ``path`` (None outside a git checkout)."""
    done = subprocess.run(["git", "ls-files", "-s", str(path.relative_to(REPO))], cwd=REPO, capture_output=True,
                          text=True)
    return done.stdout.split()[0] if done.returncode == 0 and done.stdout else None


def _nbgrader_lab_plugins():
    """Every plugin id nbgrader's JupyterLab extension registers (read from its built JavaScript)."""
    import nbgrader

    static = Path(nbgrader.__file__).parent / "labextension" / "static"
    ids = set()
    for js in static.glob("*.js"):
        ids.update(re.findall(r'"(@jupyter/nbgrader:[a-z-]+)"', js.read_text(errors="replace")))
    return ids


def _nbgrader_server_extensions():
    """The server extensions nbgrader enables on install (from the dev venv's jupyter config)."""
    config = Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/nbgrader.json"
    return set(json.loads(config.read_text())["ServerApp"]["jpserver_extensions"])


def test_learner_settings_disable_every_instructor_tool_and_keep_validate():
    plugins = _nbgrader_lab_plugins()
    assert LEARNER_LAB_PLUGIN in plugins and len(plugins) >= 5, plugins
    assert set(jupyter_settings.LAB_PLUGINS) == plugins - {LEARNER_LAB_PLUGIN}
    server_extensions = _nbgrader_server_extensions()
    assert INSTRUCTOR_SERVER_EXTENSIONS < server_extensions
    assert set(jupyter_settings.SERVER_EXTENSIONS) == INSTRUCTOR_SERVER_EXTENSIONS


def test_postbuild_and_the_learn_command_share_the_learner_settings():
    """One copy: binder/postBuild and the README's Learn command both run mlcore.jupyter_settings."""
    commands = [line.strip() for line in (BINDER / "postBuild").read_text().splitlines()]
    assert "python -m mlcore.jupyter_settings learner" in commands
    assert "@jupyter/nbgrader" not in (BINDER / "postBuild").read_text(), "the plugin list lives in mlcore only"
    assert "-m mlcore.jupyter_settings learner" in learn_command(REPO / "README.md")


@pytest.fixture(scope="module")
def dockerfile():
    """The Dockerfile repo2docker would build for this repository (no Docker engine needed)."""
    done = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, done.stderr


def test_repo2docker_builds_from_the_binder_folder(dockerfile):
    text, log = dockerfile
    version = runtime_python_version()
    assert f"Building conda environment for python={version}" in log
    # repo2docker names the files it copies in with their path escaped ("-2e" for ".", "-2d" for "-").
    copied = [re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), line)
              for line in text.splitlines() if "build_script_files/" in line]
    assert any(f"environment.py-{version}-linux-64.lock" in line for line in copied), copied
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in text
    assert "src/requirements.txt" not in text, "the root requirements.txt must not be what Binder installs"
    # postBuild runs last, as the notebook user, from the repository root.
    workdir, user, post_build = text.index("WORKDIR ${REPO_DIR}"), text.rindex("USER ${NB_USER}"), text.index(
        "RUN ./binder/postBuild")
    assert workdir < user < post_build
    # mlcore is installed by postBuild only: with a binder/ folder repo2docker no longer installs the package.
    assert "pip install --no-cache-dir .\n" not in text


# ---------------------------------------------------------------------------------------------------------
# README links
# ---------------------------------------------------------------------------------------------------------


def _readme():
    return (REPO / "README.md").read_text()


def _repository(readme):
    """The GitHub repository the README declares once, in ``<!-- github-repository: OWNER/REPO -->``."""
    declared = re.findall(r"<!-- github-repository: ([\w.-]+/[\w.-]+) -->", readme)
    assert len(declared) == 1, "README.md must declare the repository once: <!-- github-repository: OWNER/REPO -->"
    return declared[0]


def test_readme_binder_badge_opens_the_first_notebook_in_jupyterlab():
    readme = _readme()
    repository = _repository(readme)
    badges = re.findall(r"\[!\[[^\]]*\]\(https://mybinder\.org/badge_logo\.svg\)\]\((\S+)\)", readme)
    assert len(badges) == 1, "README.md needs exactly one Binder badge"
    url = urlsplit(badges[0])
    assert (url.scheme, url.netloc) == ("https", "mybinder.org")
    assert url.path == f"/v2/gh/{repository}/HEAD"
    urlpath = parse_qs(url.query)["urlpath"]
    assert urlpath == [f"lab/tree/{FIRST_NOTEBOOK}"]
    assert (REPO / FIRST_NOTEBOOK).is_file(), f"the badge opens {FIRST_NOTEBOOK}, which does not exist"


def test_readme_nbgitpuller_link_clones_the_repository_and_opens_the_first_notebook():
    readme = _readme()
    repository = _repository(readme)
    links = re.findall(r"https://\S+/hub/user-redirect/git-pull\?\S+", readme)
    assert links, "README.md needs an nbgitpuller link for instructors"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["repo"] == [f"https://github.com/{repository}"]
        assert query["branch"] == ["main"]
        # nbgitpuller clones into a folder named after the repository, inside the user's home.
        folder = repository.split("/")[1]
        assert query["urlpath"] == [f"lab/tree/{folder}/{FIRST_NOTEBOOK}"]
    # Every Binder address, and the repo2docker command for a hub's image, names the same repository.
    for address in re.findall(r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)", readme):
        assert address == repository, address
    for address in re.findall(r"jupyter-repo2docker https://github\.com/([\w.-]+/[\w.-]+)", readme):
        assert address == repository, address


# ---------------------------------------------------------------------------------------------------------
# The environment binder/ describes
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return binder_env(tmp_path_factory)


@pytest.mark.slow
def test_binder_environment_has_the_pins_and_the_learner_configuration(env, tmp_path):
    versions = json.loads(env.run(
        [env.python, "-c", "import json, importlib.metadata as m, sys; "
         "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))", *requirements(BINDER / "requirements.txt")],
    ).stdout)
    for name, requirement in requirements(BINDER / "requirements.txt").items():
        assert versions[name] in requirement.specifier, (name, versions[name])
    # mlcore installed into the environment (not imported from the repository folder).
    where = env.run([env.python, "-c", "import mlcore; print(mlcore.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(env.venv), where
    assert re.search(r"nbgrader\.server_extensions\.validate_assignment \S*?enabled",
                     _output(env, "server", "extension", "list"))
    assert _tools(env) == (INSTRUCTOR_SERVER_EXTENSIONS, _nbgrader_lab_plugins() - {LEARNER_LAB_PLUGIN})
    # postBuild wrote its configuration into the environment only, nothing into HOME.
    assert not [f for f in env.home_after_build if "jupyter" in f], env.home_after_build
    overrides = json.loads(jupyter_settings.overrides_path(env.venv).read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def _output(env, *args):
    done = env.run([env.bin / "jupyter", *args])
    return _plain(done.stdout + done.stderr)


def _tools(env):
    """(server extensions, Lab plugins) of nbgrader that ``env`` has switched off."""
    listed = re.findall(r"(nbgrader\.server_extensions\.\w+) \S*?(enabled|disabled)",
                        _output(env, "server", "extension", "list"))
    lab = _output(env, "labextension", "list")
    disabled = lab.split("Disabled extensions:")[1] if "Disabled extensions:" in lab else ""
    return ({name for name, state in listed if state == "disabled"},
            set(re.findall(r"^\s+(@jupyter/nbgrader:[a-z-]+)\s*$", disabled, re.M)))


@pytest.mark.slow
def test_the_instructor_command_turns_the_tools_back_on(env):
    learner = (INSTRUCTOR_SERVER_EXTENSIONS, _nbgrader_lab_plugins() - {LEARNER_LAB_PLUGIN})
    assert _tools(env) == learner
    try:
        env.run([env.python, "-m", "mlcore.jupyter_settings", "instructor"])
        assert _tools(env) == (set(), set())
    finally:  # the environment is shared with the other tests: back to the learner's
        env.run([env.python, "-m", "mlcore.jupyter_settings", "learner"])
    assert _tools(env) == learner


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


_RUN_NOTEBOOK = """
import os, sys
import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient

path, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
# IPC sockets, not TCP ports: on a busy machine another process can take a port between its choice and use.
km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sys.argv[3], "kernel"))
NotebookClient(nb, km=km, timeout=300, allow_errors=True,
               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
nbformat.write(nb, out)
"""


@pytest.fixture(scope="module")
def course(env, tmp_path_factory):
    return copy_course(tmp_path_factory.mktemp("binder-course") / "course")


def _run(env, course, relpath, tmp_path):
    """Execute ``relpath`` (a copy in ``course``) with nbclient and a kernel of the Binder environment."""
    out = tmp_path / "executed.ipynb"
    env.run([env.python, "-c", _RUN_NOTEBOOK, course / relpath, out, tmp_path], cwd=course)
    return nbformat.read(str(out), as_version=4)


def _unexecuted(nb):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip() and c.execution_count is None]


@pytest.mark.slow
@pytest.mark.parametrize("relpath", notebook_params("notebooks"))
def test_released_notebook_runs_in_the_binder_environment(env, course, relpath, tmp_path):
    nb = _run(env, course, relpath, tmp_path)
    assert _unexecuted(nb) == []
    assert unexpected_errors(nb, solution_of(COURSE / relpath)) == [], "errors not from the unfilled answers"


@pytest.mark.slow
@pytest.mark.parametrize("relpath", notebook_params("solutions"))
def test_solution_notebook_runs_in_the_binder_environment(env, course, relpath, tmp_path):
    # nbgrader's Validate (the button, through the server of this environment) is tested in test_browser.py.
    nb = _run(env, course, relpath, tmp_path)
    assert _unexecuted(nb) == []
    errors = [(i, ename, evalue.splitlines()[0] if evalue else "") for i, ename, evalue, _ in error_outputs(nb)]
    assert errors == [], "a solution notebook must run without errors"
