"""A notebook's kernel made by forking this (warm) process instead of starting Python anew.

The fork becomes an ordinary ipykernel, listening on a connection file written here; the
kernel manager nbclient is given *adopts* it (jupyter_client's local provisioner, with the
forked process standing in for the ``Popen`` it would have started), so interrupts, the
liveness checks behind ``DeadKernelError`` and the kernel protocol are nbclient's own.
"""

import os
import random
import signal
import sys
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.utils import ensure_async


class ForkedProcess:
    """The few ``Popen`` methods the local provisioner calls, for a forked child."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -signal.SIGKILL
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            try:
                self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            except ChildProcessError:
                self.returncode = -signal.SIGKILL
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class AdoptedKernel(LocalProvisioner):
    """A provisioner whose kernel is already running: it was forked, not launched."""

    def adopt(self, pid: int) -> None:
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the kernel leads a session of its own (see _become_kernel)


class ReadyClient(AsyncKernelClient):
    """jupyter_client's client, ready once the kernel has answered ``kernel_info`` on the
    shell channel and spoken on IOPub.

    jupyter_client's own ``wait_for_ready`` then waits for 0.2 s of silence on IOPub, to
    drop the status messages of its ``kernel_info`` request. nbclient ignores every message
    whose parent is not the cell it runs, so for it that wait only delays each notebook;
    this is the same loop without it (a warm notebook's whole overhead is about 0.4 s).
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the kernel's status arrives on it
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def _become_kernel(connection_file: str) -> None:
    """In the forked child: drop what belongs to the parent, then run ipykernel as
    ``python -m ipykernel_launcher -f CONNECTION_FILE`` would, in the working folder."""
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for standard in (0, 1, 2):
            os.dup2(null, standard)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the runner's pipes and result file
        # A cold kernel is a new interpreter: fresh random seeds, its folder first on
        # sys.path (``python -m`` puts it there), its own argv.
        random.seed()
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()
        sys.path.insert(0, os.getcwd())
        # What nbclient passes a kernel it starts: a history in memory, not in a file.
        arguments = ["-f", connection_file, "--HistoryManager.hist_file=:memory:"]
        sys.argv = ["ipykernel_launcher", *arguments]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=arguments)
    finally:
        os._exit(0)


def start_forked_kernel(folder: str) -> AsyncKernelManager:
    """Fork this process into a kernel whose connection file is written in ``folder``;
    returns a kernel manager that owns it, for ``NotebookClient(km=...)``."""
    connection_file, _ = write_connection_file(
        os.path.join(folder, f"kernel-{uuid.uuid4()}.json"), ip="127.0.0.1",
        key=os.urandom(16).hex().encode(), transport="tcp")
    pid = os.fork()
    if pid == 0:
        _become_kernel(connection_file)
    manager = AsyncKernelManager(kernel_name="python3", connection_file=connection_file,
                                 client_factory=ReadyClient)
    manager.load_connection_file()
    manager.kernel_id = str(uuid.uuid4())
    provisioner = AdoptedKernel(kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec,
                                parent=manager)
    provisioner.adopt(pid)
    manager.provisioner = provisioner
    return manager
