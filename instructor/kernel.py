"""The learner's kernel during autograde, started inside :mod:`instructor.sandbox`.

``SandboxedExecute`` is nbgrader's ``Execute`` preprocessor with one change: its kernel is started by
:class:`SandboxKernelManager`, which

- gives each kernel a private folder (short, under /tmp: Unix socket paths are limited to 108 characters)
  holding its connection file and its IPC sockets, the only way nbgrader talks to a kernel that has no
  network;
- runs the kernel's command through :func:`instructor.sandbox.wrap` in a scratch copy of the notebook's folder
  (the submission's working copy under ``autograded/``): the kernel reads the same files, but nothing it
  writes reaches ``autograded/``, where nbgrader writes the graded notebook and the grading steps their
  flags; the copy is deleted with the kernel;
- interrupts by message (a signal to the process group would stop at the sandbox's PID namespace);
- after the kernel stopped, sweeps whatever of the sandbox is left (:func:`instructor.sandbox.release`) and
  gives the working copy back to its owner.

Only ``Autograde.autograde_preprocessors`` names it (``nbgrader_config.py``): ``nbgrader validate`` and the
learners' JupyterLab keep nbgrader's plain ``Execute`` and their own kernels.

``SandboxedExecute.sandbox = False`` (``course-grade --no-sandbox``) runs the kernel unsandboxed, as plain
nbgrader does; without that, a machine without bubblewrap stops the grading with
:class:`instructor.sandbox.SandboxUnavailable`.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool

from . import sandbox


def _chown_tree(folder, uid, gid):
    """Give `folder` and everything in it to uid:gid, never following a symlink."""
    os.chown(folder, uid, gid, follow_symlinks=False)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            try:
                os.chown(os.path.join(parent, name), uid, gid, follow_symlinks=False)
            except FileNotFoundError:
                pass


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in :func:`instructor.sandbox.wrap`, over IPC transport."""

    _box = None  # (private folder, uid or None)

    def _course_root(self):
        section = self.config.get("CourseDirectory", {})
        return section.get("root") or os.getcwd()

    async def _async_pre_start_kernel(self, **kw):
        if self._box is not None:  # a restart: the old sandbox is gone, start from scratch
            self._release()
        private = tempfile.mkdtemp(prefix="sbk-", dir="/tmp")  # 0700: nobody else on the host looks in
        uid = sandbox.fresh_uid() if os.geteuid() == 0 else None
        self._box = (private, uid)
        ipc, work = os.path.join(private, "ipc"), os.path.join(private, "work")
        os.mkdir(ipc)
        shutil.copytree(os.path.realpath(kw.get("cwd") or os.getcwd()), work, symlinks=True)
        self.transport = "ipc"
        self.ip = os.path.join(ipc, "k")
        self.connection_file = os.path.join(ipc, "kernel.json")
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        kw["cwd"] = work
        if uid is not None:
            _chown_tree(private, uid, uid)
        env = sandbox.allowed_env(kw.get("env") or os.environ)
        cmd = sandbox.wrap(cmd, workdir=work, course_root=self._course_root(), uid=uid, env=env, binds=[ipc])
        # The kernel is pid 2 of its own PID namespace: a signal to nbgrader's process group never reaches it.
        self.kernel_spec.interrupt_mode = "message"
        return cmd, kw

    def _release(self):
        private, uid = self._box
        self._box = None
        if uid is not None:
            left = sandbox.release(uid)
            if left:
                self.log.warning("sandbox: killed %d process(es) left by the kernel", left)
        shutil.rmtree(private, ignore_errors=True)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if self._box is not None:
            self._release()

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with every kernel sandboxed (see the module docstring)."""

    sandbox = Bool(True, help="run the learner's kernel in the bubblewrap sandbox; False only on the "
                               "instructor's explicit --no-sandbox").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            sandbox.require(False)
            self.kernel_manager_class = SandboxKernelManager
