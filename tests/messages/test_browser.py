"""Messaging in Debian's Chromium, through the real server, on a phone (390 x 844): a guardian
writes to the teacher from the home's « Écrire à l'enseignant », the teacher reads and answers,
the guardian sees when the teacher read it; a teacher writing to a whole class confirms first.
axe-core finds no violation on any messaging page, and none is wider than the phone's screen.
The messaging's clock is stopped on Friday 4 December 2026 (tests/messages/conftest.py)."""
import io

import pytest
from PIL import Image

from ecole_ent.messages import threads
from tests.blog.conftest import PDF
from tests.homework.test_browser import PHONE, clean, fits, signed_in, visit

pytestmark = pytest.mark.browser
LONG = 'Voici le lien du musée : https://www.example.org/un/chemin/tres/long/qui/ne/se/coupe/pas/tout/seul/ok'


def phone(open_page, login):
    return signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), login)


def test_a_guardian_writes_on_a_phone_and_sees_when_the_teacher_read_it(open_page, people):
    guardian = phone(open_page, people.guardian.login)
    guardian.get_by_role('link', name="Écrire à l'enseignant").first.click()
    guardian.wait_for_load_state()
    assert guardian.get_by_label('Julien Roux').is_checked()
    guardian.get_by_label('Objet').fill('Sortie de 16 h')
    guardian.get_by_label('Message').fill('Bonjour, je viendrai chercher mon enfant à 15 h 30. ' + LONG)
    guardian.get_by_role('button', name='Envoyer').click()
    guardian.wait_for_load_state()
    assert 'Julien Roux : pas encore lu' in guardian.inner_text('main')
    fits(guardian, PHONE['width'])
    clean(guardian)
    thread = guardian.url

    teacher = phone(open_page, people.teacher.login)
    assert '1 message non lu' in teacher.inner_text('main')
    teacher.get_by_role('link', name='Messages').first.click()
    teacher.wait_for_load_state()
    teacher.get_by_role('link', name='Sortie de 16 h').click()
    teacher.wait_for_load_state()
    teacher.get_by_label('Votre réponse').fill('Bien noté, merci.')
    teacher.get_by_role('button', name='Envoyer').click()
    teacher.wait_for_load_state()
    assert 'Bien noté, merci.' in teacher.inner_text('main')

    visit(guardian, thread.replace(guardian.base, ''))
    main = guardian.inner_text('main')
    assert 'Lu par Julien Roux le vendredi 4 décembre à 10 h 00' in main and 'Bien noté, merci.' in main


def test_a_teacher_confirms_a_message_to_the_whole_class(open_page, people):
    teacher = phone(open_page, people.teacher.login)
    visit(teacher, '/messages/nouveau')
    teacher.get_by_label('Classe').select_option(label='CP-CE1')
    teacher.get_by_label('Objet').fill('Sortie au musée')
    teacher.get_by_label('Message').fill('Jeudi, prévoir un pique-nique.')
    teacher.get_by_role('button', name='Envoyer').click()
    teacher.wait_for_load_state()
    assert 'Ce message partira à' in teacher.inner_text('main')
    fits(teacher, PHONE['width'])
    clean(teacher)
    teacher.get_by_role('button', name='Confirmer et envoyer').click()
    teacher.wait_for_load_state()
    assert teacher.url.endswith('/messages') and 'familles' in teacher.inner_text('body')


@pytest.mark.parametrize('who', ['guardian', 'teacher', 'director', 'staff'])
def test_the_messaging_pages_fit_a_phone_and_axe_finds_nothing(open_page, people, who):
    user = getattr(people, who)
    picture = io.BytesIO()
    Image.new('RGB', (1600, 900), (40, 120, 200)).save(picture, 'PNG')      # wider than the phone
    picture.seek(0)
    sent = threads.start(people.teacher if who != 'teacher' else people.director,
                         {'subject': 'Réunion', 'body': LONG, 'recipients': [str(user.id)]},
                         [('affiche.png', picture), ('programme.pdf', io.BytesIO(PDF))])
    page = phone(open_page, user.login)
    for path in ('/', '/messages', '/messages/nouveau', f'/messages/{sent.threads[0].id}', 'a form with errors'):
        if path == 'a form with errors':
            visit(page, '/messages/nouveau')
            page.get_by_label('Objet').fill('Question')
            page.get_by_label('Message').fill('   ')          # the browser's check lets spaces through
            page.get_by_role('button', name='Envoyer').click()
            page.wait_for_load_state()
            assert 'Le formulaire contient' in page.inner_text('main')
        else:
            visit(page, path)
        fits(page, PHONE['width'])
        clean(page)
