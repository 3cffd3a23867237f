"""The backups page (/admin/sauvegardes) on the demo school's real data folder, with archives made
by the real backup code: who may reach each route (the admin; the director of a one-school
installation read only; nobody else; the director refused once there are two schools), what it
shows (dates in full, sizes, verified or not, the free space, the last nightly run, the restore
command), a backup started from the page (in a worker thread, never two at once), the audited
download (by a listed name only), the headers over a real socket, and the page in Chromium at
390 x 844 (axe-core, no horizontal scrolling)."""
import json
import re
import threading

import pytest

from ecole_ent import scheduler
from ecole_ent.errors import EcoleError
from ecole_ent.i18n import datetime_fr
from ecole_ent.maintenance import backup, page, service
from ecole_ent.models import AuditEvent, JobLease, JobRun, School
from ecole_ent.web.render import static
from tests.conftest import screenshot
from tests.homework.test_browser import clean, fits, open_page, visit  # noqa: F401 (a fixture)
from tests.homework.test_browser import signed_in as browser_signed_in
from tests.real_http import Browser

ROUTES = [('GET', '/admin/sauvegardes'), ('POST', '/admin/sauvegardes'), ('GET', '/admin/sauvegardes/{archive}'),
          ('POST', '/admin/sauvegardes/{archive}/verifier')]
WHO = ('admin', 'director', 'teacher', 'guardian', 'staff', 'pupil')
MATRIX = {
    ROUTES[0]: (200, 200, 403, 403, 403, 403),
    ROUTES[1]: (303, 403, 403, 403, 403, 403),
    ROUTES[2]: (200, 403, 403, 403, 403, 403),
    ROUTES[3]: (303, 403, 403, 403, 403, 403),
}
LOGINS = {'admin': 'admin', 'director': 'sophie.lefevre-martin', 'teacher': 'julien.roux',
          'guardian': 'aurelie.dubois', 'staff': 'nadia.belkacem', 'pupil': 'zoe.dubois'}


@pytest.fixture
def made(config, demo):
    """One real backup of the demo's data folder, made as the nightly job makes it."""
    result = service.make_backup(config, reason='nocturne')
    yield result
    page.wait_for_workers()


def client_of(signed_in, demo, who):
    return signed_in(demo.user(LOGINS[who]))


def post_start(client):
    return client.post('/admin/sauvegardes', {'csrf_token': client.csrf('/admin/sauvegardes')}, expect_errors=True)


def test_every_backups_route_is_in_the_matrix(demo_app):
    declared = {(r.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', r.rule)) for r in demo_app.bottle.routes
                if r.name and r.name.startswith('maintenance.')}
    assert declared == set(MATRIX)


@pytest.mark.parametrize('method,path', ROUTES)
def test_who_may_reach_each_backups_route(made, demo, signed_in, method, path):
    name = made.path.rsplit('/', 1)[1]
    for who, expected in zip(WHO, MATRIX[(method, path)]):
        client = client_of(signed_in, demo, who)
        if method == 'GET':
            got = client.get(path.format(archive=name), expect_errors=True)
        else:
            got = client.post(path.format(archive=name), {'csrf_token': client.csrf('/compte')}, expect_errors=True)
        assert got.status_int == expected, (who, method, path, got.status_int)
        page.wait_for_workers()


def test_with_two_schools_the_director_is_refused(made, demo, signed_in):
    School.create(uai='0069999Z', name='École des Tilleuls')
    got = client_of(signed_in, demo, 'director').get('/admin/sauvegardes', expect_errors=True)
    assert got.status_int == 403 and 'réservées à l’administrateur' in got.text
    assert client_of(signed_in, demo, 'admin').get('/admin/sauvegardes').status_int == 200


def test_the_page_lists_the_real_backups_with_date_size_and_whether_verified(config, made, demo, signed_in):
    second = service.make_backup(config, reason='manuelle')
    with open(made.path, 'ab') as f:            # changed since it was checked: no longer « vérifiée »
        f.write(b'\0' * 1024)
    text = client_of(signed_in, demo, 'admin').get('/admin/sauvegardes').text
    archives = page.list_backups(service.backup_dir(config))
    assert [a.path for a in archives] == [second.path, made.path]          # newest first
    assert [a.verified for a in archives] == [True, False]
    items = re.findall(r'<li class="backup-item">(.*?)</li>', text, re.S)
    assert len(items) == 2
    assert datetime_fr(archives[0].at) in items[0] and re.search(r'(lundi|mardi|mercredi|jeudi|vendredi|samedi|'
                                                                  r'dimanche) \d+ \w+ 20\d\d à \d\d:\d\d', items[0])
    assert re.search(r'\d+,\d Mo', items[0]) and 'sauvegarde manuelle' in items[0] and '>vérifiée<' in items[0]
    assert '>non vérifiée<' in items[1] and 'sauvegarde nocturne' not in items[1]   # the ledger no longer vouches
    assert f'<code>ecole-ent --data {config.data_dir} restore {made.path}</code>' in items[1]
    assert re.search(r'Espace libre sur ce disque : <strong>\d+,\d (Mo|Go)</strong>', text)
    command = f'ecole-ent --data {config.data_dir} restore {second.path}'
    assert f'<code>{command}</code>' in text
    assert 'restore' not in ' '.join(re.findall(r'<form[^>]*>', text))      # restoring is never a button


def test_the_director_of_a_one_school_install_reads_the_page_without_acting(made, demo, signed_in):
    client = client_of(signed_in, demo, 'director')
    text = client.get('/admin/sauvegardes').text
    assert made.path.rsplit('/', 1)[1] in text and 'vérifiée' in text and 'sans pouvoir agir' in text
    assert 'Faire une sauvegarde maintenant' not in text and 'Télécharger' not in text
    assert post_start(client).status_int == 403


def test_a_backup_started_from_the_page_runs_in_a_worker_and_a_second_start_is_refused(config, made, demo,
                                                                                        signed_in, monkeypatch):
    gate, real = threading.Event(), service.make_backup

    def held_backup(*args, **kwargs):       # the backup waits until the test lets it go
        assert gate.wait(60)
        return real(*args, **kwargs)
    monkeypatch.setattr(service, 'make_backup', held_backup)
    admin = client_of(signed_in, demo, 'admin')
    before = len(page.list_backups(service.backup_dir(config)))
    started = post_start(admin)
    assert started.status_int == 303            # answered while the backup is still held
    shown = admin.get('/admin/sauvegardes').text
    assert 'Sauvegarde lancée' in shown and 'Sauvegarde en cours' in shown
    assert static('maintenance/backups.js') in shown and 'Faire une sauvegarde maintenant' not in shown
    assert '<meta http-equiv="refresh"' not in shown and 'Actualiser l’état</a>' in shown   # no forced reload
    partial = config.data_dir / 'backups' / '.ecole-ent-20261204-100000.tar.partial'    # as the writer names it
    partial.write_bytes(b'\0' * 3 * 2**20)
    assert re.search(r'Sauvegarde en cours</strong>\s*depuis \d\d:\d\d \(3,0 Mo écrits\)\.',
                     admin.get('/admin/sauvegardes').text)
    partial.unlink()
    again = post_start(admin)
    assert again.status_int == 303
    assert 'Une sauvegarde est déjà en cours' in admin.get('/admin/sauvegardes').text
    assert len(page._workers) == 1               # the second click started nothing
    gate.set()
    page.wait_for_workers()
    after = admin.get('/admin/sauvegardes').text
    archives = page.list_backups(service.backup_dir(config))
    assert len(archives) == before + 1 and archives[0].verified and archives[0].reason == 'depuis cette page'
    assert 'Sauvegarde en cours' not in after and static('maintenance/backups.js') not in after
    assert re.search(r'Dernière sauvegarde lancée depuis cette page</h3>\s*<p class="backup-run">'
                     r'<span class="status status-ok">réussie</span>', after)
    assert AuditEvent.select().where(AuditEvent.action == 'backup.started').count() == 1


def test_a_failed_backup_from_the_page_says_why_in_french(config, made, demo, signed_in, set_option, tmp_path):
    blocker = tmp_path / 'pas-un-dossier'
    blocker.write_text('x')
    set_option('backup.dir', str(blocker))
    admin = client_of(signed_in, demo, 'admin')
    assert post_start(admin).status_int == 303
    page.wait_for_workers()
    text = admin.get('/admin/sauvegardes').text
    assert re.search(r'<span class="status status-refused">échec</span> \w+ \d+ \w+ 20\d\d à \d\d:\d\d · '
                     r'Impossible d’écrire la sauvegarde dans', text)
    assert f'Le dossier des sauvegardes {blocker} est illisible' in text      # said, not a 500
    assert admin.get(f'/admin/sauvegardes/{made.path.rsplit("/", 1)[1]}', expect_errors=True).status_int == 404


def test_the_last_nightly_run_shows_its_success_then_its_failure_and_why(config, demo, signed_in, set_option,
                                                                       tmp_path):
    scheduler.configure(config)
    scheduler.run_now('backup.nightly')             # as the scheduler runs it: never backed up, so due
    admin = client_of(signed_in, demo, 'admin')
    newest = page.list_backups(service.backup_dir(config))[0]
    assert re.search(rf'<span class="status status-ok">réussie</span> [^<]* · {newest.name}',
                     admin.get('/admin/sauvegardes').text)
    blocker = tmp_path / 'pas-un-dossier'
    blocker.write_text('x')
    set_option('backup.dir', str(blocker))
    status_file = config.data_dir / backup.STATUS_FILE
    status = json.loads(status_file.read_text())
    status_file.write_text(json.dumps(dict(status, at=status['at'] - 2 * 86400)))   # due again
    with pytest.raises(EcoleError, match='La tâche backup.nightly a échoué'):
        scheduler.run_now('backup.nightly')
    text = admin.get('/admin/sauvegardes').text
    assert re.search(r'Dernière sauvegarde de nuit</h3>\s*<p class="backup-run"><span class="status '
                     r'status-refused">échec</span> [^<]* · Impossible d’écrire la sauvegarde dans', text)


@pytest.mark.parametrize('name', ['ecole.db', '.verified.json', 'ecole-ent-20000101-000000.tar', '..%2Fecole.db',
                                  '%2E%2E%2F%2E%2E%2Fecole-ent.ini', 'last-backup.json'])
def test_a_name_not_in_the_list_is_not_found(made, demo, signed_in, name):
    got = client_of(signed_in, demo, 'admin').get(f'/admin/sauvegardes/{name}', expect_errors=True)
    assert got.status_int == 404
    assert AuditEvent.select().where(AuditEvent.action == 'backup.downloaded').count() == 0


def test_the_admin_downloads_an_archive_and_it_is_audited(made, demo, signed_in):
    name = made.path.rsplit('/', 1)[1]
    got = client_of(signed_in, demo, 'admin').get(f'/admin/sauvegardes/{name}')
    with open(made.path, 'rb') as f:
        assert got.body == f.read()
    assert got.headers['Content-Type'] == 'application/x-tar'
    event = AuditEvent.get(AuditEvent.action == 'backup.downloaded')
    assert event.actor.login == 'admin' and event.target == name


def test_over_a_real_socket_the_download_is_an_attachment_and_the_page_is_not_cached(made, live_server):
    name = made.path.rsplit('/', 1)[1]
    browser = Browser(live_server).sign_in('admin')
    status, headers, text = browser.request('/admin/sauvegardes')
    assert status == 200 and name in text and headers['Cache-Control'] == 'no-store'
    with browser.open(f'/admin/sauvegardes/{name}') as response:
        body = response.read()
        assert response.status == 200
        assert response.headers['Content-Disposition'] == (f'attachment; filename="{name}"; '
                                                            f"filename*=UTF-8''{name}")
        assert response.headers['Cache-Control'] == 'no-store'
    assert body == open(made.path, 'rb').read()
    status, _headers, _text = browser.request('/admin/sauvegardes/ecole.db')
    assert status == 404


@pytest.mark.browser
@pytest.mark.parametrize('login', ['admin', 'sophie.lefevre-martin'])
def test_the_page_on_a_phone_is_clean_and_fits(made, config, open_page, login):  # noqa: F811
    service.make_backup(config, reason='manuelle')
    with open(made.path, 'ab') as f:            # no longer « vérifiée »: the admin gets « Vérifier »
        f.write(b'\0' * 1024)
    phone = browser_signed_in(open_page(390, 844, mobile=True), login)
    visit(phone, '/admin/sauvegardes')
    assert phone.locator('li.backup-item').count() == 2
    assert phone.locator('li.backup-item summary').first.bounding_box()['height'] >= 44
    phone.locator('li.backup-item summary').first.click()      # the long command wraps inside the screen
    assert phone.locator('li.backup-item pre code').first.is_visible()
    fits(phone, 390)
    clean(phone)
    screenshot(phone, f'backups-{login}-phone')
    buttons = phone.get_by_role('button', name='Faire une sauvegarde maintenant')
    verify = phone.get_by_role('button', name=re.compile('^Vérifier la sauvegarde du '))
    assert verify.count() == (1 if login == 'admin' else 0)
    if login == 'admin':
        assert buttons.bounding_box()['height'] >= 44 and verify.bounding_box()['height'] >= 44
        buttons.click()
        phone.wait_for_load_state()
        page.wait_for_workers()
        phone.reload()
        assert phone.locator('li.backup-item').count() == 3
        fits(phone, 390)
        clean(phone)
    else:
        assert buttons.count() == 0


def test_the_admin_finds_the_page_from_the_administration_home(demo, signed_in):
    assert 'href="/admin/sauvegardes">Sauvegardes</a>' in client_of(signed_in, demo, 'admin').get('/admin').text


def test_the_director_of_a_one_school_install_finds_the_page_from_the_school_page_and_no_longer_with_two(
        demo, signed_in):
    director = client_of(signed_in, demo, 'director')
    school_page = f'/admin/ecoles/{demo.user(LOGINS["director"]).school_id}'
    assert 'href="/admin/sauvegardes">Sauvegardes</a>' in director.get(school_page).text
    School.create(uai='0069999Z', name='École des Tilleuls')
    assert '/admin/sauvegardes' not in director.get(school_page).text


def test_with_postgresql_the_page_says_to_use_pg_dump_and_starts_nothing(made, demo, signed_in, set_option):
    set_option('database.url', 'postgresql://ecole@localhost/ecole')
    admin = client_of(signed_in, demo, 'admin')
    text = admin.get('/admin/sauvegardes').text
    assert 'ne couvre que SQLite' in text and 'pg_dump' in text and 'Faire une sauvegarde maintenant' not in text
    assert post_start(admin).status_int == 303 and page._workers == []
    shown = admin.get('/admin/sauvegardes').text
    flashed = re.search(r'<div class="flash flash-error"[^>]*>.*?<p>(.*?)</p>', shown, re.S)
    assert flashed and 'ne couvre que SQLite' in flashed.group(1)


def test_the_audit_log_names_the_download(made, demo, signed_in):
    admin = client_of(signed_in, demo, 'admin')
    admin.get(f'/admin/sauvegardes/{made.path.rsplit("/", 1)[1]}')
    assert 'Sauvegarde téléchargée' in admin.get('/admin/journal').text


def test_a_failed_copy_to_the_second_destination_is_shown(config, demo, signed_in, set_option, tmp_path):
    blocker = tmp_path / 'cle-usb'
    blocker.write_text('x')
    set_option('backup.copy_to', str(blocker))
    result = service.make_backup(config)
    assert result.copy_error
    text = client_of(signed_in, demo, 'admin').get('/admin/sauvegardes').text
    assert re.search(r'<span class="status status-refused">dernière copie en échec</span> La copie vers la '
                     r'seconde destination', text)
    assert page.list_backups(service.backup_dir(config))[0].verified      # the archive itself is good


def test_a_failed_nightly_backup_is_a_line_to_do_on_the_admin_and_director_homes(config, demo, signed_in,
                                                                                set_option, tmp_path):
    line = re.compile(r'<a href="/admin/sauvegardes"><span class="badge">1</span> <span>point à vérifier dans '
                      r'les sauvegardes</span></a>')
    assert not line.search(client_of(signed_in, demo, 'director').get('/').text)     # never backed up: no alarm
    blocker = tmp_path / 'pas-un-dossier'
    blocker.write_text('x')
    set_option('backup.dir', str(blocker))
    scheduler.configure(config)
    with pytest.raises(EcoleError):
        scheduler.run_now('backup.nightly')
    for who in ('director', 'admin'):
        assert line.search(client_of(signed_in, demo, who).get('/').text), who
    assert 'sauvegardes' not in client_of(signed_in, demo, 'teacher').get('/').text
    School.create(uai='0069999Z', name='École des Tilleuls')
    assert not line.search(client_of(signed_in, demo, 'director').get('/').text)    # not theirs to see any more


def test_the_admin_verifies_an_archive_the_page_knows_nothing_about(config, made, demo, signed_in):
    (config.data_dir / 'backups' / backup.VERIFIED_FILE).unlink()       # as from an older version
    admin = client_of(signed_in, demo, 'admin')
    name = made.path.rsplit('/', 1)[1]
    assert '>non vérifiée<' in admin.get('/admin/sauvegardes').text
    token = admin.csrf('/admin/sauvegardes')
    assert admin.post(f'/admin/sauvegardes/{name}/verifier', {'csrf_token': token}).status_int == 303
    page.wait_for_workers()
    text = admin.get('/admin/sauvegardes').text
    assert 'Vérification lancée' in text and '>vérifiée<' in text and '>non vérifiée<' not in text
    assert 'sauvegarde nocturne' in text                          # its reason, read from its manifest
    assert re.search(rf'Dernière vérification demandée</h3>\s*<p class="backup-run"><span class="status '
                     rf'status-ok">réussie</span> [^<]* · {name}', text)


def test_a_damaged_archive_fails_its_verification_and_says_why(config, made, demo, signed_in):
    with open(made.path, 'r+b') as f:          # a byte changed in the middle of the database
        f.seek(made.size // 2)
        byte = f.read(1)
        f.seek(made.size // 2)
        f.write(bytes([byte[0] ^ 0xFF]))
    admin = client_of(signed_in, demo, 'admin')
    name = made.path.rsplit('/', 1)[1]
    text = admin.get('/admin/sauvegardes').text
    assert '>non vérifiée<' in text and f'/admin/sauvegardes/{name}/verifier' in text
    admin.post(f'/admin/sauvegardes/{name}/verifier', {'csrf_token': admin.csrf('/admin/sauvegardes')})
    page.wait_for_workers()
    text = admin.get('/admin/sauvegardes').text
    failed = re.search(rf'<span class="status status-refused">échec</span> [^<]* · {name} : ([^<]+)</p>', text)
    assert failed and re.search(r'(empreinte|illisible|endommag|diffère|intègre|attendu)', failed.group(1)), failed
    assert '>non vérifiée<' in text
    nightly = JobLease.get_or_none(JobLease.name == 'backup.nightly')    # a failed check: no failed backup
    assert nightly is None or (nightly.failures == 0 and nightly.last_error is None)
    assert not JobRun.select().where(JobRun.error.is_null(False)).exists()
    missing = admin.post('/admin/sauvegardes/ecole.db/verifier', {'csrf_token': admin.csrf('/admin/sauvegardes')},
                         expect_errors=True)
    assert missing.status_int == 404


@pytest.mark.parametrize('content', ['{"nightly": {"at": "hier"}, "manual": 3}', '[1, 2]', '{pas du json'])
def test_a_damaged_record_of_the_last_runs_never_breaks_the_page(config, made, demo, signed_in, content):
    (config.data_dir / backup.RUNS_FILE).write_text(content)
    admin = client_of(signed_in, demo, 'admin')
    text = admin.get('/admin/sauvegardes').text
    assert 'Aucune sauvegarde de nuit encore faite.' in text and made.path.rsplit('/', 1)[1] in text
    assert admin.get('/').status_int == 200             # the home's « À faire » line reads it too
