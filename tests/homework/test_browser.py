"""The homework notebook in Debian's Chromium, through the real server: a teacher gives homework
to the CE1 pupils of CP-CE1 only; a CE1 pupil ticks it, a CP pupil never sees it; the guardian sees
the tick on a phone; the teacher sees who ticked; the printable week has one sheet per child and
prints without the site's furniture. axe-core finds no violation on any of these pages, and none
of them is wider than a phone's screen.

The homework's clock is stopped on Friday 4 December 2026 (tests/homework/conftest.py's `clock`,
through `people`): the due date, the next school day, is computed from it."""
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.homework import access, entries, service
from ecole_ent.models import GuardianLink, User
from ecole_ent.school_calendar.service import days as school_days
from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
BODY_TEXT = 'Relire la poésie du hérisson, **les deux premières strophes**.'
MARK = 'poésie du hérisson'           # in the entry's text: finds it on a page


@pytest.fixture
def open_page(fresh_page):
    """open_page(width, height, mobile=False) -> a page in a fresh browser context (no cookies) on
    the live server, page.base its URL (tests/conftest.py fresh_page: a request to any other host
    fails the test; the contexts are closed at the end)."""
    def opened(width=1280, height=800, mobile=False):
        options = dict(is_mobile=True, has_touch=True) if mobile else {}
        return fresh_page(viewport={'width': width, 'height': height}, **options)
    return opened


def visit(page, path):
    response = page.goto(page.base + path)
    assert response.status == 200, f'{path}: HTTP {response.status}'
    return page


def fits(page, width):
    """The page scrolls only downwards at `width` px; names the elements that stick out if not."""
    scroll = page.evaluate('document.documentElement.scrollWidth')
    if scroll > width:
        wide = page.evaluate("""(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
                + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""", width)
        raise AssertionError(f'{page.url}: horizontal scrolling at {width} px ({scroll} px wide): {wide}')


def clean(page):
    """axe-core finds no violation on the page; the message names the page and the elements."""
    found = axe_violations(page)
    if found:
        where = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => v.id + ': ' + v.help + ' -> '
                + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '))""")
        raise AssertionError(f'{page.url}: {found}\n  ' + '\n  '.join(where))


def signed_in(page, login):
    browser_sign_in(page, login)
    assert '/connexion' not in page.url, f'{login} could not sign in'
    return page


def item(page, text=MARK):
    """The homework item (an <article>) holding `text`."""
    return page.locator('article.homework-item', has_text=text)


def by_niveau(people):
    """{niveau: [pupil, ...]} of CP-CE1, in the class list's order."""
    found = {}
    for pupil in accounts.pupils_of(people.cp):
        found.setdefault(access.niveau_of(pupil, people.cp), []).append(pupil)
    return found


def guardian_of(pupil):
    return (User.select().join(GuardianLink, on=GuardianLink.guardian)
            .where(GuardianLink.pupil == pupil).order_by(User.login).first())


def ticked_label(done, total):
    """What the teacher reads: « 1 élève sur 12 a fini », « 2 élèves sur 12 ont fini »: the verb
    agrees with the pupils who finished, not with the class (never « 1 élèves sur 12 ont fini »),
    and French keeps the singular for none (« 0 élève sur 12 a fini », i18n.ngettext). A regular
    expression."""
    subject = r'(?: \(.+\))?'         # the entry's subject, for screen readers (visually hidden)
    if done <= 1:                        # French: the singular up to 1
        return re.compile(rf'{done} élève sur {total} a fini{subject}')
    return re.compile(rf'{done} élèves sur {total} ont fini{subject}')


def says(locator, pattern):
    """The locator's text is exactly what `pattern` (a compiled expression) matches."""
    text = ' '.join(locator.inner_text().split())
    assert pattern.fullmatch(text), f'{text!r} is not {pattern.pattern!r}'


GUARDIAN = 'aurelie.dubois'     # the demo's guardian of Zoé (maternelle) and Noé (CP-CE1)


def homework_for_every_child(login=GUARDIAN):
    """Each child of the guardian `login` given homework for the next school day by the class's
    teacher, through entries.create as the form does, with a long address in the text and a long
    link (what stretches a phone's page); returns the guardian and that day."""
    guardian = User.get(User.login == login)
    due = None
    for _child, room in accounts.children_of(guardian):
        if room is None:
            continue
        teacher = next(t for t in accounts.teachers_of([room])[room.id] if t.has_role('teacher'))
        due = school_days(room.school_id).next_school_day(service.today())
        entries.create(teacher, room.id, {
            'subject': 'Mathématiques', 'due_on': due.isoformat(), 'given_on': service.today().isoformat(),
            'body': f'{MARK} : **apprendre** la table de 7.\n\n- exercice 3\n- exercice 4\n\n'
                    'La vidéo : https://exemple.fr/videos/la-table-de-sept-en-chanson-pour-les-ce1.mp4',
            'links': 'https://exemple.fr/un/tres/long/chemin/sans/coupure/' + 'x' * 80,
            'when': 'now', 'niveaux': [], 'repeat_weekdays': []})
    return guardian, due


def send_without_subject(page):
    """Submits the open homework form with no subject, past the browser's own check (as an old
    browser would): the server answers with its French message."""
    page.get_by_label('Travail à faire').fill(BODY_TEXT)
    page.evaluate("document.querySelector('form[action$=\"/devoirs/nouveau\"]').noValidate = true")
    page.get_by_role('button', name='Enregistrer').click()
    page.wait_for_load_state()
    assert 'Choisissez une matière.' in page.get_by_role('alert').first.inner_text()


def test_homework_for_ce1_only_ticked_by_a_pupil_seen_by_the_guardian_on_a_phone(
        browser_page, open_page, people):
    cp = people.cp
    ce1_pupils = by_niveau(people)['CE1']
    ce1, cp_pupil = people.ce1_pupil, people.cp_pupil
    assert access.niveau_of(ce1, cp) == 'CE1' and access.niveau_of(cp_pupil, cp) == 'CP'
    due = school_days(cp.school_id).next_school_day(service.today())
    assert due.isoformat() == '2026-12-07'         # Friday 4 December -> Monday (zone B, 4 days)

    # The teacher opens the class's week and gives homework to CE1 only.
    teacher = browser_page
    signed_in(teacher, people.teacher.login)
    visit(teacher, f'/classe/{cp.id}/devoirs')
    assert teacher.get_by_role('heading', level=1).inner_text() == 'Cahier de textes · CP-CE1'
    clean(teacher)
    teacher.get_by_role('link', name='Donner des devoirs').click()
    teacher.wait_for_load_state()
    assert teacher.url.endswith(f'/classe/{cp.id}/devoirs/nouveau')
    niveaux = teacher.get_by_role('group', name='Pour quels niveaux ?')
    niveaux.get_by_label('CE1', exact=True).check()
    assert not niveaux.get_by_label('CP', exact=True).is_checked()
    assert teacher.get_by_label('Pour le').input_value() == due.isoformat()     # the default
    send_without_subject(teacher)          # the form keeps what was typed
    summary = teacher.get_by_role('alert').filter(has_text='Le formulaire contient une erreur')
    assert 'Matière : Choisissez une matière.' in summary.inner_text()
    assert teacher.get_by_label('Matière').get_attribute('aria-invalid') == 'true'
    assert teacher.get_by_label('Travail à faire').input_value() == BODY_TEXT
    niveaux = teacher.get_by_role('group', name='Pour quels niveaux ?')
    assert niveaux.get_by_label('CE1', exact=True).is_checked()
    assert not niveaux.get_by_label('CP', exact=True).is_checked()
    clean(teacher)
    teacher.get_by_label('Matière').select_option('Français')
    teacher.get_by_label('Pour le').fill(due.isoformat())
    teacher.get_by_role('button', name='Enregistrer').click()
    teacher.wait_for_load_state()
    assert f'/classe/{cp.id}/devoirs?semaine=' in teacher.url
    assert 'Devoirs enregistrés.' in teacher.locator('.flashes').inner_text()
    given = item(teacher)
    assert given.count() == 1
    assert given.locator('.homework-subject').inner_text().startswith('Français')
    assert given.locator('.tag').inner_text() == 'CE1'
    assert given.locator('.homework-body strong').inner_text() == 'les deux premières strophes'
    says(given.locator('.homework-meta'), ticked_label(0, len(ce1_pupils)))
    day = teacher.locator('.homework-day', has=given)
    assert day.locator('.homework-day-title').inner_text() == 'Pour lundi 7 décembre'
    clean(teacher)
    week_url = teacher.url

    # A CE1 pupil of the class ticks it, in the pupils' large view.
    pupil = signed_in(open_page(), ce1.login)
    visit(pupil, '/devoirs')
    assert 'role-pupil' in pupil.locator('body').get_attribute('class').split()
    mine = item(pupil)
    assert mine.count() == 1
    assert mine.locator('.homework-body strong').inner_text() == 'les deux premières strophes'
    clean(pupil)
    mine.get_by_role('button', name='J’ai fini').click()
    pupil.wait_for_load_state()
    assert 'Bravo, c’est noté : fait !' in pupil.locator('.flashes').inner_text()
    assert 'C’est fait !' in item(pupil).inner_text()
    assert item(pupil).get_by_role('button', name='Annuler : pas encore fait').is_visible()
    clean(pupil)

    # A CP pupil of the same class never sees it.
    other = signed_in(open_page(), cp_pupil.login)
    visit(other, '/devoirs')
    assert 'role-pupil' in other.locator('body').get_attribute('class').split()
    assert item(other).count() == 0
    assert MARK not in other.locator('main').inner_text()

    # The CE1 pupil's guardian, on a phone, sees the tick.
    guardian_user = guardian_of(ce1)
    children = [child for child, room in accounts.children_of(guardian_user) if room is not None]
    guardian = signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), guardian_user.login)
    visit(guardian, '/devoirs')
    section = guardian.locator(f'#enfant-{ce1.id}')
    seen = section.locator('article.homework-item', has_text=MARK)
    assert seen.count() == 1
    assert f'{ce1.first_name} a coché « fait ».' in seen.locator('.tick-state').inner_text()
    fits(guardian, PHONE['width'])
    clean(guardian)
    visit(guardian, '/compte')
    fits(guardian, PHONE['width'])
    clean(guardian)

    # The guardian's printable week: one sheet per child with a class, no site furniture on paper.
    visit(guardian, f'/devoirs/imprimer?semaine={service.week_label(due)}')
    sheets = guardian.locator('section.print-sheet')
    assert sheets.count() == len(children)
    assert MARK in guardian.locator(f'section.print-sheet[aria-labelledby="p-{ce1.id}"]').inner_text()
    fits(guardian, PHONE['width'])
    clean(guardian)
    guardian.emulate_media(media='print')
    for furniture in ('header.site-header', 'nav.site-nav', 'footer.site-footer', '.week-nav'):
        assert not guardian.locator(furniture).is_visible(), f'{furniture} is printed'
    assert all(sheets.nth(n).is_visible() for n in range(sheets.count()))
    guardian.emulate_media(media='screen')

    # The teacher sees who ticked, on the entry's page and in the class's week.
    visit(teacher, week_url.removeprefix(teacher.base))
    says(item(teacher).locator('.homework-meta'), ticked_label(1, len(ce1_pupils)))
    item(teacher).locator('.homework-meta a').click()
    teacher.wait_for_load_state()
    assert re.search(r'/devoirs/\d+#fait$', teacher.url)
    says(teacher.locator('#h-ticks'), ticked_label(1, len(ce1_pupils)))
    rows = teacher.locator('table.ticks tbody tr')
    assert rows.count() == len(ce1_pupils)              # CE1 only: no CP pupil listed
    done = rows.filter(has_text=ce1.display_name)
    assert done.count() == 1 and 'oui, le' in done.inner_text()
    assert rows.filter(has_text='oui, le').count() == 1
    assert cp_pupil.display_name not in teacher.locator('table.ticks').inner_text()
    clean(teacher)


def test_the_printed_week_fits_one_a4_sheet_per_child(open_page, people):
    """Emulating print at the A4 printable width (186 mm at 96 px per inch), each child's sheet
    is no taller than one page (273 mm): one sheet, one page."""
    guardian, due = homework_for_every_child()
    page = signed_in(open_page(703, 1032), guardian.login)
    visit(page, f'/devoirs/imprimer?semaine={service.week_label(due)}')
    sheets = page.locator('section.print-sheet')
    assert sheets.count() == 2
    assert all(MARK in sheets.nth(n).inner_text() for n in range(2))
    clean(page)
    page.emulate_media(media='print')
    for n in range(sheets.count()):
        height = sheets.nth(n).evaluate('e => e.getBoundingClientRect().height')
        assert height <= 1032, f'sheet {n + 1} is {height:.0f} px tall: more than one A4 page'


@pytest.mark.parametrize('who, paths', [
    ('guardian', ['/devoirs', '/compte', '/devoirs/imprimer?semaine={week}']),
    ('pupil', ['/devoirs', '/compte']),
    ('teacher', ['/classe/{cp}/devoirs', '/classe/{cp}/devoirs/nouveau', 'the editor with an error',
                 'an entry']),
    ('director', ['/devoirs', '/devoirs/matieres', '/ecole/calendrier', '/compte']),
])
def test_the_homework_pages_fit_a_phone_and_axe_finds_nothing(open_page, people, who, paths):
    """Each role's homework pages at 390 x 844 (a phone), with homework whose text holds a long
    address: no sideways scrolling, no axe-core violation."""
    guardian, due = homework_for_every_child()
    login = {'guardian': guardian.login,
             'pupil': next(child.login for child, room in accounts.children_of(guardian) if room == people.cp),
             'teacher': people.teacher.login, 'director': people.director.login}[who]
    page = signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), login)
    for path in paths:
        if path == 'the editor with an error':
            visit(page, f'/classe/{people.cp.id}/devoirs/nouveau')
            send_without_subject(page)
        elif path == 'an entry':
            visit(page, f'/classe/{people.cp.id}/devoirs')
            item(page).first.locator('.homework-meta a').click()
            page.wait_for_load_state()
            assert page.locator('table.ticks').is_visible()
        else:
            visit(page, path.format(cp=people.cp.id, week=service.week_label(due)))
        if path in ('/devoirs', '/classe/{cp}/devoirs') and who != 'director':     # hers: her classes
            assert item(page).count() >= 1, f'{path}: the homework is not shown'
        fits(page, PHONE['width'])
        clean(page)
