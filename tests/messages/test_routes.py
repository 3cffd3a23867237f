"""The messaging pages through the app: who may reach each route (a role matrix), and the flows a
browser without JavaScript goes through with the session's CSRF token: writing, the confirmation
before a whole class, a form sent twice, read receipts both ways, recall, the read-only switch,
bad input (a French message, nothing half-saved, no 500), the homes' lines and pagination."""
import io
import re

import pytest

from ecole_ent.messages import reading, threads
from ecole_ent.models import AuditEvent, Message, MessageFile, Thread
from tests.blog.conftest import PDF, send, text


@pytest.fixture
def scene(people, school_b):
    """A thread from a CP-CE1 guardian to julien.roux, with a PDF."""
    sent = threads.start(people.guardian, {'subject': 'Certificat', 'body': 'Voici le certificat médical.',
                                           'recipients': [str(people.teacher.id)]},
                         [('certificat.pdf', io.BytesIO(PDF))])
    people.thread = sent.threads[0]
    people.message = Message.get(Message.thread == people.thread)
    people.file = MessageFile.get()
    people.b_director = school_b.director
    return people


WHO = ('guardian', 'pupil', 'teacher', 'other_teacher', 'director', 'b_director', 'staff', 'admin')
MATRIX = {
    ('GET', '/messages'): (200, 403, 200, 200, 200, 200, 200, 200),
    ('GET', '/messages/nouveau'): (200, 403, 200, 200, 200, 200, 200, 200),
    ('POST', '/messages/nouveau'): (303, 403, 200, 303, 303, 200, 303, 303),     # 200: the form, refused
    ('GET', '/messages/{thread}'): (200, 403, 200, 404, 404, 404, 404, 404),
    ('GET', '/messages/fichier/{file}'): (200, 403, 200, 404, 404, 404, 404, 404),
    ('POST', '/messages/{thread}/repondre'): (303, 403, 303, 404, 404, 404, 404, 404),
    ('POST', '/messages/message/{message}/retirer'): (303, 403, 403, 404, 404, 404, 404, 404),
    ('POST', '/messages/lecture-seule'): (403, 403, 403, 403, 303, 403, 403, 303),
}
FORM = {'subject': 'Une question', 'body': 'Bonjour, une question.', 'recipients': '{teacher}', 'on': '1',
        'school': '{school}'}


def test_every_messages_route_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name and route.name.startswith('messages.')}
    named = {(m, p.replace('{thread}', '{thread_id}').replace('{file}', '{file_id}')
              .replace('{message}', '{message_id}')) for m, p in MATRIX}
    assert declared == named


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_messages_route(scene, signed_in, method, path):
    ids = {'thread': scene.thread.id, 'file': scene.file.id, 'message': scene.message.id}
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = signed_in(getattr(scene, role))
        address = path.format(**ids)
        if method == 'GET':
            got = client.get(address, expect_errors=True).status_int
        else:
            fields = {k: v.format(teacher=scene.teacher.id, school=scene.teacher.school_id) for k, v in FORM.items()}
            fields['token'] = f'{role}-{path}'[:32]
            fields['body'] = f'{role} : {fields["body"]}'
            got = send(client, address, fields, status='*').status_int
        assert got == expected, f'{role} {method} {path}: {got}'


def test_posting_without_the_csrf_token_is_refused(scene, signed_in):
    client = signed_in(scene.guardian)
    client.post(f'/messages/{scene.thread.id}/repondre', {'body': 'Sans jeton'}, status=400)
    assert Message.select().count() == 1


def test_a_guardian_writes_from_the_home_button_and_reads_the_receipt(scene, signed_in, clock):
    guardian, teacher = signed_in(scene.guardian), signed_in(scene.teacher)
    home = text(guardian.get('/'))
    assert "Écrire à l'enseignant" in home
    page = guardian.get(f'/messages/nouveau?a={scene.teacher.id}')
    assert re.search(rf'value="{scene.teacher.id}" checked', page.text)
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.text).group(1)
    form = {'subject': 'Sortie', 'body': 'Léa peut-elle partir à 16 h ?', 'recipients': str(scene.teacher.id),
            'token': token}
    where = send(guardian, '/messages/nouveau', form, status=303).headers['Location']
    again = send(guardian, '/messages/nouveau', form, status=303).headers['Location']
    assert where == again and Thread.select().count() == 2                    # sent twice, one thread
    assert '1 message non lu' in text(teacher.get('/')) or '2 messages non lus' in text(teacher.get('/'))
    assert 'Julien Roux : pas encore lu' in text(guardian.get(where))
    teacher.get(where)
    assert 'Lu par Julien Roux le vendredi 4 décembre à 10 h 00' in text(guardian.get(where))
    send(teacher, where + '/repondre', {'body': 'Oui, bien sûr.'}, status=303)
    assert '1 message non lu' in text(guardian.get('/'))
    guardian.get(where)
    assert 'Lu par ' in text(teacher.get(where))


def test_a_whole_class_is_confirmed_before_it_leaves(scene, signed_in):
    teacher = signed_in(scene.teacher)
    form = {'subject': 'Sortie au musée', 'body': 'Jeudi, prévoir un pique-nique.', 'class_id': str(scene.cp.id),
            'token': 'c' * 32}
    page = send(teacher, '/messages/nouveau', form, files=[('files', 'programme.pdf', PDF)], status=200)
    said = re.search(r'Ce message partira à (\d+) familles \((\d+) responsables\)', text(page))
    assert said and Thread.select().count() == 1
    confirm = {name: value for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page.text)
               if name != 'csrf_token'}
    assert confirm['confirm'] == '1' and 'kept' in confirm
    assert send(teacher, '/messages/nouveau', confirm, status=303).headers['Location'].endswith('/messages')
    send(teacher, '/messages/nouveau', confirm, status=303)                   # confirmed twice
    made = Thread.select().where(Thread.batch == 'c' * 32)
    assert made.count() == int(said.group(2))
    assert MessageFile.select().count() == 1 + made.count()


@pytest.mark.parametrize('fields,files,words', [
    ({'body': ''}, (), 'il est vide'),
    ({'body': 'x' * 1_000_000}, [('files', '', b'')], '10 000 caractères au plus'),   # multipart, as the form
    ({}, [('files', 'photo.jpg', b'<?php system($_GET[1]); ?>' * 20)], 'n’est ni un PDF ni une image'),
    ({'recipients': '999999'}, (), 'Vous ne pouvez pas écrire'),
])
def test_bad_input_comes_back_in_french_and_saves_nothing(scene, signed_in, fields, files, words):
    form = {'subject': 'Objet', 'body': 'Texte', 'recipients': str(scene.teacher.id), **fields}
    page = send(signed_in(scene.guardian), '/messages/nouveau', form, files=files, status=200)
    assert words in text(page)
    assert Thread.select().count() == 1 and Message.select().count() == 1


def test_recall_from_the_thread_page(scene, signed_in, clock):
    from datetime import timedelta
    guardian = signed_in(scene.guardian)
    page = guardian.get(f'/messages/{scene.thread.id}')
    assert 'Retirer ce message' in page.text
    clock.set(clock.now + timedelta(minutes=61))
    send(guardian, f'/messages/message/{scene.message.id}/retirer', {}, status=303)
    assert 'plus d’une heure' in text(guardian.get(f'/messages/{scene.thread.id}'))
    assert Message.get_by_id(scene.message.id).recalled_at is None


def test_the_director_switches_messaging_to_read_only(scene, signed_in):
    director, guardian, teacher = signed_in(scene.director), signed_in(scene.guardian), signed_in(scene.teacher)
    assert 'Mettre la messagerie' in text(director.get('/messages'))
    assert 'Mettre la messagerie' not in text(teacher.get('/messages'))
    send(director, '/messages/lecture-seule', {'on': '1', 'school': str(scene.director.school_id)}, status=303)
    assert AuditEvent.select().where(AuditEvent.action == 'messaging.read_only').count() == 1
    assert 'en lecture seule' in text(guardian.get('/messages'))
    refused = send(guardian, f'/messages/{scene.thread.id}/repondre', {'body': 'Encore ?'}, status=403)
    assert 'lecture seule' in text(refused)
    assert 'Voici le certificat' in text(teacher.get(f'/messages/{scene.thread.id}'))
    send(teacher, '/messages/lecture-seule', {'on': '0', 'school': str(scene.director.school_id)}, status=403)
    send(director, '/messages/lecture-seule', {'on': '0', 'school': str(scene.director.school_id)}, status=303)
    send(guardian, f'/messages/{scene.thread.id}/repondre', {'body': 'Encore ?'}, status=303)


def test_the_inbox_pages_by_fifty(scene, signed_in, set_option):
    set_option('messages.per_hour', 1000)
    for number in range(51):
        threads.start(scene.teacher, {'subject': f'Sujet {number}', 'body': f'Texte {number}',
                                      'recipients': [str(scene.guardian.id)], 'token': f'p{number}'})
    guardian = signed_in(scene.guardian)
    first = text(guardian.get('/messages'))
    assert 'Plus anciens' in first and 'Sujet 50' in first and 'Certificat' not in first
    second = text(guardian.get('/messages?page=2'))
    assert 'Certificat' in second and 'Sujet 50' not in second
    assert guardian.get('/messages?page=99999999999999999999', status=404)
    assert reading.unread_count(scene.guardian) == 51


def test_an_image_shows_in_the_thread_without_its_metadata(scene, signed_in):
    from PIL import Image
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = 'AppareilDeLaClasse'                 # Make
    Image.new('RGB', (200, 120), (200, 40, 40)).save(out, 'JPEG', exif=exif.tobytes())
    assert b'AppareilDeLaClasse' in out.getvalue()
    teacher = signed_in(scene.teacher)
    send(teacher, f'/messages/{scene.thread.id}/repondre', {'body': 'Le dessin de la classe'},
         files=[('files', 'dessin.jpg', out.getvalue())], status=303)
    row = MessageFile.select().where(MessageFile.kind == 'jpg').get()
    page = text(signed_in(scene.guardian).get(f'/messages/{scene.thread.id}'))
    assert f'src="/messages/fichier/{row.id}"' in page and 'Image jointe : dessin.jpg' in page
    image = signed_in(scene.guardian).get(f'/messages/fichier/{row.id}')
    assert image.content_type == 'image/jpeg' and b'AppareilDeLaClasse' not in image.body


@pytest.mark.parametrize('method,path,fields', [
    ('GET', '/messages?page=abc', None),
    ('GET', '/messages/nouveau?a=abc&a=99999999999999999999', None),
    ('POST', '/messages/nouveau', {'recipients': '1' * 30, 'subject': 'x', 'body': 'y'}),
    ('POST', '/messages/nouveau', {'class_id': '9' * 40, 'niveaux': 'XX', 'subject': 'x', 'body': 'y'}),
    ('POST', '/messages/nouveau', {'subject': 'x' * 5000, 'body': 'y', 'when': 'later', 'publish_date': '2026-02-31'}),
    ('POST', '/messages/lecture-seule', {'school': 'abc', 'on': '1'}),
])
def test_odd_input_never_answers_500(scene, signed_in, method, path, fields):
    client = signed_in(scene.director)
    got = client.get(path, expect_errors=True) if method == 'GET' else send(client, path, fields, status='*')
    assert got.status_int in (200, 303, 403, 404), got.status
    assert Thread.select().count() == 1
