"""The guardian's home in Debian's Chromium, through the real server: at 390x844 the child cards
and the family feed fit the screen (nothing wider than 390 px), axe-core finds no violation, the
feed's pictures load, and « Plus ancien » leads to older items with JavaScript off. Screenshots of
the page at phone and desktop sizes are kept as artefacts (tests.conftest.screenshot)."""
import pytest

from tests.conftest import axe_violations, browser_sign_in, screenshot

pytestmark = pytest.mark.browser

GUARDIAN = 'aurelie.dubois'


def test_the_guardian_home_on_a_phone_fits_the_screen_and_passes_axe(browser_page):
    page = browser_page
    page.set_viewport_size({'width': 390, 'height': 844})
    browser_sign_in(page, GUARDIAN)
    page.goto(page.base + '/')
    assert page.locator('.child-card').count() == 2
    assert page.locator('.feed-item').count() >= 4
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    page.evaluate('window.scrollTo(0, document.body.scrollHeight)')
    page.wait_for_load_state('networkidle')
    thumbs = page.locator('.feed-thumbs img')
    assert thumbs.count() >= 1
    widths = page.evaluate("[...document.querySelectorAll('.feed-thumbs img')].map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths), widths          # served by the media route to this family
    assert axe_violations(page) == []
    screenshot(page, 'guardian-home-phone')


def test_the_guardian_home_on_a_desktop(browser_page):
    page = browser_page
    browser_sign_in(page, GUARDIAN)
    page.goto(page.base + '/')
    page.evaluate('window.scrollTo(0, document.body.scrollHeight)')
    page.wait_for_load_state('networkidle')
    assert page.evaluate('document.documentElement.scrollWidth') <= 1280
    assert axe_violations(page) == []
    page.evaluate('window.scrollTo(0, 0)')
    screenshot(page, 'guardian-home-desktop')


def test_older_items_without_javascript(chromium, live_server):
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', java_script_enabled=False)
    try:
        page = context.new_page()
        page.base = live_server
        browser_sign_in(page, GUARDIAN)
        page.goto(live_server + '/')
        first = shown(page)
        page.get_by_role('link', name='Plus ancien').click()
        page.wait_for_load_state()
        assert '?avant=' in page.url
        older = shown(page)
        assert older and not set(older) & set(first)
        assert page.evaluate('document.documentElement.scrollWidth') <= 390
        page.get_by_role('link', name='Revenir aux plus récentes').click()
        assert shown(page) == first
    finally:
        context.close()


def shown(page):
    """The ids of the feed's items on the page (their headings' ids: kind and key)."""
    return [heading.get_attribute('id') for heading in page.locator('.feed-item h3').all()]
