"""Waitress's worker threads in two lanes: one thread serves the quick pages (GET and HEAD), the
others serve writes and long requests (sign-in hashing, photo uploads, zips).

Why: Python runs one thread at a time, and SQLite hands that turn over at every query and row.
With eight threads on the guardian home, each request cost about 680 futex calls and the server
gave 370 requests/s on 2 cores; with one thread, 580 and a p99 under 150 ms (bench/bench_web.py).
One thread for pages alone would let a teacher's upload of thirty photos stall every family, so
the slow work keeps its own threads. A route joins the slow lane by its method, or with the
route option slow=True (app.route(..., slow=True)) for a long GET such as an album's zip.

The page thread and waitress's I/O thread then pass Python's turn to each other at every request.
With the default 5 ms switch interval, a thread that wants the turn may wait that long: first
visits to the sign-in page (no database call to yield the turn) fell to 220 requests/s at 50
connections. At 0.1 ms they get 650, and the guardian home 600 (bench/bench_web.py, 2 cores).
"""
import sys

from bottle import HTTPError
from waitress.task import ThreadedTaskDispatcher

QUICK_METHODS = ('GET', 'HEAD')
SWITCH_INTERVAL = 0.0001     # seconds (Python's default: 0.005)


def dispatcher(bottle_app, threads):
    """The dispatcher to give waitress's create_server(_dispatcher=...), and the switch interval
    it needs (process-wide: only the server sets it)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    return Lanes(bottle_app, threads)


class Lanes:
    """A waitress task dispatcher (create_server(_dispatcher=...)) made of two thread pools."""

    def __init__(self, bottle_app, threads):
        self.bottle_app = bottle_app
        self.quick, self.slow = ThreadedTaskDispatcher(), ThreadedTaskDispatcher()
        self.quick.set_thread_count(1)
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
        (self.quick if self.is_quick(channel) else self.slow).add_task(channel)

    def shutdown(self, cancel_pending=True, timeout=5):
        quick = self.quick.shutdown(cancel_pending, timeout)
        slow = self.slow.shutdown(cancel_pending, timeout)
        return quick and slow
