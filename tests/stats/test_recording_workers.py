"""`ecole-ent serve --workers 2` as a school runs it (a pre-fork supervisor and two serving
processes on one port, each with its own statistics writer): every page view and sign-in made is
in the database once the server has stopped, none lost and none twice, whichever process served
it, and the day's key is one for both processes (one visitor per person)."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ecole_ent import db
from ecole_ent.models import StatsEvent, StatsKey
from tests.conftest import PG_URL
from tests.real_http import Browser

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_ready(base, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, 'the server stopped'
        try:
            if Browser(base).get('/connexion')[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError('the server did not answer')


def test_two_serving_processes_lose_no_event_and_share_the_day_key(demo, config):
    for model in (StatsEvent, StatsKey):
        model.delete().execute()
    db.close_all()
    port = free_port()
    env = {**os.environ, 'ECOLE_SECURITY_SECRET_KEY': 'test-secret-key-for-this-run',
           'ECOLE_SCHEDULER_ENABLED': 'false'}
    if PG_URL:
        env['ECOLE_DATABASE_URL'] = PG_URL
    server = subprocess.Popen([sys.executable, '-m', 'ecole_ent', '--data', str(config.data_dir), 'serve',
                               '--port', str(port), '--workers', '2'], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f'http://127.0.0.1:{port}'
        wait_ready(base, server)
        parents = [Browser(base).sign_in(login) for login in ('aurelie.dubois', 'julien.roux')]
        views = 0
        for _ in range(15):                  # a new connection each: both processes serve some
            for person in parents:
                assert person.get('/blog')[0] == 200
                views += 1
    finally:
        server.send_signal(signal.SIGTERM)   # at once: what is still in memory is written on the way out
        server.wait(30)
    rows = list(StatsEvent.select().dicts())
    assert sum(r['kind'] == 'signin' for r in rows) == 2
    assert sum(r['kind'] == 'visit' and r['feature'] == 'blog' for r in rows) == views
    assert sum(r['kind'] == 'visit' and r['feature'] == 'home' for r in rows) == 2
    assert len({r['day_visitor'] for r in rows}) == 2            # one key for the day, both processes
    assert len({k.period for k in StatsKey.select()}) == 2       # the day's and the month's, once each
