"""A throw-away PostgreSQL server for the tests and benchmarks: Debian's ``postgresql``
binaries, a cluster in a temporary folder, listening on 127.0.0.1 only, with password
authentication, run as an unprivileged user and stopped by its own PID.

Why not pytest-postgresql's process fixture: it runs ``pg_ctl initdb`` and ``pg_ctl start``
as the current user, and PostgreSQL refuses to run as root (where ``make test`` runs in
CI). Making it switch users takes a wrapper around ``pg_ctl``, opening pytest's own
temporary folders (mode 0700) and its password file (mode 0600, root's) to that user: more
parts than these few lines, which start the server with ``subprocess``'s own ``user=``, so
the PID we hold is the server's own and stopping it needs no ``pg_ctl``.
"""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import free_port

SUPERUSER = "cvcourse"
# Debian's postgresql package installs its server binaries per major version here, and
# creates the unprivileged `postgres` account that runs them.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
ACCOUNT = "postgres"


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``postgres`` (the newest Debian version, else
    the ones on PATH), or None when PostgreSQL's server is not installed."""
    versions = sorted((p for p in DEBIAN_BINARIES.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("postgres") else None


@dataclass(frozen=True)
class Server:
    """A running server: where it listens and its superuser's password."""

    port: int
    password: str
    pid: int
    host: str = "127.0.0.1"

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """A SQLAlchemy URL for ``database`` as the superuser (or ``user``/``password``)."""
        return (f"postgresql://{user}:{self.password if password is None else password}"
                f"@{self.host}:{self.port}/{database}")

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=SUPERUSER,
                             password=self.password, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _ready(server: Server, process: subprocess.Popen, log: Path, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"PostgreSQL stopped at start:\n{log.read_text()[-2000:]}")
        try:
            psycopg.connect(host=server.host, port=server.port, user=SUPERUSER,
                            password=server.password, dbname="postgres",
                            connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def postgres_server(timeout: float = 60) -> Iterator[Server]:
    """Start a fresh cluster in a temporary folder; stop it (fast shutdown: open
    connections are closed, open transactions rolled back) and delete it on exit."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL's server binaries (initdb, postgres) are not "
                                "installed: apt-get install postgresql")
    # As root, the cluster belongs to, and the server runs as, the unprivileged account.
    try:
        account = pwd.getpwnam(ACCOUNT) if os.geteuid() == 0 else None
    except KeyError:
        raise RuntimeError(f"PostgreSQL refuses to run as root, and there is no {ACCOUNT!r} "
                           "account to run it as (Debian's postgresql package makes it)") from None
    runs_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} \
        if account else {}
    # Under the system's temporary folder, which the account can reach (pytest's are 0700);
    # mkdtemp's folder is 0700 too, so only that account (and root) can enter it.
    folder = Path(tempfile.mkdtemp(prefix="cvcourse-postgres-"))
    password, password_file = os.urandom(12).hex(), folder / "password"
    password_file.write_text(password)
    for path in (folder, password_file) if account else ():
        os.chown(path, account.pw_uid, account.pw_gid)
    process = None
    try:
        data, log = folder / "data", folder / "server.log"
        made = subprocess.run([str(bin_dir / "initdb"), "--pgdata", str(data),
                               "--username", SUPERUSER, "--pwfile", str(password_file),
                               "--auth", "scram-sha-256", "--encoding", "UTF8",
                               "--locale", "C.UTF-8", "--no-sync"],
                              capture_output=True, text=True, **runs_as)
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{made.stderr[-2000:]}")
        password_file.unlink()
        port = free_port()
        with log.open("w") as output:
            process = subprocess.Popen(
                [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}"],
                stdout=output, stderr=subprocess.STDOUT, **runs_as)
        server = Server(port=port, password=password, pid=process.pid)
        _ready(server, process, log, timeout)
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
