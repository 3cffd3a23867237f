"""The guardian's home: each child card counts the class photos added since the guardian last
opened the class's albums, only those the guardian may see (the image-rights rule)."""
import re
from datetime import timedelta

from ecole_ent.models import Album, Photo, User, now
from ecole_ent.models.visits import Visit


def card_photo_line(client, classroom):
    """The photo line of the card of this class on the client's home."""
    page = client.get('/')
    assert page.status_int == 200
    links = re.findall(r'<a href="/classe/%d/photos">.*?<span>([^<]*)</span></a>' % classroom.id, page.text)
    assert len(links) == 1, links
    return links[0]


def only_the_scene_is_new(scene):
    """Every photo of the class is a month old, except the scene's three; no visit on record."""
    old = now() - timedelta(days=30)
    class_albums = Album.select(Album.id).where(Album.classroom == scene.classroom)
    Photo.update(created_at=old).where(Photo.album.in_(class_albums)).execute()
    Photo.update(created_at=now() - timedelta(minutes=5)).where(
        Photo.id.in_([scene.open.id, scene.refused.id, scene.unknown.id])).execute()
    Visit.delete().execute()


def test_a_card_counts_only_the_new_photos_the_guardian_may_see(scene, demo_app):
    only_the_scene_is_new(scene)
    guardian = scene.client(demo_app, 'guardian')
    assert card_photo_line(guardian, scene.classroom) == '1 nouvelle photo'
    own = scene.client(demo_app, 'guardian_of_refused')          # their child's photo counts
    assert card_photo_line(own, scene.classroom) == '2 nouvelles photos'


def test_a_consent_change_or_the_setting_changes_the_count_at_once(scene, demo_app, set_option):
    only_the_scene_is_new(scene)
    guardian = scene.client(demo_app, 'guardian')
    scene.set_consent('refused', 'granted')
    assert card_photo_line(guardian, scene.classroom) == '2 nouvelles photos'
    set_option('photos.unknown_consent_is_refused', False)
    assert card_photo_line(guardian, scene.classroom) == '3 nouvelles photos'
    User.update(image_rights=None).where(User.id == scene.pupils['unknown'].id).execute()
    assert card_photo_line(guardian, scene.classroom) == '3 nouvelles photos'
    set_option('photos.unknown_consent_is_refused', True)
    assert card_photo_line(guardian, scene.classroom) == '2 nouvelles photos'


def test_opening_the_albums_clears_the_count_and_a_later_view_writes_nothing(scene, demo_app):
    only_the_scene_is_new(scene)
    guardian = scene.client(demo_app, 'guardian')
    assert 'Sortie au parc' in guardian.get('/classe/%d/photos' % scene.classroom.id).text
    assert card_photo_line(guardian, scene.classroom) == 'Les photos de la classe'
    seen = Visit.get((Visit.area == 'photos') & (Visit.classroom == scene.classroom)).seen_at
    guardian.get('/classe/%d/photos' % scene.classroom.id)
    assert Visit.get((Visit.area == 'photos') & (Visit.classroom == scene.classroom)).seen_at == seen
    Photo.update(created_at=now() + timedelta(seconds=1)).where(Photo.id == scene.open.id).execute()
    assert card_photo_line(guardian, scene.classroom) == '1 nouvelle photo'


def test_the_teacher_opening_the_albums_leaves_no_visit(scene, demo_app):
    Visit.delete().execute()
    teacher = scene.client(demo_app, 'teacher')
    assert 'Sortie au parc' in teacher.get('/classe/%d/photos' % scene.classroom.id).text
    assert not Visit.select().exists()
