"""The school's Atom feed: each attachment of a public post is an enclosure anyone may fetch (the
public post page's rule), and the feed is valid: well-formed XML (defusedxml), what RFC 4287
requires of a feed and its entries, read without complaint by feedparser (the parser feed readers
are built on, maintained, offline), and its HTML content parses as HTML5 without a single error
(html5lib in strict mode): photos' <figure> stand outside paragraphs."""
import io
import re

import feedparser
import html5lib
import pytest
from defusedxml import ElementTree

from ecole_ent.blog import markup, posting
from tests.blog.conftest import MP3, PDF, UAI
from tests.conftest import Client

ATOM = '{http://www.w3.org/2005/Atom}'
RFC3339 = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$')


@pytest.fixture
def anonymous(demo_app):
    return Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})


def publish(teacher, classroom, title, body, visibility='public', files=()):
    return posting.create_post(teacher, classroom.id, {'title': title, 'body': body, 'visibility': visibility},
                               [(name, io.BytesIO(data)) for name, data in files])


def feed_of(anonymous):
    response = anonymous.get(f'/public/{UAI}/atom.xml')
    assert response.content_type == 'application/atom+xml'
    return response.text


def entry_titled(root, title):
    return next(e for e in root.iter(ATOM + 'entry') if e.findtext(ATOM + 'title') == title)


def html5_errors(fragment):
    """The HTML5 parse errors of a fragment (html5lib, the WHATWG algorithm): [] when valid."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parseFragment(fragment)
    return parser.errors


def test_each_attachment_of_a_public_post_is_an_enclosure_anyone_may_fetch(scene, anonymous):
    teacher = scene.people['teacher']
    public = publish(teacher, scene.classroom, 'Sortie en forêt', 'Prévoir des bottes.',
                     files=[('programme.pdf', PDF), ('chanson.mp3', MP3)])
    families = publish(teacher, scene.classroom, 'Réunion des familles', 'Mardi.', 'families',
                       files=[('convocation.pdf', PDF + b'%familles')])
    root = ElementTree.fromstring(feed_of(anonymous).encode())
    entry = entry_titled(root, 'Sortie en forêt')
    enclosures = [link.attrib for link in entry.findall(ATOM + 'link') if link.get('rel') == 'enclosure']
    assert [(e['type'], int(e['length']), e['title']) for e in enclosures] == [
        ('application/pdf', len(PDF), 'programme.pdf'), ('audio/mpeg', len(MP3), 'chanson.mp3')]
    for enclosure, data, kind in zip(enclosures, (PDF, MP3), ('application/pdf', 'audio/mpeg')):
        match = re.fullmatch(r'http://[^/]+(/public/%s/fichier/\d+)' % UAI, enclosure['href'])
        assert match, enclosure['href']                                # absolute, on the public route
        fetched = anonymous.get(match.group(1))
        assert fetched.status_int == 200 and fetched.content_type == kind and fetched.body == data
    assert 'Réunion des familles' not in [e.findtext(ATOM + 'title') for e in root.iter(ATOM + 'entry')]
    hidden = families.attachments.get()
    anonymous.get(f'/public/{UAI}/fichier/{hidden.id}', status=404)   # not public: not served either
    anonymous.get(f'/public/{UAI}/article/{families.id}', status=404)
    # The same enclosures as a feed reader sees them.
    parsed = feedparser.parse(feed_of(anonymous))
    read = next(e for e in parsed.entries if e.title == 'Sortie en forêt')
    assert [(e.type, e.length) for e in read.enclosures] == [('application/pdf', str(len(PDF))),
                                                            ('audio/mpeg', str(len(MP3)))]
    assert public.id and read.link.endswith(f'/public/{UAI}/article/{public.id}')


def test_an_attachment_stops_being_served_when_its_post_is_no_longer_public(scene, anonymous):
    post = publish(scene.people['teacher'], scene.classroom, 'Menu', 'Le menu.', files=[('menu.pdf', PDF)])
    attachment = post.attachments.get()
    assert anonymous.get(f'/public/{UAI}/fichier/{attachment.id}').body == PDF
    post.visibility = 'families'
    post.save()
    anonymous.get(f'/public/{UAI}/fichier/{attachment.id}', status=404)
    assert f'/fichier/{attachment.id}' not in feed_of(anonymous)
    Client(anonymous.app).get(f'/public/0069999Z/fichier/{attachment.id}', status=404)


def test_the_feed_is_valid_atom(scene, anonymous):
    publish(scene.people['teacher'], scene.classroom, 'Tout à la fois',
            f'Avant la photo ![Au parc](photo:{scene.open.id}) et **après ![Au parc](photo:{scene.open.id})**.\n\n'
            f'- 8 h 30\n- prévoir des bottes\n\n## Retour\n\n> cité ![Au parc](photo:{scene.open.id})',
            files=[('programme.pdf', PDF)])
    text = feed_of(anonymous)
    root = ElementTree.fromstring(text.encode())                       # well-formed, no entity tricks
    assert root.tag == ATOM + 'feed'
    for element in [root, *root.iter(ATOM + 'entry')]:                 # RFC 4287 4.1.1 and 4.1.2
        for name in ('id', 'title', 'updated'):
            assert len(element.findall(ATOM + name)) == 1, (element.tag, name)
        assert RFC3339.match(element.findtext(ATOM + 'updated'))
        assert re.match(r'https?://', element.findtext(ATOM + 'id'))
        alternates = [link for link in element.findall(ATOM + 'link') if link.get('rel') == 'alternate']
        assert len(alternates) == 1 and alternates[0].get('type') == 'text/html'
        for link in element.findall(ATOM + 'link'):
            assert re.match(r'https?://', link.get('href'))
            if link.get('rel') == 'enclosure':
                assert link.get('type') and link.get('length').isdigit()
    entries = list(root.iter(ATOM + 'entry'))
    assert entries and all(e.find(ATOM + 'author') is not None for e in entries)
    for entry in entries:
        assert RFC3339.match(entry.findtext(ATOM + 'published'))
        assert entry.find(ATOM + 'content').get('type') == 'html'
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get('bozo_exception')
    assert parsed.version == 'atom10' and len(parsed.entries) == len(entries)


def test_the_feed_content_is_valid_html_with_figures_outside_paragraphs(scene, anonymous):
    post = publish(scene.people['teacher'], scene.classroom, 'Photos partout',
                   f'Avant ![Au parc](photo:{scene.open.id}) après **gras ![Au parc](photo:{scene.open.id}) fin**\n\n'
                   f'- un ![Au parc](photo:{scene.open.id})\n- deux\n\n### Titre ![Au parc](photo:{scene.open.id})')
    root = ElementTree.fromstring(feed_of(anonymous).encode())
    for entry in root.iter(ATOM + 'entry'):
        content = entry.findtext(ATOM + 'content')
        assert html5_errors(content) == [], (entry.findtext(ATOM + 'title'), content)
    content = entry_titled(root, 'Photos partout').findtext(ATOM + 'content')
    assert content.count('<figure') == 4 and '<p><figure' not in content
    document = html5lib.parseFragment(content, namespaceHTMLElements=False)
    parents = {child: parent for parent in document.iter() for child in parent}
    for figure in document.iter('figure'):
        ancestors, node = [], figure
        while node in parents:
            node = parents[node]
            ancestors.append(node.tag)
        assert not {'p', 'h2', 'h3', 'h4', 'strong'} & set(ancestors), ancestors
    assert 'après ' in content and '<strong> fin</strong>' in content            # no word lost
    page = anonymous.get(f'/public/{UAI}/article/{post.id}').text
    body = page.split('<div class="prose post-body">', 1)[1].split('</div>', 1)[0]
    assert html5_errors(body) == [] and body.count('<figure') == 4


def test_lifting_figures_closes_and_reopens_the_inline_parents():
    figure = '<figure><img src="x" alt="a"></figure>'
    assert markup.lift_figures(f'<p>a {figure} b</p>') == f'<p>a </p>{figure}<p> b</p>'
    assert markup.lift_figures(f'<p><strong>{figure}</strong></p>') == figure
    assert markup.lift_figures(f'<ul><li>a {figure}</li></ul>') == f'<ul><li>a {figure}</li></ul>'
    assert markup.lift_figures('<p>rien <br> ici</p>') == '<p>rien <br> ici</p>'


def test_lists_of_posts_keep_list_items_apart_in_their_excerpts(scene, anonymous):
    post = publish(scene.people['teacher'], scene.classroom, 'Piscine', 'Mardi :\n\n- 8 h 30\n- prévoir des bottes')
    assert 'Mardi : 8 h 30 · prévoir des bottes' in anonymous.get(f'/public/{UAI}/').text
    teacher = scene.client(anonymous.app, 'teacher')
    assert 'Mardi : 8 h 30 · prévoir des bottes' in teacher.get(f'/blog/classe/{post.classroom_id}').text
