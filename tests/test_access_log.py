"""The access log (ecole_ent/web/access_log.py), through the real server on a real socket behind
the trusted proxy, as `serve` logs: one line per request in DATA/logs/access.log, and nothing
secret in any log file."""
import contextlib
import datetime
import logging
import os
import re
import time
import urllib.request

import pytest

from ecole_ent import security, server
from ecole_ent.app import create_app
from ecole_ent.models import User
from ecole_ent.paths import resource_dir
from ecole_ent.web import access_log
from tests.conftest import real_server, with_config
from tests.real_http import Browser

VISITOR = '203.0.113.7'              # the client the trusted proxy (127.0.0.1) names
PASSWORD = 'Pl@ce-des-Tilleuls-1987'
JETON = 'SECRET-JETON-6d1f0a'
LINE = re.compile(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\S+) (\S+) (\S+) (\d{3}) (\d+) '
                  r'(\d+\.\d)ms')


# The real server trusts the proxy 127.0.0.1 (the tests' client). Not a module-wide pytestmark:
# with_config parametrizes `config`, which a test with its own @with_config or without `config`
# (the rotation test) cannot take twice or at all.
behind_the_proxy = with_config(server_trusted_proxy='127.0.0.1')


@contextlib.contextmanager
def logging_as_serve(config):
    """The log files as `serve` sets them up (server.log_to_file); put back as they were after."""
    root, access = logging.getLogger(), access_log.logger
    levels, propagate = (root.level, access.level), access.propagate
    server.log_to_file(config)
    try:
        yield config.path('logs')
    finally:
        for logger in (root, access):
            for handler in [h for h in logger.handlers if getattr(h, 'ecole_log', False)]:
                logger.removeHandler(handler)
                handler.close()
        root.setLevel(levels[0])
        access.setLevel(levels[1])
        access.propagate = propagate


@pytest.fixture
def logs(config):
    with logging_as_serve(config) as folder:
        yield folder


class Visitor(Browser):
    """A browser behind the proxy (redirects not followed) that counts what it was sent."""

    def __init__(self, base):
        super().__init__(base, headers={'X-Forwarded-For': VISITOR}, follow_redirects=False)
        self.sent = []                   # (method, path without query, status, body bytes)

    def request(self, path, data=None):
        status, headers, text = super().request(path, data)
        self.sent.append(('GET' if data is None else 'POST', path.partition('?')[0], status,
                          len(self.content)))
        return status, headers, text


def access_lines(logs, count):
    """The access log's lines, once `count` are there (a line is written when the server closes
    the response, which may be just after the client has read it)."""
    deadline = time.monotonic() + 10
    while True:
        path = logs / 'access.log'
        lines = path.read_text(encoding='utf-8').splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


@behind_the_proxy
def test_every_request_leaves_one_line_and_no_secret(logs, live_server, demo, demo_app):
    guardian = demo.first('guardian')
    User.update(password_hash=security.hash_password(PASSWORD)).where(User.id == guardian.id).execute()

    def boom():
        raise RuntimeError('boom for the access log test')
    demo_app.bottle.route('/boom', 'GET', boom)

    visitor = Visitor(live_server)
    assert visitor.request('/connexion?next=/photos&marque=QUERYMARK')[0] == 200
    assert visitor.request('/static/inconnu.css?x=QUERYMARK')[0] == 404   # other paths: sign in
    assert visitor.request('/photos/album/1/envoi', {'titre': 'sans jeton CSRF'})[0] == 400
    assert visitor.request('/carte?jeton=' + JETON)[0] == 403       # from outside the school
    anonymous = visitor.cookie('ecole_anon')
    status, _headers, _page = visitor.form('/connexion', login=guardian.login, password=PASSWORD)
    assert status == 303
    session = visitor.cookie('ecole_session')
    assert visitor.request('/')[0] == 200
    assert visitor.request('/admin')[0] == 403
    assert visitor.request('/static/photos/viewer.js')[0] == 200
    assert visitor.request('/boom?y=QUERYMARK')[0] == 500

    lines = access_lines(logs, len(visitor.sent))
    assert len(lines) == len(visitor.sent)
    logged = [LINE.fullmatch(line) for line in lines]
    assert all(logged), lines
    fields = sorted((m.group(3), m.group(4), int(m.group(5)), int(m.group(6))) for m in logged)
    assert fields == sorted(visitor.sent)
    assert {m.group(2) for m in logged} == {VISITOR}                 # the visitor, not the proxy
    assert all(float(m.group(7)) < 10_000 for m in logged)
    css = (resource_dir('static') / 'photos' / 'viewer.js').stat().st_size
    assert ('GET', '/static/photos/viewer.js', 200, css) in fields     # streamed (stylesheets: web/assets.py)

    everything = '\n'.join(p.read_text(encoding='utf-8') for p in sorted(logs.iterdir()))
    for secret in (PASSWORD, JETON, 'jeton=', session, anonymous, 'QUERYMARK', '?'):
        assert secret not in '\n'.join(lines)
    for secret in (PASSWORD, JETON, session, anonymous, 'QUERYMARK'):
        assert secret not in everything
    error_log = (logs / 'ecole-ent.log').read_text(encoding='utf-8')
    assert 'Traceback' in error_log and 'RuntimeError: boom for the access log test' in error_log
    assert '/static/photos/viewer.js' not in error_log                  # access lines stay apart


@behind_the_proxy
def test_a_path_that_could_forge_a_line_is_escaped(logs, live_server):
    forged = '/static/x%0A2026-01-01%2000:00:00,000%20evil%20GET%20/%20200%200%200.0ms/%C3%A9t%C3%A9'
    Visitor(live_server).request(forged)
    (line,) = access_lines(logs, 1)
    match = LINE.fullmatch(line)
    assert match and match.group(4) == forged and match.group(5) == '404'


@behind_the_proxy
def test_a_file_goes_to_the_server_untouched_and_is_counted_whole(logs, live_server, monkeypatch):
    """Waitress sends a file handed to its wsgi.file_wrapper from its socket thread and frees the
    worker thread at once: the access log must not wrap it (a worker would then be busy for the
    whole download), yet count all its bytes."""
    handed = []
    follow = access_log.Exchange.follow

    def spy(exchange, body):
        sent = follow(exchange, body)
        handed.append(sent is body)
        return sent
    monkeypatch.setattr(access_log.Exchange, 'follow', spy)
    content = urllib.request.urlopen(live_server + '/static/photos/viewer.js', timeout=30).read()
    (line,) = access_lines(logs, 1)
    assert handed == [True] and LINE.fullmatch(line).group(6) == str(len(content))


@behind_the_proxy
def test_no_route_carries_a_secret_in_its_path(demo_app):
    """The access log writes paths as they are (without their query string). A route whose path
    held a secret (a token, a code) would put it in the log: it must be masked in access_log.py
    first, then allowed here."""
    not_secret = {'uai',        # the school's public code, in the public blog's addresses
                  'digest',     # a photo's content hash, served after the permission check only
                  'path',       # a file of static/
                  'size',       # display or thumb
                  'archive',    # a backup's file name (ecole-ent-DATE.tar), for the admin only
                  'token'}      # a calendar feed's (/agenda/<token>.ics): masked in access_log.py
    for route in demo_app.bottle.routes:
        for name, kind in re.findall(r'<(\w+)(?::(\w+))?', route.rule):
            assert kind == 'int' or name in not_secret, f'{route.rule}: is <{name}> a secret?'


@behind_the_proxy
def test_each_server_process_has_its_own_access_log(config, database, logs):
    server.log_to_file(config, 'ecole-ent.2.log')
    access_log.logger.info(access_log.LINE, VISITOR, 'GET', '/', '200', 10, 1.0)
    assert (logs / 'access.2.log').read_text(encoding='utf-8').endswith(' GET / 200 10 1.0ms\n')
    assert not (logs / 'access.log').exists()


@with_config(server_access_log='false')
def test_the_access_log_can_be_turned_off(config, database):
    with logging_as_serve(config) as logs, real_server(config, create_app(config)) as base:
        urllib.request.urlopen(base + '/connexion', timeout=30).read()
        assert not (logs / 'access.log').exists()
        assert not [h for h in access_log.logger.handlers if getattr(h, 'ecole_log', False)]


def test_the_log_file_rotates_at_its_size_limit(tmp_path):
    handler = access_log.RotatingFileHandler(tmp_path / 'access.log', maxBytes=1000,
                                             backupCount=2, encoding='utf-8', delay=True)
    handler.setFormatter(access_log.Formatter())
    record = logging.LogRecord('ecole_ent.access', logging.INFO, __file__, 1, access_log.LINE,
                               (VISITOR, 'GET', '/', '200', 10, 1.0), None)
    for _ in range(50):
        handler.handle(record)
    handler.close()
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ['access.log', 'access.log.1', 'access.log.2']
    for file in files:
        lines = file.read_text(encoding='utf-8').splitlines()
        assert file.stat().st_size <= 1000 and all(LINE.fullmatch(line) for line in lines)
    assert files[1].stat().st_size > 900                 # a rotated file is full


def test_the_log_file_rotates_at_the_turn_of_each_month_even_when_quiet(tmp_path):
    """A quiet appliance never reaches 5 MB: the file still holds one month at most (UTC), so the
    retention job can delete the lines older than its rule; a file last written in an earlier
    month, found at start-up, is rotated at the first line of the new month."""
    def utc(moment):
        return moment.replace(tzinfo=datetime.UTC).timestamp()

    def write(moment, path='/'):
        record = logging.LogRecord('ecole_ent.access', logging.INFO, __file__, 1, access_log.LINE,
                                   (VISITOR, 'GET', path, '200', 10, 1.0), None)
        record.created = utc(moment)
        handler.handle(record)

    def open_handler():
        made = access_log.RotatingFileHandler(tmp_path / 'access.log', maxBytes=5 * 2**20, backupCount=5,
                                              encoding='utf-8', delay=True)
        made.setFormatter(access_log.Formatter())
        return made
    handler = open_handler()
    write(datetime.datetime(2026, 11, 30, 23, 59), '/novembre')
    write(datetime.datetime(2026, 12, 1, 0, 0), '/decembre')
    write(datetime.datetime(2026, 12, 31, 23, 59), '/decembre-encore')
    handler.close()
    assert '/novembre' in (tmp_path / 'access.log.1').read_text() and not (tmp_path / 'access.log.2').exists()
    live = (tmp_path / 'access.log').read_text()
    assert '/decembre' in live and '/decembre-encore' in live and '/novembre' not in live
    january = datetime.datetime(2027, 1, 3, 8, 0)
    os.utime(tmp_path / 'access.log', (utc(january) - 3 * 86400,) * 2)     # last written 31 December
    handler = open_handler()                                                        # a restart in January
    write(january, '/janvier')
    handler.close()
    assert (tmp_path / 'access.log').read_text().count('\n') == 1
    assert '/decembre-encore' in (tmp_path / 'access.log.1').read_text()
    assert '/novembre' in (tmp_path / 'access.log.2').read_text()
