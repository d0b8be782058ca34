"""The portal served by gunicorn on a local port, as in production, for the tools that drive it
(`python -m tsf.bench`, `python -m tsf.security`): one way to pick a port, start the server, wait
until it answers, and stop it with its workers."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port(low=None, high=None) -> int:
    """A free local port: the first free one in [low, high] when given, else one the system picks."""
    candidates = range(low, high + 1) if low else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise SystemExit(f"no free port in {low}-{high}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own local server
            return True
    except urllib.error.HTTPError:
        return True  # an answer (e.g. /healthz's 503 without Redis): the server is serving
    except OSError:
        return False


def start_gunicorn(env: dict, port: int, *, workers: int, ready_path: str, timeout: int = 60,
                   wait_seconds: int = 60, log_path=None) -> subprocess.Popen:
    """gunicorn serving tsf.wsgi on 127.0.0.1:`port` with `env`, in its own process group, once it
    answers `ready_path` (any HTTP status); its output to `log_path` if given. Raises SystemExit if
    it stops or does not answer within `wait_seconds`."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cmd = [str(gunicorn), "tsf.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--log-level", "warning", "--timeout", str(timeout)]
    if log_path:
        with open(log_path, "w") as server_log:
            proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, start_new_session=True,  # noqa: S603
                                    stdout=server_log, stderr=subprocess.STDOUT)
    else:
        proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        if _answers(f"http://127.0.0.1:{port}{ready_path}"):
            return proc
        time.sleep(0.3)
    stop(proc)
    raise SystemExit(f"gunicorn did not answer in {wait_seconds} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and its workers (its process group): TERM, then KILL after 20 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
