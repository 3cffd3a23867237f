"""Another school's homework (issue 14: authorization for another class and another school). École
du Port (tests/admin/conftest.school_b) has its class, teacher, director, pupil and guardian, its
subject list and calendar, its entries with a PDF and an image, a tick and a calendar address.
The people of the demo school (its director, a teacher, a pupil, a guardian, the staff) are
refused every homework route on École du Port's items, with valid CSRF tokens, and nothing of the
database or of the files on disk changes; École du Port's people likewise on the demo school's;
neither school's pages, printed weeks, calendars nor `homework list` show the other's homework.
The installation's admin reads both. The clock stands on Friday 4 December 2026."""
import hashlib
import html
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from ecole_ent import runtime
from ecole_ent.accounts import service as accounts
from ecole_ent.errors import Forbidden, NotFound
from ecole_ent.homework import entries, feed, subjects
from ecole_ent.models import AuditEvent, CalendarFeed, Classroom, Homework, HomeworkDone, HomeworkFile, Subject, User
from ecole_ent.models.school_calendar import SchoolCalendar
from ecole_ent.school_calendar.service import store_calendar
from tests.blog.conftest import PDF
from tests.conftest import guardians_of

HIDDEN = "Ces devoirs n'existent pas ou ne sont pas visibles avec votre compte."
CLOSED = "Le cahier de textes de cette classe n'est pas accessible avec votre compte."
NOT_YOURS = "Cet agenda n'existe pas ou n'est pas le vôtre."
GONE = "Cet agenda n'existe pas ou n'est plus actif."
PORT_TEXT = 'Observer les marées du port'
PORT_LATER = 'Contrôle surprise du Port'
DEMO_TEXT = 'Lire la page 12 de l’école Jules-Ferry'
SPAN = ('--from', '2026-11-30', '--to', '2026-12-31')
MODELS = (Subject, Homework, HomeworkFile, HomeworkDone, SchoolCalendar, CalendarFeed)



def png(color=(30, 90, 160)):
    out = io.BytesIO()
    Image.new('RGB', (80, 60), color).save(out, 'PNG')
    return out.getvalue()


def pdf(text):
    out = io.BytesIO()
    Image.new('RGB', (100, 60), 'white').save(out, 'PDF', title=text)
    return out.getvalue()


@pytest.fixture
def world(people, school_b):
    """Both schools' notebooks: École du Port's (its list with Breton, its calendar, an entry with
    a PDF and an image ticked by Tom, a scheduled entry, Gaëlle's calendar address) and one entry of
    the demo school's CP-CE1 with its PDF."""
    port = school_b
    subjects.save(port.director, port.school.id, 'Français\nMathématiques\nBreton')
    store_calendar(port.school, 'A', [0, 1, 2, 3, 4])
    port.pdf, port.png = pdf('marees'), png()
    port.entry = entries.create(port.teacher, port.classroom.id, {
        'subject': 'Breton', 'due_on': '2026-12-07', 'body': PORT_TEXT, 'when': 'now'},
        [('Marées.pdf', io.BytesIO(port.pdf)), ('Phare.png', io.BytesIO(port.png))])[0][0]
    port.later = entries.create(port.teacher, port.classroom.id, {
        'subject': 'Mathématiques', 'due_on': '2026-12-08', 'body': PORT_LATER, 'when': 'later',
        'publish_date': '2099-12-31', 'publish_time': '08:00'})[0][0]
    port.file, port.image = HomeworkFile.select().where(HomeworkFile.homework == port.entry).order_by(
        HomeworkFile.id)
    entries.set_done(port.pupil, port.entry.id)
    feed.renew(port.guardian, port.pupil.id)
    port.ids = {port.entry.id, port.later.id}

    demo = SimpleNamespace(classroom=people.cp, teacher=people.teacher, director=people.director,
                           pupil=people.ce1_pupil, staff=people.staff, admin=people.admin)
    demo.guardian = guardians_of(people.ce1_pupil)[0]
    demo.entry = entries.create(people.teacher, people.cp.id, {
        'subject': 'Français', 'due_on': '2026-12-07', 'body': DEMO_TEXT, 'when': 'now'},
        [('Fiche A.pdf', io.BytesIO(PDF))])[0][0]
    demo.file = HomeworkFile.get(HomeworkFile.homework == demo.entry)
    demo.ids = {h.id for h in Homework.select(Homework.id).join(Classroom).where(
        Classroom.school == people.cp.school_id)}
    feed.renew(demo.guardian, demo.pupil.id)
    return SimpleNamespace(port=port, demo=demo)


def state():
    """Every row of the homework's tables, the audit trail's length, and every homework file on disk."""
    root = Path(runtime.current.config.data_dir) / 'media' / 'homework'
    on_disk = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in root.rglob('*') if p.is_file()}
    return ({model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS},
            AuditEvent.select().count(), on_disk)


def text_of(response):
    return html.unescape(re.sub(r'\s+', ' ', response.text))


def entry_links(response):
    """The ids of the entries a page links to (/devoirs/<id>)."""
    return {int(found) for found in re.findall(r'href="/devoirs/(\d+)(?:#[^"]*)?"', response.text)}


# --- every route, refused on the other school's items ---------------------------------------------

# (method, path, status, message); {entry} an entry, {later} a scheduled one, {file}/{image} their
# files, {cls} the class, {child} its pupil, {own_cls} a class of the visitor's school (a copy's target)
ROUTES = [
    ('GET', '/devoirs/{entry}', 404, HIDDEN),
    ('GET', '/devoirs/{later}', 404, HIDDEN),
    ('POST', '/devoirs/{entry}/fait', 404, HIDDEN),
    ('GET', '/devoirs/{entry}/modifier', 404, HIDDEN),
    ('POST', '/devoirs/{entry}/modifier', 404, HIDDEN),
    ('POST', '/devoirs/{later}/modifier', 404, HIDDEN),
    ('POST', '/devoirs/{entry}/supprimer', 404, HIDDEN),
    ('POST', '/devoirs/{later}/supprimer', 404, HIDDEN),
    ('POST', '/devoirs/{entry}/copier', 404, HIDDEN),
    ('GET', '/devoirs/fichier/{file}', 404, HIDDEN),
    ('GET', '/devoirs/fichier/{image}', 404, HIDDEN),
    ('GET', '/classe/{cls}/devoirs', 403, CLOSED),
    ('GET', '/classe/{cls}/devoirs/nouveau', 403, CLOSED),
    ('POST', '/classe/{cls}/devoirs/nouveau', 403, CLOSED),
    ('GET', '/classe/{cls}/devoirs/imprimer', 403, CLOSED),
    ('POST', '/compte/agenda/{child}/desactiver', 404, NOT_YOURS),
    ('POST', '/compte/agenda/{child}/renouveler', 404, NOT_YOURS),
]


def form(own_cls):
    """What a valid form of each of these routes holds (the target school's subject)."""
    return {'subject': 'Mathématiques', 'due_on': '2026-12-09', 'body': 'Changé par une autre école',
            'when': 'now', 'niveaux': '', 'done': '1', 'series': '1', 'class_id': str(own_cls),
            'remove': '', 'next': '/devoirs'}


def attempts(client, ids):
    """{(method, path): (status, the refusal's message is on the page)} of every route of ROUTES."""
    token = client.csrf('/')
    results = {}
    for method, path, _status, message in ROUTES:
        url = path.format(**ids)
        if method == 'GET':
            response = client.get(url, expect_errors=True)
        else:
            response = client.post(url, dict(form(ids['own_cls']), csrf_token=token), expect_errors=True,
                                   upload_files=[('files', 'intrus.pdf', PDF)] if 'nouveau' in path
                                   or 'modifier' in path else None)
        results[(method, path)] = (response.status_int, message in text_of(response))
    return results


def expected():
    return {(method, path): (status, True) for method, path, status, _message in ROUTES}


def port_ids(world):
    port = world.port
    return {'entry': port.entry.id, 'later': port.later.id, 'file': port.file.id, 'image': port.image.id,
            'cls': port.classroom.id, 'child': port.pupil.id, 'own_cls': world.demo.classroom.id}


def demo_ids(world):
    demo = world.demo
    return {'entry': demo.entry.id, 'later': demo.entry.id, 'file': demo.file.id, 'image': demo.file.id,
            'cls': demo.classroom.id, 'child': demo.pupil.id, 'own_cls': world.port.classroom.id}


@pytest.mark.parametrize('who', ['director', 'teacher', 'pupil', 'guardian', 'staff'])
def test_the_demo_schools_people_are_refused_every_route_on_the_other_schools_homework(world, signed_in, who):
    client = signed_in(getattr(world.demo, who))
    client.csrf('/')
    before = state()
    assert attempts(client, port_ids(world)) == expected()
    assert state() == before


@pytest.mark.parametrize('who', ['director', 'teacher', 'pupil', 'guardian'])
def test_the_other_schools_people_are_refused_every_route_on_the_demo_schools_homework(world, signed_in, who):
    client = signed_in(getattr(world.port, who))
    client.csrf('/')
    before = state()
    assert attempts(client, demo_ids(world)) == expected()
    assert state() == before


def test_the_valid_forms_succeed_on_the_visitors_own_school(world, signed_in):
    """The same forms and tokens do what they say on the teacher's own class: the refusals above
    are the other school's, not a bad form."""
    client = signed_in(world.demo.teacher)
    token = client.csrf('/')
    cls = world.demo.classroom.id
    made = client.post(f'/classe/{cls}/devoirs/nouveau', dict(form(cls), csrf_token=token),
                       upload_files=[('files', 'fiche.pdf', PDF)])
    assert made.status_int == 303 and made.headers['Location'].endswith(f'/classe/{cls}/devoirs?semaine=2026-W50')
    copied = client.post(f'/devoirs/{world.demo.entry.id}/copier', dict(form(cls), csrf_token=token,
                                                                        niveaux='CE1'))
    assert copied.status_int == 303


def test_a_demo_entry_is_not_copied_into_the_other_schools_class(world, signed_in):
    port, demo = world.port, world.demo
    before = state()
    for who in (demo.teacher, demo.director):
        client = signed_in(who)
        refused = client.post(f'/devoirs/{demo.entry.id}/copier', {
            'csrf_token': client.csrf('/'), 'class_id': str(port.classroom.id)}, expect_errors=True)
        assert (refused.status_int, CLOSED in text_of(refused)) == (403, True)
        with pytest.raises(Forbidden, match=CLOSED):
            entries.copy(who, demo.entry.id, port.classroom.id)
        with pytest.raises(NotFound, match=HIDDEN):
            entries.copy(who, port.entry.id, demo.classroom.id)
    assert state() == before


def test_removing_the_other_schools_file_from_an_own_entry_leaves_it(world, signed_in):
    port, demo = world.port, world.demo
    client = signed_in(demo.teacher)
    saved = client.post(f'/devoirs/{demo.entry.id}/modifier', {
        'csrf_token': client.csrf('/'), 'subject': 'Français', 'due_on': '2026-12-07', 'body': DEMO_TEXT,
        'when': 'now', 'remove': [str(port.file.id), str(port.image.id)]})
    assert saved.status_int == 303
    kept = HomeworkFile.select().where(HomeworkFile.homework == port.entry).order_by(HomeworkFile.id)
    assert [(f.id, f.name) for f in kept] == [(port.file.id, 'Marées.pdf'), (port.image.id, 'Phare.jpg')]
    assert Path(entries.file_for(port.teacher, port.file.id)['path']).read_bytes() == port.pdf


# --- what each school's pages show -----------------------------------------------------------------

def test_the_other_schools_director_sees_none_of_the_demo_schools_homework(world, signed_in):
    port, demo = world.port, world.demo
    client = signed_in(port.director)
    sent = client.get('/devoirs')
    assert sent.status_int == 303 and sent.headers['Location'].endswith(f'/classe/{port.classroom.id}/devoirs')
    week = sent.follow()
    assert entry_links(week) == port.ids
    assert PORT_TEXT in text_of(week) and DEMO_TEXT not in text_of(week)
    printed = client.get(f'/classe/{port.classroom.id}/devoirs/imprimer?semaine=2026-W50')
    assert PORT_TEXT in text_of(printed) and DEMO_TEXT not in text_of(printed)
    for url in ('/devoirs/matieres', f'/classe/{port.classroom.id}/devoirs/nouveau'):
        page = text_of(client.get(url))
        assert 'Breton' in page and 'Questionner le monde' not in page, url
    assert entry_links(client.get(f'/classe/{demo.classroom.id}/devoirs', status=403)) == set()


def test_the_demo_schools_pages_show_none_of_the_other_schools_homework(world, signed_in):
    port, demo = world.port, world.demo
    pages = {
        'teacher': ['/devoirs', f'/classe/{demo.classroom.id}/devoirs',
                    f'/classe/{demo.classroom.id}/devoirs/imprimer?semaine=2026-W50', f'/devoirs/{demo.entry.id}', '/'],
        'director': ['/devoirs', f'/classe/{demo.classroom.id}/devoirs', '/devoirs/matieres'],
        'pupil': ['/devoirs', '/devoirs?semaine=2026-W50', '/devoirs/imprimer?semaine=2026-W50',
                  f'/devoirs/{demo.entry.id}', '/'],
        'guardian': ['/devoirs', '/devoirs/imprimer?semaine=2026-W50', f'/devoirs/{demo.entry.id}', '/', '/compte'],
        'staff': ['/devoirs', '/'],
    }
    shown, own = {}, {}
    for who, urls in pages.items():
        client = signed_in(getattr(demo, who))
        for url in urls:
            page = client.get(url).maybe_follow()        # a teacher of one class is sent to its week
            assert page.status_int == 200, (who, url)
            shown[(who, url)] = (entry_links(page) & port.ids, [t for t in (PORT_TEXT, PORT_LATER, 'CM2 Port',
                                                                          'Breton', 'Marées') if t in text_of(page)])
            own[(who, url)] = DEMO_TEXT in text_of(page)
    assert shown == {key: (set(), []) for key in shown}
    # The same pages do show the school's own entry (due Monday 7 December, for the whole CP-CE1),
    # the guardian's home too (its family feed: homework due soon).
    assert [key for key, seen in own.items() if seen] == [
        ('teacher', '/devoirs'), ('teacher', f'/classe/{demo.classroom.id}/devoirs'),
        ('teacher', f'/classe/{demo.classroom.id}/devoirs/imprimer?semaine=2026-W50'),
        ('teacher', f'/devoirs/{demo.entry.id}'), ('director', f'/classe/{demo.classroom.id}/devoirs'),
        ('pupil', '/devoirs'), ('pupil', '/devoirs?semaine=2026-W50'),
        ('pupil', '/devoirs/imprimer?semaine=2026-W50'), ('pupil', f'/devoirs/{demo.entry.id}'),
        ('guardian', '/devoirs'), ('guardian', '/devoirs/imprimer?semaine=2026-W50'),
        ('guardian', f'/devoirs/{demo.entry.id}'), ('guardian', '/')]


def test_the_subject_lists_are_each_schools_own(world, signed_in):
    port, demo = world.port, world.demo
    port_rows = list(Subject.select().where(Subject.school == port.school.id).order_by(Subject.id).tuples())
    client = signed_in(demo.director)
    saved = client.post('/devoirs/matieres', {'csrf_token': client.csrf('/'),
                                              'subjects': 'Français\nMathématiques\nOccitan'})
    assert saved.status_int == 303
    assert subjects.of_school(demo.classroom.school_id) == ['Français', 'Mathématiques', 'Occitan']
    assert list(Subject.select().where(Subject.school == port.school.id).order_by(Subject.id).tuples()) == port_rows
    teacher = signed_in(demo.teacher)
    refused = teacher.post(f'/classe/{demo.classroom.id}/devoirs/nouveau', {
        'csrf_token': teacher.csrf('/'), 'subject': 'Breton', 'due_on': '2026-12-08', 'body': 'Kenavo',
        'when': 'now'})
    assert refused.status_int == 200
    assert '« Breton » n’est pas dans la liste des matières de l’école.' in text_of(refused)
    assert not Homework.select().where(Homework.body_source == 'Kenavo').exists()
    with pytest.raises(Forbidden):
        subjects.save(demo.director, port.school.id, 'Français')
    with pytest.raises(Forbidden):
        subjects.save(port.director, demo.classroom.school_id, 'Français')
    assert subjects.of_school(port.school.id) == ['Français', 'Mathématiques', 'Breton']


# --- calendar feeds ----------------------------------------------------------------------------------

def unfolded(response):
    return response.text.replace('\r\n ', '')


def test_each_calendar_shows_its_own_schools_homework_only(world, signed_in, demo_app):
    port, demo = world.port, world.demo
    client = signed_in(demo.admin)
    row = CalendarFeed.get((CalendarFeed.owner == demo.guardian.id) & (CalendarFeed.child == demo.pupil.id))
    mine = unfolded(client.get(feed.path_of(feed.token_for(demo.guardian.id, demo.pupil.id, row.generation))))
    assert DEMO_TEXT in mine and PORT_TEXT not in mine and PORT_LATER not in mine
    theirs = unfolded(client.get(feed.path_of(feed.token_for(port.guardian.id, port.pupil.id, 1))))
    assert PORT_TEXT in theirs and DEMO_TEXT not in theirs and PORT_LATER not in theirs
    assert not re.search(rf'UID:homework-({"|".join(map(str, demo.ids))})-', theirs)


def test_an_address_for_the_other_schools_child_answers_404(world, signed_in):
    """A row linking a demo guardian to École du Port's pupil (no form makes one: the routes above
    refuse it) opens nothing."""
    port, demo = world.port, world.demo
    token = feed.token_for(demo.guardian.id, port.pupil.id, 0)
    CalendarFeed.create(owner=demo.guardian, child=port.pupil, generation=0, token_hash=feed.lookup_hash(token))
    refused = signed_in(demo.guardian).get(feed.path_of(token), status=404)
    assert GONE in text_of(refused) and PORT_TEXT not in refused.text


# --- the admin -----------------------------------------------------------------------------------------

def test_the_admin_reads_both_schools(world, signed_in):
    port, demo = world.port, world.demo
    client = signed_in(demo.admin)
    chooser = text_of(client.get('/devoirs'))
    assert 'CM2 Port' in chooser and 'CP-CE1' in chooser
    assert PORT_TEXT in text_of(client.get(f'/devoirs/{port.entry.id}'))
    assert PORT_LATER in text_of(client.get(f'/devoirs/{port.later.id}'))
    assert DEMO_TEXT in text_of(client.get(f'/devoirs/{demo.entry.id}'))
    assert client.get(f'/devoirs/fichier/{port.file.id}').body == port.pdf
    assert client.get(f'/devoirs/fichier/{demo.file.id}').body == PDF
    assert entry_links(client.get(f'/classe/{port.classroom.id}/devoirs')) == port.ids
    assert demo.entry.id in entry_links(client.get(f'/classe/{demo.classroom.id}/devoirs'))


# --- the command line ----------------------------------------------------------------------------------

@pytest.fixture
def run(world, run_cli):
    return run_cli


def listed(run, login):
    return json.loads(run('homework', 'list', '--as', login, '--format', 'json', *SPAN)[0])


def test_homework_list_shows_each_account_its_own_schools_homework(world, run):
    port, demo = world.port, world.demo
    port_classes = {'CM2 Port'}
    demo_classes = {c.name for c in Classroom.select().where(Classroom.school == demo.classroom.school_id)}
    for user in (demo.teacher, demo.director, demo.pupil, demo.guardian, demo.staff):
        rows = listed(run, user.login)
        assert ({row['id'] for row in rows} & port.ids, {row['class'] for row in rows} - demo_classes) == (
            set(), set()), user.login
    assert demo.entry.id in {row['id'] for row in listed(run, demo.teacher.login)}
    assert demo.entry.id in {row['id'] for row in listed(run, demo.pupil.login)}
    for user in (port.director, port.teacher, port.pupil, port.guardian):
        rows = listed(run, user.login)
        assert ({row['id'] for row in rows} & demo.ids, {row['class'] for row in rows} - port_classes) == (
            set(), set()), user.login
    assert {row['id'] for row in listed(run, port.teacher.login)} == port.ids
    assert {row['id'] for row in listed(run, port.pupil.login)} == {port.entry.id}
    assert {row['id'] for row in listed(run, 'admin')} >= port.ids | {demo.entry.id}


def test_homework_add_and_done_refuse_the_other_schools_class_and_entries(world, run):
    port, demo = world.port, world.demo
    before = state()
    for by in (demo.teacher.login, demo.director.login):
        _out, err = run('homework', 'add', '--class', 'CM2 Port', '--subject', 'Breton', '--due', '2026-12-09',
                        '--text', 'Intrus', '--by', by, expect=1)
        assert err == f'Erreur : {CLOSED}'
        _out, err = run('homework', 'add', '--class', str(port.classroom.id), '--school', port.school.uai,
                        '--subject', 'Breton', '--due', '2026-12-09', '--text', 'Intrus', '--by', by, expect=1)
        assert err == f'Erreur : {CLOSED}'
    _out, err = run('homework', 'done', str(port.entry.id), '--as', demo.pupil.login, expect=1)
    assert err == f'Erreur : {HIDDEN}'
    _out, err = run('homework', 'done', str(demo.entry.id), '--as', port.pupil.login, expect=1)
    assert err == f'Erreur : {HIDDEN}'
    assert state() == before
    assert accounts.get_user(port.teacher.login).id == port.teacher.id
    assert User.get_by_id(port.pupil.id).school_id == port.school.id
