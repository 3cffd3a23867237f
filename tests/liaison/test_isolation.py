"""Another school's cahier de liaison. École du Port (tests/admin/conftest.school_b) has a class
note to answer with a PDF, a scheduled one and a school-wide note by its director. The demo
school's people (its director, a teacher, a guardian, a pupil, the staff) are refused every
liaison route on École du Port's notes, with valid CSRF tokens, and nothing of the database or of
the files on disk changes; École du Port's people likewise on the demo school's; neither school's
lists, homes nor `notes send` reach the other's. The installation's admin follows both."""
import hashlib
import html
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from ecole_ent import runtime
from ecole_ent.errors import Forbidden
from ecole_ent.liaison import notes
from ecole_ent.models import AuditEvent, Note, NoteFile, NoteReceipt, Notification
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import PDF

HIDDEN = "Ce mot n'existe pas ou n'est pas visible avec votre compte."
MODELS = (Note, NoteFile, NoteReceipt, Notification)
PORT_TITLE = 'Sortie en mer du Port'
DEMO_TITLE = 'Spectacle de Jules-Ferry'


def note(user, title, files=(), **values):
    made, _w = notes.send(user, {'kind': 'answer', 'title': title, 'body': f'{title} : oui ou non ?', **values},
                          [(name, io.BytesIO(data)) for name, data in files])
    return made


@pytest.fixture
def world(people, school_b):  # noqa: F811
    port = school_b
    port.note = note(port.teacher, PORT_TITLE, [('Marée.pdf', PDF)], class_id=port.classroom.id)
    port.later = note(port.teacher, 'Plus tard au Port', class_id=port.classroom.id, when='later',
                      publish_date='2099-12-31')
    port.wide = note(port.director, 'Toute l’école du Port', class_id='ecole', kind='info')
    port.file = NoteFile.get(NoteFile.note == port.note.id)
    port.receipt = NoteReceipt.get(note=port.note.id)
    port.child = port.pupil
    demo = SimpleNamespace(classroom=people.cp, teacher=people.teacher, director=people.director, pupil=people.two,
                           guardian=people.mother, staff=people.staff, admin=people.admin, child=people.two)
    demo.note = note(people.teacher, DEMO_TITLE, [('Billet.pdf', PDF)], class_id=people.cp.id)
    demo.later = note(people.teacher, 'Plus tard à Jules-Ferry', class_id=people.cp.id, when='later',
                      publish_date='2099-12-31')
    demo.wide = note(people.director, 'Toute l’école Jules-Ferry', class_id='ecole', kind='info')
    demo.file = NoteFile.get(NoteFile.note == demo.note.id)
    demo.receipt = NoteReceipt.get(note=demo.note.id, pupil=people.two.id, guardian=people.mother.id)
    return SimpleNamespace(port=port, demo=demo)


ROUTES = [
    ('GET', '/cahier-de-liaison/{note}'), ('GET', '/cahier-de-liaison/{later}'), ('GET', '/cahier-de-liaison/{wide}'),
    ('GET', '/cahier-de-liaison/fichier/{file}'), ('POST', '/cahier-de-liaison/{note}/signer'),
    ('POST', '/cahier-de-liaison/{wide}/signer'), ('POST', '/cahier-de-liaison/{note}/papier'),
    ('POST', '/cahier-de-liaison/{note}/relancer'), ('GET', '/cahier-de-liaison/{note}/imprimer'),
    ('GET', '/cahier-de-liaison/{note}/export.csv'), ('GET', '/cahier-de-liaison/{wide}/export.csv'),
]


def state():
    root = Path(runtime.current.config.data_dir) / 'media' / 'liaison'
    on_disk = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in root.rglob('*') if p.is_file()}
    return ({model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS},
            AuditEvent.select().count(), on_disk)


def attempts(client, side):
    token = client.csrf('/')
    ids = {'note': side.note.id, 'later': side.later.id, 'wide': side.wide.id, 'file': side.file.id}
    fields = {'csrf_token': token, 'pupil': str(side.child.id), 'answer': 'oui', 'receipt': str(side.receipt.id)}
    results = {}
    for method, path in ROUTES:
        url = path.format(**ids)
        response = (client.get(url, expect_errors=True) if method == 'GET'
                    else client.post(url, fields, expect_errors=True))
        results[(method, path)] = (response.status_int, HIDDEN in html.unescape(response.text))
    return results


EXPECTED = dict.fromkeys(ROUTES, (404, True))


@pytest.mark.parametrize('who', ['director', 'teacher', 'pupil', 'guardian', 'staff'])
def test_the_demo_schools_people_are_refused_every_route_on_the_other_schools_notes(world, signed_in, who):
    client = signed_in(getattr(world.demo, who))
    before = state()
    assert attempts(client, world.port) == EXPECTED
    assert state() == before


@pytest.mark.parametrize('who', ['director', 'teacher', 'pupil', 'guardian'])
def test_the_other_schools_people_are_refused_every_route_on_the_demo_schools_notes(world, signed_in, who):
    client = signed_in(getattr(world.port, who))
    before = state()
    assert attempts(client, world.demo) == EXPECTED
    assert state() == before


def test_no_list_nor_home_shows_the_other_schools_notes(world, signed_in):
    for side, other in ((world.demo, world.port), (world.port, world.demo)):
        for who in ('director', 'teacher', 'guardian'):
            client = signed_in(getattr(side, who))
            pages = ' '.join(html.unescape(client.get(path).text) for path in ('/', '/cahier-de-liaison'))
            assert other.note.title not in pages and other.wide.title not in pages, who
            linked = {int(n) for n in re.findall(r'href="/cahier-de-liaison/(\d+)', pages)}
            assert not linked & {other.note.id, other.later.id, other.wide.id}, who


def test_sending_to_the_other_school_is_refused_and_the_admin_follows_both(world, signed_in):
    with pytest.raises(Forbidden):
        notes.send(world.demo.teacher, {'class_id': world.port.classroom.id, 'kind': 'info', 'title': 'T', 'body': 'B'})
    with pytest.raises(Forbidden):
        notes.send(world.port.director, {'class_id': world.demo.classroom.id, 'kind': 'info', 'title': 'T',
                                         'body': 'B'})
    assert not notes.Note.select().where(notes.Note.title == 'T').exists()
    wide = {r.pupil_id for r in NoteReceipt.select().where(NoteReceipt.note == world.port.wide.id)}
    assert wide == {world.port.pupil.id}                     # the Port's school-wide note: its pupils only
    admin = signed_in(world.demo.admin)
    for side in (world.demo, world.port):
        assert admin.get(f'/cahier-de-liaison/{side.note.id}').status_int == 200
        assert admin.get(f'/cahier-de-liaison/{side.wide.id}/export.csv').status_int == 200
