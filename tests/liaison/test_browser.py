"""The cahier de liaison in Debian's Chromium, through the real server: a teacher sends a note to
sign through the « Nouveau mot » form; a guardian, on a phone (390 x 844), finds it first on the
child's card and signs it; the teacher sees the signature. axe-core finds no violation on any of
these pages, none of them is wider than the phone's screen, and the printed slips leave the site's
furniture off the paper. The liaison's clock is stopped on Friday 4 December 2026."""
import re

import pytest

from ecole_ent.models import Note
from tests.homework.test_browser import PHONE, clean, fits, open_page, signed_in, visit  # noqa: F401 (a fixture)
from tests.liaison.conftest import send as send_note

pytestmark = pytest.mark.browser

TITLE = 'Sortie à la médiathèque'


def phone(open_page, login):  # noqa: F811
    return signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), login)


def test_a_teacher_sends_a_note_a_guardian_signs_it_on_a_phone_the_teacher_sees_it(open_page, people):  # noqa: F811
    teacher = signed_in(open_page(), people.teacher.login)
    visit(teacher, '/cahier-de-liaison')
    clean(teacher)
    teacher.get_by_role('link', name='Nouveau mot · CP-CE1').click()
    teacher.wait_for_load_state()
    clean(teacher)
    teacher.get_by_role('radio', name=re.compile('^À signer')).check()
    teacher.get_by_label('Titre').fill(TITLE)
    teacher.get_by_label('Texte').fill('Nous irons à la médiathèque **mardi**. Merci de signer.')
    teacher.get_by_label('Date limite (facultatif)').fill('2026-12-08')
    teacher.get_by_role('button', name='Envoyer le mot').click()
    teacher.wait_for_load_state()
    assert 'Mot envoyé.' in teacher.locator('.flashes').inner_text()
    note = Note.get(Note.title == TITLE)
    assert teacher.url.endswith(f'/cahier-de-liaison/{note.id}')
    total = len(people.cp_pupils)
    assert teacher.locator('#h-follow').inner_text().strip() == f'0 signature sur {total} élèves'
    clean(teacher)

    guardian = phone(open_page, people.mother.login)
    visit(guardian, '/')
    card = guardian.locator('article.child-card', has_text=people.two.first_name)
    first = card.locator('p.card-link').first
    assert 'à signer avant le mardi 8 décembre' in first.inner_text()
    fits(guardian, PHONE['width'])
    clean(guardian)
    first.locator('a').click()
    guardian.wait_for_load_state()
    item = guardian.locator(f'#enfant-{people.two.id} li.note-todo', has_text=TITLE)
    assert item.count() == 1 and 'à rendre avant le mardi 8 décembre 2026' in item.inner_text()
    fits(guardian, PHONE['width'])
    clean(guardian)
    button = item.get_by_role('button', name='Je signe')
    box = button.bounding_box()
    assert box['height'] >= 44                                   # a thumb's target
    button.click()
    guardian.wait_for_load_state()
    assert 'Votre signature est enregistrée.' in guardian.locator('.flashes').inner_text()
    assert 'Vous avez signé le vendredi 4 décembre 2026' in guardian.locator('main').inner_text()
    fits(guardian, PHONE['width'])
    clean(guardian)

    teacher.reload()
    assert teacher.locator('#h-follow').inner_text().strip() == f'1 signature sur {total} élèves'
    row = teacher.locator('table.note-status tr', has_text=people.mother.display_name)
    assert 'en ligne' in row.inner_text() and 'vendredi 4 décembre 2026' in row.inner_text()
    other = teacher.locator('table.note-status tr', has_text=people.father.display_name)
    assert 'pas encore' in other.inner_text()
    clean(teacher)


@pytest.mark.parametrize('who, paths', [
    ('guardian', ['/', '/cahier-de-liaison', 'the note', 'the answer note']),
    ('teacher', ['/', '/cahier-de-liaison', '/cahier-de-liaison/nouveau', 'the form with an error', 'the note',
                 'the answer note', 'the slips']),
    ('director', ['/cahier-de-liaison', '/cahier-de-liaison/nouveau', '/cahier-de-liaison/nouveau?classe=ecole']),
])
def test_the_liaison_pages_fit_a_phone_and_axe_finds_nothing(open_page, people, clock, who, paths):  # noqa: F811
    clock.days(-1)
    sign = send_note(people.teacher, class_id=people.cp.id, title='Cahier du jour',
                     body='Un très long lien : https://example.org/' + 'a' * 120, deadline='2026-12-09')
    answer = send_note(people.teacher, class_id=people.cp.id, kind='answer', title='Piscine')
    clock.days(0)
    login = {'guardian': people.mother.login, 'teacher': people.teacher.login, 'director': people.director.login}[who]
    page = phone(open_page, login)
    for path in paths:
        if path == 'the form with an error':
            visit(page, '/cahier-de-liaison/nouveau')
            page.get_by_label('Texte').fill('Sans titre')
            page.get_by_label('Titre').evaluate('e => e.removeAttribute("required")')
            page.get_by_role('button', name='Envoyer le mot').click()
            page.wait_for_load_state()
            assert 'Donnez un titre au mot.' in page.locator('main').inner_text()
        else:
            named = {'the note': f'/cahier-de-liaison/{sign.id}', 'the answer note': f'/cahier-de-liaison/{answer.id}',
                     'the slips': f'/cahier-de-liaison/{sign.id}/imprimer'}
            visit(page, named.get(path, path))
        fits(page, PHONE['width'])
        clean(page)
        if path == 'the slips':
            assert page.locator('section.print-sheet').count() == len(people.cp_pupils)
            page.emulate_media(media='print')
            for furniture in ('header.site-header', 'nav.site-nav', 'footer.site-footer', '.no-print'):
                assert not page.locator(furniture).first.is_visible(), f'{furniture} is printed'
            page.emulate_media(media='screen')


def test_each_printed_slip_fits_one_a4_page(open_page, people, clock):  # noqa: F811
    """Emulating print at the A4 printable width (186 mm at 96 px per inch), each pupil's slip is
    no taller than one page (273 mm): one slip, one sheet, with its signature box."""
    note = send_note(people.teacher, class_id=people.cp.id, kind='answer', title='Sortie au musée',
                     body='Nous irons au musée **jeudi**.\n\n- un pique-nique\n- une gourde\n- un k-way',
                     deadline='2026-12-09')
    page = signed_in(open_page(703, 1032), people.teacher.login)
    visit(page, f'/cahier-de-liaison/{note.id}/imprimer')
    slips = page.locator('section.print-sheet')
    assert slips.count() == len(people.cp_pupils)
    assert 'Signature du responsable' in slips.first.inner_text() and 'oui' in slips.first.inner_text()
    page.emulate_media(media='print')
    for n in range(slips.count()):
        height = slips.nth(n).evaluate('e => e.getBoundingClientRect().height')
        assert height <= 1032, f'slip {n + 1} is {height:.0f} px tall: more than one A4 page'
