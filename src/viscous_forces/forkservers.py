"""The two servers that fork the jobs of a local run: one for computing jobs, one for figures.

The job server (:mod:`viscous_forces.jobserver`, ``multiprocessing``'s forkserver) imports what the
computing jobs need (numpy, scipy, xarray, netCDF4, the package), not the figure stack
(:data:`FIGURE_STACK`: matplotlib, its fonts, the package's figures), and so is ready half a second
sooner.  At the first job of a run two servers are forked from it (:func:`start`): the *compute
server*, and the *figure server*, which first imports the figure stack (once per run, while the
first computing jobs run).  Each runs the jobs sent to it, a job whose script imports the figure
stack (:func:`draws_figures`) going to the figure server, in a child process of its own.

A server keeps one child forked in advance (the *spare*), which waits for the next job: forking a
process of some 200 MB takes about 7 ms, which a job then does not wait for.  The spare that takes a
job sends the server its process id and a copy of the job's connection, and the server forks the
next spare.

Protocol (Unix stream socket, :class:`multiprocessing.connection.Connection` messages): the client
sends the :class:`~viscous_forces.jobs.Job`; the child that accepted the connection runs it and
answers ``("ok", timing)`` or ``("error", message)``; after reaping the child the server sends
``("exit", code)``, which is the first message only if the child died without answering.  The
listening sockets are made in the client's process, so that jobs can be submitted before a server
is ready: they wait in the socket's queue.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterable
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

#: Modules imported by the figure server only: matplotlib and what it loads to draw and to write
#: PNG and PDF files, and the package's figures.
FIGURE_STACK = ("matplotlib", "mpl_toolkits", "fontTools", "PIL", "kiwisolver", "viscous_forces.figures")

#: An absolute ``import a.b`` or ``from a.b import c`` at the start of a line (indented or not).
_IMPORT_LINE = re.compile(r"^[ \t]*(?:import[ \t]+([\w.]+)|from[ \t]+([\w.]+)[ \t]+import\b)", re.M)


def in_figure_stack(module: str) -> bool:
    """Whether ``module`` belongs to :data:`FIGURE_STACK` (is one of its packages or inside one).

    Parameters
    ----------
    module : str
        A dotted module name.

    Returns
    -------
    bool
        True for e.g. ``matplotlib.pyplot`` and ``viscous_forces.figures.style``.
    """
    return any(module == top or module.startswith(top + ".") for top in FIGURE_STACK)


def preload_modules(files: Iterable[os.PathLike | str]) -> list[str]:
    """Every module that ``files`` import anywhere: what the job servers import once
    (:func:`viscous_forces.jobserver.server_modules`), and how a script is found to draw
    (:func:`draws_figures`).

    Imports inside functions count too (the package imports some libraries lazily), so that no
    job imports a module the server could have imported once.  The files are scanned line by line
    (fast; a module missed here is only imported later, by the job that needs it).

    Parameters
    ----------
    files : iterable of path-like
        Python files: the rules' scripts, the package's modules.  Their ``import`` statements are
        read, not run; relative imports are left out.

    Returns
    -------
    list of str
        Module names in the order found, without repeats.
    """
    names = []
    for path in files:
        for plain, source in _IMPORT_LINE.findall(Path(path).read_text()):
            names.append(plain or source)
    return list(dict.fromkeys(n for n in names if n != "__future__" and not n.startswith(".")))


@cache
def draws_figures(script: str) -> bool:
    """Whether a rule's script imports from the figure stack (its jobs go to the figure server).

    Parameters
    ----------
    script : str
        Path of the script; its ``import`` statements are read, not run.

    Returns
    -------
    bool
        True if any ``import`` or ``from ... import`` line of the script names a module of
        :data:`FIGURE_STACK`.
    """
    return any(in_figure_stack(name) for name in preload_modules([script]))


# --------------------------------------------------------------------------------------------
# the client: Snakemake's process
# --------------------------------------------------------------------------------------------

#: The two servers, in the order started: (name, whether it imports the figure stack).
SERVERS = (("compute", False), ("figures", True))

_STATE: dict = {}
_LOCK = threading.Lock()


def start(ctx) -> None:
    """Start the compute and figure servers (once per process) as children of the server of ``ctx``.

    Returns at once: the listening sockets are made here and the servers are started in a
    background thread, so that jobs may be submitted while the job server still imports.

    Parameters
    ----------
    ctx : multiprocessing context
        The ``forkserver`` context whose server the two servers are forked from.
    """
    with _LOCK:
        if _STATE:
            return
        folder = tempfile.mkdtemp(prefix="viscous-forces-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        alive, keep_alive = ctx.Pipe(duplex=False)  # the servers stop at EOF: when this process ends
        _STATE.update(keep_alive=keep_alive, processes={})
        listeners = {}
        for name, _ in SERVERS:
            _STATE[name] = os.path.join(folder, name)
            listeners[name] = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listeners[name].bind(_STATE[name])
            listeners[name].listen(128)

        def launch():
            try:
                for name, figures in SERVERS:
                    args = (listeners[name], alive, figures)
                    process = ctx.Process(target=serve, args=args, name=f"{name} server", daemon=True)
                    process.start()
                    _STATE["processes"][name] = process
            except Exception as exc:  # the jobs then fail with this message
                _STATE["error"] = f"the job servers could not be started: {type(exc).__name__}: {exc}"
            finally:  # from now on the servers hold the only listening sockets: if one dies, its jobs fail
                for listener in listeners.values():
                    listener.close()
                alive.close()

        threading.Thread(target=launch, name="job servers launcher", daemon=True).start()


def submit(job) -> tuple[str, object]:
    """Run ``job`` in a child of the compute or the figure server (:func:`start`) and wait for it.

    Parameters
    ----------
    job : viscous_forces.jobs.Job
        The job; it goes to the figure server if its script draws (:func:`draws_figures`).

    Returns
    -------
    tuple
        ``("ok", timing)``, ``("error", message)``, or ``("died", exit code or None)``.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(_STATE["figures" if draws_figures(job.script) else "compute"])
    except OSError:  # nobody listens: the server is gone, or never started
        sock.close()
        return _lost()
    conn = Connection(sock.detach())
    try:
        conn.send(job)
        status, payload = conn.recv()
    except (EOFError, OSError):  # the server died before a child took the job
        return _lost()
    finally:
        conn.close()
    return ("died", payload) if status == "exit" else (status, payload)


def _lost() -> tuple[str, object]:
    """What a job whose server is gone reports: why the servers never started, if they did not."""
    return ("error", _STATE["error"]) if "error" in _STATE else ("died", None)


# --------------------------------------------------------------------------------------------
# the servers
# --------------------------------------------------------------------------------------------


def serve(listener: socket.socket, alive: Connection, figures: bool) -> None:
    """Body of a server: import the figure stack if asked, then keep a spare child for the next job.

    Parameters
    ----------
    listener : socket.socket
        The listening socket made by :func:`start`; only the spare child accepts on it.
    alive : Connection
        Read end of a pipe whose other end the client's process holds: the server and its spare
        stop at its EOF.
    figures : bool
        Whether to import the figure stack first (:func:`viscous_forces.jobserver.preload_figures`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the jobs, which report it
    if figures:
        from . import jobserver

        jobserver.preload_figures()
    taken, to_server = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    taken.setblocking(False)
    sig_r, sig_w = os.pipe()
    os.set_blocking(sig_r, False)
    os.set_blocking(sig_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD wakes the loop
    signal.set_wakeup_fd(sig_w)
    clients: dict[int, int] = {}  # pid of a job's child -> the server's copy of its connection
    exited: dict[int, int] = {}  # pid -> exit code, of children reaped before their message was read
    with listener, selectors.DefaultSelector() as selector:

        def fork_spare() -> int:
            pid = os.fork()
            if pid == 0:
                _spare(listener, alive, to_server, [selector, taken], [sig_r, sig_w, *clients.values()])
            return pid

        for obj in (alive, taken, sig_r):
            selector.register(obj, selectors.EVENT_READ)
        spare = fork_spare()
        while True:
            ready = {key.fileobj for key, _ in selector.select()}
            if alive in ready:
                with contextlib.suppress(OSError):
                    os.kill(spare, signal.SIGKILL)
                return
            if taken in ready:  # before reaping: a child's message is sent before it can exit
                while True:
                    try:
                        msg, fds, _, _ = socket.recv_fds(taken, 32, 1)
                    except BlockingIOError:
                        break
                    pid = int(msg)
                    clients[pid] = fds[0]
                    if pid == spare:
                        spare = fork_spare()
                    if pid in exited:
                        _send_exit(clients.pop(pid), exited.pop(pid))
            if sig_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(sig_r, 4096)
                for pid, code in _reaped():
                    if pid in clients:
                        _send_exit(clients.pop(pid), code)
                        continue
                    exited[pid] = code  # its message may still come
                    if pid == spare:  # died before or just after taking a job
                        spare = fork_spare()


def _reaped():
    """(pid, exit code) of every child that has ended, without waiting."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, os.waitstatus_to_exitcode(status)


def _send_exit(fd: int, code: int) -> None:
    with contextlib.suppress(OSError), Connection(fd) as conn:  # fails if the client has gone
        conn.send(("exit", code))


def _spare(listener, alive, to_server, close: list, fds: list[int]) -> None:
    """Body of a spare child: wait for a job, tell the server, run the job, exit."""
    from .jobs import _child

    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for obj in close:
            obj.close()
        for fd in fds:
            os.close(fd)
        listener.setblocking(False)  # another spare cannot exist, but a client may give up
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(alive, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if alive in ready:
                    return
                try:
                    client, _ = listener.accept()
                    client.setblocking(True)
                    break
                except (BlockingIOError, ConnectionAbortedError):
                    continue
        listener.close()
        alive.close()
        socket.send_fds(to_server, [str(os.getpid()).encode()], [client.fileno()])
        to_server.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the job may be interrupted
        conn = Connection(client.detach())
        _child(conn.recv(), conn)
        code = 0
    except BaseException:  # the child must exit, whatever happened
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
