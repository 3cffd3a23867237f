"""The two lanes (ecole_ent.lanes) on a real waitress: pages and writes have their own worker
threads, nothing runs on the socket thread, so a request that waits (a POST, a GET route marked
slow=True, or a page) never holds up the others; slow clients are closed."""
import http.client
import logging
import socket
import threading
import time

import bottle
import pytest

from ecole_ent import lanes
from ecole_ent import server as server_module

BIG = 64 * 2**16      # bytes: 64 chunks of 64 kB, far above the watermark set below


@pytest.fixture
def served():
    app = bottle.Bottle()
    release = threading.Event()
    started = threading.Semaphore(0)

    def hold():
        started.release()
        release.wait(10)
        return 'fini'

    def big():                                    # in pieces, as a generated file would come
        bottle.response.content_length = BIG
        return (b'x' * 2**16 for _ in range(BIG // 2**16))

    def fail():
        raise RuntimeError('boom')

    app.route('/page', 'GET', lambda: 'vite')
    app.route('/gros', 'GET', big)
    app.route('/panne', 'GET', fail)
    app.route('/envoi', 'POST', hold)
    app.route('/album.zip', 'GET', hold, slow=True)
    app.route('/attente', 'GET', hold)
    server = lanes.create_server(app, 2, host='127.0.0.1', port=0, outbuf_high_watermark=2**17,
                                 header_timeout=1, connection_limit=server_module.CONNECTION_LIMIT)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port, started, release, server.task_dispatcher
    release.set()
    server.close()
    server.task_dispatcher.shutdown()


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
               for _ in range(3)]                 # one more than the slow lane's two threads
    for holder in holders:
        holder.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)   # the writes' lane is full...
    assert not started.acquire(timeout=0.3)       # ...so the third waits its turn there
    assert fetch(port, 'GET', '/page') == (200, 'vite')               # the pages still answer
    assert fetch(port, 'GET', '/inconnue')[0] == 404
    release.set()
    for holder in holders:
        holder.join(5)
    assert results == [(200, 'fini')] * 3


def test_a_waiting_page_holds_up_neither_the_other_pages_nor_the_server(served):
    port, started, release, lanes_ = served
    threads, results = [], []
    lanes_.bottle_app.route('/fil', 'GET', lambda: threads.append(threading.get_ident()) or 'ok')
    waiting = threading.Thread(target=lambda: results.append(fetch(port, 'GET', '/attente')))
    waiting.start()
    assert started.acquire(timeout=5)                     # a page waits (a lock, a slow query)
    assert fetch(port, 'GET', '/fil') == (200, 'ok')       # another page answers meanwhile
    assert fetch(port, 'POST', '/page')[0] == 405          # and so does a write
    assert waiting.is_alive() and not results              # while the first still waits
    assert threads and threads[0] != lanes_.loop_thread    # pages run on worker threads
    release.set()
    waiting.join(5)
    assert results == [(200, 'fini')]


def test_a_client_trickling_its_headers_is_closed_and_keeps_nobody_out(served):
    port = served[0]
    tricklers = [socket.create_connection(('127.0.0.1', port), timeout=10) for _ in range(110)]
    for trickler in tricklers:
        trickler.sendall(b'GET /page HTTP/1.1\r\nHo')
    assert fetch(port, 'GET', '/page') == (200, 'vite')    # the 111th connection gets its page...
    for trickler in tricklers:                             # ...while all 110 are still open
        trickler.setblocking(False)
        pytest.raises(BlockingIOError, trickler.recv, 1)   # nothing to read, not closed
    deadline = time.monotonic() + 8                        # header_timeout=1, checked every 2 s
    closed = 0
    for trickler in tricklers:
        try:
            trickler.sendall(b's')                         # one byte now and then: never idle
            trickler.settimeout(max(0.1, deadline - time.monotonic()))
            closed += trickler.recv(100) == b''
        except (ConnectionResetError, BrokenPipeError):    # closed by the server, too
            closed += 1
        except TimeoutError:
            pass
        trickler.close()
    assert closed == len(tricklers)


def test_a_big_answer_to_a_slow_reader_does_not_block_the_server(served):
    """Waitress makes a thread wait while a connection has more unsent output than the watermark:
    only that request's thread waits."""
    port, _started, _release, _lanes = served
    reader = socket.create_connection(('127.0.0.1', port), timeout=5)
    reader.sendall(b'GET /gros HTTP/1.1\r\nHost: x\r\n\r\n')
    time.sleep(0.3)                               # the answer piles up unread
    assert fetch(port, 'GET', '/page') == (200, 'vite')
    received = b''
    while len(received.partition(b'\r\n\r\n')[2]) < BIG:
        chunk = reader.recv(2**20)
        assert chunk, 'connection closed early'
        received += chunk
    reader.close()
    assert received.partition(b'\r\n\r\n')[2] == b'x' * BIG


def test_pipelined_requests_are_answered_in_order(served):
    port, _started, _release, _lanes = served
    with socket.create_connection(('127.0.0.1', port), timeout=5) as client:
        client.sendall(b'GET /gros HTTP/1.1\r\nHost: x\r\n\r\nGET /page HTTP/1.1\r\nHost: x\r\n\r\n')
        received = b''
        while not received.endswith(b'vite'):
            chunk = client.recv(2**20)
            assert chunk, 'connection closed early'
            received += chunk
    first, second = received.split(b'HTTP/1.1 200 OK')[1:]
    assert first.endswith(b'\r\n\r\n' + b'x' * BIG) and second.endswith(b'vite')


def test_an_error_in_a_page_is_a_500_and_the_server_goes_on(served):
    port = served[0]
    assert fetch(port, 'GET', '/panne')[0] == 500
    assert fetch(port, 'GET', '/page') == (200, 'vite')


def test_a_burst_of_connections_is_all_answered(served):
    port = served[0]
    clients = [socket.create_connection(('127.0.0.1', port), timeout=5) for _ in range(60)]
    for client in clients:
        client.sendall(b'GET /page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    for client in clients:
        answer = b''
        while chunk := client.recv(4096):
            answer += chunk
        client.close()
        assert answer.startswith(b'HTTP/1.1 200') and answer.endswith(b'vite')


def test_a_deep_queue_is_logged_once_a_minute_not_at_every_request_queued(served, caplog):
    port, started, release, lanes_ = served
    caplog.set_level(logging.WARNING, logger='waitress.queue')
    answers = []
    clients = [threading.Thread(target=lambda: answers.append(fetch(port, 'GET', '/attente')))
               for _ in range(8)]
    for client in clients:
        client.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)     # both page threads held
    deadline = time.monotonic() + 5
    while len(lanes_.pages.queue) < 6 and time.monotonic() < deadline:   # the six others queued
        time.sleep(0.01)
    assert len(lanes_.pages.queue) == 6
    release.set()
    for client in clients:
        client.join(10)
    assert answers == [(200, 'fini')] * 8
    warned = [record.getMessage() for record in caplog.records if record.name == 'waitress.queue']
    assert warned == ['Task queue depth is 1']


def test_pages_go_to_the_pages_lane_and_the_rest_to_the_writes_lane(served):
    _port, _started, _release, lanes_ = served

    class Request:
        error = None

        def __init__(self, command, path):
            self.command, self.path = command, path

    class Channel:
        def __init__(self, command, path):
            self.requests = [Request(command, path)]

    assert lanes_.is_page(Channel('GET', '/page'))
    assert lanes_.is_page(Channel('HEAD', '/page'))
    assert lanes_.is_page(Channel('GET', '/nulle-part'))
    assert not lanes_.is_page(Channel('GET', '/album.zip'))
    assert not lanes_.is_page(Channel('POST', '/envoi'))
    assert not lanes_.is_page(Channel('POST', '/page'))          # a 405 is not a page


def test_close_from_another_thread_ends_the_loop_and_frees_the_port():
    app = bottle.Bottle()
    app.route('/page', 'GET', lambda: 'vite')
    server = lanes.create_server(app, 2, host='127.0.0.1', port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.effective_port
    assert fetch(port, 'GET', '/page') == (200, 'vite')
    server.close()
    thread.join(5)
    assert not thread.is_alive() and server.task_dispatcher.socket_map == {}
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.1', port), timeout=5)
