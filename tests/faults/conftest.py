"""Fixtures for the fault tests: a Redis server of the test's own (on another port, stopped and
started again at will), the Celery app pointed at it, a real worker, and polling helpers.

The machine's own PostgreSQL and Redis keep running: a fault test only ever stops what it started.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_SERVER = os.environ.get("REDIS_SERVER") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else shutil.which("redis-server") or ""
)
BASE_DIR = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout=15.0, interval=0.05, message="condition"):
    """Poll `predicate` until it is true; fail the test with `message` (a string, or a function
    giving it, e.g. a worker's log) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {message() if callable(message) else message}")
        time.sleep(interval)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def stop_process_group(proc: subprocess.Popen, sig=signal.SIGTERM, timeout=10.0):
    """Stop a subprocess started with start_new_session=True, and everything it forked."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(5)
    else:
        # The leader is gone; its children (a worker's pool) may not be.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class OwnRedis:
    """A redis-server subprocess on its own port, with no persistence."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.proc = None
        self.port = None
        for _ in range(50):
            port = 6391 + random.randrange(0, 600)
            if _port_is_free(port):
                self.port = port
                break
        if self.port is None:
            pytest.fail("No free port for the test's own Redis")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def ping(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self, fail=True) -> bool:
        assert self.proc is None or self.proc.poll() is not None, "this Redis is already running"
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for(lambda: self.proc.poll() is not None or self.ping(), timeout=10, message=f"Redis on {self.port}")
        if self.proc.poll() is not None:
            if fail:
                pytest.fail(f"redis-server on port {self.port} exited at once (code {self.proc.returncode})")
            return False
        return True

    def stop(self):
        if self.proc is not None:
            stop_process_group(self.proc, signal.SIGTERM)
            wait_for(lambda: not self.ping(), timeout=5, message=f"Redis on {self.port} to stop")

    def queue_length(self, queue: str) -> int:
        return int(self.client().llen(queue))

    def unacked(self) -> int:
        return int(self.client().hlen("unacked"))


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of the test's own, started; stopped at the end whatever happens. Fails (never skips)
    when redis-server is missing."""
    if not (REDIS_SERVER and os.path.exists(REDIS_SERVER)):
        pytest.fail("redis-server not found (/usr/bin/redis-server, PATH or $REDIS_SERVER): the fault tests start "
                    "their own Redis; install it (apt-get install redis-server)")
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = None
    try:
        for _attempt in range(5):  # another process may take the free port we picked: pick again
            server = OwnRedis(workdir)
            if server.start(fail=False):
                break
        else:
            pytest.fail(f"redis-server could not start on a free port (last tried {server.port})")
        yield server
    finally:
        if server is not None and server.proc is not None:
            stop_process_group(server.proc, signal.SIGKILL)


def _reset_pools(app):
    # Drop the app's broker connections: the next publish connects afresh.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_config(**values):
    """Change the Celery app's configuration for one test, with fresh broker connections, and put
    it back afterwards."""
    from tsf import celery_app

    changes = celery_app.conf.changes
    saved = {key: changes[key] for key in values if key in changes}
    celery_app.conf.update(**values)
    _reset_pools(celery_app)
    try:
        yield celery_app
    finally:
        for key in values:
            changes.pop(key, None)
        changes.update(saved)
        _reset_pools(celery_app)


@pytest.fixture
def broker_on_own_redis(own_redis):
    """The Celery app publishes to the test's own Redis, for real (not eagerly)."""
    with celery_config(broker_url=own_redis.url, task_always_eager=False, worker_hijack_root_logger=False) as app:
        yield app


def database_url(connection) -> str:
    """The URL of the database the test uses (the test database), for a subprocess."""
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def worker_process(tmp_path, own_redis, postgres):
    """Start `celery -A tsf worker` as a subprocess against the test's own Redis and the test
    database; the worker delivers e-mails as files (slowly, see backends.SlowFileBackend).
    Returns a function start() -> Popen; every worker started is killed at the end."""
    procs = []
    mail_dir = tmp_path / "mail"
    marker_dir = tmp_path / "sending"
    mail_dir.mkdir()
    marker_dir.mkdir()

    def start(name="worker", **extra_env):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": database_url(postgres),
            "REDIS_URL": own_redis.url,
            "CACHE_IN_REDIS": "0",
            # django-environ drops one slash: filemail:////abs/path is the absolute path /abs/path.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "TSF_FAULTS_MARKER_DIR": str(marker_dir),
            "TSF_FAULTS_SEND_SECONDS": "3",
            "PYTHONPATH": str(BASE_DIR),
            **extra_env,
        }
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process below
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tsf", "worker",
             "-Q", "mail,default", "--concurrency=1", "--pool=prefork", "--prefetch-multiplier=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@faults",
             "--loglevel=INFO"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        proc.log = log
        proc.log_path = tmp_path / f"{name}.log"
        procs.append(proc)
        return proc

    start.mail_dir = mail_dir
    start.marker_dir = marker_dir
    try:
        yield start
    finally:
        for proc in procs:
            stop_process_group(proc, signal.SIGKILL)
            proc.log.close()
