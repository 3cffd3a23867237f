"""Every page a phone user reaches, for each demo role, the anonymous visitor and a family at the hall
kiosk: Debian's Chromium at 390x844 follows the links from the home page (GET only) and checks on each
page that nothing is wider than the screen and that axe-core finds no violation. All failing pages are
reported at once. In French, in Arabic (right to left), and in Portuguese and Turkish (their texts are
the longest): each language's crawl of every role takes about 2 minutes per database engine (7 minutes
for the four, measured in December 2026; up to twice as long on a busy machine)."""
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest

from ecole_ent import i18n
from ecole_ent.demo import ACCOUNTS
from ecole_ent.models import PictureClass
from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
PER_SHAPE = 2          # pages kept per URL shape (digits replaced): /blog/3 and /blog/4, not every post
# axe-core runs on the first page of each shape (the template), the width is measured on every page
MAX_PAGES = 80         # per role: the crawl stays within a few minutes
# Not pages: signing out, files, feeds, and what answers with a download.
SKIPPED = re.compile(r'/deconnexion|/fichiers?/|/telecharger|/download|\.(atom|xml|rss|zip|pdf|csv|jpe?g|png|webp'
                     r'|gif|svg|mp3|ogg|m4a|mp4|webm|gz|tar)(\?|$)|/flux|/feed|/static/', re.I)

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download')).map(a => a.href)"""
WIDTH = 'document.documentElement.scrollWidth'
KIOSK = 'aurelie.dubois at the kiosk'       # the demo school's kiosk, open on the school network (127.0.0.1)
LOCALES = {'fr': 'fr-FR', 'ar': 'ar', 'pt': 'pt-PT', 'tr': 'tr-TR'}     # the browser's language picks the pages'
LOGINS = [None] + [login for login, _role in ACCOUNTS] + [KIOSK]
CRAWLS = [(lang, login) for lang in LOCALES for login in LOGINS]


def said(lang, message):
    return i18n.catalog(lang).gettext(message)


def sign_in(page, lang, login, password='demo'):
    """browser_sign_in in any language: the form is filled by its inputs' names."""
    if lang == 'fr':
        return browser_sign_in(page, login, password)
    page.goto(page.base + '/connexion')
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role('button', name=said(lang, 'Se connecter')).click()
    page.wait_for_load_state()


def starts(login):
    """Where the crawl begins: the home page, and pages no link leads to from there or that PER_SHAPE
    would leave out: the hall kiosk's sign-in (its terminal opens it), the sheet of the class that
    signs in with pictures (the director's crawl meets the other classes' sheets first)."""
    if login is None:
        return ['/', '/kiosque']
    if login == 'sophie.lefevre-martin':
        return ['/', f'/annuaire/classe/{PictureClass.select().get().classroom_id}/images']
    return ['/']


def shape(url):
    parts = urlsplit(url)
    return re.sub(r'\d+', 'N', parts.path + ('?' + parts.query if parts.query else ''))


def crawl(page, paths=('/',)):
    """Visit every same-origin page reachable from `paths`; returns {url: [problems]} and the
    addresses of the pages seen (where each visit landed)."""
    base = page.base
    shapes, failures, checked_shapes = Counter(), {}, set()
    queue = deque(base + path for path in paths)
    seen = set(queue)
    visited = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        try:
            response = page.goto(url)
        except Exception as exc:                     # a download starting is not a page
            if 'Download is starting' in str(exc):
                continue
            raise
        if response is None or 'text/html' not in response.headers.get('content-type', ''):
            continue
        visited.append(page.url)
        problems = []
        if response.status >= 400:
            problems.append(f'HTTP {response.status}')
        width = page.evaluate(WIDTH)
        if width > PHONE['width']:
            problems.append(f'{width} px wide: {widest(page)}')
        violations = [] if shape(url) in checked_shapes else axe_violations(page)
        checked_shapes.add(shape(url))
        print('crawled', url.removeprefix(base), width)      # shown when the test fails
        if violations:
            problems.append(f'axe: {violations}')
        if problems:
            failures[page.url] = problems
        for link in page.evaluate(LINKS):
            link = urldefrag(link)[0]
            if not link.startswith(base + '/') or SKIPPED.search(link) or link in seen:
                continue
            seen.add(link)
            if shapes[shape(link)] >= PER_SHAPE:
                continue
            shapes[shape(link)] += 1
            queue.append(link)
    return failures, visited


def widest(page):
    """The elements that stick out of the screen, to say where a page is too wide (on the right, or
    on the left in a right-to-left page)."""
    return page.evaluate("""() => {
        const out = e => { const box = e.getBoundingClientRect();
                           return box.right > window.innerWidth + 1 || (box.width > 0 && box.left < -1); };
        return Array.from(document.querySelectorAll('body *'))
            .filter(e => out(e) && (!e.parentElement || !out(e.parentElement)))
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                + ' (' + Math.round(e.getBoundingClientRect().left) + ' to '
                + Math.round(e.getBoundingClientRect().right) + ' px)'); }""")


def kiosk_sign_in(page, lang, login):
    """The kiosk's own sign-in (tests/kiosk/test_browser.py's), its button in the page's language."""
    page.goto(page.base + '/kiosque')
    page.locator('#f-login').fill(login)
    page.locator('#f-password').fill('demo')
    page.get_by_role('button', name=said(lang, 'Entrer'), exact=True).click()
    page.wait_for_url('**/kiosque/accueil')


@pytest.mark.parametrize('lang, login', CRAWLS)
def test_every_page_fits_a_phone_and_passes_axe(fresh_page, lang, login):
    page = fresh_page(viewport=PHONE, locale=LOCALES[lang])
    if login == KIOSK:          # its session is kept on the kiosk's pages: the home page leads there
        kiosk_sign_in(page, lang, 'aurelie.dubois')
        assert page.get_by_role('button', name=said(lang, 'Terminer')).count() == 1, f'{login} did not sign in'
    elif login:
        sign_in(page, lang, login)
        # a young pupil's menu says « Sortir »
        signed_out = re.compile('|'.join(re.escape(said(lang, text)) for text in ('Se déconnecter', 'Sortir')))
        assert page.get_by_role('button', name=signed_out).count() == 1, f'{login} did not sign in'
    failures, visited = crawl(page, starts(login))
    assert page.evaluate('document.documentElement.lang') == lang
    assert len(visited) >= (2 if login is None else 5), f'the crawl saw only {len(visited)} pages'
    assert {page.base + path for path in starts(login)[1:]} <= set(visited)     # not sent elsewhere
    report = '\n'.join(f'{url.removeprefix(page.base)}: {"; ".join(problems)}'
                       for url, problems in sorted(failures.items()))
    if failures:
        pytest.fail(f'{len(failures)} of {len(visited)} pages fail on a phone in {lang} as {login or "anonymous"}:'
                    f'\n{report}')
