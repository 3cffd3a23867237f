"""Who sees which album, photo, media file and zip: every role, and the image-rights rule,
including right after a consent change. Through the real app and its real sign-in."""
import html
import io
import zipfile
from datetime import date

import pytest

from ecole_ent.models import Enrolment, PhotoTag, Teaching
from ecole_ent.photos import service
from tests.conftest import redirected_to, with_config
from tests.photos.conftest import media_urls

ALL = {'open', 'refused', 'unknown'}
# What each member of the class sees, with consent refused and unknown counted as refused.
SEES = {
    'teacher': ALL,
    'pupil': {'open'},
    'refused_pupil': {'open'},
    'guardian': {'open'},
    'guardian_of_refused': {'open', 'refused'},
    'guardian_of_unknown': {'open', 'unknown'},
    'director': {'open'},       # not a teacher of this class: the strict rule applies
    'admin': {'open'},
}
OUTSIDERS = ['other_pupil', 'other_guardian', 'other_teacher']


def photo_of(scene, name):
    return getattr(scene, name)


def album_view(scene, client):
    return client.get(f'/photos/album/{scene.album.id}')


def visible_in_album(scene, page):
    shown = media_urls(page.text)
    return {name for name in ALL if photo_of(scene, name).thumb in shown}


def assert_served(client, digest):
    """The media file of this digest is served as the JPEG it is (not a page that says 200)."""
    response = client.get(f'/media/{digest}.jpg')
    assert response.content_type == 'image/jpeg' and response.headers['ETag'] == f'"{digest}"'
    assert response.body == open(service.media_store().path(digest), 'rb').read()


@pytest.mark.parametrize('who', sorted(SEES))
def test_each_member_of_the_class_sees_exactly_what_consent_allows(demo_app, scene, who):
    client = scene.client(demo_app, who)
    assert visible_in_album(scene, album_view(scene, client)) == SEES[who]
    for name in ALL:
        photo = photo_of(scene, name)
        allowed = name in SEES[who]
        if allowed:
            assert f'/media/{photo.display}.jpg' in client.get(f'/photos/{photo.id}').text
        else:
            client.get(f'/photos/{photo.id}', status=404)
        for digest in photo.digests():
            if allowed:
                assert_served(client, digest)
            else:
                client.get(f'/media/{digest}.jpg', status=404)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f'/photos/album/{scene.album.id}/album.zip').body))
    assert len(archive.namelist()) == len(SEES[who])
    stored = {open(service.media_store().path(photo_of(scene, n).full), 'rb').read() for n in SEES[who]}
    assert {archive.read(name) for name in archive.namelist()} == stored


@pytest.mark.parametrize('who', OUTSIDERS)
def test_people_of_another_class_are_refused_everything(demo_app, scene, who):
    client = scene.client(demo_app, who)
    client.get(f'/classe/{scene.classroom.id}/photos', status=403)
    client.get(f'/photos/album/{scene.album.id}', status=403)
    client.get(f'/photos/album/{scene.album.id}/album.zip', status=403)
    for name in ALL:
        photo = photo_of(scene, name)
        client.get(f'/photos/{photo.id}', status=403)
        for digest in photo.digests():
            client.get(f'/media/{digest}.jpg', status=404)
    token = client.csrf('/')
    client.post(f'/photos/album/{scene.album.id}/envoi', {'csrf_token': token}, status=403)
    client.post(f'/classe/{scene.classroom.id}/photos', {'csrf_token': token, 'title': 'x'}, status=403)


def test_consent_change_applies_at_once_for_every_role(demo_app, scene):
    clients = {who: scene.client(demo_app, who) for who in ('teacher', 'pupil', 'guardian',
                                                             'guardian_of_refused')}
    refused_thumb = f'/media/{scene.refused.thumb}.jpg'
    clients['guardian'].get(refused_thumb, status=404)
    scene.set_consent('refused', 'granted')
    for who, client in clients.items():
        assert 'refused' in visible_in_album(scene, album_view(scene, client)), who
        assert_served(client, scene.refused.thumb)
    scene.set_consent('granted', 'refused')       # the pupil on the open photo now refuses
    assert visible_in_album(scene, album_view(scene, clients['teacher'])) == ALL
    for who in ('pupil', 'guardian_of_refused'):
        assert visible_in_album(scene, album_view(scene, clients[who])) == set(), who
    # the granted pupil's own guardian sees the photos where only their child is restricted
    assert visible_in_album(scene, album_view(scene, clients['guardian'])) == {'open', 'refused'}
    clients['pupil'].get(f'/media/{scene.open.display}.jpg', status=404)


def test_unknown_consent_counts_as_granted_when_the_setting_says_so(demo_app, scene, set_option):
    client = scene.client(demo_app, 'guardian')
    assert visible_in_album(scene, album_view(scene, client)) == {'open'}
    set_option('photos.unknown_consent_is_refused', False)
    assert visible_in_album(scene, album_view(scene, client)) == {'open', 'unknown'}


def test_director_sets_consent_in_the_admin_ui_and_it_applies_at_once(demo_app, scene):
    guardian = scene.client(demo_app, 'guardian')
    assert 'refused' not in visible_in_album(scene, album_view(scene, guardian))
    director = scene.client(demo_app, 'director')
    albums = director.get(f'/classe/{scene.classroom.id}/photos')
    page = albums.click(description="Droits à l'image des élèves")
    form = next(f for f in page.forms.values() if f.action.endswith('/droit-image'))
    form[f'eleve-{scene.pupils["refused"].id}'] = True
    form['consent'] = 'granted'
    saved = form.submit()
    assert redirected_to(saved) == f'/admin/classes/{scene.classroom.id}'
    assert "Droit à l'image enregistré pour 1 élève(s)." in html.unescape(saved.follow().text)
    assert 'refused' in visible_in_album(scene, album_view(scene, guardian))


def test_media_route_has_etag_and_long_private_cache(demo_app, scene):
    client = scene.client(demo_app, 'guardian')
    response = client.get(f'/media/{scene.open.display}.jpg')
    assert response.content_type == 'image/jpeg'
    assert response.headers['ETag'] == f'"{scene.open.display}"'
    assert response.headers['Cache-Control'] == 'private, max-age=31536000, immutable'
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    client.get(f'/media/{scene.open.display}.jpg', headers={'If-None-Match': f'"{scene.open.display}"'},
               status=304)


@pytest.mark.parametrize('path', ['/media/../ecole.db', '/media/%2e%2e%2fsecret.key.jpg',
                                  '/media/' + 'g' * 64 + '.jpg', '/media/' + 'a' * 64 + '.jpg'])
def test_media_route_serves_only_stored_digests(demo_app, scene, path):
    scene.client(demo_app, 'teacher').get(path, status=404)


def test_pupils_and_guardians_cannot_change_albums(demo_app, scene):
    for who in ('pupil', 'guardian'):
        client = scene.client(demo_app, who)
        token = client.csrf('/')
        client.post(f'/classe/{scene.classroom.id}/photos', {'csrf_token': token, 'title': 'x'}, status=403)
        client.post(f'/photos/album/{scene.album.id}/envoi', {'csrf_token': token}, status=403)
        client.post(f'/photos/{scene.open.id}', {'csrf_token': token, 'caption': 'x'}, status=403)
        client.post(f'/photos/{scene.open.id}/supprimer', {'csrf_token': token}, status=403)
        client.post(f'/photos/album/{scene.album.id}/supprimer', {'csrf_token': token}, status=403)
        page = client.get(f'/photos/album/{scene.album.id}')
        assert 'type="file"' not in page.text and 'Supprimer' not in page.text


def test_tag_names_are_shown_to_teachers_only(demo_app, scene):
    refused, granted = scene.pupils['refused'], scene.pupils['granted']
    guardian_page = scene.client(demo_app, 'guardian_of_refused').get(f'/photos/{scene.refused.id}')
    assert granted.display_name not in guardian_page.text and 'pupil-checks' not in guardian_page.text
    teacher_page = scene.client(demo_app, 'teacher').get(f'/photos/{scene.refused.id}')
    assert f'value="{refused.id}" checked' in teacher_page.text


def test_only_photos_without_restricted_pupils_are_safe_for_public_pages(demo_app, scene):
    assert service.safe_for_everyone(scene.open)
    assert not service.safe_for_everyone(scene.refused)
    assert not service.safe_for_everyone(scene.unknown)
    scene.set_consent('refused', 'granted')
    assert service.safe_for_everyone(scene.refused)


@with_config(photos_unknown_consent_is_refused='false', photos_full_edge='1200')
def test_the_consent_setting_is_read_from_the_configuration(config, database):
    assert service.restricted_consents() == ('refused',)
    assert service.settings().limits.full_edge == 1200
    assert 'photos.unknown_consent_is_refused = false' in config.dump()


def test_staff_working_in_the_class_see_what_families_see(demo_app, scene, demo):
    atsem = demo.staff                           # an ATSEM: staff, not a teacher of the class
    Teaching.get_or_create(teacher=atsem, classroom=scene.classroom)
    scene.people['staff'] = atsem
    client = scene.client(demo_app, 'staff')
    assert visible_in_album(scene, album_view(scene, client)) == {'open'}
    client.get(f'/photos/{scene.refused.id}', status=404)


def test_editing_a_caption_keeps_the_tag_of_a_pupil_who_left_the_class(demo_app, scene):
    refused = scene.pupils['refused']
    Enrolment.update(ended_on=date.today()).where(
        (Enrolment.pupil == refused) & (Enrolment.classroom == scene.classroom)).execute()
    granted = scene.pupils['granted'].id
    service.update_photo(scene.people['teacher'], scene.refused.id, 'Le toboggan, encore', [granted])
    assert PhotoTag.select().where(PhotoTag.photo == scene.refused.id).count() == 2
    assert not service.safe_for_everyone(scene.refused)
    guardian = scene.client(demo_app, 'guardian')
    assert 'refused' not in visible_in_album(scene, album_view(scene, guardian))


@pytest.mark.parametrize('who', sorted(SEES))
def test_album_list_counts_and_covers_only_what_each_may_see(scene, who):
    """The albums page: each album's number of photos and its cover follow the consent rule."""
    from tests.conftest import jpeg
    teacher, user = scene.people['teacher'], scene.people[who]
    pool = service.create_album(teacher, scene.classroom.id, 'Piscine')
    (only,), _refused = service.add_photos(teacher, pool, [('bassin.jpg', io.BytesIO(jpeg((9, 9, 9))))])
    service.update_photo(teacher, only.id, 'Le bassin', [scene.pupils['refused'].id])
    _classroom, albums = service.list_albums(user, scene.classroom.id)
    listed = {entry['album'].id: entry for entry in albums}
    park, pool_entry = listed[scene.album.id], listed[pool.id]
    assert park['count'] == len(SEES[who]) and park['cover'].id == scene.open.id
    pool_seen = who in ('teacher', 'guardian_of_refused')
    assert pool_entry['count'] == (1 if pool_seen else 0)
    assert (pool_entry['cover'].id if pool_entry['cover'] else None) == (only.id if pool_seen else None)
