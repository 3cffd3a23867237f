"""What stands for a photo (alt text, title, the viewer's caption): the teacher's caption, else the
album's title and the day it was added (« Sortie au parc, 3 décembre », with the year only outside
the current school year); the teacher gives it at upload or on the photo's page."""
import html
import io
import re
from datetime import datetime

import pytest

from ecole_ent.models import Album, Photo
from ecole_ent.photos import service
from tests.conftest import jpeg
from tests.photos.test_pages import upload

TODAY = datetime(2026, 12, 4, 9, 0)           # school year 2026-2027


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(service, 'now', lambda: TODAY)


def uncaptioned(scene, added_on, name='sans.jpg', color=(90, 90, 90)):
    (photo,), _refused = service.add_photos(scene.people['teacher'], scene.album,
                                            [(name, io.BytesIO(jpeg(color)))])
    Photo.update(created_at=added_on).where(Photo.id == photo.id).execute()
    return Photo.get_by_id(photo.id)


@pytest.mark.parametrize('added_on, expected', [
    (datetime(2026, 12, 3, 15, 0), 'Sortie au parc, 3 décembre'),
    (datetime(2026, 12, 3, 23, 30), 'Sortie au parc, 4 décembre'),       # 0 h 30 at the school (UTC+1)
    (datetime(2026, 9, 1, 8, 0), 'Sortie au parc, 1er septembre'),        # this school year
    (datetime(2026, 8, 20, 8, 0), 'Sortie au parc, 20 août'),             # counted from August
    (datetime(2026, 6, 30, 8, 0), 'Sortie au parc, 30 juin 2026'),        # last school year
    (datetime(2027, 9, 2, 8, 0), 'Sortie au parc, 2 septembre 2027'),
])
def test_a_photo_without_caption_is_named_by_its_album_and_day(scene, clock, added_on, expected):
    photo = uncaptioned(scene, added_on)
    assert service.alt_text(photo) == expected
    assert service.alt_text(photo, scene.album) == expected


def test_the_teachers_caption_comes_first(scene, clock):
    assert service.alt_text(Photo.get_by_id(scene.open.id)) == 'Au parc'
    photo = uncaptioned(scene, datetime(2026, 12, 1))
    photo.caption = '   '
    assert service.alt_text(photo) == 'Sortie au parc, 1er décembre'


def alts(page):
    return [html.unescape(a) for a in re.findall(r'<img src="/media/[0-9a-f]{64}\.jpg" alt="([^"]*)"', page)]


def test_album_and_photo_pages_read_the_caption_or_the_album_and_day(demo_app, scene, clock):
    photo = uncaptioned(scene, datetime(2026, 12, 3, 15, 0))
    client = scene.client(demo_app, 'teacher')
    page = client.get(f'/photos/album/{scene.album.id}').text
    # added on 3 December, so first in the album's order
    assert alts(page) == ['Sortie au parc, 3 décembre', 'Au parc', 'Le toboggan', 'La balançoire']
    assert 'Photo 4' not in page and 'Photo sans description' not in page
    assert html.unescape(page).count('data-alt="Sortie au parc, 3 décembre"') == 1
    assert '(photo 1 sur 4)' in page and '(photo 4 sur 4)' in page
    assert "1 photo n'a pas de description" in html.unescape(page)      # told to the teacher only
    assert "pas de description" not in html.unescape(scene.client(demo_app, 'guardian').get(
        f'/photos/album/{scene.album.id}').text)
    page = html.unescape(client.get(f'/photos/{photo.id}').text)
    assert '<h1>Sortie au parc, 3 décembre</h1>' in page
    assert '<title>Sortie au parc, 3 décembre ·' in page
    assert alts(page) == ['Sortie au parc, 3 décembre']
    Photo.update(created_at=datetime(2026, 12, 2, 10, 0)).where(Photo.id == scene.open.id).execute()
    page = html.unescape(client.get(f'/photos/{scene.open.id}').text)
    assert '<h1>Au parc</h1>' in page and '<title>Au parc · Sortie au parc ·' in page
    # the form says what a photo without description reads
    assert 'Sans description, elles entendent « Sortie au parc, 2 décembre ».' in page


def test_the_teacher_describes_the_photos_at_upload_and_edits_one_on_its_page(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    form = client.get(f'/photos/album/{scene.album.id}').text
    assert 'Description (facultative)' in form and 'aveugles ou malvoyantes' in html.unescape(form)
    token = client.csrf(f'/photos/album/{scene.album.id}')
    client.post(f'/photos/album/{scene.album.id}/envoi',
                {'csrf_token': token, 'caption': '  Le   goûter  sous les arbres '},
                upload_files=[('photos', 'a.jpg', jpeg((1, 50, 9))), ('photos', 'b.jpg', jpeg((9, 50, 1)))])
    added = list(Photo.select().where(Photo.original_name.in_(['a.jpg', 'b.jpg'])).order_by(Photo.id))
    assert [p.caption for p in added] == ['Le goûter sous les arbres'] * 2
    page = html.unescape(client.get(f'/photos/{added[1].id}').text)
    assert 'value="Le goûter sous les arbres"' in page        # the edit form on the photo's page
    token = client.csrf(f'/photos/{added[1].id}')
    client.post(f'/photos/{added[1].id}', {'csrf_token': token, 'caption': 'Les gobelets'})
    assert Photo.get_by_id(added[1].id).caption == 'Les gobelets'
    assert Photo.get_by_id(added[0].id).caption == 'Le goûter sous les arbres'


@pytest.mark.parametrize('enhanced', [False, True])
def test_a_too_long_upload_caption_is_refused_and_nothing_is_added(demo_app, scene, enhanced):
    client = scene.client(demo_app, 'teacher')
    before = Photo.select().count(), Album.get_by_id(scene.album.id).updated_at
    headers = {'Accept': 'application/json'} if enhanced else {}
    token = client.csrf(f'/photos/album/{scene.album.id}')
    response = client.post(f'/photos/album/{scene.album.id}/envoi', {'csrf_token': token, 'caption': 'x' * 501},
                           upload_files=[('photos', 'a.jpg', jpeg((1, 2, 3)))], headers=headers)
    message = 'La description est trop longue (500 caractères au plus).'
    if enhanced:
        assert response.json == {'added': 0, 'refused': [], 'error': message}
    else:
        assert message in html.unescape(response.follow().text)
    assert (Photo.select().count(), Album.get_by_id(scene.album.id).updated_at) == before


def test_the_viewer_is_given_only_the_photos_this_reader_may_see(demo_app, scene):
    """The album page is all the viewer knows: for a guardian of another family, the photos of
    pupils without consent are in none of its links, data or texts."""
    page = scene.client(demo_app, 'guardian').get(f'/photos/album/{scene.album.id}').text
    assert page.count('class="photo-link"') == 1
    assert f'/media/{scene.open.display}.jpg' in page
    for hidden in (scene.refused, scene.unknown):
        assert not set(hidden.digests()) & set(re.findall(r'[0-9a-f]{64}', page))
        assert f'/photos/{hidden.id}"' not in page
        assert Photo.get_by_id(hidden.id).caption not in html.unescape(page)
    assert '(photo 1 sur 1)' in page
    teacher_page = scene.client(demo_app, 'teacher').get(f'/photos/album/{scene.album.id}').text
    assert teacher_page.count('class="photo-link"') == 3


def test_the_upload_helper_still_works_for_plain_sends(demo_app, scene):
    response = upload(scene.client(demo_app, 'teacher'), scene.album, [('c.jpg', jpeg((200, 1, 1)))])
    assert '1 photo ajoutée.' in html.unescape(response.follow().text)
    assert Photo.get(Photo.original_name == 'c.jpg').caption == ''


def test_a_blog_figure_without_its_own_text_reads_the_same(scene, clock):
    """A post's `![](photo:id)` with no text of its own: the figure says what the album page says,
    for the class's readers and on the public page."""
    from ecole_ent.blog import markup, public, reading
    from ecole_ent.models import Post
    photo = uncaptioned(scene, datetime(2026, 12, 3, 15, 0))
    source = f'Notre sortie.\n\n![](photo:{photo.id})\n\n![Le grand toboggan](photo:{photo.id})'
    post = Post(classroom=scene.classroom, title='Sortie', body_source=source,
                body_html=markup.render_markdown(source), visibility='public', status='published')
    for body in (reading.post_body(scene.people['guardian'], post),
                 public.public_body(post, lambda photo_id: f'/public/{photo_id}.jpg')):
        page = html.unescape(str(body))
        assert 'alt="Sortie au parc, 3 décembre"' in page
        assert '<figcaption>Sortie au parc, 3 décembre</figcaption>' in page
        assert 'alt="Le grand toboggan"' in page               # the author's own text comes first


def test_the_family_feed_reads_a_posts_first_photo_the_same_way(scene, clock):
    from datetime import timedelta

    from ecole_ent.blog import family, markup
    from ecole_ent.models import Post, now
    photo = uncaptioned(scene, datetime(2026, 12, 3, 15, 0))
    source = f'Notre sortie.\n\n![](photo:{photo.id})'
    post = Post.create(classroom=scene.classroom, author=scene.people['teacher'], title='Sortie',
                       body_source=source, body_html=markup.render_markdown(source), status='published',
                       visibility='families', publish_at=now() - timedelta(minutes=1))
    items = family.items(scene.people['guardian'], [scene.classroom], None, 50)
    (item,) = [item for item in items if item.kind == 'post' and item.key == post.id]
    assert item.thumbs == ((f'/media/{photo.thumb}.jpg', 'Sortie au parc, 3 décembre'),)


def test_the_post_editors_picker_and_preview_read_the_same(demo_app, scene, clock):
    photo = uncaptioned(scene, datetime(2026, 12, 3, 15, 0))
    client = scene.client(demo_app, 'teacher')
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    page = html.unescape(client.get(path).text)
    assert '<span class="picker-caption">Sortie au parc, 3 décembre</span>' in page
    assert '<span class="picker-caption">Au parc</span>' in page
    token = client.csrf(path)
    page = client.post(path, {'csrf_token': token, 'title': 'Essai', 'body': f'![](photo:{photo.id})',
                              'action': 'preview'}).text
    preview = html.unescape(page.split('id="h-preview"')[1].split('</section>')[0])
    assert f'<img src="/media/{photo.display}.jpg" alt="Sortie au parc, 3 décembre">' in preview


def test_the_family_feed_reads_an_albums_thumbnails_the_same_way(scene, clock):
    from ecole_ent.photos import family
    photo = uncaptioned(scene, datetime(2026, 12, 3, 15, 0))
    items = family.items(scene.people['guardian'], [scene.classroom], None, 50)
    (item,) = [item for item in items if item.kind == 'album' and item.key == scene.album.id]
    assert item.thumbs == ((f'/media/{photo.thumb}.jpg', 'Sortie au parc, 3 décembre'),
                           (f'/media/{scene.open.thumb}.jpg', 'Au parc'))
