"""The guardian's family feed under the child cards: the latest items of the children's classes,
each showing only what the page it links to shows that family (a photo tagged with a pupil without
image-rights consent is hidden from other families and shown to that pupil's own guardians), paged
without JavaScript, never anything of another class or school, never a post waiting for approval."""
import html
import io
import re
from datetime import timedelta

from ecole_ent.accounts import service as accounts
from ecole_ent.blog import markup
from ecole_ent.home import feed
from ecole_ent.models import Classroom, Enrolment, GuardianLink, Post, User, now
from ecole_ent.photos import service as photos
from tests.conftest import Client, jpeg, redirected_to


def home_of(app, user, query=''):
    client = Client(app)
    assert redirected_to(client.login(user.login)) == '/'
    return client, client.get('/' + query)


def feed_part(page):
    """The feed's HTML of a home page (from its section to the page's end)."""
    text = page.text
    assert 'id="fil"' in text
    return text[text.index('id="fil"'):]


def post(classroom, title, source, status='published', author=None, at=None, visibility='families'):
    return Post.create(classroom=classroom, author=author, title=title, body_source=source,
                       body_html=markup.render_markdown(source), status=status, visibility=visibility,
                       publish_at=at or (now() - timedelta(minutes=1)) if status == 'published' else None)


def thumb(photo):
    return f'/media/{photo.thumb}.jpg'


# --- image rights ------------------------------------------------------------------------------

def test_a_posts_first_photo_is_the_first_one_this_family_may_see(scene, demo_app):
    post(scene.classroom, 'Au parc avec la classe',
         f'Une belle journée.\n\n![Le toboggan](photo:{scene.refused.id})\n\n![Au parc](photo:{scene.open.id})')
    _client, other = home_of(demo_app, scene.people['guardian'])
    item = item_html(feed_part(other), 'Au parc avec la classe')
    assert thumb(scene.refused) not in item and 'Le toboggan' not in item
    assert thumb(scene.open) in item and 'Une belle journée.' in item
    _client, own = home_of(demo_app, scene.people['guardian_of_refused'])
    item = item_html(feed_part(own), 'Au parc avec la classe')
    assert thumb(scene.refused) in item and 'alt="Le toboggan"' in item and thumb(scene.open) not in item


def test_a_post_whose_only_photo_is_hidden_shows_no_picture_to_other_families(scene, demo_app):
    post(scene.classroom, 'Le toboggan', f'![Le toboggan](photo:{scene.refused.id})')
    _client, other = home_of(demo_app, scene.people['guardian'])
    item = item_html(feed_part(other), 'Le toboggan')
    assert '<img' not in item and '/media/' not in item


def test_an_albums_thumbnails_are_the_photos_its_page_shows_this_family(scene, demo_app):
    _client, other = home_of(demo_app, scene.people['guardian'])
    item = item_html(feed_part(other), 'Sortie au parc')
    assert thumb(scene.open) in item
    assert thumb(scene.refused) not in item and thumb(scene.unknown) not in item
    assert '1 photo' in item
    _client, own = home_of(demo_app, scene.people['guardian_of_refused'])
    item = item_html(feed_part(own), 'Sortie au parc')
    assert thumb(scene.open) in item and thumb(scene.refused) in item and thumb(scene.unknown) not in item
    assert '2 photos' in item
    scene.set_consent('refused', 'granted')          # consent given: shown at once to everyone
    _client, other = home_of(demo_app, scene.people['guardian'])
    assert thumb(scene.refused) in item_html(feed_part(other), 'Sortie au parc')


def test_an_albums_thumbnails_skip_the_hidden_photos_before_them_and_its_count_leaves_them_out(scene, demo_app):
    """Seven photos, the first three tagged with the pupil whose consent is refused: another
    family sees the next three and « 4 photos », that pupil's family the first three and « 7 »."""
    teacher, refused = scene.people['teacher'], scene.pupils['refused']
    album = photos.create_album(teacher, scene.classroom.id, 'Le grand album')
    added, _refused = photos.add_photos(teacher, album, [
        (f'p{n}.jpg', io.BytesIO(jpeg((20 * n, 90, 200 - 20 * n)))) for n in range(7)])
    for photo in added[:3]:
        photos.update_photo(teacher, photo.id, 'Avec lui', [refused.id])
    _client, other = home_of(demo_app, scene.people['guardian'])
    item = item_html(feed_part(other), 'Le grand album')
    assert [thumb(p) in item for p in added] == [False] * 3 + [True] * 3 + [False]
    assert '4 photos' in item
    _client, own = home_of(demo_app, scene.people['guardian_of_refused'])
    item = item_html(feed_part(own), 'Le grand album')
    assert [thumb(p) in item for p in added] == [True] * 3 + [False] * 4
    assert '7 photos' in item


def test_an_album_with_nothing_this_family_may_see_is_not_news_for_them(scene, demo_app):
    hidden = photos.create_album(scene.people['teacher'], scene.classroom.id, 'Le toboggan seul')
    photos.add_photos(scene.people['teacher'], hidden, [('t.jpg', io.BytesIO(jpeg((9, 99, 9))))])
    photo = photos.visible_photos(scene.people['teacher'], hidden).get()
    photos.update_photo(scene.people['teacher'], photo.id, 'Le toboggan', [scene.pupils['refused'].id])
    _client, other = home_of(demo_app, scene.people['guardian'])
    assert 'Le toboggan seul' not in feed_part(other)
    _client, own = home_of(demo_app, scene.people['guardian_of_refused'])
    assert thumb(photo) in item_html(feed_part(own), 'Le toboggan seul')


def item_html(part, title):
    """The <li> of the feed item titled `title`."""
    items = [li for li in re.findall(r'<li class="feed-item.*?</article>', part, re.S)
             if f'>{html.escape(title, quote=False)}</a></h3>' in li]
    assert len(items) == 1, (title, len(items))
    return items[0]


# --- who sees what -----------------------------------------------------------------------------

def test_a_guardian_never_sees_items_of_a_class_none_of_their_children_is_in(demo, demo_app):
    guardian = demo.guardian_with_children_in_two_classes()
    mine = {c.id for _p, c in accounts.children_of(guardian) if c}
    elsewhere = Classroom.select().where(Classroom.id.not_in(list(mine))).first()
    assert elsewhere is not None
    post(elsewhere, 'Un article d’une autre classe', 'Rien pour cette famille.')
    photos.create_album(None, elsewhere.id, 'Un album d’une autre classe', quiet=True)
    school = accounts.ensure_school('0069999Z', 'École du Port')
    port = Classroom.create(school=school, year=school.current_year(), name='CM2 Port', niveaux='CM2')
    post(port, 'Un article d’une autre école', 'Rien non plus.')
    album = photos.create_album(None, port.id, 'Un album d’une autre école', quiet=True)
    photos.add_photos(None, album, [('p.jpg', io.BytesIO(jpeg((1, 2, 3))))])
    names = {c.name for _p, c in accounts.children_of(guardian) if c}
    everything = feed.family_feed(guardian, [c for _p, c in accounts.children_of(guardian) if c], size=500)
    assert everything.items and {item.place for item in everything.items} <= names | {"Toute l'école"}
    _client, page = home_of(demo_app, guardian)
    part = html.unescape(feed_part(page))
    for title in ('Un article d’une autre classe', 'Un album d’une autre classe', 'Un article d’une autre école',
                  'Un album d’une autre école'):
        assert title not in part
        assert title not in {item.title for item in everything.items}


def test_a_guardian_of_a_child_in_the_other_school_sees_its_posts(demo, demo_app):
    school = accounts.ensure_school('0069999Z', 'École du Port')
    port = Classroom.create(school=school, year=school.current_year(), name='CM2 Port', niveaux='CM2')
    guardian = demo.guardian_with_children_in_two_classes()
    pupil = accounts.create_user('tom.port', 'Tom', 'Port', 'pupil', school=school)
    Enrolment.create(pupil=pupil, classroom=port, niveau='CM2')
    GuardianLink.create(guardian=guardian, pupil=pupil)
    post(port, 'La fête du port', 'Bienvenue à tous.', at=now())
    _client, page = home_of(demo_app, guardian)
    assert 'CM2 Port' in item_html(feed_part(page), 'La fête du port')


def test_a_pupils_post_waiting_for_approval_or_a_scheduled_one_is_not_in_the_feed(scene, demo_app):
    post(scene.classroom, 'Mon article en attente', 'Écrit par un élève.', status='pending',
         author=scene.pupils['granted'])
    post(scene.classroom, 'Un article programmé', 'Pour demain.', at=now() + timedelta(days=1))
    post(scene.classroom, 'Un article pour la classe seulement', 'Élèves.', visibility='class')
    _client, page = home_of(demo_app, scene.people['guardian'])
    part = html.unescape(feed_part(page))
    for title in ('Mon article en attente', 'Un article programmé', 'Un article pour la classe seulement'):
        assert title not in part
    guardian = scene.people['guardian']
    classes = [c for _p, c in accounts.children_of(guardian) if c]
    assert 'Mon article en attente' not in {i.title for i in feed.family_feed(guardian, classes, size=500).items}


# --- the other kinds, the cards, paging ----------------------------------------------------------

def test_the_demo_guardian_sees_posts_albums_homework_and_notes_to_sign(demo, demo_app):
    guardian = demo.user('aurelie.dubois')
    classes = [c for _p, c in accounts.children_of(guardian) if c]
    kinds = {item.kind for item in feed.family_feed(guardian, classes, size=500).items}
    assert kinds == {'post', 'album', 'homework', 'note'}


def test_the_child_cards_keep_their_link_to_the_class_albums_with_the_new_photos(demo, demo_app):
    guardian = demo.user('aurelie.dubois')
    _client, page = home_of(demo_app, guardian)
    for _pupil, classroom in accounts.children_of(guardian):
        lines = re.findall(r'<a href="/classe/%d/photos">.*?<span>([^<]*)</span></a>' % classroom.id, page.text)
        assert len(lines) == 1 and re.fullmatch(r'\d+ nouvelles? photos?', lines[0]), lines
    assert page.text.index('id="h-children"') < page.text.index('id="fil"')


def test_older_pages_follow_without_javascript_each_item_once(demo, demo_app):
    guardian = demo.user('aurelie.dubois')
    classes = [c for _p, c in accounts.children_of(guardian) if c]
    total = len(feed.family_feed(guardian, classes, size=500).items)
    assert total > 2 * feed.PER_PAGE
    client, page = home_of(demo_app, guardian)
    seen, pages = [], 0
    while True:
        pages += 1
        found = re.findall(r'<h3 id="feed-(\w+-\d+)">', page.text)
        assert 0 < len(found) <= feed.PER_PAGE
        seen += found
        older = re.search(r'<a class="button button-secondary" href="(/\?avant=[^"#]+)#fil">Plus ancien</a>',
                          page.text)
        if not older:
            break
        page = client.get(html.unescape(older.group(1)))
        assert 'Revenir aux plus récentes' in page.text
    assert len(seen) == len(set(seen)) == total and pages == -(-total // feed.PER_PAGE)


def test_a_bad_cursor_shows_the_newest_page(demo, demo_app):
    client, first = home_of(demo_app, demo.user('aurelie.dubois'))
    for query in ('?avant=hier', '?avant=2026-13-01T00:00:00_post_1', '?avant=' + 'x' * 500,
                  '?avant=2026-12-01T00:00:00%2B01:00_post_1', '?avant=2026-12-01T00:00:00_post_%B2'):
        page = client.get('/' + query)
        assert page.status_int == 200
        assert re.findall(r'<h3 id="feed-(\w+-\d+)">', page.text) == re.findall(r'<h3 id="feed-(\w+-\d+)">',
                                                                                 first.text)


def test_other_roles_have_no_family_feed(demo, demo_app):
    for login in ('julien.roux', 'zoe.dubois', 'admin'):
        _client, page = home_of(demo_app, demo.user(login))
        assert 'id="fil"' not in page.text and '/static/home/home.' not in page.text


def test_a_consent_withdrawn_hides_the_photo_at_the_next_view(scene, demo_app):
    guardian = scene.people['guardian_of_refused']          # not a guardian of the granted pupil
    client, page = home_of(demo_app, guardian)
    assert thumb(scene.open) in item_html(feed_part(page), 'Sortie au parc')
    scene.set_consent('granted', 'refused')                  # one commit, by another connection
    part = feed_part(client.get('/'))              # every photo of the album now shows a refusal
    assert thumb(scene.open) not in part and 'Sortie au parc' not in part


def test_a_teacher_who_is_a_parent_in_the_class_sees_every_photo_as_on_the_album_page(scene, demo_app):
    """In a class they teach, nothing is hidden from a teacher (photos.service.visibility); a
    teacher of another class who is a parent there sees what other families see."""
    post(scene.classroom, 'Le toboggan du parc', f'![Le toboggan](photo:{scene.refused.id})')
    seen = {}
    for who in ('teacher', 'other_teacher'):
        user = scene.people[who]
        User.update(roles=user.roles + ',guardian').where(User.id == user.id).execute()
        GuardianLink.create(guardian=user, pupil=scene.pupils['granted'])
        user = User.get_by_id(user.id)
        classes = [c for _p, c in accounts.children_of(user) if c]
        items = {item.title: item for item in feed.family_feed(user, classes, size=500).items}
        album, shown = items['Sortie au parc'], photos.visible_photos(user, scene.album)
        assert [url for url, _alt in album.thumbs] == [thumb(photo) for photo in shown]
        assert album.detail == f'{shown.count()} photo' + ('s' if shown.count() > 1 else '')
        seen[who] = (album.thumbs, items['Le toboggan du parc'].thumbs)
    assert [url for url, _alt in seen['teacher'][0]] == [thumb(p) for p in (scene.open, scene.refused, scene.unknown)]
    assert seen['teacher'][1] == ((thumb(scene.refused), 'Le toboggan'),)
    assert [url for url, _alt in seen['other_teacher'][0]] == [thumb(scene.open)] and seen['other_teacher'][1] == ()
