"""Fixtures: a real database per test (SQLite file, or PostgreSQL when ECOLE_TEST_DATABASE_URL is
set), built by the real migrations; the real app through WebTest; the demo school."""
import os
import re
import shutil
from pathlib import Path

import pytest
import webtest

from ecole_ent import db, demo as demo_school, runtime
from ecole_ent.app import create_app
from ecole_ent.models import User

PG_URL = os.environ.get('ECOLE_TEST_DATABASE_URL')


def make_config(data_dir, **overrides):
    environ = {'ECOLE_SECURITY_SECRET_KEY': 'test-secret-key-for-this-run'}
    if PG_URL:
        environ['ECOLE_DATABASE_URL'] = PG_URL
    environ.update({f'ECOLE_{k.upper()}': str(v) for k, v in overrides.items()})
    return runtime.open_config(data_dir, environ=environ)


def reset_postgres():
    """A clean public schema for the next test (PostgreSQL has no per-test file to throw away)."""
    database = db.database
    database.execute_sql('DROP SCHEMA public CASCADE')
    database.execute_sql('CREATE SCHEMA public')
    db.close()


@pytest.fixture(scope='session')
def demo_template(tmp_path_factory):
    """SQLite only: the migrated demo database built once, copied for each test that wants it."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp('demo-template')
    config = make_config(folder)
    runtime.open_database(config, auto_migrate=True)
    demo_school.seed()
    db.close()
    return folder / 'ecole.db'


@pytest.fixture
def config(tmp_path):
    config = make_config(tmp_path / 'data')
    yield config
    if PG_URL:
        reset_postgres()
    db.close()


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
    runtime.open_database(config, auto_migrate=True)
    demo_school.seed()
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


def pytest_report_header(config):
    return f'database: {"PostgreSQL " + PG_URL if PG_URL else "SQLite (a file per test)"}'


# --- a real browser: Debian's Chromium driven by Playwright ------------------------------------

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
CHROMIUM = os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')


@pytest.fixture
def live_server(demo_app):
    """The demo app on a real waitress, on a free loopback port; yields its base URL."""
    import threading
    from waitress.server import create_server
    server = create_server(demo_app, host='127.0.0.1', port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{server.effective_port}'
    server.close()
    thread.join(5)


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


def browser_sign_in(page, login, password='demo'):
    page.goto(page.base + '/connexion')
    page.get_by_label('Identifiant').fill(login)
    page.get_by_label('Mot de passe').fill(password)
    page.get_by_role('button', name='Se connecter').click()
    page.wait_for_load_state()


def axe_violations(page):
    """axe-core's violations on the current page, as (rule id, impact, node count)."""
    assert AXE.exists(), f'{AXE} is missing: run `npm ci` (tests/run.sh does)'
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v['id'], v['impact'], len(v['nodes'])) for v in result['violations']]
