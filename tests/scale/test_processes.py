"""Several real server processes on one PostgreSQL database: what was process-local must still be
right. Three `serve` processes on three ports (so each request's process is known), and one
`serve --workers 3` (pre-fork, one port: three serving processes and the jobs process) for the
scheduler and the supervisor."""
import contextlib
import os
import signal
import socket
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.real_http import Browser
from tests.scale.conftest import ecole

pytestmark = pytest.mark.slow


def sign_in(browser, base, login, password='demo'):
    """Signs in on the server at `base`; returns (status, final URL, page)."""
    status, _headers, page = browser.form(base + '/connexion', login=login, password=password)
    return status, browser.url, page


def get(browser, url):
    status, _headers, page = browser.request(url)
    return status, browser.url, page


@pytest.fixture
def three_servers(tmp_path, pg_url, serve_processes):
    data = tmp_path / 'data'
    ecole(data, pg_url, 'demo')
    return [serve_processes(data, pg_url) for _ in range(3)]


def test_login_throttling_locks_after_the_same_number_of_failures_across_processes(three_servers):
    a, b, c = (server.base for server in three_servers)
    browser = Browser('')
    for attempt, base in enumerate([a, b, c, a]):        # 4 failures, each on another process
        status, _url, page = sign_in(browser, base, 'julien.roux', f'faux-{attempt}')
        assert status == 200 and 'Identifiant ou mot de passe incorrect.' in page
    status, url, page = sign_in(browser, c, 'julien.roux')     # 5th try is right: not locked yet
    assert url.endswith('/') and 'Bonjour Julien' in page
    for attempt, base in enumerate([b, c, a, b, c]):     # the count starts again after success
        status, _url, page = sign_in(browser, base, 'sophie.lefevre-martin', f'faux-{attempt}')
        assert 'Identifiant ou mot de passe incorrect.' in page
    for base in (a, b, c):                               # the 5th failure locked it everywhere
        _status, _url, page = sign_in(browser, base, 'sophie.lefevre-martin')
        assert 'Trop de tentatives de connexion' in page and 'Bonjour' not in page


def test_a_session_made_in_one_process_works_and_ends_in_the_others(three_servers):
    a, b, c = (server.base for server in three_servers)
    browser = Browser('')
    status, url, page = sign_in(browser, a, 'julien.roux')
    assert url == a + '/' and 'Bonjour Julien' in page
    for base in (b, c):
        status, url, page = get(browser, base + '/')
        assert status == 200 and url == base + '/' and 'Bonjour Julien' in page
    status, _headers, _page = browser.form(c + '/deconnexion', token_from=c + '/')  # CSRF from C,
    url = browser.url                                                      # session of A
    assert status == 200 and '/connexion' in url
    for base in (a, b):
        _status, url, page = get(browser, base + '/')
        assert '/connexion' in url and 'Bonjour' not in page


def job_runs(pg_url, name):
    from ecole_ent import db
    database = db.make_database(pg_url, pool_size=1)
    try:
        return database.execute_sql('SELECT holder, started_at, finished_at, error FROM job_run '
                                    'WHERE name = %s ORDER BY started_at', (name,)).fetchall()
    finally:
        database.close_all()


def test_workers_share_one_port_jobs_run_in_their_own_process_once_per_period_and_dead_children_return(
        tmp_path, pg_url, serve_processes):
    data = tmp_path / 'data'
    served = serve_processes(data, pg_url, '--workers', '3', '--demo',
                             scheduler_intervals='sessions.cleanup=1')
    workers, jobs = served.children(named=''), served.children(named='ecole-ent-jobs')
    assert len(workers) == 3 and len(jobs) == 1
    wait_for_runs(pg_url, 'sessions.cleanup', 6)
    runs = job_runs(pg_url, 'sessions.cleanup')
    starts = [started for _holder, started, _finished, _error in runs]
    # One run per one-second period, every one by the jobs process: none in a serving process.
    assert all(later - earlier >= timedelta(seconds=1) for earlier, later in zip(starts, starts[1:]))
    assert all(error is None and finished is not None for _h, _s, finished, error in runs[:-1])
    assert {holder.rsplit(':', 1)[1] for holder, *_rest in runs} == {str(jobs[0])}
    # The port answers once a killed worker is gone (the connections that reached its own
    # listening socket went with it), and the supervisor replaces it and the jobs process. Gone:
    # reaped by the supervisor, which waits for all its threads; its main thread shows as a zombie
    # while the others still exit, holding the socket open.
    os.kill(workers[0], signal.SIGKILL)
    os.kill(jobs[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while workers[0] in served.children() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workers[0] not in served.children()
    status, _url, page = sign_in(Browser(''), served.base, 'julien.roux')
    assert status == 200 and 'Bonjour Julien' in page
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now_workers, now_jobs = served.children(named=''), served.children(named='ecole-ent-jobs')
        if len(now_workers) == 3 and workers[0] not in now_workers and now_jobs not in ([], jobs):
            break
        time.sleep(0.2)
    assert len(now_workers) == 3 and workers[0] not in now_workers
    assert len(now_jobs) == 1 and now_jobs != jobs
    # The new jobs process takes the jobs on (the dead one's lease is released at its start).
    wait_for_runs(pg_url, 'sessions.cleanup', len(runs) + 3)
    holders = [holder.rsplit(':', 1)[1] for holder, *_rest in job_runs(pg_url, 'sessions.cleanup')]
    assert holders[-1] == str(now_jobs[0]) and set(holders) == {str(jobs[0]), str(now_jobs[0])}
    log = served.stop()
    assert f'processus {workers[0]} arrêté (signal 9) : remplacé' in log
    assert f'processus {jobs[0]} arrêté (signal 9) : remplacé' in log
    assert 'ecole-ent arrêté' in log
    # One log file per child slot (a shared rotating file loses lines), the replacements included.
    logs = {name: (data / 'logs' / name).read_text(encoding='utf-8')
            for name in ('ecole-ent.1.log', 'ecole-ent.2.log', 'ecole-ent.3.log', 'ecole-ent.jobs.log')}
    for pid in now_workers + now_jobs:
        assert sum(f'[{pid}]' in text for text in logs.values()) == 1, pid
    assert f'[{now_jobs[0]}]' in logs['ecole-ent.jobs.log']
    assert f'[{workers[0]}]' not in (data / 'logs' / 'ecole-ent.log').read_text(encoding='utf-8')
    assert not any(alive(pid) for pid in now_workers + now_jobs)


def wait_for_runs(pg_url, name, count, seconds=60):
    deadline = time.monotonic() + seconds
    while len(job_runs(pg_url, name)) < count and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(job_runs(pg_url, name)) >= count, job_runs(pg_url, name)


def test_sqlite_is_served_by_several_workers_that_stop_when_their_parent_dies(tmp_path,
                                                                            serve_processes):
    """The default: two processes on SQLite and the jobs process. A session opened in one is good in
    the other, the jobs due at start run in the jobs process only, and when the supervisor is
    killed (-9: no chance to stop its children), they stop too."""
    served = serve_processes(tmp_path / 'data', '', '--workers', '2', '--demo')
    workers, jobs = served.children(named=''), served.children(named='ecole-ent-jobs')
    assert len(workers) == 2 and len(jobs) == 1
    folder = tmp_path / 'data' / 'logs'

    def served_home(slot):            # that worker answered a signed-in person's home page
        path = folder / f'access.{slot}.log'
        return path.exists() and ' GET / 200 ' in path.read_text(encoding='utf-8')
    for _ in range(40):               # each request a new connection: either worker takes it
        status, _url, page = sign_in(Browser(''), served.base, 'julien.roux')
        assert status == 200 and 'Bonjour Julien' in page
        if served_home(1) and served_home(2):
            break
    deadline = time.monotonic() + 5   # a line is written as the response closes
    while not (served_home(1) and served_home(2)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served_home(1) and served_home(2)
    logs = [(folder / f'ecole-ent.{slot}.log').read_text(encoding='utf-8') for slot in (1, 2)]
    assert all('démarré' in text for text in logs)
    database = tmp_path / 'data' / 'ecole.db'
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(sqlite_rows(database, 'SELECT name FROM job_run')) < 3:
        time.sleep(0.2)
    holders = sqlite_rows(database, 'SELECT DISTINCT holder FROM job_run')
    assert [holder.rsplit(':', 1)[1] for holder, in holders] == [str(jobs[0])]
    os.kill(served.process.pid, signal.SIGKILL)
    served.process.wait(10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in workers + jobs):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers + jobs)


def sqlite_rows(path, sql):
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as connection:
        return connection.execute(sql).fetchall()


def alive(pid):
    try:
        with open(f'/proc/{pid}/stat') as stat:
            return stat.read().split()[2] != 'Z'
    except FileNotFoundError:
        return False


def test_each_serving_process_listens_on_its_own_socket_and_takes_an_even_share(tmp_path,
                                                                                serve_processes):
    """One socket shared by the serving processes let whichever woke first take a burst of
    keep-alive connections (49 of 50 in one process, the other idle); each now listens on its own
    (SO_REUSEPORT) and the kernel spreads the connections between them."""
    served = serve_processes(tmp_path / 'data', '', '--workers', '2', '--demo')
    port = int(served.base.rsplit(':', 1)[1])
    workers = serving(served, 2)
    listening = [tcp_sockets(pid, port, LISTEN) for pid in workers]
    assert [len(inodes) for inodes in listening] == [1, 1] and listening[0] != listening[1]
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(socket.create_connection(('127.0.0.1', port))) for _n in range(40)]
        for client in clients:                  # each connection answered, and kept open
            client.sendall(b'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
            assert client.recv(4096).startswith(b'HTTP/1.1 200 ')
        held = [len(tcp_sockets(pid, port, ESTABLISHED)) for pid in workers]
    assert sum(held) == 40 and min(held) >= 8, held      # even shares: below 8 of 40 is 1 in 10^5


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason='un seul cœur : rien à répartir')
def test_each_serving_process_keeps_to_a_core_of_its_own_and_the_jobs_process_to_none(tmp_path, serve_processes):
    """A process's threads take turns at the GIL: spread over cores, each turn is a wake-up across
    cores (one serving process: 390 requests/s on the home, kept on one core: 708). Every thread
    of each serving process stays on one core, each process on its own; the jobs process and the
    supervisor run where there is room; server.one_core_each = false leaves them all free."""
    cores = os.sched_getaffinity(0)
    served = serve_processes(tmp_path / 'data', '', '--workers', '2')
    workers = serving(served, 2)
    kept = [threads_cores(pid) for pid in workers]
    assert all(len(each) == 1 for each in kept) and kept[0] != kept[1], kept
    assert threads_cores(served.children(named='ecole-ent-jobs')[0]) == cores
    assert threads_cores(served.process.pid) == cores
    log = served.stop()
    assert all(f'démarré sur le cœur {min(each)}' in log for each in kept), log
    one = serve_processes(tmp_path / 'one', '', '--workers', '1')
    assert len(threads_cores(one.process.pid)) == 1
    free = serve_processes(tmp_path / 'free', '', '--workers', '2', server_one_core_each='false')
    assert [threads_cores(pid) for pid in serving(free, 2)] == [cores, cores]


def serving(served, count):
    """The `count` serving processes of `served`, once each listens."""
    port = int(served.base.rsplit(':', 1)[1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = served.children(named='')
        if len(workers) == count and all(tcp_sockets(pid, port, LISTEN) for pid in workers):
            return workers
        time.sleep(0.1)
    raise AssertionError(f'{count} processus serveurs attendus : {served.children()}')


def threads_cores(pid):
    """The cores that any thread of process `pid` may run on."""
    found = set()
    for thread in Path(f'/proc/{pid}/task').iterdir():
        with contextlib.suppress(OSError):
            found |= os.sched_getaffinity(int(thread.name))
    return found


LISTEN, ESTABLISHED = '0A', '01'         # the states of /proc/net/tcp


def tcp_sockets(pid, port, state):
    """The inodes of process `pid`'s TCP sockets on local `port` in `state` (Linux's /proc)."""
    owned = set()
    for fd in Path(f'/proc/{pid}/fd').iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith('socket:['):
                owned.add(target[8:-1])
    found = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with contextlib.suppress(FileNotFoundError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(':', 1)[1], 16) == port and fields[3] == state \
                        and fields[9] in owned:
                    found.add(fields[9])
    return found


def test_a_port_in_use_is_refused_with_a_clear_error_even_one_that_ecole_ent_shares(tmp_path,
                                                                                    serve_processes):
    """Serving processes share their port (SO_REUSEPORT), and a second ecole-ent could have
    shared it too, silently taking half of the first one's connections: the supervisor first
    binds the port unshared, and a port in use is an error either way, one process or several."""
    served = serve_processes(tmp_path / 'data', '', '--workers', '2', '--demo')
    port = served.base.rsplit(':', 1)[1]
    for workers in ('2', '1'):
        result = ecole(tmp_path / f'other-{workers}', '', 'serve', '--port', port, '--workers', workers,
                       check=False)
        said = result.stdout + result.stderr
        assert result.returncode == 1 and f'le port {port} de 127.0.0.1 est déjà pris' in said, said
        assert 'Traceback' not in said
    status, _url, page = sign_in(Browser(''), served.base, 'julien.roux')   # the first one serves on
    assert status == 200 and 'Bonjour Julien' in page
