"""The two lanes of worker threads (ecole_ent.lanes) on a real waitress: a long request in the
slow lane (a POST, or a GET route marked slow=True) never holds up the quick pages."""
import http.client
import threading

import bottle
import pytest
from waitress.server import create_server

from ecole_ent.lanes import Lanes


@pytest.fixture
def served():
    app = bottle.Bottle()
    release = threading.Event()
    started = threading.Semaphore(0)

    def hold():
        started.release()
        release.wait(10)
        return 'fini'

    app.route('/page', 'GET', lambda: 'vite')
    app.route('/envoi', 'POST', hold)
    app.route('/album.zip', 'GET', hold, slow=True)
    lanes = Lanes(app, threads=3)
    server = create_server(app, host='127.0.0.1', port=0, _dispatcher=lanes, threads=3)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port, started, release, lanes
    release.set()
    server.close()
    lanes.shutdown()


def fetch(port, method, path):
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, response.read().decode()


@pytest.mark.parametrize('method, path', [('POST', '/envoi'), ('GET', '/album.zip')])
def test_a_long_request_does_not_hold_up_the_pages(served, method, path):
    port, started, release, _lanes = served
    results = []
    holders = [threading.Thread(target=lambda: results.append(fetch(port, method, path)))
               for _ in range(3)]                 # as many as the server has threads
    for holder in holders:
        holder.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)   # the slow lane is full...
    assert not started.acquire(timeout=0.3)       # ...so the third waits its turn there
    assert fetch(port, 'GET', '/page') == (200, 'vite')               # the quick lane still answers
    assert fetch(port, 'GET', '/inconnue')[0] == 404
    release.set()
    for holder in holders:
        holder.join(5)
    assert results == [(200, 'fini')] * 3


def test_pages_go_to_the_quick_lane_and_the_rest_to_the_slow_one(served):
    _port, _started, _release, lanes = served

    class Request:
        error = None

        def __init__(self, command, path):
            self.command, self.path = command, path

    class Channel:
        def __init__(self, command, path):
            self.requests = [Request(command, path)]

    assert lanes.is_quick(Channel('GET', '/page'))
    assert lanes.is_quick(Channel('HEAD', '/page'))
    assert lanes.is_quick(Channel('GET', '/nulle-part'))
    assert not lanes.is_quick(Channel('GET', '/album.zip'))
    assert not lanes.is_quick(Channel('POST', '/envoi'))
    assert not lanes.is_quick(Channel('POST', '/page'))          # a 405 is not worth a page's turn
