"""Album photos in public posts: shown on the school's public page and in its Atom feed, and
served without login, only when a live public post of that school shows them and every pupil
tagged on them has image-rights consent; anything else is absent, and its address is a 404."""
import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from ecole_ent.accounts import service as accounts
from ecole_ent.blog import markup, posting
from ecole_ent.models import Post, User, now
from ecole_ent.photos import service as photos
from tests.blog.conftest import UAI
from tests.conftest import Client


def post(scene, body, visibility='public', title='Sortie au parc'):
    """A post of the class showing `body` as saved before any consent changed: saving refuses a photo
    some readers could not see (blog/picker.py, tests/blog/test_picker.py); here the rule at view time
    is what is checked, for posts saved when it was still allowed."""
    saved = posting.create_post(scene.people['teacher'], scene.classroom.id,
                                {'title': title, 'body': 'Texte.', 'visibility': visibility})
    Post.update(body_source=body, body_html=markup.render_markdown(body)).where(Post.id == saved.id).execute()
    return Post.get_by_id(saved.id)


def photo_url(photo, size='display', uai=UAI):
    return f'/public/{uai}/photo/{photo.id}/{size}.jpg'


@pytest.fixture
def anonymous(demo_app):
    return Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})


def assert_served(anonymous, photo, size='display', uai=UAI):
    """The photo is served to anyone as the JPEG it is (a 200 alone could be any page)."""
    response = anonymous.get(photo_url(photo, size, uai))
    digest = getattr(photo, size)
    assert response.content_type == 'image/jpeg' and response.headers['ETag'] == f'"{digest}"'
    assert response.body == open(photos.media_store().path(digest), 'rb').read()


def public_views(anonymous, published):
    """(the post's public page, the school's feed) as anyone sees them."""
    return (anonymous.get(f'/public/{UAI}/article/{published.id}').text,
            anonymous.get(f'/public/{UAI}/atom.xml').text)


def test_a_photo_everyone_may_see_is_on_the_public_page_the_feed_and_served_to_anyone(scene, anonymous):
    published = post(scene, f'Quelle journée !\n\n![Au parc](photo:{scene.open.id})')
    page, feed = public_views(anonymous, published)
    assert f'<img src="{photo_url(scene.open)}" alt="Au parc"' in page
    assert re.search(r'src=&#34;http://[^&]+%s&#34;' % re.escape(photo_url(scene.open)), feed), feed
    store = photos.media_store()
    for size in ('display', 'thumb'):
        response = anonymous.get(photo_url(scene.open, size))
        digest = getattr(scene.open, size)
        assert response.content_type == 'image/jpeg' and response.headers['ETag'] == f'"{digest}"'
        assert response.headers['Cache-Control'] == 'no-cache'
        assert response.body == open(store.path(digest), 'rb').read()
        assert b'Exif' not in response.body and not Image.open(io.BytesIO(response.body)).getexif()
        # A revalidation is checked again, then answered without the bytes.
        anonymous.get(photo_url(scene.open, size), headers={'If-None-Match': f'"{digest}"'}, status=304)
    anonymous.get(f'/public/{UAI}/photo/{scene.open.id}/full.jpg', status=404)   # never the full size
    assert 'Au parc' not in anonymous.get(f'/public/{UAI}/').text                 # excerpt: no titles


def test_a_photo_of_a_pupil_whose_consent_is_refused_is_nowhere_public(scene, anonymous):
    published = post(scene, f'Le parc.\n\n![Au parc](photo:{scene.open.id})\n\n'
                            f'![Le toboggan](photo:{scene.refused.id})')
    page, feed = public_views(anonymous, published)
    for view in (page, feed):
        assert photo_url(scene.open) in view
        assert photo_url(scene.refused) not in view and 'toboggan' not in view
        assert f'/media/{scene.refused.display}' not in view
    for size in ('display', 'thumb'):
        anonymous.get(photo_url(scene.refused, size), status=404)
    # The class still sees it where the consent rule allows: its teacher does.
    teacher = scene.client(anonymous.app, 'teacher')
    assert f'/media/{scene.refused.display}.jpg' in teacher.get(f'/blog/article/{published.id}').text


def test_unknown_consent_hides_the_photo_unless_the_setting_counts_it_as_granted(scene, anonymous,
                                                                               set_option):
    published = post(scene, f'![La balançoire](photo:{scene.unknown.id})')
    page, feed = public_views(anonymous, published)
    assert photo_url(scene.unknown) not in page + feed and 'balançoire' not in page
    anonymous.get(photo_url(scene.unknown), status=404)
    set_option('photos.unknown_consent_is_refused', False)
    page, feed = public_views(anonymous, published)
    assert photo_url(scene.unknown) in page and photo_url(scene.unknown) in feed
    assert_served(anonymous, scene.unknown)
    scene.pupils['unknown'].image_rights = None            # never asked: unknown too
    scene.pupils['unknown'].save()
    assert_served(anonymous, scene.unknown)
    set_option('photos.unknown_consent_is_refused', True)
    anonymous.get(photo_url(scene.unknown), status=404)


def test_a_photo_no_live_public_post_shows_is_not_served_even_when_everyone_may_see_it(scene, anonymous):
    anonymous.get(photo_url(scene.open), status=404)                          # in no post at all
    for visibility in ('class', 'families'):
        post(scene, f'![Au parc](photo:{scene.open.id})', visibility=visibility, title=visibility)
        anonymous.get(photo_url(scene.open), status=404)
    later = post(scene, f'![Au parc](photo:{scene.open.id})', title='Bientôt')
    Post.update(publish_at=now() + timedelta(days=2)).where(Post.id == later.id).execute()
    anonymous.get(photo_url(scene.open), status=404)                          # not published yet
    # A mention in the text is not a photo shown; a photo of another class is never shown.
    post(scene, f'Voir photo:{scene.open.id} et data-photo="{scene.open.id}"', title='Texte')
    anonymous.get(photo_url(scene.open), status=404)


def test_a_photo_of_another_class_in_a_public_post_is_neither_shown_nor_served(scene, anonymous):
    other_album = photos.create_album(scene.people['admin'], scene.other_class.id, 'Autre classe')
    (other,), _refused = photos.add_photos(scene.people['admin'], other_album,
                                           [('autre.jpg', io.BytesIO(_jpeg()))])
    published = post(scene, f'![Autre](photo:{other.id})', title='Emprunt')
    page, feed = public_views(anonymous, published)
    assert photo_url(other) not in page + feed
    anonymous.get(photo_url(other), status=404)


def test_another_school_address_never_serves_the_photo(scene, anonymous):
    post(scene, f'![Au parc](photo:{scene.open.id})')
    assert_served(anonymous, scene.open)
    accounts.ensure_school('0069999Z', 'École du Port')
    anonymous.get(photo_url(scene.open, uai='0069999Z'), status=404)
    anonymous.get(photo_url(scene.open, uai='0000000X'), status=404)


def test_a_consent_withdrawn_after_the_photo_was_shown_hides_it_at_once(scene, anonymous):
    published = post(scene, f'![Au parc](photo:{scene.open.id})')
    seen = anonymous.get(photo_url(scene.open))
    etag = seen.headers['ETag']
    scene.set_consent('granted', 'refused')
    anonymous.get(photo_url(scene.open), status=404)
    anonymous.get(photo_url(scene.open), headers={'If-None-Match': etag}, status=404)
    page, feed = public_views(anonymous, published)
    assert photo_url(scene.open) not in page + feed
    # Taken down from the public page: the same, at once.
    scene.set_consent('granted', 'granted')
    assert_served(anonymous, scene.open)
    Post.update(visibility='families').where(Post.id == published.id).execute()
    anonymous.get(photo_url(scene.open), status=404)


def test_a_pupil_surname_in_a_photo_title_or_caption_never_reaches_the_public_page(scene, anonymous):
    pupil = scene.pupils['granted']
    User.update(last_name='Lefèvre-Martin').where(User.id == pupil.id).execute()
    classmate = scene.pupils['refused']                    # in the class, not on this photo
    published = post(scene, f'![{pupil.first_name} LEFEVRE-MARTIN et {pupil.first_name} Martin, '
                            f'avec {classmate.first_name} {classmate.last_name}](photo:{scene.open.id})'
                            f'\n\n![](photo:{scene.open.id})')
    photos.update_photo(scene.people['teacher'], scene.open.id,
                        f'{pupil.first_name} Lefèvre au toboggan', [pupil.id])
    page, feed = public_views(anonymous, published)
    for view in (page, feed):
        assert view.count(photo_url(scene.open)) == 2
        assert pupil.first_name in view and 'toboggan' in view     # the caption stands for no title
        for surname in ('Lefèvre', 'LEFEVRE', 'Martin', classmate.last_name):
            assert surname not in view, surname


def test_public_caption_keeps_first_names_and_other_words(scene):
    pupil = scene.pupils['granted']
    User.update(last_name='Lefèvre-Martin').where(User.id == pupil.id).execute()
    assert photos.public_caption(scene.open, f'{pupil.first_name} lefevre-martin, au parc !') \
        == f'{pupil.first_name}, au parc !'
    assert photos.public_caption(scene.open, 'Les martinets au parc') == 'Les martinets au parc'


def _jpeg():
    out = io.BytesIO()
    Image.new('RGB', (64, 48), (10, 120, 200)).save(out, 'JPEG')
    return out.getvalue()


def test_lists_of_posts_show_no_photo_title_in_their_excerpts(scene, demo_app, anonymous):
    post(scene, f'Le parc.\n\n![Lucie au toboggan](photo:{scene.refused.id})\n\nPuis le goûter.')
    guardian = scene.client(demo_app, 'guardian')          # may not see the refused photo
    class_list = guardian.get(f'/blog/classe/{scene.classroom.id}').text
    public_list = anonymous.get(f'/public/{UAI}/').text
    for page in (class_list, public_list):
        assert 'Le parc.' in page and 'Puis le goûter.' in page
        assert 'Lucie au toboggan' not in page
