"""The menu on a phone (one bar at the bottom: four entries and « Menu », no JavaScript needed) and
on a desktop (every entry in a row), and the admin's breadcrumb on one line, in Debian's Chromium."""
import pytest

from tests.conftest import axe_violations, browser_sign_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
VISIBLE_LINKS = """() => Array.from(document.querySelectorAll('nav.site-nav a'))
    .filter(a => a.checkVisibility({visibilityProperty: true}))
    .map(a => { const r = a.getBoundingClientRect();
                return {href: a.getAttribute('href'), text: a.innerText.trim(), width: r.width, height: r.height}; })"""


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def reading_pupil():
    """A demo pupil past CP: zoe.dubois (MS) has the young pupils' menu of pictures (tests/young)."""
    from ecole_ent.models import Enrolment
    from ecole_ent.young.service import YOUNG_NIVEAUX
    return Enrolment.select().where(Enrolment.niveau.not_in(YOUNG_NIVEAUX)).order_by(Enrolment.id).first().pupil.login


@pytest.mark.parametrize('login', ['sophie.lefevre-martin', 'admin', 'aurelie.dubois', 'a reading pupil',
                                   'julien.roux'])
def test_the_phone_menu_is_one_bar_and_reaches_every_desktop_entry(browser_page, login):
    page = browser_page
    login = reading_pupil() if login == 'a reading pupil' else login
    browser_sign_in(page, login)
    desktop = page.evaluate(VISIBLE_LINKS)
    assert len(desktop) >= 4
    assert not page.locator('.nav-more summary').is_visible()          # the desktop menu is as it was

    page.set_viewport_size(PHONE)
    page.goto(page.base + '/')
    bar = box(page, 'nav.site-nav')
    assert bar['height'] <= 80, f'the menu takes {bar["height"]} px on a phone'
    assert bar['y'] + bar['height'] == pytest.approx(PHONE['height'], abs=1)   # at the bottom of the screen
    in_bar = page.evaluate(VISIBLE_LINKS)
    assert 1 <= len(in_bar) <= 5
    assert all(link['width'] >= 44 and link['height'] >= 44 for link in in_bar), in_bar
    reached = {link['href'] for link in in_bar}
    if '/messages' in {link['href'] for link in desktop}:
        assert '/messages' in reached                           # what families and teachers open daily
    if len(desktop) > 5:
        summary = page.locator('.nav-more summary')
        summary_box = summary.bounding_box()
        assert summary_box['height'] >= 44 and summary_box['width'] >= 44
        assert summary.inner_text().strip() == 'Menu'
        summary.focus()
        page.keyboard.press('Enter')                                     # the keyboard opens it
        opened = page.evaluate(VISIBLE_LINKS)
        assert len(opened) == len(desktop)
        reached |= {link['href'] for link in opened}
        assert all(link['height'] >= 44 for link in opened)
        assert axe_violations(page) == []
        screenshot(page, f'phone-menu-open-{login}')
    assert reached == {link['href'] for link in desktop}
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']


def test_an_entry_behind_menu_marks_menu_current(browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    browser_sign_in(page, 'sophie.lefevre-martin')
    page.goto(page.base + '/admin')
    assert page.locator('.nav-more summary.nav-current').count() == 1
    page.locator('.nav-more summary').click()
    current = page.locator('.nav-more a[aria-current="page"]')
    assert current.is_visible() and current.inner_text().strip() == 'Administration'


def test_the_last_lines_of_a_page_are_not_hidden_by_the_bar(browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    browser_sign_in(page, 'julien.roux')
    page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)')
    footer_link = page.locator('.site-footer a').last
    link, bar = footer_link.bounding_box(), box(page, 'nav.site-nav')
    assert link['y'] + link['height'] <= bar['y'], 'the bar covers the end of the page'


def test_the_breadcrumb_reads_as_one_line(browser_page):
    page = browser_page
    browser_sign_in(page, 'sophie.lefevre-martin')
    page.goto(page.base + '/admin/ecoles/1/comptes')
    items = page.locator('nav.crumbs li')
    assert [text.strip() for text in items.all_inner_texts()] == ['Administration', 'École des Mimosas', 'Comptes']
    tops = {round(items.nth(i).bounding_box()['y']) for i in range(items.count())}
    assert len(tops) == 1, f'the breadcrumb is on {len(tops)} lines'
    assert page.locator('nav.crumbs ol').evaluate('e => getComputedStyle(e).listStyleType') == 'none'
    assert page.locator('nav.crumbs [aria-current="page"]').inner_text() == 'Comptes'
    assert page.get_by_role('heading', level=1).inner_text() == "Comptes de l'École des Mimosas"
    assert page.locator('nav.crumbs li:last-child [aria-current="page"]').count() == 1
    # the separators are drawn by CSS with an empty alternative: not read out
    assert page.get_by_role('navigation', name='Vous êtes ici').inner_text().count('›') == 0
    page.set_viewport_size({'width': 320, 'height': 640})
    page.goto(page.base + '/admin/ecoles/1/comptes')
    assert page.evaluate('document.documentElement.scrollWidth') <= 320
    assert axe_violations(page) == []
