"""Picture passwords in Debian's Chromium, through the real server, on a 390 x 844 phone screen: a
maternelle pupil signs in by clicking only (class, first name, three pictures), after a wrong
sequence that shakes with a picture (and does not move when the system asks for reduced motion);
the same without JavaScript, one page per tap; the teacher's sheet. axe-core finds no violation on
these pages, and none of them is wider than the screen."""
import pytest

from ecole_ent.pictures import service
from ecole_ent.pictures.catalogue import PICTURES
from tests.conftest import screenshot
from tests.homework.test_browser import clean, fits, signed_in

from .conftest import wrong_sequence

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def tap_pictures(page, names):
    for name in names:
        page.get_by_role('button', name=PICTURES[name]).click()


def to_the_grid(page, people, scripts=True):
    page.goto(page.base + '/images')
    if scripts:                     # axe-core runs in the page
        clean(page)
        fits(page, PHONE[0])
        screenshot(page, 'pictures-classes-390')
    with page.expect_navigation():          # axe-core is injected in the page it leads to, not before
        page.get_by_role('link', name=people.small.name).click()
    if scripts:
        clean(page)
        fits(page, PHONE[0])
        screenshot(page, 'pictures-pupils-390')
    pupil = people.small_pupil
    with page.expect_navigation():
        page.get_by_role('link', name=f'{pupil.first_name} {pupil.last_name[:1]}.').click()
    assert page.get_by_role('heading', name=f'Bonjour {pupil.first_name} !').is_visible()


def test_a_pupil_signs_in_by_clicking_only_on_a_phone(people, open_page):
    page = open_page(*PHONE, mobile=True)
    to_the_grid(page, people)
    clean(page)
    fits(page, PHONE[0])
    screenshot(page, 'pictures-grid-390')
    names = service.sequence_for(people.small_pupil)
    with page.expect_navigation():
        tap_pictures(page, [names[1], names[0], names[2]])
    refused = page.locator('.pictures-refused')
    assert refused.is_visible() and 'Ce ne sont pas les bonnes images' in refused.inner_text()
    assert refused.locator('svg').count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.pictures-refused')).animationName") \
        == 'pictures-shake'
    clean(page)
    fits(page, PHONE[0])
    screenshot(page, 'pictures-refused-390')
    with page.expect_navigation():
        tap_pictures(page, names)
    page.wait_for_load_state()
    assert page.url.rstrip('/') == page.base
    assert page.get_by_role('heading', name=f'Bonjour {people.small_pupil.first_name}').first.is_visible()


def test_with_reduced_motion_the_refusal_does_not_shake(people, chromium, live_server):
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True,
                                   reduced_motion='reduce')
    page = context.new_page()
    page.base = live_server
    to_the_grid(page, people)
    names = service.sequence_for(people.small_pupil)
    with page.expect_navigation():
        tap_pictures(page, [names[2], names[1], names[0]])
    assert page.locator('.pictures-refused').is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.pictures-refused')).animationName") == 'none'
    context.close()


def test_without_javascript_each_tap_is_a_page_and_the_pupil_gets_in(people, chromium, live_server):
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True,
                                   java_script_enabled=False)
    page = context.new_page()
    page.base = live_server
    to_the_grid(page, people, scripts=False)
    names = service.sequence_for(people.small_pupil)
    for done, name in enumerate(names[:2], start=1):
        with page.expect_navigation():
            page.get_by_role('button', name=PICTURES[name]).click()
        assert page.locator('.pictures-slot-done').count() == done
        assert name not in page.url                           # the chosen pictures never go in a URL
    with page.expect_navigation():
        page.get_by_role('button', name=PICTURES[names[2]]).click()
    assert page.url.rstrip('/') == live_server
    assert page.get_by_role('heading', name=f'Bonjour {people.small_pupil.first_name}').first.is_visible()
    context.close()


def test_the_teachers_sheet_on_a_phone(people, open_page):
    page = signed_in(open_page(*PHONE, mobile=True), people.small_teacher.login)
    page.goto(page.base + f'/annuaire/classe/{people.small.id}/images')
    assert page.locator('.pictures-sheet-item').count() > 5
    clean(page)
    fits(page, PHONE[0])
    screenshot(page, 'pictures-sheet-390')


def test_a_pupil_undoes_wrong_taps_with_recommencer(people, open_page):
    page = open_page(*PHONE, mobile=True)
    to_the_grid(page, people)
    names = service.sequence_for(people.small_pupil)
    with page.expect_navigation():
        tap_pictures(page, wrong_sequence(names))
    assert page.locator('.pictures-refused').is_visible()
    wrong = [name for name in PICTURES if name not in names][:2]
    tap_pictures(page, wrong[:1])
    assert not page.locator('.pictures-refused').is_visible()          # the sad banner goes at the first tap
    tap_pictures(page, wrong[1:])
    assert page.locator('.pictures-slot-done').count() == 2
    restart = page.get_by_role('button', name='Recommencer')
    assert restart.is_visible() and restart.bounding_box()['height'] >= 44
    clean(page)
    fits(page, PHONE[0])
    screenshot(page, 'pictures-two-chosen-390')
    restart.click()
    assert page.locator('.pictures-slot-done').count() == 0
    assert page.locator('.pictures-slot .visually-hidden').count() == 3
    with page.expect_navigation():
        tap_pictures(page, names)
    page.wait_for_load_state()
    assert page.url.rstrip('/') == page.base
    assert page.get_by_role('heading', name=f'Bonjour {people.small_pupil.first_name}').first.is_visible()


def test_renewing_one_pupil_is_folded_and_quieter_than_the_sheet(people, open_page):
    page = signed_in(open_page(*PHONE, mobile=True), people.small_teacher.login)
    page.goto(page.base + f'/annuaire/classe/{people.small.id}/images')
    pupil = people.small_pupil
    renew = page.get_by_role('button', name=f'Nouvelles images pour {pupil.first_name}')
    assert not renew.is_visible()                                      # two taps: open, then confirm
    page.locator(f'#eleve-{pupil.id} summary').click()
    assert renew.is_visible()
    whole = page.get_by_role('button', name='Donner de nouvelles images à toute la classe')
    style = "e => getComputedStyle(e).backgroundColor"
    assert renew.evaluate(style) != whole.evaluate(style)
    clean(page)
    fits(page, PHONE[0])
