"""The cahier de liaison's pages through the app: who may reach each route (every role around the
demo school's CP-CE1 class; another school in test_isolation.py), and what the forms do with good
and bad input (the form kept, a French message, nothing half-saved, no 500)."""
import io
import re

import pytest

from ecole_ent.liaison import receipts
from ecole_ent.models import Note, NoteFile, NoteReceipt
from tests.blog.conftest import PDF, send, text
from tests.conftest import redirected_to
from tests.liaison.conftest import send as send_note
from tests.statements import Counted

WHO = ('teacher', 'director', 'admin', 'mother', 'other_guardian', 'other_teacher', 'staff', 'pupil')
MATRIX = {
    ('GET', '/cahier-de-liaison'): (200, 200, 200, 200, 200, 200, 403, 403),
    ('GET', '/cahier-de-liaison/nouveau'): (200, 200, 200, 403, 403, 200, 403, 403),
    ('POST', '/cahier-de-liaison/nouveau'): (303, 303, 303, 403, 403, 403, 403, 403),
    ('GET', '/cahier-de-liaison/{note}'): (200, 200, 200, 200, 404, 404, 404, 404),
    ('GET', '/cahier-de-liaison/fichier/{file}'): (200, 200, 200, 200, 404, 404, 404, 404),
    ('POST', '/cahier-de-liaison/{note}/signer'): (404, 404, 404, 303, 404, 404, 404, 404),
    ('POST', '/cahier-de-liaison/{note}/papier'): (303, 303, 303, 403, 404, 404, 404, 404),
    ('POST', '/cahier-de-liaison/{note}/relancer'): (303, 303, 303, 403, 404, 404, 404, 404),
    ('GET', '/cahier-de-liaison/{note}/imprimer'): (200, 200, 200, 403, 404, 404, 404, 404),
    ('GET', '/cahier-de-liaison/{note}/export.csv'): (200, 200, 200, 403, 404, 404, 404, 404),
}


@pytest.fixture
def scene(people, clock):
    """A note to sign of CP-CE1 with a PDF, sent yesterday (so that it may be reminded)."""
    clock.days(-1)
    people.note = send_note(people.teacher, [('sortie.pdf', io.BytesIO(PDF))], class_id=people.cp.id,
                            deadline='2026-12-08')
    clock.days(0)
    people.file = NoteFile.get(NoteFile.note == people.note)
    people.receipt = NoteReceipt.get(note=people.note.id, pupil=people.one.id)
    people.note_guardians = NoteReceipt.select().where((NoteReceipt.note == people.note.id)
                                                       & NoteReceipt.guardian.is_null(False)).count()
    return people


def test_every_liaison_route_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name and route.name.startswith('liaison.')}
    assert declared == {(m, p.replace('{note}', '{note_id}').replace('{file}', '{file_id}')) for m, p in MATRIX}


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_liaison_route(scene, signed_in, method, path):
    who = {'teacher': scene.teacher, 'director': scene.director, 'admin': scene.admin, 'mother': scene.mother,
           'other_guardian': scene.other_guardian, 'other_teacher': scene.other_teacher, 'staff': scene.staff,
           'pupil': scene.two}
    address = path.format(note=scene.note.id, file=scene.file.id)
    fields = {'class_id': str(scene.cp.id), 'kind': 'info', 'title': 'Photo de classe', 'body': 'Mardi.',
              'pupil': str(scene.two.id), 'receipt': str(scene.receipt.id), 'when': 'now'}
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = signed_in(who[role])
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            response = send(client, address, fields, status='*')
        assert response.status_int == expected, (role, method, address, response.status_int)
        if expected == 303:
            assert redirected_to(response).startswith('/cahier-de-liaison/')


def test_a_guardian_signs_from_the_list_and_a_double_submit_changes_nothing(scene, signed_in):
    mother = signed_in(scene.mother)
    page = text(mother.get('/cahier-de-liaison'))
    assert 'Sortie au musée' in page and 'Je signe' in page and 'à rendre avant le mardi 8 décembre 2026' in page
    first = send(mother, f'/cahier-de-liaison/{scene.note.id}/signer', {'pupil': str(scene.two.id)})
    assert redirected_to(first) == f'/cahier-de-liaison/{scene.note.id}'
    assert 'Votre signature est enregistrée.' in text(mother.get(f'/cahier-de-liaison/{scene.note.id}'))
    again = send(mother, f'/cahier-de-liaison/{scene.note.id}/signer', {'pupil': str(scene.two.id)})
    page = text(mother.get(redirected_to(again)))
    assert 'C’était déjà fait : rien n’a changé.' in page and 'Vous avez signé le vendredi 4 décembre 2026' in page
    signed = NoteReceipt.select().where((NoteReceipt.note == scene.note.id) & NoteReceipt.signed_at.is_null(False))
    assert signed.count() == 1
    teacher = text(signed_in(scene.teacher).get(f'/cahier-de-liaison/{scene.note.id}'))
    assert f'1 signature sur {len(scene.cp_pupils)} élèves' in teacher and scene.mother.display_name in teacher


def test_an_answer_form_without_a_choice_comes_back_with_its_message(scene, signed_in):
    note = send_note(scene.teacher, class_id=scene.cp.id, kind='answer', title='Piscine')
    mother = signed_in(scene.mother)
    page = send(mother, f'/cahier-de-liaison/{note.id}/signer', {'pupil': str(scene.two.id), 'comment': 'x'})
    assert page.status_int == 200 and 'Répondez « oui » ou « non ».' in text(page)
    done = send(mother, f'/cahier-de-liaison/{note.id}/signer', {'pupil': str(scene.two.id), 'answer': 'non',
                                                                 'comment': 'Il a une otite'})
    assert 'Votre réponse est enregistrée.' in text(mother.get(redirected_to(done)))
    teacher = text(signed_in(scene.teacher).get(f'/cahier-de-liaison/{note.id}'))
    assert 'Oui : 0 · non : 1.' in teacher and '« Il a une otite »' in teacher


def test_the_new_note_form_keeps_what_was_typed_and_says_what_is_wrong(scene, signed_in):
    client = signed_in(scene.teacher)
    before = Note.select().count()
    page = send(client, '/cahier-de-liaison/nouveau', {'class_id': str(scene.cp.id), 'kind': 'sign', 'title': '',
                                                      'body': 'Apporter un pique-nique', 'deadline': '2026-12-01'})
    assert page.status_int == 200 and Note.select().count() == before
    body = text(page)
    assert 'Apporter un pique-nique' in body and 'Donnez un titre au mot.' in body
    assert 'La date limite du mardi 1er décembre 2026 est déjà passée' in body


def test_a_one_megabyte_text_is_refused_in_french_and_nothing_is_saved(scene, signed_in):
    client = signed_in(scene.teacher)
    before = Note.select().count()
    page = client.post('/cahier-de-liaison/nouveau', {'csrf_token': client.csrf('/'), 'class_id': str(scene.cp.id),
                                                      'kind': 'sign', 'title': 'Long', 'body': 'é' * 500_000},
                       content_type='multipart/form-data')
    assert page.status_int == 200 and Note.select().count() == before
    assert 'Le texte est trop long (10 000 caractères au plus).' in text(page)
    page = client.post('/cahier-de-liaison/nouveau', {'csrf_token': client.csrf('/'), 'class_id': str(scene.cp.id),
                                                      'kind': 'sign', 'title': 'T' * 150_000, 'body': 'Court'},
                       content_type='multipart/form-data')
    assert page.status_int == 200 and Note.select().count() == before
    assert 'Le titre est trop long (200 caractères au plus).' in text(page)


def test_a_lying_attachment_is_refused_and_the_form_asks_for_the_files_again(scene, signed_in):
    client = signed_in(scene.teacher)
    page = send(client, '/cahier-de-liaison/nouveau', {'class_id': str(scene.cp.id), 'kind': 'sign', 'title': 'Sortie',
                                                      'body': 'Texte'},
                files=[('files', 'autorisation.pdf', b'<html><script>alert(1)</script></html>')])
    assert page.status_int == 200 and '« autorisation.pdf » n’est ni un PDF ni une image.' in text(page)


def test_a_teacher_sends_through_the_form_and_a_deadline_without_class_warns(scene, signed_in):
    client = signed_in(scene.teacher)
    assert 'Nouveau mot aux familles · CP-CE1' in text(client.get('/cahier-de-liaison/nouveau'))
    done = send(client, '/cahier-de-liaison/nouveau', {'class_id': str(scene.cp.id), 'kind': 'sign', 'niveaux': 'CP',
                                                      'title': 'Cahier oublié', 'body': 'Merci de signer.',
                                                      'deadline': '2026-12-06'})
    page = text(client.get(redirected_to(done)))
    assert 'Mot envoyé.' in page and 'Pas de classe le dimanche 6 décembre 2026' in page and '(CP)' in page


def test_the_form_for_a_class_one_does_not_teach_is_refused(scene, signed_in):
    client = signed_in(scene.teacher)
    for target in (scene.big.id, 'abc', '99999999999999999999'):
        page = client.get(f'/cahier-de-liaison/nouveau?classe={target}', expect_errors=True)
        assert page.status_int == 403 and 'vous ne pouvez pas écrire à ses familles' in text(page)


def test_the_director_sends_an_urgent_school_wide_note_and_a_teacher_cannot(scene, signed_in):
    director = signed_in(scene.director)
    assert 'Urgent' in text(director.get('/cahier-de-liaison/nouveau?classe=ecole'))
    done = send(director, '/cahier-de-liaison/nouveau', {'class_id': 'ecole', 'kind': 'info', 'urgent': '1',
                                                        'title': 'École fermée demain', 'body': 'Alerte neige.'})
    note = Note.get(Note.title == 'École fermée demain')
    assert redirected_to(done) == f'/cahier-de-liaison/{note.id}' and note.urgent and note.classroom_id is None
    teacher = signed_in(scene.teacher)
    assert teacher.get('/cahier-de-liaison/nouveau?classe=ecole', expect_errors=True).status_int == 403
    refused = send(teacher, '/cahier-de-liaison/nouveau', {'class_id': 'ecole', 'kind': 'info', 'title': 'T',
                                                          'body': 'B'}, status='*')
    assert refused.status_int == 403 and 'direction' in text(refused)


def test_relancer_the_day_after_says_who_was_reminded(scene, signed_in):
    client = signed_in(scene.teacher)
    receipts.sign(scene.mother, scene.note.id, scene.two.id)
    done = send(client, f'/cahier-de-liaison/{scene.note.id}/relancer')
    page = text(client.get(redirected_to(done)))
    waiting = list(NoteReceipt.select().where((NoteReceipt.note == scene.note.id) & NoteReceipt.signed_at.is_null()
                                              & NoteReceipt.guardian.is_null(False)))
    assert f'{len({r.guardian_id for r in waiting})} responsables relancés.' in page
    assert page.count('relancé le vendredi 4 décembre 2026 à 10:00') == len(waiting)


def test_relancer_on_the_day_of_sending_is_refused_in_french(scene, signed_in):
    today = send_note(scene.teacher, class_id=scene.cp.id, title='Du jour')
    page = send(signed_in(scene.teacher), f'/cahier-de-liaison/{today.id}/relancer', status=403)
    assert 'Pas de relance le jour où le mot est envoyé' in text(page)


def test_paper_slips_print_and_the_export_downloads(scene, signed_in):
    client = signed_in(scene.teacher)
    done = send(client, f'/cahier-de-liaison/{scene.note.id}/papier', {'receipt': str(scene.receipt.id)})
    assert 'Coupon papier enregistré.' in text(client.get(redirected_to(done)))
    assert NoteReceipt.get_by_id(scene.receipt.id).channel == 'paper'
    slips = text(client.get(f'/cahier-de-liaison/{scene.note.id}/imprimer'))
    assert slips.count('Signature du responsable') == len(scene.cp_pupils)
    csv = client.get(f'/cahier-de-liaison/{scene.note.id}/export.csv')
    assert csv.content_type == 'text/csv' and csv.text.startswith('\ufeffÉlève;Niveau;Responsable')
    assert 'papier' in csv.text


def test_the_homes_show_notes_to_sign_first_and_missing_signatures(scene, signed_in):
    home = signed_in(scene.mother).get('/')
    card = re.search(r'<h3>' + re.escape(scene.two.first_name) + r'</h3>.*?</article>', home.text, re.S).group(0)
    links = re.findall(r'class="card-link"><a href="([^"]+)"', card)
    assert links[0] == f'/cahier-de-liaison#enfant-{scene.two.id}'
    waiting = NoteReceipt.select().join(Note).where((NoteReceipt.guardian == scene.mother.id) & (Note.kind != 'info')
                                                    & (NoteReceipt.pupil == scene.two.id)
                                                    & NoteReceipt.signed_at.is_null()).count()
    assert f'{waiting} mot{"s" if waiting > 1 else ""} à signer avant le mardi 8 décembre' in text(home)
    teacher = text(signed_in(scene.teacher).get('/'))
    assert f'{len(scene.cp_pupils)} signatures manquantes · Sortie au musée' in teacher
    receipts.sign(scene.mother, scene.note.id, scene.two.id)
    after = text(signed_in(scene.mother).get('/'))
    assert 'avant le mardi 8 décembre' not in after and (waiting == 1) == ('à signer' not in after.split(
        f'<h3>{scene.two.first_name}</h3>', 1)[1].split('</article>')[0])
    assert f'{len(scene.cp_pupils) - 1} signatures manquantes' in text(signed_in(scene.teacher).get('/'))


def test_pupils_and_staff_have_no_menu_entry_and_guardians_do(scene, signed_in):
    assert 'Cahier de liaison' in signed_in(scene.mother).get('/').text
    assert 'Cahier de liaison' in signed_in(scene.teacher).get('/').text
    assert 'href="/cahier-de-liaison"' not in signed_in(scene.two).get('/').text
    assert 'href="/cahier-de-liaison"' not in signed_in(scene.staff).get('/').text


def test_the_teachers_view_runs_the_same_few_queries_for_two_pupils_or_the_whole_class(scene, signed_in):
    small = send_note(scene.teacher, class_id=scene.cp.id, pupils=[scene.two.id, scene.one.id])
    client = signed_in(scene.teacher)
    for note in (small, scene.note):
        client.get(f'/cahier-de-liaison/{note.id}')            # the SQL of each query built once
    counts = []
    for note in (small, scene.note):
        with Counted() as counted:
            page = client.get(f'/cahier-de-liaison/{note.id}')
        counts.append(counted.count)
        assert page.status_int == 200
    assert counts[0] == counts[1] <= 8, counts


def test_a_guardian_opening_the_note_is_a_read_receipt(scene, signed_in):
    signed_in(scene.mother).get(f'/cahier-de-liaison/{scene.note.id}')
    mine = NoteReceipt.get(note=scene.note.id, pupil=scene.two.id, guardian=scene.mother.id)
    assert mine.read_at is not None and mine.signed_at is None
    father = NoteReceipt.get(note=scene.note.id, pupil=scene.two.id, guardian=scene.father.id)
    assert father.read_at is None
    page = text(signed_in(scene.teacher).get(f'/cahier-de-liaison/{scene.note.id}'))
    assert f'0 responsable sur {scene.note_guardians} a signé ou répondu. 1 responsable a lu le mot.' in page
