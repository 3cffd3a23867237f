"""Directory pages through the real app: reports, ONDE upload, cards, letters, QR sign-in."""
import re
import shutil

import pytest

from ecole_ent import security
from ecole_ent.accounts import service as accounts
from ecole_ent.directory import service
from ecole_ent.models import Classroom, Teaching, User
from ecole_ent.models.directory import PupilCard, SyncRun
from tests.conftest import Client, redirected_to, with_config

from .conftest import COMPLET, DELTA, ONDE, UAI, feed_file

PASSWORD = 'un mot de passe solide'


@pytest.fixture
def school(database):
    return accounts.ensure_school(UAI, 'École des Mimosas')


@pytest.fixture
def imported(config, school):
    service.sync_aaf1d([COMPLET], config)
    service.sync_aaf1d([DELTA], config)
    for login in ('olivier.ndiaye', 'claire.lefevre-dubois', 'sophie.rousseau'):
        User.update(password_hash=security.hash_password(PASSWORD), status='active').where(
            User.login == login).execute()
    # AAF1D has no teacher-class link: the director assigns classes (a manual link).
    Teaching.create(teacher=User.get(User.login == 'claire.lefevre-dubois'),
                    classroom=Classroom.get(Classroom.external_id == 'aaf1d:CL10001'))
    return school


def form(page, action):
    """The page's form posting to an address containing ``action`` (the logout form comes first)."""
    (found,) = [f for f in page.forms.values() if action in (f.action or '')]
    return found


def signed_in(client, login):
    client.login(login, PASSWORD)
    return client


def class_id(external_id):
    return Classroom.get(Classroom.external_id == external_id).id


def test_director_sees_runs_and_filters_a_report(client, imported):
    page = signed_in(client, 'olivier.ndiaye').get('/annuaire')
    assert page.status_int == 200 and 'Annuaire académique (changements seulement)' in page.text
    delta = SyncRun.select().where(SyncRun.kind == 'delta').get()
    moved = client.get(f'/annuaire/import/{delta.id}?action=moved')
    assert 'Lucas' in moved.text and 'CP-CE1 Mme Lefèvre-Dubois → CE1-CE2-CM1' in moved.text
    assert 'Chloé' not in moved.text
    found = client.get(f'/annuaire/import/{delta.id}?q=dalmeida')
    assert 'Chloé' in found.text and 'Inès' in found.text and 'Yanis' not in found.text


def test_teachers_and_guardians_cannot_open_the_directory(client, imported):
    signed_in(client, 'claire.lefevre-dubois').get('/annuaire', status=403)
    other = Client(client.app, extra_environ={'REMOTE_ADDR': '10.0.0.6'})
    signed_in(other, 'sophie.rousseau').get('/annuaire', status=403)


def test_a_failed_sync_is_shown_on_the_director_home(config, client, imported, complet):
    path = feed_file(complet, 'Eleve')
    path.write_bytes(path.read_bytes()[:1500])
    service.sync_aaf1d([complet], config)
    home = signed_in(client, 'olivier.ndiaye').get('/')
    assert 'Synchronisation de l’annuaire non appliquée' in home.text and 'tronqué' in home.text
    service.sync_aaf1d([COMPLET], config, force=True)
    assert 'non appliquée' not in client.get('/').text


def test_onde_upload_simulates_then_imports(client, imported):
    signed_in(client, 'olivier.ndiaye')
    page = client.get('/annuaire')
    upload = form(page, '/annuaire/onde')
    files = {name: (f, (ONDE / f).read_bytes()) for name, f in (
        ('eleves', 'CSVExtraction-eleves.csv'), ('responsables', 'CSVExtraction-responsables.csv'))}
    for name, value in files.items():
        upload[name] = [value[0], value[1]]
    before = User.select().count()
    simulated = upload.submit('mode', value='simuler')
    assert 'rien n’a été écrit' in simulated.text and User.select().count() == before
    imported_page = upload.submit('mode', value='importer')
    assert 'Import appliqué' in imported_page.text
    assert User.select().where(User.source == 'onde').count() == 19


def test_cards_sign_a_pupil_in_from_the_school_network_only(client, imported):
    signed_in(client, 'claire.lefevre-dubois')
    cid = class_id('aaf1d:CL10001')
    listing = client.get(f'/annuaire/classe/{cid}')
    cards = form(listing, '/cartes').submit()
    assert cards.text.count('class="segno"') == 3 and 'timeo.faure' in cards.text   # after the delta
    code = re.search(r'Mon code :<br><strong>([a-z0-9 ]+)</strong>', cards.text).group(1)
    pupil_client = Client(client.app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    home = pupil_client.get('/carte?jeton=' + code.replace(' ', '')).follow()
    assert 'Bonjour' in home.text and home.status_int == 200
    outside = Client(client.app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    refused = outside.get('/carte?jeton=' + code.replace(' ', ''), status=403)
    assert 'réseau de l' in refused.text
    assert 'ecole_session' not in outside.cookies


def test_the_short_code_can_be_typed(client, imported):
    signed_in(client, 'claire.lefevre-dubois')
    cards = form(client.get(f'/annuaire/classe/{class_id("aaf1d:CL10001")}'), '/cartes').submit()
    login, code = next(iter(codes_by_login(cards).items()))
    pupil_client = Client(client.app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    typed = form(pupil_client.get('/carte'), '/carte')
    typed['code'] = ' '.join([code[:4].upper(), code[4:].upper()])
    signs_in_as(pupil_client, typed.submit(), login)


def signs_in_as(client, response, login):
    """A card sign-in: the pupil lands on their home page, signed in."""
    assert redirected_to(response) == '/' and 'ecole_session' in client.cookies
    assert f'Bonjour {User.get(User.login == login).first_name}' in response.follow().text


def codes_by_login(page):
    return {login: code.replace(' ', '') for code, login in re.findall(
        r'Mon code :<br><strong>([a-z0-9 ]+)</strong></p>\s*'
        r'<p class="login-card-school meta">([a-z0-9.-]+) ·', page.text)}


def test_revoked_card_and_non_pupil_card_are_refused(client, imported):
    teacher = User.get(User.login == 'claire.lefevre-dubois')
    PupilCard.create(pupil=teacher, token_hash=security.keyed_hash('teachercd', 'card'))
    pupil_client = Client(client.app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    assert 'ne fonctionne pas' in pupil_client.get('/carte?jeton=teachercd', status=403).text
    signed_in(client, 'claire.lefevre-dubois')
    cid = class_id('aaf1d:CL10001')
    codes = codes_by_login(form(client.get(f'/annuaire/classe/{cid}'), '/cartes').submit())
    assert len(codes) == 3
    listing = client.get(f'/annuaire/classe/{cid}')
    [f for f in listing.forms.values() if '/revoquer' in f.action][0].submit()
    with_card = {c.pupil.login for c in PupilCard.select() if c.pupil_id != teacher.id}
    (revoked,) = set(codes) - with_card
    assert 'ne fonctionne pas' in pupil_client.get('/carte?jeton=' + codes[revoked],
                                                   status=403).text
    kept = sorted(with_card)[0]
    signs_in_as(pupil_client, pupil_client.get('/carte?jeton=' + codes[kept]), kept)


def test_another_class_teacher_cannot_print_cards(client, imported):
    signed_in(client, 'claire.lefevre-dubois')
    client.get(f'/annuaire/classe/{class_id("aaf1d:CL10002")}', status=403)


def test_activation_letters_carry_codes_that_work(client, imported):
    signed_in(client, 'olivier.ndiaye')
    cid = class_id('aaf1d:CL10002')
    letters = form(client.get(f'/annuaire/classe/{cid}'), '/lettres').submit()
    assert letters.headers['Cache-Control'] == 'no-store'
    karim = User.get(User.login == 'karim.martin')
    assert letters.html.find(id=f'letter-login-{karim.id}').get_text() == 'karim.martin'
    code = letters.html.find(id=f'letter-code-{karim.id}').get_text().replace(' ', '')
    user = accounts.activate('karim.martin', code, PASSWORD, PASSWORD)
    assert user.status == 'active'


@with_config(directory_source='aaf1d')
def test_sync_now_runs_the_configured_inbox(config, client, imported):
    inbox = service.inbox(config)
    inbox.mkdir(parents=True, exist_ok=True)
    for path in COMPLET.glob('*.xml'):
        shutil.copy(path, inbox / path.name)
    signed_in(client, 'olivier.ndiaye')
    page = form(client.get('/annuaire'), '/synchroniser').submit().follow()
    assert 'Synchronisation terminée' in page.text
    assert SyncRun.select().where(SyncRun.trigger == 'admin').count() == 1


def test_wrong_card_codes_lock_the_address_for_a_while(client, imported):
    pupil_client = Client(client.app, extra_environ={'REMOTE_ADDR': '10.9.9.9'})
    for _attempt in range(20):
        assert 'ne fonctionne pas' in pupil_client.get('/carte?jeton=zzzzzzzz', status=403).text
    signed_in(client, 'claire.lefevre-dubois')
    cards = form(client.get(f'/annuaire/classe/{class_id("aaf1d:CL10001")}'), '/cartes').submit()
    login, code = next(iter(codes_by_login(cards).items()))
    locked = pupil_client.get('/carte?jeton=' + code, status=403)
    assert 'Trop de codes faux' in locked.text
    other = Client(client.app, extra_environ={'REMOTE_ADDR': '10.9.9.10'})
    signs_in_as(other, other.get('/carte?jeton=' + code), login)


def test_menu_entries_lead_teachers_to_their_classes_and_directors_to_the_directory(client, imported):
    page = signed_in(client, 'claire.lefevre-dubois').get('/annuaire/cartes')
    assert 'href="/annuaire"' not in page.text
    (link,) = page.html.select('a.tile')
    assert link['href'] == f'/annuaire/classe/{class_id("aaf1d:CL10001")}'
    director = Client(client.app, extra_environ={'REMOTE_ADDR': '10.0.0.7'})
    page = signed_in(director, 'olivier.ndiaye').get('/annuaire/cartes')
    assert len(page.html.select('a.tile')) == 2 and 'href="/annuaire"' in page.text


def test_a_guardian_downloads_their_childs_year_and_only_theirs(client, imported):
    import io
    import zipfile

    from ecole_ent import hooks
    section = hooks.ARCHIVE_SECTION.add(
        lambda guardian, pupil, classroom: [('blog/index.html', b'<p>blog</p>')])
    try:
        signed_in(client, 'sophie.rousseau')
        page = client.get('/annuaire/archives')
        assert 'Télécharger l’année de Léa' in page.text and 'Noé' in page.text
        lea = User.get(User.login == 'lea.martin-rousseau')
        download = client.get(f'/annuaire/archives/{lea.id}')
        assert download.content_type == 'application/zip'
        with zipfile.ZipFile(io.BytesIO(download.body)) as zipped:
            assert sorted(zipped.namelist()) == ['blog/index.html', 'index.html']
            index = zipped.read('index.html').decode()
        assert 'Léa MARTIN-ROUSSEAU' in index and 'CP-CE1 Mme Lefèvre-Dubois' in index
        assert 'Claire LEFÈVRE-DUBOIS' in index and 'blog/index.html' in index
        other = User.get(User.login == 'timeo.faure')
        client.get(f'/annuaire/archives/{other.id}', status=403)
    finally:
        hooks.ARCHIVE_SECTION.remove(section)
    teacher = Client(client.app, extra_environ={'REMOTE_ADDR': '10.0.0.8'})
    signed_in(teacher, 'claire.lefevre-dubois').get('/annuaire/archives', status=403)


def test_a_bad_onde_upload_is_explained_and_changes_nothing(client, imported):
    signed_in(client, 'olivier.ndiaye')
    upload = form(client.get('/annuaire'), '/annuaire/onde')
    upload['eleves'] = ['photo.jpg', b'\xff\xd8\xff\xe0 not a csv']
    upload['responsables'] = ['r.csv', (ONDE / 'CSVExtraction-responsables.csv').read_bytes()]
    before = User.select().count()
    page = upload.submit('mode', value='importer')
    assert 'eleves.csv : colonne(s)' in page.text and User.select().count() == before
    upload = form(client.get('/annuaire'), '/annuaire/onde')
    upload['eleves'] = ['e.csv', (ONDE / 'CSVExtraction-eleves.csv').read_bytes()]
    page = upload.submit('mode', value='importer')
    assert 'Il faut le fichier des élèves et celui des responsables.' in page.text


def test_the_year_archive_holds_the_blog_and_only_the_photos_the_guardian_may_see(demo_client, demo):
    import io
    import zipfile

    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Album, Photo, User
    from ecole_ent.photos import service as photos
    guardian = User.get(User.login == 'aurelie.dubois')
    children = [(p, c) for p, c in accounts.children_of(guardian) if c]
    demo_client.login('aurelie.dubois')
    checked_a_hidden_photo = False
    for pupil, classroom in children:
        visible = [p for album in Album.select().where(Album.classroom == classroom.id)
                   for p in photos.visible_photos(guardian, album)]
        total = Photo.select().join(Album).where(Album.classroom == classroom.id).count()
        download = demo_client.get(f'/annuaire/archives/{pupil.id}')
        names = zipfile.ZipFile(io.BytesIO(download.body)).namelist()
        assert 'index.html' in names and 'blog.html' in names
        assert len([n for n in names if n.startswith('photos/')]) == len(visible)
        checked_a_hidden_photo |= len(visible) < total
    assert checked_a_hidden_photo, 'no photo of these classes is hidden from this guardian: the demo proves nothing'


@with_config(directory_source='onde')
def test_with_onde_as_source_the_page_says_to_upload_rather_than_promise_a_schedule(client, imported):
    """ONDE exports come from the director's hands: no 'every 6 hours', no 'sync now' button."""
    page = signed_in(client, 'olivier.ndiaye').get('/annuaire')
    assert 'déposez-les ci-dessous' in page.text and 'toutes les' not in page.text
    assert 'Synchroniser maintenant' not in page.text


JARGON = re.compile(r'directory\.|option|--force|aaf1d|ldap_|\bUAI\b|\.xml|/annuaire/aaf')


def visible_text(page):
    """What a reader sees: the page's text, without its markup."""
    return re.sub(r'\s+', ' ', page.html.get_text(' '))


@pytest.mark.parametrize('config', [{'directory_source': ''}, {'directory_source': 'aaf1d'},
                                    {'directory_source': 'onde'},
                                    {'directory_source': 'ldap', 'directory_ldap_url': 'ldaps://annuaire.example',
                                     'directory_ldap_write_back': 'true'}],
                         indirect=True, ids=['no source', 'aaf1d', 'onde', 'ldap'])
def test_the_director_reads_how_accounts_arrive_without_option_names_and_the_admin_finds_them(
        config, client, imported):
    director = visible_text(signed_in(client, 'olivier.ndiaye').get('/annuaire'))
    assert not JARGON.search(director), JARGON.search(director)
    assert 'appliquée (1 compte créé, 1 compte modifié, 1 élève changé de classe, 2 comptes désactivés)' in director
    assert 'désactiverait plus de 20 % des comptes' in director and 'au bout de 90 jours' in director
    said = {'': 'Aucune synchronisation automatique n’est prévue',
            'aaf1d': 'Les comptes viennent de l’annuaire académique : le rectorat dépose ses fichiers (AAF) '
                     'sur le serveur de l’ENT, qui les lit toutes les 6 heures.',
            'onde': 'Les comptes viennent d’ONDE, la base élèves',
            'ldap': 'L’ENT y inscrit en retour l’identifiant et l’état de chaque compte.'}
    assert said[config['directory.source']] in director
    assert ('Synchroniser maintenant' in director) == (config['directory.source'] in ('aaf1d', 'ldap'))
    admin = Client(client.app, extra_environ={'REMOTE_ADDR': '10.0.0.8'})
    accounts.create_user('admin', 'Admin', 'ENT', ['admin'], password_hash=security.hash_password(PASSWORD))
    technical = signed_in(admin, 'admin').get('/annuaire').html.find(id='h-technical').find_parent('section')
    rows = {tr.find_all('code')[0].get_text(): tr.find_all('code')[1].get_text() for tr in technical.select('tbody tr')}
    assert rows['directory.source'] == (config['directory.source'] or '(aucune)')
    assert rows['directory.threshold'] == '20' and rows['directory.interval_hours'] == '6'
    if config['directory.source'] == 'aaf1d':
        assert rows['directory.aaf_inbox'] == str(service.inbox(config))
    if config['directory.source'] == 'ldap':
        assert rows['directory.ldap_url'] == 'ldaps://annuaire.example' and 'ldap_password' not in technical.text


def test_a_refused_sync_tells_the_director_what_happened_and_what_to_do_in_plain_words(config, client, imported):
    SyncRun.create(school=imported, source='aaf1d', status='refused', deactivated=12,
                   message='Ce flux désactiverait 12 comptes sur 40 (30 %), au-delà du seuil de 20 % : flux '
                           'partiel ? Rien n\'a été importé ; relancez avec --force si c\'est voulu.')
    page = signed_in(client, 'olivier.ndiaye').get('/annuaire')
    alert = page.html.find(id='h-failure').find_parent('section')
    summary = ' '.join(p.get_text() for p in alert.find_all('p', recursive=False))
    assert 'cette liste aurait désactivé 12 comptes d’un coup' in summary
    assert 'demandez au service informatique de la commune de l’appliquer' in summary
    assert '--force' not in summary and '--force' in alert.find('details').get_text()   # kept for the IT
    run = client.get(alert.find('a')['href'])
    assert 'aurait désactivé 12 comptes' in run.text and 'Identifiant dans l’annuaire source' not in run.text
    assert 'Rien n’a été modifié' not in run.text and 'refusée par sécurité' in page.text
