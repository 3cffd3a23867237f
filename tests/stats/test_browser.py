"""The statistics page of the demo school (its generated year) in Debian's Chromium, through the
real server: the director sees every chart drawn with data, axe-core finds no violation, the page
fits a 390 x 844 phone without sideways scrolling, and with the app's Content-Security-Policy on
(no bypass) the browser refuses nothing: the charts carry no script and no style."""
import pytest

from tests.conftest import axe_violations, browser_sign_in, screenshot

pytestmark = pytest.mark.browser

CHARTS = 10


@pytest.fixture
def stats_page(chromium, live_server, who):
    """page(width, height, csp=False) -> a page signed in as the director, on their statistics."""
    contexts, foreign = [], []

    def opened(width=1280, height=800, csp=False):
        context = chromium.new_context(viewport={'width': width, 'height': height}, locale='fr-FR',
                                       bypass_csp=not csp)
        context.on('request', lambda request: foreign.append(request.url)
                   if not request.url.startswith((live_server, 'data:', 'blob:')) else None)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server
        page.refused = []
        page.on('console', lambda message: page.refused.append(message.text)
                if 'Content Security Policy' in message.text else None)
        browser_sign_in(page, 'sophie.lefevre-martin')
        response = page.goto(f'{live_server}/admin/ecoles/{who.school.id}/statistiques')
        assert response.status == 200
        return page
    yield opened
    for context in contexts:
        context.close()
    assert not foreign, f'requests to other hosts: {foreign}'


def test_the_demo_year_draws_its_charts(stats_page):
    page = stats_page()
    charts = page.locator('.stats-chart svg[role="img"]')
    assert charts.count() == CHARTS
    for index in range(CHARTS):
        box = charts.nth(index).bounding_box()
        assert box['width'] > 300 and box['height'] > 100
    # data drawn: bars and lines with a height, not the « no data » text
    assert page.locator('.stats-chart svg .rect.reactive').count() > 50
    assert page.locator('.stats-chart svg text.no_data').count() == 0
    assert page.locator('#months table tbody tr').count() >= 3
    assert axe_violations(page) == []
    screenshot(page, 'stats-school-desktop')


def test_the_page_fits_a_phone(stats_page):
    page = stats_page(390, 844)
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    first = page.locator('.stats-chart svg').first.bounding_box()
    assert first['width'] <= 390 and first['width'] > 250
    assert axe_violations(page) == []
    screenshot(page, 'stats-school-phone')
    page.set_viewport_size({'width': 320, 'height': 640})           # the narrowest phones
    assert page.evaluate('document.documentElement.scrollWidth') <= 320


def test_the_page_prints_with_every_table_open(stats_page):
    page = stats_page()
    assert not page.locator('#days table').is_visible()          # a school year of days: folded
    page.emulate_media(media='print')
    assert page.locator('#days table').is_visible()              # printed open
    assert not page.locator('.stats-year').is_visible()          # the year's form is not printed
    assert page.locator('.stats-chart svg').first.bounding_box()['width'] > 300


def test_the_charts_pass_the_content_security_policy(stats_page):
    page = stats_page(csp=True)
    assert page.locator('.stats-chart svg[role="img"]').count() == CHARTS
    colour = page.evaluate("getComputedStyle(document.querySelector('.stats-chart svg .color-0')).fill")
    assert colour == 'rgb(0, 114, 178)'               # charts.css reached the chart: #0072B2
    assert page.refused == []


def test_every_schools_page_fits_a_phone_for_the_admin(chromium, live_server):
    """The admin's page of every school (the list of schools, « < 5 » and « masqué » cells, an
    unknown year's message) on a 390 x 844 phone: no sideways scrolling, no axe violation."""
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True)
    try:                                                           # bypass_csp: for axe's script
        page = context.new_page()
        page.base = live_server
        browser_sign_in(page, 'admin')
        assert page.goto(f'{live_server}/admin/statistiques?annee=1999-2000').status == 200
        assert page.locator('.stats-chart svg[role="img"]').count() == CHARTS
        text = page.inner_text('main')
        assert 'Pas de statistiques pour l’année 1999-2000' in text and 'masqué' in text
        assert page.evaluate('document.documentElement.scrollWidth') <= 390
        assert axe_violations(page) == []
        screenshot(page, 'stats-overview-phone')
    finally:
        context.close()
