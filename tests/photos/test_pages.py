"""Teachers' album work through the real app: create, upload several photos (some bad), tag,
caption, rename, delete; cross-site scripting payloads stay inert text everywhere."""
import html
import io

import markupsafe
import pytest
from PIL import Image

from ecole_ent.accounts import service as accounts
from ecole_ent.models import Album, Photo, PhotoTag
from ecole_ent.photos import service
from tests.conftest import Client, jpeg
from tests.media import media_samples as samples
from tests.photos.conftest import media_urls

XSS = [
    '<script>alert(1)</script>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<img src=x onerror=alert(1)//',
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    'javascript:alert(1)',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<body onload=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<input autofocus onfocus=alert(1)>',
    '"onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '</title><script>alert(1)</script>',
    '</textarea><script>alert(1)</script>',
    '{{ 7*7 }}<script>alert(1)</script>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<object data="data:text/html,<script>alert(1)</script>">',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=//evil.example">',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
]


def upload(client, album, files, headers=None):
    token = client.csrf(f'/photos/album/{album.id}')
    return client.post(f'/photos/album/{album.id}/envoi', {'csrf_token': token},
                       upload_files=[('photos', name, data) for name, data in files], headers=headers or {})


def assert_inert(page_text, payload):
    """The payload is in the page only as escaped text: never as markup."""
    if '<' in payload or '"' in payload or "'" in payload:
        assert payload not in page_text
    assert str(markupsafe.escape(payload)) in page_text             # shown, as text


def test_teacher_creates_an_album_and_uploads_photos_with_bad_files_reported(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    token = client.csrf(f'/classe/{scene.classroom.id}/photos')
    response = client.post(f'/classe/{scene.classroom.id}/photos', {'csrf_token': token, 'title': 'Piscine'})
    album = Album.get(Album.title == 'Piscine')
    assert response.headers['Location'].endswith(f'/photos/album/{album.id}')
    response = upload(client, album, [('bassin.jpg', jpeg((10, 90, 200))),
                                      ('phone.jpg', samples.jpeg_orientation_6_with_gps()),
                                      ('notes.jpg', b'pas une image'),
                                      ('cut.jpg', samples.truncated_jpeg())])
    page = html.unescape(response.follow().text)
    assert '2 photos ajoutées.' in page
    assert "« notes.jpg » refusée : Ce fichier n'est pas une image" in page
    assert '« cut.jpg » refusée : L\'image est incomplète ou abîmée' in page
    photos = list(Photo.in_album(album))
    assert [p.original_name for p in photos] == ['bassin.jpg', 'phone.jpg']
    assert (photos[1].width, photos[1].height) == (400, 600)           # turned upright
    assert {p.thumb for p in photos} <= media_urls(page)


def test_an_identical_photo_is_stored_once_and_reported(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    data = jpeg((1, 2, 3))
    upload(client, scene.album, [('a.jpg', data)])
    page = html.unescape(upload(client, scene.album, [('b.jpg', data)]).follow().text)
    assert '« b.jpg » refusée : Cette photo est déjà dans l’album.' in page
    assert Photo.in_album(scene.album).count() == 4


def test_the_enhanced_form_gets_a_json_report(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    response = upload(client, scene.album, [('ok.png', samples.png_with_alpha()), ('x.bmp', samples.bmp())],
                      headers={'Accept': 'application/json'})
    assert response.json['added'] == 1
    assert response.json['refused'][0]['name'] == 'x.bmp'
    assert 'BMP' in response.json['refused'][0]['reason']


def test_caption_tags_and_deletion(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    page = client.get(f'/photos/{scene.open.id}')
    form = page.forms[1]
    form['caption'] = 'Les enfants jouent au ballon'
    form['pupils'] = [str(scene.pupils['granted'].id), str(scene.pupils['unknown'].id)]
    form.submit()
    photo = Photo.get_by_id(scene.open.id)
    assert photo.caption == 'Les enfants jouent au ballon'
    assert {t.pupil_id for t in PhotoTag.select().where(PhotoTag.photo == photo)} == \
        {scene.pupils['granted'].id, scene.pupils['unknown'].id}
    assert 'alt="Les enfants jouent au ballon"' in client.get(f'/photos/album/{scene.album.id}').text
    digests = photo.digests()
    client.post(f'/photos/{photo.id}/supprimer', {'csrf_token': client.csrf('/')})
    assert not Photo.select().where(Photo.id == photo.id).exists()
    assert all(service.media_store().path(d) is None for d in digests)


def test_tags_must_be_pupils_of_the_class(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    outsider = scene.people['other_pupil']
    response = client.post(f'/photos/{scene.open.id}', {'csrf_token': client.csrf('/'), 'caption': '',
                                                        'pupils': str(outsider.id)}).follow()
    assert 'On ne peut identifier que des élèves de la classe.' in html.unescape(response.text)
    assert outsider.id not in service.tagged_pupil_ids(scene.open)


def test_files_shared_by_two_photos_survive_deleting_one(demo_app, scene):
    teacher = scene.people['teacher']
    second = service.create_album(teacher, scene.classroom.id, 'Copie')
    data = jpeg((200, 30, 30))                      # the same bytes as the open photo
    (copy,), _refused = service.add_photos(teacher, second, [('copie.jpg', io.BytesIO(data))])
    assert copy.full == scene.open.full
    service.delete_album(teacher, second.id, confirmed=True)
    assert service.media_store().path(scene.open.full) is not None


def test_album_rename_and_delete(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    token = client.csrf('/')
    client.post(f'/photos/album/{scene.album.id}/titre', {'csrf_token': token, 'title': '  '})
    assert Album.get_by_id(scene.album.id).title == 'Sortie au parc'
    client.post(f'/photos/album/{scene.album.id}/titre', {'csrf_token': token, 'title': 'Au parc'})
    assert Album.get_by_id(scene.album.id).title == 'Au parc'
    page = client.post(f'/photos/album/{scene.album.id}/supprimer', {'csrf_token': token}).follow()
    assert "Cochez la case de confirmation pour supprimer l'album." in html.unescape(page.text)
    assert Photo.select().where(Photo.album == scene.album.id).count() == 3
    response = client.post(f'/photos/album/{scene.album.id}/supprimer', {'csrf_token': token, 'confirm': '1'})
    assert response.headers['Location'].endswith(f'/classe/{scene.classroom.id}/photos')
    assert not Photo.select().where(Photo.album == scene.album.id).exists()


def test_empty_album_title_is_refused_with_a_french_message(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    token = client.csrf(f'/classe/{scene.classroom.id}/photos')
    page = client.post(f'/classe/{scene.classroom.id}/photos', {'csrf_token': token, 'title': ''})
    assert "Donnez un titre à l'album." in html.unescape(page.text)


@pytest.mark.parametrize('payload', XSS)
def test_xss_payloads_are_inert_in_album_names_captions_and_file_names(demo_app, scene, payload):
    client = scene.client(demo_app, 'teacher')
    teacher = scene.people['teacher']
    album = service.create_album(teacher, scene.classroom.id, payload)
    file_name = payload.replace('"', '%22')           # as browsers send a name with quotes
    response = upload(client, album, [(f'{file_name}.jpg', jpeg((5, 5, 5))),
                                      (f'{file_name}.txt.jpg', b'not an image')]).follow()
    assert_inert(response.text, service._clean_name(f'{file_name}.txt.jpg'))   # named in the refusal
    (photo,) = Photo.in_album(album)
    service.update_photo(teacher, photo.id, payload, [])
    pages = [client.get(f'/classe/{scene.classroom.id}/photos').text,
             client.get(f'/photos/album/{album.id}').text,
             client.get(f'/photos/{photo.id}').text]
    for text in pages:
        assert_inert(text, payload)
    assert_inert(pages[2], service._clean_name(f'{file_name}.jpg'))   # the original name, for teachers
    guardian = scene.client(demo_app, 'guardian')
    assert_inert(guardian.get(f'/photos/album/{album.id}').text, payload)
    zip_response = guardian.get(f'/photos/album/{album.id}/album.zip')
    disposition = zip_response.headers['Content-Disposition']
    assert disposition.startswith('attachment; filename="album') and '<' not in disposition


def test_zip_entry_names_are_plain_and_safe(demo_app, scene):
    import zipfile
    teacher = scene.people['teacher']
    service.update_photo(teacher, scene.open.id, '../../étrange/nom\\de<photo>', [])
    body = scene.client(demo_app, 'guardian').get(f'/photos/album/{scene.album.id}/album.zip').body
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert names == ['001-etrange-nom-de-photo.jpg']


def test_pictures_in_albums_are_clean_jpegs(demo_app, scene):
    client = scene.client(demo_app, 'teacher')
    upload(client, scene.album, [('gps.jpg', samples.jpeg_orientation_6_with_gps())])
    photo = Photo.get(Photo.original_name == 'gps.jpg')
    for digest in photo.digests():
        body = client.get(f'/media/{digest}.jpg').body
        assert b'Exif' not in body and b'GPS' not in body
        with Image.open(io.BytesIO(body)) as image:
            assert len(image.getexif()) == 0


def test_photos_menu_page_lists_the_albums_of_the_users_own_classes(demo_app, scene, demo):
    guardian = demo.guardian_with_children_in_two_classes()
    mine = {c.name for _p, c in accounts.children_of(guardian) if c}
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    client.login(guardian.login)
    page = html.unescape(client.get('/photos').text)
    assert 'href="/photos"' in client.get('/').text                  # the menu entry
    shown = {name for name in ('Maternelle PS-MS-GS', 'CP-CE1', 'CE2-CM1-CM2') if f'Classe {name}' in page}
    assert shown == mine
    other = scene.client(demo_app, 'other_pupil').get('/photos').text
    assert scene.album.title not in html.unescape(other)
    assert scene.album.title in html.unescape(scene.client(demo_app, 'pupil').get('/photos').text)
