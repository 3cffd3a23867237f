"""Fixtures: a real database per test (SQLite file, or PostgreSQL when ECOLE_TEST_DATABASE_URL is
set), built by the real migrations; the real app through WebTest; the demo school."""
import contextlib
import io
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlsplit

import pytest
import webtest
from peewee import IntegrityError
from PIL import Image

from ecole_ent import db, runtime
from ecole_ent import demo as demo_school
from ecole_ent.app import create_app
from ecole_ent.models import Classroom, GuardianLink, User

PG_URL = os.environ.get('ECOLE_TEST_DATABASE_URL')
# The day the tests' demo school is made: its homework follows the school calendar of the day it
# is seeded, so the tests seed it on a fixed day (Friday 4 December 2026, 10:00 in Paris, naive
# UTC), whatever the day they run on; tests/homework/conftest.py's clock stops there too.
DEMO_NOW = datetime(2026, 12, 4, 9, 0)


def seed_demo():
    """The demo school, seeded as on DEMO_NOW (the homework's, the liaison's, the messages' and the
    statistics' clocks)."""
    from ecole_ent.homework import service as homework
    from ecole_ent.liaison import service as liaison
    from ecole_ent.messages import service as messages
    from ecole_ent.stats import query as stats
    real = homework.clock, liaison.clock, messages.clock, stats.clock
    homework.clock = liaison.clock = messages.clock = stats.clock = lambda: DEMO_NOW
    try:
        return demo_school.seed()
    finally:
        homework.clock, liaison.clock, messages.clock, stats.clock = real


def make_config(data_dir, **overrides):
    environ = {'ECOLE_SECURITY_SECRET_KEY': 'test-secret-key-for-this-run'}
    if PG_URL:
        environ['ECOLE_DATABASE_URL'] = PG_URL
    environ.update({f'ECOLE_{k.upper()}': str(v) for k, v in overrides.items()})
    return runtime.open_config(data_dir, environ=environ)


class PostgresState:
    """Brings the PostgreSQL test database to the state a test needs, as cheaply as possible.

    'blank': an empty public schema (what a fresh SQLite file is). 'empty': migrated, no rows: the
    schema is built once, then emptied with DELETE (children first) and its sequences rewound, for
    each test: measured 5 ms, where TRUNCATE of the same tables took 70 ms and DROP SCHEMA +
    migrations 236 ms. 'demo': the demo school, seeded once, kept in the schema ecole_test_demo and
    copied back with INSERT ... SELECT for each test: 47 ms, where seeding takes 540 ms. The state
    is read from the catalog each time, so a test that changes the schema costs a rebuild, never a
    wrong state.
    """
    TEMPLATE = 'ecole_test_demo'

    def __init__(self, url):
        from peewee import PostgresqlDatabase
        parts = urlparse(url)
        self.db = PostgresqlDatabase(parts.path.lstrip('/'), user=parts.username,
                                     password=parts.password, host=parts.hostname,
                                     port=parts.port or 5432)
        self.migrated = None        # the table set right after migrating, this session
        self.order = []             # those tables, parents first
        self.sequences = []         # (table, column, sequence) of every serial column
        self.demo_tables = None     # the table set the demo template was taken from
        self.demo_max = {}          # sequence -> largest id in the demo template

    def sql(self, statement, params=None):
        return self.db.execute_sql(statement, params)

    def tables(self):
        return {row[0] for row in self.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}

    def blank(self):
        db.close_all()
        if self.tables():
            self.sql('DROP SCHEMA public CASCADE')
            self.sql('CREATE SCHEMA public')

    def rewind(self, maxima):
        if self.sequences:
            self.sql('SELECT ' + ', '.join(
                f"setval('{seq}', {maxima.get(seq) or 1}, {'true' if maxima.get(seq) else 'false'})"
                for _table, _column, seq in self.sequences))

    def empty(self):
        from ecole_ent import migrations
        db.close_all()
        tables = self.tables()
        version = (self.sql('SELECT max(version) FROM schema_version').fetchone()[0]
                   if 'schema_version' in tables else 0)
        if tables == self.migrated and version == len(migrations.STEPS):
            try:
                self.sql('; '.join(f'DELETE FROM "{t}"' for t in reversed(self.order)))
            except IntegrityError:      # a cycle of foreign keys: TRUNCATE handles it, slower
                self.sql('TRUNCATE ' + ', '.join(f'"{t}"' for t in self.order) + ' CASCADE')
            self.rewind({})
            return
        self.blank()
        db.init_db(PG_URL)
        migrations.run()
        db.close_all()
        self.migrated = self.tables()
        self.order = db.tables_in_order(self.db)
        self.sequences = [(table, column, self.sql('SELECT pg_get_serial_sequence(%s, %s)',
                                                   (f'"{table}"', column)).fetchone()[0])
                          for table, column in self.sql(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = 'public' AND column_default LIKE 'nextval(%%'").fetchall()]

    def demo(self, folder):
        self.empty()
        if self.demo_tables != self.migrated:
            config = make_config(folder)
            runtime.open_database(config, auto_migrate=True)
            seed_demo()
            db.close_all()
            self.demo_media = folder / 'media'       # the demo's photos, copied for each test
            self.sql(f'DROP SCHEMA IF EXISTS {self.TEMPLATE} CASCADE')
            self.sql(f'CREATE SCHEMA {self.TEMPLATE}')
            for table in self.order:
                self.sql(f'CREATE TABLE {self.TEMPLATE}."{table}" AS TABLE public."{table}"')
            self.demo_max = {seq: self.sql(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]
                             for table, column, seq in self.sequences}
            self.demo_tables = self.migrated
            return
        self.sql('; '.join(f'INSERT INTO public."{t}" SELECT * FROM {self.TEMPLATE}."{t}"'
                           for t in self.order))
        self.rewind(self.demo_max)

    def prepare(self, request, tmp_path_factory):
        names = request.fixturenames
        if 'demo' in names:
            self.demo(tmp_path_factory.mktemp('pg-demo'))
        elif 'database' in names:
            self.empty()
        else:
            self.blank()
        self.db.close()


PG_STATE = PostgresState(PG_URL) if PG_URL else None


def reset_postgres():
    """A clean public schema for the next step (PostgreSQL has no per-test file to throw away)."""
    PG_STATE.blank()


@pytest.fixture(autouse=True)
def postgres_state(request, tmp_path_factory):
    """PostgreSQL: the state this test starts from (see PostgresState); closes the pools after."""
    if PG_STATE is not None:
        PG_STATE.prepare(request, tmp_path_factory)
    yield
    if PG_STATE is not None:
        db.close_all()


@pytest.fixture(scope='session')
def demo_template(tmp_path_factory):
    """SQLite only: the migrated demo database built once, copied for each test that wants it."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp('demo-template')
    config = make_config(folder)
    runtime.open_database(config, auto_migrate=True)
    seed_demo()
    db.close()
    return folder / 'ecole.db'


@pytest.fixture
def config(request, tmp_path):
    """This test's configuration, in its own data folder. Options are overridden by indirect
    parametrization with a dict of ECOLE_* names in lowercase (see with_config), so that the
    database, the demo and the app fixtures built on it all see them."""
    config = make_config(tmp_path / 'data', **getattr(request, 'param', {}))
    yield config
    from ecole_ent.stats import recorder  # the statistics' events queued by this test stay with it
    recorder.RECORDER.reset()
    db.close_all()


def with_config(**overrides):
    """Decorator: the test's `config` (and the app built on it) with these options, e.g.
    @with_config(photos_full_edge=1200) for ECOLE_PHOTOS_FULL_EDGE=1200."""
    label = ','.join(f'{key}={value}' for key, value in overrides.items())
    return pytest.mark.parametrize('config', [overrides], indirect=True, ids=[label])


@pytest.fixture
def set_option(monkeypatch):
    """set_option('photos.unknown_consent_is_refused', False): one option of the running
    configuration changed for the rest of this test; the features read their settings again."""
    def set_to(name, value):
        monkeypatch.setitem(runtime.current.config, name, value)
        runtime.changed()
    yield set_to
    runtime.changed()


@pytest.fixture
def database(config):
    runtime.open_database(config, auto_migrate=True)
    return db.database


@pytest.fixture
def demo(config, demo_template):
    """The demo school, seeded into this test's database; returns the DemoSchool object."""
    if demo_template is not None:
        shutil.copy(demo_template, config.data_dir / 'ecole.db')
        shutil.copytree(demo_template.parent / 'media', config.data_dir / 'media', dirs_exist_ok=True)
        runtime.open_database(config, auto_migrate=True)
        return DemoView()
    # PostgreSQL: postgres_state put the demo rows in; its photos live in the seeding folder.
    shutil.copytree(PG_STATE.demo_media, config.data_dir / 'media', dirs_exist_ok=True)
    runtime.open_database(config, auto_migrate=True)
    return DemoView()


class DemoView:
    """Named demo people, looked up in the test's own database."""

    def user(self, login):
        return User.get(User.login == login)

    def first(self, role):
        return User.with_role(role).order_by(User.login).first()

    @property
    def teacher(self):
        return self.user('julien.roux')

    @property
    def director(self):
        return self.user('sophie.lefevre-martin')

    @property
    def admin(self):
        return self.user('admin')

    @property
    def staff(self):
        return self.user('nadia.belkacem')

    def guardian_with_children_in_two_classes(self):
        from ecole_ent.accounts import service
        for guardian in User.with_role('guardian').order_by(User.login):
            classes = {c.id for _p, c in service.children_of(guardian) if c}
            if len(classes) >= 2:
                return guardian
        raise AssertionError('the demo has no guardian with children in two classes')


def in_another_thread(function):
    """function()'s result from another thread, which has its own database connection (as
    another request or process would); re-raises what it raised."""
    import threading
    outcome = []

    def target():
        try:
            outcome.append((True, function()))
        except Exception as exc:
            outcome.append((False, exc))
        finally:
            db.close()
    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


class Client(webtest.TestApp):
    """WebTest client with a sign-in helper that goes through the real login form."""

    def login(self, login, password='demo'):
        page = self.get('/connexion')
        form = page.forms[0]
        form['login'] = login
        form['password'] = password
        return form.submit()

    def csrf(self, path='/'):
        """The CSRF token shown in a page's forms."""
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text)
        assert match, 'no CSRF token in the page'
        return match.group(1)


class StoppedClock:
    """Features' clocks stopped at one moment: StoppedClock(monkeypatch, at, (module, 'clock'), ...);
    set(moment) moves them all there, later(seconds) that many seconds on, never sleeping. What a
    feature's `clock` fixture returns."""

    def __init__(self, monkeypatch, at, *clocks):
        self.monkeypatch, self.clocks = monkeypatch, clocks
        self.set(at)

    def set(self, moment):
        self.at = moment
        for module, name in self.clocks:
            self.monkeypatch.setattr(module, name, lambda: moment)

    def later(self, seconds):
        self.set(self.at + timedelta(seconds=seconds))


def redirected_to(response):
    """Where a redirect sends the browser: the path and query of its Location (a 303 only), so
    that a test tells "to the home page" from "to the sign-in page" or "to the password page"."""
    assert response.status_int == 303, response.status
    parts = urlsplit(response.headers['Location'])
    return parts.path + ('?' + parts.query if parts.query else '')


def declared_routes(app, prefix):
    """{(method, rule)} of the app's routes whose name starts with `prefix` (a feature's 'pictures.'),
    each <name:filter> written {name}: what a role-matrix test compares its MATRIX with."""
    return {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in app.bottle.routes
            if route.name and route.name.startswith(prefix)}


def migrated_copy(config, folder):
    """`migrate-data` from the test database and its media to a new SQLite file in `folder` (made
    here): its report, {table: line}. The test database is open again afterwards."""
    from ecole_ent.maintenance.migrate_data import migrate_data
    folder.mkdir()
    db.close_all()
    try:
        return migrate_data(config.database_url, f'sqlite:///{folder / "ecole.db"}',
                            media_from=str(Path(config.data_dir) / 'media'), media_to=str(folder / 'media'),
                            out=lambda _line: None)
    finally:
        runtime.open_database(config, auto_migrate=False)


@pytest.fixture
def signed_in(demo_app):
    """signed_in(user) -> a WebTest client holding a real session of user. The session is opened
    by the accounts service, not the login form (tested in tests/accounts), to skip argon2."""
    from ecole_ent.accounts import service as accounts

    def sign_in(user):
        client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.7'})
        client.set_cookie('ecole_session', accounts.open_session(user))
        return client
    return sign_in


@pytest.fixture
def run_cli(config, monkeypatch, capsys):
    """run_cli(*args, expect=0) -> (stdout, stderr) of `ecole-ent --data DATA *args`, in this
    process, on the test's database (build the database or the demo first)."""
    from ecole_ent import cli
    monkeypatch.setenv('ECOLE_SECURITY_SECRET_KEY', 'test-secret-key-for-this-run')
    if PG_URL:
        monkeypatch.setenv('ECOLE_DATABASE_URL', PG_URL)

    def run(*args, expect=0):
        code = cli.main(['--data', str(config.data_dir), *args])
        out, err = capsys.readouterr()
        assert code == expect, err
        return out, err.strip()
    return run


@pytest.fixture
def app(config, database):
    return create_app(config)


@pytest.fixture
def demo_app(config, demo):
    return create_app(config)


@pytest.fixture
def client(app):
    return Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})


@pytest.fixture
def demo_client(demo_app):
    return Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})


# --- shared by several features ---------------------------------------------------------------

def jpeg(color, size=(640, 480)):
    out = io.BytesIO()
    Image.new('RGB', size, color).save(out, 'JPEG')
    return out.getvalue()


def guardians_of(pupil):
    return [link.guardian for link in GuardianLink.select().where(GuardianLink.pupil == pupil)]


def only_guardian_of(pupil, others):
    """A guardian of pupil who is guardian of none of `others`."""
    other_ids = {o.id for o in others}
    for guardian in guardians_of(pupil):
        children = {link.pupil_id for link in GuardianLink.select().where(GuardianLink.guardian == guardian)}
        if not children & other_ids:
            return guardian
    raise AssertionError(f'no guardian of {pupil.login} outside {other_ids}')


@dataclass
class Scene:
    classroom: Classroom
    other_class: Classroom
    album: object
    open: object          # tags only a pupil with consent granted
    refused: object       # tags a pupil whose consent is refused
    unknown: object       # tags a pupil whose consent is unknown
    pupils: dict          # 'granted' | 'refused' | 'unknown' -> pupil of the class
    people: dict          # role name -> User

    def client(self, app, who):
        client = Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
        if who != 'anonymous':
            assert redirected_to(client.login(self.people[who].login)) == '/'
        return client

    def set_consent(self, which, value):
        User.update(image_rights=value).where(User.id == self.pupils[which].id).execute()


@pytest.fixture
def scene(demo, demo_app):
    """A class album with three photos (photos and the blog's public page use it): one showing
    only pupils with consent, one tagging a pupil whose consent is refused, one tagging a pupil
    whose consent is unknown; and the people around."""
    from ecole_ent.accounts import membership
    from ecole_ent.accounts import service as accounts
    from ecole_ent.photos import service
    teacher = demo.teacher                                   # julien.roux teaches CP-CE1
    classroom = Classroom.get(Classroom.name == 'CP-CE1')
    other_class = Classroom.get(Classroom.name == 'CE2-CM1-CM2')
    pupils = accounts.pupils_of(classroom)
    granted, refused, unknown = pupils[0], pupils[1], pupils[2]
    for pupil, value in ((granted, 'granted'), (refused, 'refused'), (unknown, 'unknown')):
        User.update(image_rights=value).where(User.id == pupil.id).execute()
    album = service.create_album(teacher, classroom.id, 'Sortie au parc')
    added, refused_files = service.add_photos(teacher, album, [
        ('parc.jpg', io.BytesIO(jpeg((200, 30, 30)))), ('refus.jpg', io.BytesIO(jpeg((30, 200, 30)))),
        ('inconnu.jpg', io.BytesIO(jpeg((30, 30, 200))))])
    assert refused_files == []
    open_photo, refused_photo, unknown_photo = added
    service.update_photo(teacher, open_photo.id, 'Au parc', [granted.id])
    service.update_photo(teacher, refused_photo.id, 'Le toboggan', [granted.id, refused.id])
    service.update_photo(teacher, unknown_photo.id, 'La balançoire', [unknown.id])
    other_pupil = accounts.pupils_of(other_class)[0]
    people = {
        'teacher': teacher,
        'pupil': granted,
        'refused_pupil': refused,
        'guardian': only_guardian_of(granted, [refused, unknown]),
        'guardian_of_refused': only_guardian_of(refused, [unknown]),
        'guardian_of_unknown': only_guardian_of(unknown, [refused]),
        'director': demo.director,                          # teaches CE2-CM1-CM2, not this class
        'admin': demo.admin,
        'other_pupil': other_pupil,
        'other_guardian': next(g for g in guardians_of(other_pupil)
                               if classroom.id not in membership.class_ids(g)),
        'other_teacher': User.get(User.login == 'ines.haddad'),
    }
    return Scene(classroom, other_class, album, open_photo, refused_photo, unknown_photo,
                 {'granted': granted, 'refused': refused, 'unknown': unknown}, people)


@pytest.fixture
def smtpd():
    """A real SMTP relay on 127.0.0.1 that wants relay.USER / relay.PASSWORD (mail, first run);
    yields its inbox."""
    from tests.mail import relay
    inbox = relay.Inbox()
    controller = relay.start(inbox)
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def slapd(tmp_path):
    """A real OpenLDAP server loaded with the sample school, on a free loopback port (directory,
    first run)."""
    from tests.directory import slapd as server
    if not server.available():
        pytest.skip('slapd (paquet Debian slapd) non installé : tests LDAP sautés')
    instance = server.Slapd(tmp_path / 'slapd').start()
    yield instance
    instance.stop()


def pytest_report_header(config):
    return f'database: {"PostgreSQL " + PG_URL if PG_URL else "SQLite (a file per test)"}'


# --- a real browser: Debian's Chromium driven by Playwright ------------------------------------

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
CHROMIUM = os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')


@contextlib.contextmanager
def real_server(config, application):
    """`application` on a real waitress on a free loopback port, built by server.listen as
    `serve` builds it (lanes, trusted proxy, limits); yields its base URL, then stops it."""
    import threading

    from ecole_ent import server as ecole_server
    srv = ecole_server.listen(config, application, host='127.0.0.1', port=0)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{srv.effective_port}'
    finally:
        srv.close()
        thread.join(5)


@pytest.fixture
def live_server(config, demo_app):
    """The demo app on a real waitress (as `serve` runs it), on a free loopback port; yields its
    base URL."""
    with real_server(config, demo_app) as url:
        yield url


@pytest.fixture(scope='session')
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                  '--disable-background-networking', '--disable-component-update'])
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context (no cookies) at desktop size; page.base is the server's URL.
    Every request the page makes to another host fails the test (no third-party requests)."""
    # bypass_csp lets the test inject axe-core; the CSP itself is checked on the headers.
    context = chromium.new_context(viewport={'width': 1280, 'height': 800}, locale='fr-FR',
                                   bypass_csp=True)
    page = context.new_page()
    page.base = live_server
    foreign = []
    page.on('request', lambda request: foreign.append(request.url)
            if not request.url.startswith((live_server, 'data:', 'blob:')) else None)
    yield page
    context.close()
    assert not foreign, f'requests to other hosts: {foreign}'


@pytest.fixture
def fresh_page(chromium, live_server):
    """fresh_page(browser=None, **options) -> a page in a new context (no cookies) of `browser`
    (the suite's Chromium by default) on the live server, page.base its URL; `options` go to
    new_context (viewport, is_mobile, has_touch, java_script_enabled, permissions...), with
    locale fr-FR and bypass_csp (for axe-core) unless given. As with browser_page, a request to
    another host fails the test; the contexts are closed at the end."""
    contexts, foreign = [], []

    def opened(browser=None, **options):
        context = (browser or chromium).new_context(**{'locale': 'fr-FR', 'bypass_csp': True, **options})
        context.on('request', lambda request: foreign.append(request.url)
                   if not request.url.startswith((live_server, 'data:', 'blob:')) else None)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server
        return page
    yield opened
    for context in contexts:
        context.close()
    assert not foreign, f'requests to other hosts: {foreign}'


def browser_sign_in(page, login, password='demo'):
    page.goto(page.base + '/connexion')
    page.get_by_label('Identifiant').fill(login)
    page.get_by_label('Mot de passe').fill(password)
    page.get_by_role('button', name='Se connecter').click()
    page.wait_for_load_state()


def axe_violations(page):
    """axe-core's violations on the current page, as (rule id, impact, node count)."""
    assert AXE.exists(), f'{AXE} is missing: run `npm ci` (tests/run.sh does)'
    # a click on a link returns once the next page has started: injected before its <head> is
    # parsed, the script had no document to go into (a flaky failure seen under load)
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v['id'], v['impact'], len(v['nodes'])) for v in result['violations']]


ARTEFACTS = Path(os.environ.get('ECOLE_ARTEFACTS', ROOT / 'artefacts'))


def screenshot(page, name):
    """Keep a full-page PNG of what the browser shows as a test artefact (ECOLE_ARTEFACTS, by
    default artefacts/ at the top of the tree, ignored by git): for people to look at, not
    compared by any test."""
    folder = ARTEFACTS / 'screens'
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{name}.png'
    page.screenshot(path=str(path), full_page=True)
    return path
