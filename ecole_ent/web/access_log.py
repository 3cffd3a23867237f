"""The access log: one line per request, written by the logger 'ecole_ent.access' into
DATA/logs/access.log (access.<slot>.log for each process of `serve --workers N`), rotated like the
error log (ecole_ent/server.py log_to_file). A line reads:

    2026-12-04 07:12:03,114 203.0.113.7 POST /photos/album/3/envoi 400 1834 12.3ms

time the response ended, client address (REMOTE_ADDR: behind the trusted proxy, waitress has put
the visitor's address there), method, path, status, bytes of body sent, duration in milliseconds.
The fields never contain a space (anything outside printable ASCII is %-escaped), so that
`awk '$6 >= 400'` lists the failed requests.

Nothing secret can reach the file: the path is written without its query string (/carte?jeton=…,
/activation?code=…), and no header, cookie or form field is read. No route carries a secret in
its path itself (tests/test_access_log.py checks every route's variable parts), except the private
calendar feeds (/agenda/<token>.ics), the forgotten-password links (/mot-de-passe-oublie/<token>)
and the mails' stop links (/courriels/arret/<token>), whose paths are written /agenda/* and so on.
Errors keep their traceback in the error log (ecole-ent.log); here they are one line among others.
"""
import calendar
import logging
import logging.handlers
import os
import re
import time
from urllib.parse import quote

logger = logging.getLogger('ecole_ent.access')
LINE = '%s %s %s %s %d %.1fms'      # address, method, path, status, bytes, duration
UNSAFE = re.compile('[^!-~]')       # a space, a control character, anything not ASCII
SAFE_IN_PATH = "/!$&'()*+,;=:@-._~"
SECRET_PREFIXES = ('/agenda/', '/mot-de-passe-oublie/', '/courriels/arret/')  # the rest is a secret: '*'


def loggable(path):
    """The path as a log may keep it: a secret after one of SECRET_PREFIXES is written '*'."""
    for prefix in SECRET_PREFIXES:
        if path.startswith(prefix):
            return prefix + '*'
    return path


def wrap(wsgi_app):
    """`wsgi_app` with its requests logged; keeps .bottle (the Bottle app, which lanes.py and the
    tests reach through it)."""
    def app(environ, start_response):
        if not logger.isEnabledFor(logging.INFO):
            return wsgi_app(environ, start_response)
        exchange = Exchange(environ, start_response)
        try:
            body = wsgi_app(environ, exchange.start)
        except Exception:         # the server answers 500 and logs the traceback itself
            exchange.status = '500'
            exchange.log()
            raise
        return exchange.follow(body)
    app.bottle = getattr(wsgi_app, 'bottle', wsgi_app)
    return app


class Exchange:
    """One request, from the call of the app until the server closes what the app returned (the
    body is then sent, or the client has gone): that is when the line is written, so that a
    streamed file is counted and timed whole."""
    __slots__ = ('environ', 'path', 'start_response', 'started', 'status', 'sent', 'body',
                 'close_body', 'file', 'file_start', 'logged')

    def __init__(self, environ, start_response):
        self.environ, self.start_response = environ, start_response
        # as the server gave it: Bottle replaces PATH_INFO with its UTF-8 reading
        self.path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
        self.path = loggable(self.path)
        self.started = time.perf_counter()
        self.status, self.sent, self.file, self.logged = '-', 0, None, False

    def start(self, status, headers, exc_info=None):
        self.status = status[:3]
        return self.start_response(status, headers, exc_info)

    def follow(self, body):
        """What the server will send: the app's iterable, counted; or, for a file handed to the
        server's file wrapper, that very object (waitress sends it from its socket thread and frees
        the worker thread at once: wrapping it would keep a thread busy for a whole download), with
        only its close hooked, the bytes being how far the server read the file."""
        self.body = body
        self.close_body = getattr(body, 'close', None)
        wrapper = self.environ.get('wsgi.file_wrapper')
        if isinstance(wrapper, type) and isinstance(body, wrapper):
            self.file = getattr(body, 'file', None) or getattr(body, 'filelike', None)
            self.file_start = _tell(self.file)
            body.close = self.close
            return body
        return self

    def __iter__(self):
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self):
        try:
            if self.file is not None and self.file_start is not None:
                end = _tell(self.file)
                self.sent = end - self.file_start if end is not None else 0
            if self.close_body is not None:
                self.close_body()
        finally:
            self.close_body = self.body = self.file = None     # no cycle left through the body
            self.log()

    def log(self):
        if self.logged:           # a server may close twice
            return
        self.logged = True
        environ = self.environ
        logger.info(LINE, _field(environ.get('REMOTE_ADDR') or '-'),
                    _field(environ.get('REQUEST_METHOD', '-')), _field(self.path, SAFE_IN_PATH),
                    self.status, self.sent, (time.perf_counter() - self.started) * 1000)


def _field(text, safe=''):
    """`text` as one field of the line: what could split the line or the field is %-escaped (the
    server gives the path %-decoded, as latin-1 characters for its bytes)."""
    if not UNSAFE.search(text):
        return text or '-'
    try:
        raw = text.encode('latin-1')
    except UnicodeEncodeError:
        raw = text.encode('utf-8', 'backslashreplace')
    return quote(raw, safe=safe) or '-'


def _tell(file):
    try:
        return file.tell()
    except (AttributeError, OSError, ValueError):
        return None


class Formatter(logging.Formatter):
    """'%(asctime)s %(message)s', the time as the error log writes it (lines of both files can be
    matched), with the date and time of the current second formatted once, not on every line."""

    def __init__(self):
        super().__init__('%(asctime)s %(message)s')
        self.second, self.stamp = None, ''

    def formatTime(self, record, datefmt=None):
        second = int(record.created)
        if second != self.second:
            self.stamp = time.strftime(self.default_time_format, self.converter(second))
            self.second = second
        return '%s,%03d' % (self.stamp, record.msecs)


def next_month(timestamp):
    """The first moment (UTC) of the month after `timestamp`'s, as a timestamp."""
    year, month = time.gmtime(timestamp)[:2]
    return calendar.timegm((year + month // 12, month % 12 + 1, 1, 0, 0, 0))


class RotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log file (the access log and the error log) rotated at its size limit and at the turn of
    each month (UTC), so that a file holds the lines of one month at most: the retention job
    (privacy/retention.py) deletes a rotated file once its month is older than the rule, even on a
    quiet appliance whose file would take years to fill. It decides from a count of what it wrote:
    the standard one, before every line, checks the file's type (two stat calls), formats the line
    a second time and seeks (measured, per request: 41 µs with it, 22 µs with this one)."""
    size = 0
    rollover_at = 0.0

    def emit(self, record):
        try:
            line = self.format(record) + self.terminator
            if self.stream is None:
                self.stream = self._open()
                self.size = self.stream.seek(0, 2)
                last_write = os.fstat(self.stream.fileno()).st_mtime if self.size else record.created
                self.rollover_at = next_month(last_write)
            if self.size and (record.created >= self.rollover_at
                              or (self.maxBytes and self.size + len(line) > self.maxBytes)):
                self.doRollover()
                if self.stream is None:      # delay=True: doRollover left it closed
                    self.stream = self._open()
                self.size = 0
                self.rollover_at = next_month(record.created)
            self.stream.write(line)
            self.stream.flush()
            self.size += len(line)
        except Exception:
            self.handleError(record)
