"""Waitress with its requests in two lanes, each a pool of worker threads: pages (GET and HEAD)
and the rest (sign-ins, uploads, every write, and the GETs marked slow=True: those that write, like
the QR card sign-in, or run long, like zips).

Why two pools, and nothing served on waitress's socket thread:
- the socket thread only accepts, reads and writes connections: whatever a request waits for
  (SQLite's write lock, a PostgreSQL round trip, a big file) holds up its own thread, never the
  server (an earlier design served pages on the socket thread: one page waiting 4 s for the write
  lock froze every connection);
- a page never queues behind writes: when a directory sync or a backup holds SQLite's write lock,
  the sign-ins and uploads that wait for it fill their own lane, and pages go on in theirs (the
  writes a page view needs do not wait for the lock either: db.write_soon);
- Python runs one thread at a time, so a process gets no faster with more threads; the CPU of a
  2-core PC is used by several processes (server.workers, ecole_ent/server.py).

Slow clients: a connection must send its request's headers within HEADER_TIMEOUT (waitress's own
channel_timeout only closes connections idle between requests, and a client sending one byte a
second is never idle), and the connection limit stays far above what a school uses, so a hundred
trickling connections neither fill the server nor keep another user out for long.
"""
import functools
import logging
import threading
import time

import waitress.server
from bottle import HTTPError
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.task import ThreadedTaskDispatcher

QUICK_METHODS = ('GET', 'HEAD')
QUEUE_WARNING_EVERY = 60     # seconds between two « Task queue depth » warnings of a lane
HEADER_TIMEOUT = 15          # seconds a connection has to send a request's headers
CHECK_EVERY = 2              # seconds between two checks of the connections' deadlines


def create_server(application, threads, header_timeout=HEADER_TIMEOUT, **adjustments):
    """waitress.create_server for `application` (a Bottle app, or a WSGI app with the Bottle app
    as its .bottle) in two lanes of `threads` worker threads each."""
    lanes = Lanes(getattr(application, 'bottle', application), threads)
    adjustments.setdefault('cleanup_interval', CHECK_EVERY)
    server = waitress.server.create_server(application, map=lanes.socket_map, _dispatcher=lanes,
                                           threads=threads, **adjustments)
    for listener in lanes.listeners():
        listener.channel_class = Channel
        listener.maintenance = functools.partial(maintenance, listener, header_timeout)
    lanes.wake = server.pull_trigger
    server.run, server.close = functools.partial(lanes.run, server), lanes.close
    return server


class Channel(HTTPChannel):
    """Waitress's connection, which notes when the request it is reading began."""
    header_started = 0.0

    def received(self, data):
        if self.request is None and data:
            self.header_started = time.time()
        return super().received(data)


class QueueWarnings:
    """A lane's queue logger. Waitress warns of the task queue's depth at every request queued
    while all threads are busy: thousands of times a minute under a burst, each warning a log
    record (its caller looked up on the stack) made on the socket thread under the lane's lock,
    9 µs a request (measured). One a minute says it in the log; the others cost a clock read."""

    def __init__(self, logger, every=QUEUE_WARNING_EVERY):
        self.logger, self.every, self.last = logger, every, float('-inf')

    def warning(self, message, *args):
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.logger.warning(message, *args)


def maintenance(listener, header_timeout, now):
    """Waitress's periodic check (idle connections), plus: close the connections whose request's
    headers are still incomplete header_timeout seconds after their first byte."""
    type(listener).maintenance(listener, now)
    cutoff = now - header_timeout
    for channel in list(listener.active_channels.values()):
        request = channel.request
        if request is not None and not request.headers_finished \
                and channel.header_started < cutoff:
            channel.will_close = True


class Lanes:
    """A waitress task dispatcher: pages go to one pool of worker threads, the rest to another."""

    def __init__(self, bottle_app, threads):
        self.bottle_app = bottle_app
        self.socket_map = {}
        self.pages, self.writes = ThreadedTaskDispatcher(), ThreadedTaskDispatcher()
        for lane in (self.pages, self.writes):
            lane.queue_logger = QueueWarnings(logging.getLogger('waitress.queue'))
            lane.set_thread_count(threads)
        self.loop_thread = self.wake = None
        self.running = self.stopping = False

    def is_page(self, channel):
        request = channel.requests[0] if channel.requests else None
        if request is None or request.error or request.command not in QUICK_METHODS:
            return False
        try:
            route, _args = self.bottle_app.router.match(
                {'PATH_INFO': request.path, 'REQUEST_METHOD': request.command})
        except HTTPError:            # an unknown page: its 404 is a page
            return True
        return not route.config.get('slow', False)

    def add_task(self, channel):
        (self.pages if self.is_page(channel) else self.writes).add_task(channel)

    def run(self, server):
        """Waitress's main loop (server.run()) until close(), SIGTERM or Ctrl-C; then the worker
        threads stop and every socket is closed."""
        self.loop_thread, self.running = threading.get_ident(), True
        poll = wasyncore.poll2 if server.adj.asyncore_use_poll else wasyncore.poll
        try:
            while self.socket_map and not self.stopping:
                poll(server.adj.asyncore_loop_timeout, self.socket_map)
        except (SystemExit, KeyboardInterrupt):
            pass
        finally:
            self.running = False
            self.shutdown()
            self.close_sockets()

    def close(self):
        """server.close(): from another thread, the loop is asked to stop (closing a socket under
        its poll would break it); otherwise the sockets are closed at once."""
        if self.running and threading.get_ident() != self.loop_thread:
            self.stopping = True
            try:
                self.wake()
            except OSError:     # the loop ended meanwhile and closed its wake-up pipe: nothing to wake
                if self.running:
                    raise
        else:
            self.shutdown()
            self.close_sockets()

    def close_sockets(self):
        """Close the listening sockets, the connections and the wake-up pipe (as waitress's
        close_all, without calling server.close, which is close() here)."""
        for dispatcher in list(self.socket_map.values()):
            type(dispatcher).close(dispatcher)
        self.socket_map.clear()

    def listeners(self):
        return [dispatcher for dispatcher in self.socket_map.values() if dispatcher.accepting]

    def shutdown(self, cancel_pending=True, timeout=5):
        """Both pools stop at once (each waits at most `timeout` for its requests under way)."""
        self.pages.set_thread_count(0)
        self.writes.set_thread_count(0)
        self.pages.shutdown(cancel_pending, timeout)
        self.writes.shutdown(cancel_pending, timeout)
