"""PostgreSQL clusters of a run's own: a primary made with initdb and a streaming replica made from it with
pg_basebackup (issue 16: "a real read replica"), each on its own port and data directory, started and stopped
with pg_ctl. Used by scripts/replica.py (`make replica`), tests/foundation/test_real_replica.py and the
two-host scenario (faults/hosts.py).

The server binaries come from $PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian), else PATH.
initdb refuses to run as root, so as root every server command runs as the `postgres` OS user (runuser) and the
data directories belong to it.

    primary = Cluster(base / "primary", port=55432).init_primary().start()
    replica = Cluster(base / "replica", port=55433).init_replica(primary).start()
    primary.url("ec_x"), replica.url("ec_x")   # postgres://postgres@127.0.0.1:<port>/ec_x

Errors: ClusterError (with the server's log tail) when a command fails or the server does not come up.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class ClusterError(RuntimeError):
    pass


def pg_bin():
    """The directory of initdb / pg_ctl / pg_basebackup, or None when the server binaries are absent."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user():
    """The argv prefix that runs a server command as a non-root user, and that user's uid/gid (None: ourselves)."""
    if os.geteuid() != 0:
        return [], None
    entry = pwd.getpwnam("postgres")  # KeyError: no postgres user, so no server package installed
    return ["runuser", "-u", "postgres", "--"], (entry.pw_uid, entry.pw_gid)


def make_base_dir(prefix="ec-pg-"):
    """A fresh directory under the system temp dir the server user may write (pytest's tmp_path is root-only)."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    _prefix, owner = _as_server_user()
    if owner:
        os.chown(base, *owner)
    return base


class Cluster:
    """One PostgreSQL server: `data_dir` (created by init_*), `port`, listening on `listen` addresses.

    `hba_hosts`: extra client networks (CIDR) trusted for connections, e.g. the two-host scenario's veth subnets.
    `durable=False` turns fsync off — for test clusters thrown away after the run, never for a real deployment.
    """

    def __init__(self, data_dir, port=None, listen=("127.0.0.1",), hba_hosts=(), durable=True):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.listen = tuple(listen)
        self.hba_hosts = tuple(hba_hosts)
        self.durable = durable
        self.log = self.data_dir.parent / f"{self.data_dir.name}.log"
        self.bin = pg_bin()
        if self.bin is None:
            raise ClusterError("PostgreSQL server binaries not found (set PG_BIN)")
        self.prefix, self.owner = _as_server_user()

    # --- commands -------------------------------------------------------------------------------------------

    def _run(self, tool, *args, timeout=120):
        proc = subprocess.run(
            [*self.prefix, str(self.bin / tool), *args], capture_output=True, text=True, timeout=timeout
        )
        if proc.returncode != 0:
            raise ClusterError(
                f"{tool} {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}\n{self.log_tail()}"
            )
        return proc.stdout

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _settings(self, **extra):
        conf = {
            "port": str(self.port),
            "listen_addresses": "'" + ",".join(self.listen) + "'",
            # The socket beside the data, not /var/run/postgresql (the service cluster's, maybe not writable).
            "unix_socket_directories": f"'{self.data_dir.parent}'",
            "wal_level": "replica",
            "max_wal_senders": "5",
            "hot_standby": "on",
            # WAL kept for a replica that falls behind (a paused replay, a restart) so it can catch up by streaming.
            "wal_keep_size": "'256MB'",
            "shared_buffers": "'64MB'",
            "max_connections": "200",
            "jit": "off",
            # A replica tells its primary which rows its queries still read, so a long export on it is not
            # cancelled by the primary's vacuum ("canceling statement due to conflict with recovery").
            "hot_standby_feedback": "on",
            "fsync": "on" if self.durable else "off",
            "synchronous_commit": "on" if self.durable else "off",
            "full_page_writes": "on" if self.durable else "off",
            **extra,
        }
        with open(self.data_dir / "postgresql.conf", "a") as f:
            f.write("\n# faults/pgcluster.py\n" + "".join(f"{k} = {v}\n" for k, v in conf.items()))

    def _hba(self):
        lines = ["local all all trust", "local replication all trust"]
        for net in ("127.0.0.1/32", *self.hba_hosts):
            lines += [f"host all all {net} trust", f"host replication all {net} trust"]
        (self.data_dir / "pg_hba.conf").write_text("\n".join(lines) + "\n")

    def init_primary(self):
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        self._settings()
        self._hba()
        return self

    def init_replica(self, primary):
        """pg_basebackup of `primary` into data_dir with -R (standby.signal + primary_conninfo): a streaming replica."""
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data_dir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        self._settings()  # appended after the primary's copy: the last value of a setting wins
        self._hba()
        return self

    def start(self, timeout=60):
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log), "-w", "-t", str(timeout), "start")
        return self

    def stop(self, mode="fast"):
        """pg_ctl stop; mode "immediate" is a crash (no checkpoint). Quiet when the server is not running."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)

    # --- use ------------------------------------------------------------------------------------------------

    def url(self, database="postgres", host="127.0.0.1"):
        return f"postgres://postgres@{host}:{self.port}/{database}"

    def sql(self, statement, database="postgres"):
        """One statement through psql; returns its unaligned output (stripped)."""
        return self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-XAtc", statement
        ).strip()

    def wait_streaming(self, timeout=30):
        """Wait until this replica has a WAL receiver streaming from its primary; returns the seconds waited."""
        started = time.monotonic()
        while self.sql("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") != "1":
            if time.monotonic() - started > timeout:
                raise ClusterError(f"replica on port {self.port} not streaming after {timeout} s\n{self.log_tail()}")
            time.sleep(0.2)
        return time.monotonic() - started
