"""The homework pages through the app: who may reach each route (every role of the demo school,
the others refused), and what the forms do with good and bad input (the form kept, a French
message, nothing half-saved, no 500). Another school: tests/homework/test_isolation.py."""
import io
import re

import pytest
from PIL import Image

from ecole_ent.accounts import service as accounts
from ecole_ent.homework import entries
from ecole_ent.models import GuardianLink, Homework, HomeworkFile, Teaching, User
from tests.blog.conftest import PDF, send, text
from tests.conftest import redirected_to


@pytest.fixture
def scene(people):
    """A CE1-only entry of CP-CE1 with a PDF, and who is who around it."""
    made, _w = entries.create(people.teacher, people.cp.id, {
        'niveaux': ['CE1'], 'subject': 'Français', 'due_on': '2026-12-07', 'body': 'Lire **la page 12**',
        'when': 'now'}, [('fiche.pdf', io.BytesIO(PDF))])
    people.entry = made[0]
    people.file = HomeworkFile.get(HomeworkFile.homework == people.entry)
    people.ce1_guardian = User.select().join(GuardianLink, on=GuardianLink.guardian).where(
        GuardianLink.pupil == people.ce1_pupil).first()
    people.cp_guardian = next(g for g in User.select().join(GuardianLink, on=GuardianLink.guardian)
                              .where(GuardianLink.pupil == people.cp_pupil)
                              if people.ce1_pupil.id not in {p.id for p, _c in accounts.children_of(g)})
    return people


# role -> expected status per route; 303 means sent elsewhere (not a success page)
WHO = ('teacher', 'director', 'admin', 'ce1_pupil', 'cp_pupil', 'ce1_guardian', 'cp_guardian',
       'other_teacher', 'staff')
MATRIX = {
    # (method, path): (statuses in WHO order)
    ('GET', '/devoirs/{entry}'): (200, 200, 200, 200, 404, 200, 404, 404, 404),
    ('GET', '/devoirs/fichier/{file}'): (200, 200, 200, 200, 404, 200, 404, 404, 404),
    ('POST', '/devoirs/{entry}/fait'): (403, 403, 403, 303, 404, 403, 404, 404, 404),
    ('GET', '/devoirs/{entry}/modifier'): (200, 200, 200, 403, 404, 403, 404, 404, 404),
    ('POST', '/devoirs/{entry}/modifier'): (303, 303, 303, 403, 404, 403, 404, 404, 404),
    ('POST', '/devoirs/{entry}/copier'): (303, 303, 303, 403, 404, 403, 404, 404, 404),
    ('GET', '/classe/{cls}/devoirs'): (200, 200, 200, 303, 303, 303, 303, 403, 403),
    ('GET', '/classe/{cls}/devoirs/nouveau'): (200, 200, 200, 403, 403, 403, 403, 403, 403),
    ('POST', '/classe/{cls}/devoirs/nouveau'): (303, 303, 303, 403, 403, 403, 403, 403, 403),
    ('GET', '/classe/{cls}/devoirs/imprimer'): (200, 200, 200, 403, 403, 403, 403, 403, 403),
    ('GET', '/devoirs/imprimer'): (403, 403, 403, 200, 200, 200, 200, 403, 403),
    ('GET', '/devoirs/matieres'): (403, 200, 200, 403, 403, 403, 403, 403, 403),
    ('POST', '/devoirs/matieres'): (403, 303, 303, 403, 403, 403, 403, 403, 403),
    ('POST', '/devoirs/{entry}/supprimer'): (303, 303, 303, 403, 404, 403, 404, 404, 404),
}
ENTRY = 'Lire <strong>la page 12</strong>'
GOOD_FORM = {'subject': 'Mathématiques', 'due_on': '2026-12-08', 'body': 'Revoir la table de 3',
             'when': 'now', 'class_id': '{cls}', 'subjects': 'Français\nMathématiques',
             'niveaux': 'CE1'}


def test_every_homework_route_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name and route.name.startswith('homework.')}
    named = {(m, p.replace('{entry}', '{homework_id}').replace('{file}', '{file_id}')
              .replace('{cls}', '{class_id}')) for m, p in MATRIX}
    feeds = {(m, p) for m, p in declared if p.startswith(('/agenda/', '/compte/agenda/'))}   # test_feed.py
    assert declared - feeds == named | {('GET', '/devoirs')}


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_homework_route(scene, signed_in, method, path):
    who = {'teacher': scene.teacher, 'director': scene.director, 'admin': scene.admin,
           'ce1_pupil': scene.ce1_pupil, 'cp_pupil': scene.cp_pupil, 'ce1_guardian': scene.ce1_guardian,
           'cp_guardian': scene.cp_guardian, 'other_teacher': scene.other_teacher, 'staff': scene.staff}
    ids = {'entry': scene.entry.id, 'file': scene.file.id, 'cls': scene.cp.id}
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        if method == 'POST' and path.endswith('/supprimer') and not Homework.get_or_none(id=scene.entry.id):
            scene.entry = Homework.create(**{k: v for k, v in scene.entry.__data__.items() if k != 'id'},
                                          id=scene.entry.id)
        client = signed_in(who[role])
        address = path.format(**ids)
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            fields = {k: v.format(**ids) for k, v in GOOD_FORM.items()}
            response = send(client, address, fields, status='*')
        assert response.status_int == expected, (role, method, address, response.status_int)
        if expected == 303 and method == 'GET':
            assert redirected_to(response) == '/devoirs'


def test_the_devoirs_page_of_each_role(scene, signed_in):
    assert ENTRY in text(signed_in(scene.ce1_pupil).get('/devoirs'))
    assert ENTRY not in text(signed_in(scene.cp_pupil).get('/devoirs'))
    page = text(signed_in(scene.ce1_guardian).get('/devoirs'))
    assert ENTRY in page and scene.ce1_pupil.first_name in page
    assert redirected_to(signed_in(scene.teacher).get('/devoirs')) == f'/classe/{scene.cp.id}/devoirs'
    director = text(signed_in(scene.director).get('/devoirs'))
    assert all(name in director for name in ('Maternelle PS-MS-GS', 'CP-CE1', 'CE2-CM1-CM2'))
    staff = signed_in(scene.staff).get('/devoirs')
    assert redirected_to(staff) == f'/classe/{scene.staff_class.id}/devoirs'


def test_another_week_is_chosen_and_a_bad_week_is_this_week(scene, signed_in):
    client = signed_in(scene.ce1_pupil)
    assert ENTRY not in text(client.get('/devoirs?semaine=2027-W10'))
    assert ENTRY in text(client.get('/devoirs?semaine=2026-W50'))
    assert ENTRY in text(client.get('/devoirs?semaine=nimporte'))


def test_a_pupil_ticks_and_the_guardian_sees_it(scene, signed_in):
    pupil = signed_in(scene.ce1_pupil)
    response = send(pupil, f'/devoirs/{scene.entry.id}/fait', {'done': '1', 'next': '/devoirs#enfant-1'})
    assert redirected_to(response) == '/devoirs'
    assert 'C’est fait !' in text(pupil.get('/devoirs'))
    assert f'{scene.ce1_pupil.first_name} a coché « fait ».' in text(signed_in(scene.ce1_guardian).get('/devoirs'))
    teacher = text(signed_in(scene.teacher).get(f'/devoirs/{scene.entry.id}'))
    assert scene.ce1_pupil.display_name in teacher and 'oui, le' in teacher
    elsewhere = send(pupil, f'/devoirs/{scene.entry.id}/fait', {'done': '1', 'next': 'https://ailleurs.example/'})
    assert redirected_to(elsewhere) == '/devoirs'


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(scene, signed_in):
    client = signed_in(scene.teacher)
    before = Homework.select().count()
    page = send(client, f'/classe/{scene.cp.id}/devoirs/nouveau',
                {'subject': '', 'due_on': '2026-12-08', 'body': 'Apprendre la poésie', 'niveaux': 'CM2'})
    assert page.status_int == 200 and Homework.select().count() == before
    body = text(page)
    assert 'Apprendre la poésie' in body and 'Le formulaire contient' in body and 'CM2' in body


def test_a_one_megabyte_text_is_refused_in_french_and_nothing_is_saved(scene, signed_in):
    client = signed_in(scene.teacher)
    before = Homework.select().count()
    page = client.post(f'/classe/{scene.cp.id}/devoirs/nouveau',     # as the form sends it: multipart
                       {'csrf_token': client.csrf('/'), 'subject': 'Français', 'due_on': '2026-12-08',
                        'body': 'é' * 500_000}, content_type='multipart/form-data')
    assert page.status_int == 200 and Homework.select().count() == before
    assert 'trop long' in text(page) and 'value="2026-12-08"' in page.text


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_left(scene, signed_in, config):
    client = signed_in(scene.teacher)
    before = (Homework.select().count(), HomeworkFile.select().count())
    page = send(client, f'/classe/{scene.cp.id}/devoirs/nouveau',
                {'subject': 'Français', 'due_on': '2026-12-08', 'body': 'Voir la fiche'},
                files=[('files', 'fiche.pdf', b'<html><script>alert(1)</script></html>')], status='*')
    assert page.status_int == 200 and 'fiche.pdf' in text(page)
    assert (Homework.select().count(), HomeworkFile.select().count()) == before


def test_due_on_a_holiday_is_saved_with_a_warning(scene, signed_in):
    client = signed_in(scene.teacher)
    response = send(client, f'/classe/{scene.cp.id}/devoirs/nouveau',
                    {'subject': 'Français', 'due_on': '2026-12-24', 'body': 'Joyeux Noël'})
    page = text(client.get(response.headers['Location']))
    assert 'Devoirs enregistrés.' in page and 'Vacances de Noël' in page
    assert Homework.get(Homework.body_source == 'Joyeux Noël').due_on.isoformat() == '2026-12-24'


def test_an_image_is_shown_through_the_media_pipeline(scene, signed_in):
    picture = io.BytesIO()
    Image.new('RGB', (300, 200), (200, 60, 20)).save(picture, 'PNG')
    client = signed_in(scene.teacher)
    send(client, f'/classe/{scene.cp.id}/devoirs/nouveau', {'subject': 'Arts plastiques', 'due_on': '2026-12-08',
                                                             'body': 'Colorier'},
         files=[('files', 'modele.png', picture.getvalue())])
    row = HomeworkFile.select().join(Homework).where(Homework.body_source == 'Colorier').get()
    assert row.kind == 'jpg'
    image = signed_in(scene.ce1_pupil).get(f'/devoirs/fichier/{row.id}')
    assert image.content_type == 'image/jpeg' and image.body[:3] == b'\xff\xd8\xff'


def test_the_printed_week_has_one_sheet_per_child(scene, signed_in):
    page = signed_in(scene.teacher).get(f'/classe/{scene.cp.id}/devoirs/imprimer?semaine=2026-W50').text
    assert page.count('class="print-sheet"') == len(accounts.pupils_of(scene.cp))
    family = signed_in(scene.ce1_guardian).get('/devoirs/imprimer?semaine=2026-W50').text
    children = [c for c, cls in accounts.children_of(scene.ce1_guardian) if cls is not None]
    assert family.count('class="print-sheet"') == len(children) and 'Lire <strong>la page 12</strong>' in family


def test_the_homes_show_the_homework(scene, signed_in):
    guardian = text(signed_in(scene.ce1_guardian).get('/'))
    assert re.search(r'\d+ devoirs? pour lundi', guardian)
    teacher = text(signed_in(scene.teacher).get('/'))
    assert 'Les devoirs du prochain jour de classe' in teacher and 'Français' in teacher
    assert 'Mes devoirs' in text(signed_in(scene.ce1_pupil).get('/'))


def test_the_director_edits_the_subject_list(scene, signed_in):
    client = signed_in(scene.director)
    response = send(client, '/devoirs/matieres', {'subjects': 'Français\nMathématiques\nOccitan'})
    assert redirected_to(response) == '/devoirs/matieres?ecole=0061234A'
    form = text(signed_in(scene.teacher).get(f'/classe/{scene.cp.id}/devoirs/nouveau'))
    assert 'Occitan' in form and 'Questionner le monde' not in form
    refused = send(client, '/devoirs/matieres', {'subjects': 'Français\nfrançais'})
    assert refused.status_int == 200 and 'Le formulaire contient' in text(refused)


def test_staff_of_the_class_read_only_what_is_published(people, signed_in):
    staff_class = people.staff_class
    teacher = User.select().join(Teaching, on=Teaching.teacher).where(
        (Teaching.classroom == staff_class) & User.roles.contains('teacher')).first()
    entries.create(teacher, staff_class.id, {'subject': 'Français', 'due_on': '2026-12-08', 'body': 'Déjà visible',
                                             'when': 'now'})
    entries.create(teacher, staff_class.id, {'subject': 'Français', 'due_on': '2026-12-08', 'body': 'Pas encore',
                                             'when': 'later', 'publish_date': '2026-12-06', 'publish_time': '18:00'})
    page = text(signed_in(people.staff).get(f'/classe/{staff_class.id}/devoirs'))
    assert 'Déjà visible' in page and 'Pas encore' not in page
    assert 'Pas encore' in text(signed_in(teacher).get(f'/classe/{staff_class.id}/devoirs'))


@pytest.mark.parametrize('week', ['0001-W01', '9999-W52', '2026-W99'])
def test_a_week_out_of_range_is_this_week(people, signed_in, week):
    for path in ('/devoirs', '/devoirs/imprimer'):
        assert signed_in(people.ce1_pupil).get(f'{path}?semaine={week}').status_int == 200
    for path in (f'/classe/{people.cp.id}/devoirs', f'/classe/{people.cp.id}/devoirs/imprimer'):
        assert signed_in(people.teacher).get(f'{path}?semaine={week}').status_int == 200


def test_a_weekly_repeat_says_how_many_entries_were_made(people, signed_in):
    client = signed_in(people.teacher)
    response = client.post(f'/classe/{people.cp.id}/devoirs/nouveau', [
        ('csrf_token', client.csrf('/')), ('subject', 'Français'), ('due_on', '2026-12-07'),
        ('body', 'Poésie'), ('repeat_weekdays', '0'), ('repeat_until', '2027-01-18')])
    page = text(client.get(response.headers['Location']))
    assert '5 devoirs enregistrés (répétition chaque semaine).' in page     # 7, 14 Dec; 4, 11, 18 Jan


@pytest.mark.parametrize('class_id', ['abc', '', '99999999999999999999', '-1'])
def test_a_copy_to_no_class_comes_back_to_the_form(scene, signed_in, class_id):
    before = Homework.select().count()
    page = send(signed_in(scene.teacher), f'/devoirs/{scene.entry.id}/copier',
                {'class_id': class_id, 'niveaux': 'CE1'}, status='*')
    assert page.status_int == 200 and 'Choisissez une de vos classes.' in text(page)
    assert Homework.select().count() == before
    assert 'id="f-niveaux-CE1" name="niveaux" value="CE1" checked' in page.text
