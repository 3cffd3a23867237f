"""Cross-site scripting: classic payloads in titles, bodies, comments, file names and refusal
reasons come out inert on every page that shows them, and in the Atom feed."""
import io
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ecole_ent.blog import moderation, posting, public
from ecole_ent.models import Post
from ecole_ent.models.blog import Comment
from tests.blog.conftest import PDF, UAI

PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">clic</a>',
    '<body onload=alert(1)>',
    '<input autofocus onfocus=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '[clic](javascript:alert(1))',
    '[clic](JaVaScRiPt:alert(1))',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src=javascript:alert(1)>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="http://evil.example/">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '![x](x" onerror="alert(1))',
    '<a href=" javascript:alert(1)">x</a>',
    '<form action=javascript:alert(1)><button>x</button></form>',
    '</textarea><script>alert(1)</script>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '--><script>alert(1)</script><!--',
    '{{ 7*7 }}{% raw %}',
]
DANGEROUS_TAGS = {'script', 'iframe', 'object', 'embed', 'img', 'base', 'meta', 'style', 'frame',
                  'frameset', 'applet', 'math', 'noscript', 'input', 'body'}
URL_ATTRS = {'href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'}


class Inspector(HTMLParser):
    """Records every way a page could run a script or load something foreign."""

    def __init__(self, allowed_tags=()):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.allowed = set(allowed_tags)

    def handle_starttag(self, tag, attrs):
        # The page's own script and the editor's photo thumbnails load from this site only.
        own = tag in ('script', 'img') and (dict(attrs).get('src') or '').startswith(('/static/', '/media/'))
        if tag in DANGEROUS_TAGS - self.allowed and not own:
            self.problems.append(f'<{tag}>')
        for name, value in attrs:
            value = (value or '').strip().lower()
            if name.startswith('on') or name in ('style', 'srcdoc'):
                self.problems.append(f'<{tag} {name}>')
            if name in URL_ATTRS and (value.startswith(('javascript:', 'vbscript:', 'data:'))
                                      or value.startswith(('http://evil', '//'))):
                self.problems.append(f'<{tag} {name}={value}>')

    handle_startendtag = handle_starttag


def inert(html, allowed_tags=('meta', 'body', 'input')):
    """No script, no handler, no dangerous URL. The layout's own <meta>, <body> and <input>
    are allowed; <input> attributes are still checked."""
    inspector = Inspector(allowed_tags)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


@pytest.fixture
def hostile(people, config):
    """Every payload in a teacher's public post, a pupil's waiting and refused post, a comment and
    an attachment name."""
    made = []
    for number, payload in enumerate(PAYLOADS):
        post = posting.create_post(people.teacher, people.cp.id, {
            'title': f'T{number} {payload}', 'body': f'B{number} {payload}', 'visibility': 'public'},
            [(f'{payload}.pdf', io.BytesIO(PDF + bytes([number])))])
        posting.add_comment(people.teacher, post.id, f'C{number} {payload}')
        posting.add_comment(people.pupil, post.id, f'P{number} {payload}')
        waiting = posting.create_post(people.pupil, people.cp.id, {
            'title': f'W{number} {payload}', 'body': f'WB{number} {payload}'})
        refused = posting.create_post(people.pupil, people.cp.id, {
            'title': f'R{number} {payload}', 'body': 'x'})
        moderation.reject_post(people.teacher, refused.id, f'Raison {payload}')
        made.append((post, waiting, refused))
    return made


def test_pages_show_payloads_as_text(people, as_user, demo_app, hostile):
    from tests.conftest import Client
    teacher, pupil = as_user(people.teacher), as_user(people.pupil)
    anonymous = Client(demo_app)
    pages = []
    for post, waiting, refused in hostile:
        pages += [teacher.get(f'/blog/article/{post.id}'), pupil.get(f'/blog/article/{post.id}'),
                  teacher.get(f'/blog/article/{post.id}/modifier'),
                  teacher.get(f'/blog/article/{waiting.id}'), pupil.get(f'/blog/article/{refused.id}'),
                  pupil.get(f'/blog/article/{refused.id}/modifier'),
                  anonymous.get(f'/public/{UAI}/article/{post.id}')]
    for page in range(1, 5):
        pages += [teacher.get(f'/blog/classe/{people.cp.id}?page={page}'),
                  anonymous.get(f'/public/{UAI}/?page={page}')]
    pages += [teacher.get(f'/blog/classe/{people.cp.id}/moderation'),
              pupil.get(f'/blog/classe/{people.cp.id}')]
    for response in pages:
        assert inert(response.text) == [], response.request.path
    post_page = teacher.get(f'/blog/article/{hostile[0][0].id}').text
    assert 'T0 &lt;script&gt;alert(1)&lt;/script&gt;' in post_page          # the title, escaped
    assert 'C0 &lt;script&gt;alert(1)&lt;/script&gt;' in post_page          # the comment, escaped
    template = teacher.get(f'/blog/article/{hostile[-1][0].id}').text
    assert '{{ 7*7 }}{% raw %}' in template and 'T27 49' not in template


def test_payloads_survive_a_rerendered_form_as_text(people, as_user, hostile):
    from tests.blog.conftest import send
    teacher = as_user(people.teacher)
    for payload in PAYLOADS:
        page = send(teacher, f'/blog/classe/{people.cp.id}/nouveau',
                    {'title': payload, 'body': payload, 'when': 'later', 'publish_date': 'bad'},
                    status=200)
        assert inert(page.text) == [], payload
        preview = send(teacher, f'/blog/classe/{people.cp.id}/nouveau',
                       {'title': payload, 'body': payload, 'action': 'preview'}, status=200)
        assert inert(preview.text) == [], payload


def test_the_atom_feed_is_well_formed_and_its_html_is_sanitised(people, demo_app, hostile):
    from tests.conftest import Client
    feed = Client(demo_app).get(f'/public/{UAI}/atom.xml')
    assert feed.content_type == 'application/atom+xml'
    root = ET.fromstring(feed.body)
    ns = {'a': 'http://www.w3.org/2005/Atom'}
    entries = root.findall('a:entry', ns)
    assert len(entries) == public.FEED_SIZE
    for entry in entries:
        assert inert(entry.find('a:content', ns).text or '', allowed_tags=()) == []
        assert entry.find('a:title', ns).text.startswith('T')      # text, shown as text by readers


def test_stored_html_never_contains_a_payload_in_active_form(hostile):
    for post in Post.select():
        assert inert(post.body_html, allowed_tags=()) == [], post.title
    assert Comment.select().where(Comment.body.contains('<script>')).count() > 0   # stored as typed
