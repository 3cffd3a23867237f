"""The guardian home on a phone (Debian's Chromium at 390x844, touch) in a browser set to Arabic and
in one set to French: right to left with lang="ar" in Arabic, nothing wider than the screen, the
child cards' links to their class's albums kept, no axe-core violation; a screenshot of each for
people to look at. The phone crawl in every language is tests/browser/test_phone_crawl.py."""
import pytest

from ecole_ent import i18n
from ecole_ent.accounts.service import children_of
from tests.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth'


def signed_in_phone(fresh_page, locale, login='aurelie.dubois'):
    """A phone whose browser speaks `locale`, signed in: the form filled by its inputs' names (its
    labels are in the page's language)."""
    page = fresh_page(locale=locale, **PHONE)
    page.goto(page.base + '/connexion')
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill('demo')
    page.locator('form:has(input[name="login"]) button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.url == page.base + '/', f'{login} did not sign in: {page.url}'
    return page


@pytest.mark.parametrize('locale, lang, direction', [('ar', 'ar', 'rtl'), ('fr-FR', 'fr', 'ltr')])
def test_the_guardian_home_fits_a_phone_in_arabic_and_in_french(demo, fresh_page, locale, lang, direction):
    page = signed_in_phone(fresh_page, locale)
    html = page.locator('html')
    assert (html.get_attribute('lang'), html.get_attribute('dir')) == (lang, direction)
    assert page.evaluate('getComputedStyle(document.body).direction') == direction
    logout = i18n.catalog(lang).gettext('Se déconnecter')
    assert page.get_by_role('button', name=logout).count() == 1
    screenshot(page, f'guardian-home-{lang}')

    assert page.evaluate(OVERFLOW) <= 0, f'the home is {page.evaluate(OVERFLOW)} px wider than the phone'
    # each child card keeps the link to its class's albums
    classes = {classroom.id for _pupil, classroom in children_of(demo.user('aurelie.dubois')) if classroom}
    cards = page.locator('a[href^="/classe/"][href$="/photos"]').evaluate_all(
        'links => links.map(a => a.getAttribute("href"))')
    assert len(classes) >= 2 and {f'/classe/{c}/photos' for c in classes} <= set(cards), cards
    assert axe_violations(page) == []


def test_in_arabic_the_layout_mirrors_and_french_is_left_to_right(fresh_page):
    """Logical CSS: the bar of a card's accent, the lists' indent and the sign-out arrow are on the
    start side, the right in Arabic."""
    arabic, french = signed_in_phone(fresh_page, 'ar'), signed_in_phone(fresh_page, 'fr-FR')
    mirrored = """() => { const style = getComputedStyle(document.querySelector('.logout-form .icon'));
        return style.transform; }"""
    assert french.evaluate(mirrored) == 'none'
    assert arabic.evaluate(mirrored).startswith('matrix(-1')
    indent = """() => { const list = document.querySelector('main ul:not([class*="nav"])');
        const style = list && getComputedStyle(list);
        return style && [style.paddingLeft, style.paddingRight]; }"""
    french_indent, arabic_indent = french.evaluate(indent), arabic.evaluate(indent)
    if french_indent and french_indent[0] != '0px':
        assert arabic_indent == french_indent[::-1]


def test_arabic_chevrons_are_written_as_in_french_since_the_browser_mirrors_them():
    """‹ and › (like « ») are mirrored by the browser in a right-to-left line (Unicode's Bidi_Mirrored):
    a translation that swapped them would show them pointing the wrong way. Arrows (← →) are not
    mirrored: there the translation swaps them."""
    from babel.messages.pofile import read_po
    with open(i18n.LOCALE_DIR / 'ar' / 'LC_MESSAGES' / 'ecole_ent.po', 'rb') as f:
        messages = [m for m in read_po(f, locale='ar') if isinstance(m.id, str) and m.string]
    chevrons = [(m.id, m.string) for m in messages if '‹' in m.id or '›' in m.id]
    assert chevrons
    for french, arabic in chevrons:
        assert (arabic.count('‹'), arabic.count('›')) == (french.count('‹'), french.count('›')), (french, arabic)
    for m in messages:
        if m.id.startswith('← '):
            assert m.string.startswith('→ '), (m.id, m.string)
