"""PostgreSQL for the scale-out tests: the server of ECOLE_TEST_DATABASE_URL when set, else a
throwaway cluster started here (initdb on a free loopback port, stopped by PID at the end); each
test gets its own fresh database on it. Real `ecole-ent serve` processes share that database."""
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = 'scale-test-secret-shared-by-every-process'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def find_initdb():
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'),
                   key=lambda p: int(p.split('/')[4]) if p.split('/')[4].isdigit() else 0)
    return found[-1] if found else shutil.which('initdb')


def pg_connect(url, dbname=None):
    import psycopg2
    parts = urlparse(url)
    conn = psycopg2.connect(dbname=dbname or parts.path.lstrip('/') or 'postgres',
                            user=parts.username, password=parts.password, host=parts.hostname,
                            port=parts.port or 5432, connect_timeout=5)
    conn.autocommit = True
    return conn


class Cluster:
    """A throwaway PostgreSQL cluster (the recipe of the project's tooling notes)."""

    def __init__(self, initdb):
        self.bin = Path(initdb).parent
        self.dir = Path(tempfile.mkdtemp(prefix='ecole-pg-'))
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:     # root may not run initdb/postgres: drop to the postgres user
            import pwd
            try:
                entry = pwd.getpwnam('postgres')
            except KeyError:
                pytest.skip('PostgreSQL : lancé en root sans utilisateur postgres')
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.as_postgres = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups']
        os.chmod(self.dir, 0o700)
        self.process = None

    def start(self):
        data = self.dir / 'data'
        init = subprocess.run(self.as_postgres + [str(self.bin / 'initdb'), '-D', str(data), '-U',
                                                  'postgres', '-A', 'trust', '-E', 'UTF8',
                                                  '--locale=C.UTF-8', '--no-sync'],
                              capture_output=True, text=True, timeout=120)
        if init.returncode != 0:
            raise RuntimeError(f'initdb a échoué : {init.stderr}')
        log = open(self.dir / 'postgres.log', 'wb')
        self.process = subprocess.Popen(
            self.as_postgres + [str(self.bin / 'postgres'), '-D', str(data), '-p', str(self.port),
                                '-c', 'listen_addresses=127.0.0.1',
                                '-c', f'unix_socket_directories={self.dir}', '-c', 'fsync=off',
                                '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
                                '-c', 'max_connections=200'],
            stdout=log, stderr=subprocess.STDOUT)
        url = f'postgresql://postgres@127.0.0.1:{self.port}/postgres'
        deadline = time.monotonic() + 30
        while True:
            try:
                pg_connect(url).close()
                return url
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError('PostgreSQL ne démarre pas : '
                                       + (self.dir / 'postgres.log').read_text()[-2000:]) from None
                time.sleep(0.1)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)      # fast shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope='session')
def pg_server():
    """A PostgreSQL server URL for the scale tests; skipped only when none can be had."""
    if PG_URL:
        yield PG_URL
        return
    initdb = find_initdb()
    if not initdb:
        pytest.skip('PostgreSQL indisponible : ECOLE_TEST_DATABASE_URL non défini et initdb absent '
                    '(apt-get install postgresql)')
    cluster = Cluster(initdb)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """A fresh, empty database on that server for this test; dropped afterwards."""
    name = 'ecole_scale_' + re.sub(r'[^a-z0-9]', '_', request.node.name.lower())[:40]
    admin = pg_connect(pg_server)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE {name}')
    finally:
        admin.close()
    parts = urlparse(pg_server)
    yield parts._replace(path='/' + name).geturl()
    from ecole_ent import db
    db.close_all()
    admin = pg_connect(pg_server)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
    finally:
        admin.close()


def cli_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    env.update({'ECOLE_DATABASE_URL': database_url, 'ECOLE_SECURITY_SECRET_KEY': SECRET,
                'PYTHONUNBUFFERED': '1'})
    env.update({f'ECOLE_{k.upper()}': str(v) for k, v in extra.items()})
    return env


def ecole(data, database_url, *args, check=True, **extra):
    """Run the real command line once."""
    result = subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', str(data), *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=180,
                            env=cli_env(database_url, **extra))
    if check:
        assert result.returncode == 0, result.stderr
    return result


def process_name(pid):
    try:
        return Path(f'/proc/{pid}/comm').read_text().strip()
    except FileNotFoundError:
        return None


class Served:
    """A real `ecole-ent serve` process on a free loopback port (port 0, read from its log)."""

    def __init__(self, data, database_url, *args, **extra):
        self.log_path = Path(tempfile.mkstemp(prefix='ecole-serve-', suffix='.log')[1])
        self.log = open(self.log_path, 'wb')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'ecole_ent', '--data', str(data), 'serve', '--port', '0', *args],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT, env=cli_env(database_url, **extra))
        self.base = self._wait_for_address()

    def _wait_for_address(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors='replace')
            found = re.search(r'écoute sur (http://[\d.]+:\d+)/', text)
            if found:
                base = found.group(1)
                try:
                    urllib.request.urlopen(base + '/healthz', timeout=10).read()
                    return base
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise RuntimeError(f'serve s’est arrêté : {text[-3000:]}')
            time.sleep(0.1)
        self.stop()
        raise RuntimeError('serve ne répond pas : ' + self.log_path.read_text()[-3000:])

    def children(self, named=None):
        """The supervisor's child processes; named='ecole-ent-jobs': its jobs process, named='':
        its serving processes (the others)."""
        path = Path(f'/proc/{self.process.pid}/task/{self.process.pid}/children')
        pids = [int(pid) for pid in path.read_text().split()] if path.exists() else []
        if named is None:
            return pids
        return [pid for pid in pids if (process_name(pid) == 'ecole-ent-jobs') == bool(named)]

    def stop(self):
        if self.log.closed:
            return self.text
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.text = self.log_path.read_text(errors='replace')
        self.log_path.unlink()
        return self.text


@pytest.fixture
def serve_processes():
    """Start real servers with start(data, url, *args); all stopped by PID at the end."""
    started = []

    def start(data, database_url, *args, **extra):
        served = Served(data, database_url, *args, **extra)
        started.append(served)
        return served
    yield start
    for served in started:
        served.stop()
