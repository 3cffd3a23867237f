"""Waitress in two lanes: the quick pages (GET and HEAD) are served on waitress's own thread, the
one that reads and writes the sockets, between two of its polls; writes and long requests
(sign-in hashing, photo uploads, zips) go to a pool of worker threads.

Why: Python runs one thread at a time. A page served by a worker thread hands Python's turn back
and forth with the socket thread at every query and every request, and on 2 cores the two
threads also pull each other's memory from one core's cache to the other's: measured on the
guardian home at 50 connections, a page cost 1.3 ms of CPU in a worker thread against 0.8 ms
called directly, and the server gave 580 requests/s with one page thread (370 with eight). Served
on the socket thread, the same page gives 900 (bench/bench_web.py).

The rules that keep the socket thread responsive and safe:
- between two polls it serves quick requests for TURN seconds (a page is never cut short), then
  polls again, so waiting connections are accepted and read, and the workers' answers sent;
- a route whose GET runs long (an album's zip) joins the slow lane with the route option
  slow=True (app.route(..., slow=True)), as every POST does;
- waitress makes a thread wait for the socket thread when a connection has more than its
  outbuf_high_watermark of unsent output (a big answer to a slow reader): the socket thread would
  wait for itself for ever, so on that thread Channel lets the buffer grow instead (it goes to
  a temporary file past outbuf_overflow, 1 MB).

The worker threads still share Python's turn with the socket thread; at the default 5 ms switch
interval a page could wait that long behind an upload's Python work, so the interval is 0.1 ms.
"""
import collections
import functools
import logging
import sys
import threading
import time

from bottle import HTTPError
import waitress.server
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.task import ThreadedTaskDispatcher

logger = logging.getLogger('waitress')

QUICK_METHODS = ('GET', 'HEAD')
SWITCH_INTERVAL = 0.0001     # seconds (Python's default: 0.005)
TURN = 0.005                 # seconds of quick pages between two polls
ACCEPTS_PER_POLL = 32        # waitress accepts one connection per poll; a burst needs more


def create_server(application, threads, **adjustments):
    """waitress.create_server for `application` (a Bottle app, or a WSGI app with the Bottle app
    as its .bottle) in two lanes; the server's run() serves them. Sets Python's switch interval
    (process-wide: only a server does)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    lanes = Lanes(getattr(application, 'bottle', application), threads)
    server = waitress.server.create_server(application, map=lanes.socket_map, _dispatcher=lanes,
                                           threads=threads, **adjustments)
    for listener in lanes.listeners():
        listener.channel_class = Channel
    lanes.wake = server.pull_trigger
    server.run, server.close = functools.partial(lanes.run, server), lanes.close
    return server


class Channel(HTTPChannel):
    """Waitress's connection, which never makes the socket thread wait for its own output."""

    def _flush_outbufs_below_high_watermark(self):
        if threading.get_ident() != self.server.task_dispatcher.loop_thread:
            super()._flush_outbufs_below_high_watermark()


class Lanes:
    """A waitress task dispatcher: quick requests wait in `pending` for the socket thread, which
    serves them in run(); the others go to a pool of `threads - 1` worker threads."""

    def __init__(self, bottle_app, threads):
        self.bottle_app = bottle_app
        self.socket_map = {}
        self.pending = collections.deque()
        self.loop_thread = None
        self.running = self.stopping = False
        self.wake = None
        self.slow = ThreadedTaskDispatcher()
        self.slow.set_thread_count(max(1, threads - 1))

    def is_quick(self, channel):
        request = channel.requests[0] if channel.requests else None
        if request is None or request.error or request.command not in QUICK_METHODS:
            return False
        try:
            route, _args = self.bottle_app.router.match(
                {'PATH_INFO': request.path, 'REQUEST_METHOD': request.command})
        except HTTPError:            # an unknown page: its 404 is quick
            return True
        return not route.config.get('slow', False)

    def add_task(self, channel):
        (self.pending.append if self.is_quick(channel) else self.slow.add_task)(channel)

    def run(self, server):
        """Waitress's main loop (server.run()), serving the quick lane between polls, until
        close(), SIGTERM or Ctrl-C; then the worker threads stop and every socket is closed."""
        self.loop_thread, self.running = threading.get_ident(), True
        listeners = self.listeners()
        poll = wasyncore.poll2 if server.adj.asyncore_use_poll else wasyncore.poll
        try:
            while self.socket_map and not self.stopping:
                poll(0 if self.pending else server.adj.asyncore_loop_timeout, self.socket_map)
                for listener in listeners:
                    self.accept_more(listener, server.adj.connection_limit)
                self.serve_quick()
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
            self.wake()
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

    def accept_more(self, listener, limit):
        """Accept the connections still waiting (waitress accepts one per poll): at the start of
        a burst, the last of fifty connections would otherwise wait fifty turns."""
        for _ in range(ACCEPTS_PER_POLL):
            before = len(self.socket_map)
            if before >= limit or not listener.accepting:      # full, or closed
                return
            listener.handle_accept()
            if len(self.socket_map) == before:
                return

    def serve_quick(self):
        """Serve the waiting quick requests, for TURN seconds at most."""
        deadline = time.monotonic() + TURN
        while self.pending and time.monotonic() < deadline:
            channel = self.pending.popleft()
            try:
                channel.service()
            except Exception:                    # as waitress's worker threads do
                logger.exception('Exception when servicing %r', channel)

    def shutdown(self, cancel_pending=True, timeout=5):
        if cancel_pending:
            for channel in self.pending:
                channel.cancel()
        self.pending.clear()
        return self.slow.shutdown(cancel_pending, timeout)
