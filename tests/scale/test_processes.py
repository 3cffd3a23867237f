"""Several real server processes on one PostgreSQL database: what was process-local must still be
right. Three `serve` processes on three ports (so each request's process is known), and one
`serve --workers 3` (pre-fork, one port) for the scheduler and the supervisor."""
import os
import signal
import time
from datetime import timedelta

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


def test_workers_share_one_port_a_periodic_job_runs_once_per_period_and_dead_workers_return(
        tmp_path, pg_url, serve_processes):
    data = tmp_path / 'data'
    served = serve_processes(data, pg_url, '--workers', '3', '--demo',
                             scheduler_intervals='sessions.cleanup=1')
    workers = served.children()
    assert len(workers) == 3
    deadline = time.monotonic() + 60
    while len(job_runs(pg_url, 'sessions.cleanup')) < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
    runs = job_runs(pg_url, 'sessions.cleanup')
    assert len(runs) >= 6, runs
    starts = [started for _holder, started, _finished, _error in runs]
    # Three processes look every second; the lease lets one run per one-second period.
    assert all(later - earlier >= timedelta(seconds=1) for earlier, later in zip(starts, starts[1:]))
    assert all(error is None and finished is not None for _h, _s, finished, error in runs[:-1])
    holders = {holder.rsplit(':', 1)[1] for holder, *_rest in runs}
    assert holders <= {str(pid) for pid in workers}
    # The port answers while a worker is killed, and the supervisor replaces it.
    os.kill(workers[0], signal.SIGKILL)
    status, _url, page = sign_in(Browser(''), served.base, 'julien.roux')
    assert status == 200 and 'Bonjour Julien' in page
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now_workers = served.children()
        if len(now_workers) == 3 and workers[0] not in now_workers:
            break
        time.sleep(0.2)
    assert len(now_workers) == 3 and workers[0] not in now_workers
    log = served.stop()
    assert f'processus {workers[0]} arrêté (signal 9) : remplacé' in log
    assert 'ecole-ent arrêté' in log
    # One log file per worker slot (a shared rotating file loses lines), the replacement included.
    logs = {name: (data / 'logs' / name).read_text(encoding='utf-8')
            for name in ('ecole-ent.1.log', 'ecole-ent.2.log', 'ecole-ent.3.log')}
    for pid in now_workers:
        assert sum(f'[{pid}]' in text for text in logs.values()) == 1, pid
    assert f'[{workers[0]}]' not in (data / 'logs' / 'ecole-ent.log').read_text(encoding='utf-8')
    assert not any(os.path.exists(f'/proc/{pid}') and open(f'/proc/{pid}/stat').read().split()[2] != 'Z'
                   for pid in now_workers)


def test_sqlite_is_served_by_several_workers_that_stop_when_their_parent_dies(tmp_path,
                                                                            serve_processes):
    """The default: two processes on SQLite. A session opened in one is good in the other, and
    when the supervisor is killed (-9: no chance to stop its children), they stop too."""
    served = serve_processes(tmp_path / 'data', '', '--workers', '2', '--demo')
    workers = served.children()
    assert len(workers) == 2
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
    os.kill(served.process.pid, signal.SIGKILL)
    served.process.wait(10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def alive(pid):
    try:
        with open(f'/proc/{pid}/stat') as stat:
            return stat.read().split()[2] != 'Z'
    except FileNotFoundError:
        return False
