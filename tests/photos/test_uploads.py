"""Several photos in one send, as the album form sends them (one multipart request), through the
real server on a real socket: any number of small files up to the send's size limit."""
import html
import io
import json
import os

from PIL import Image

from ecole_ent.models import Classroom, Photo
from ecole_ent.photos import routes as photo_routes
from ecole_ent.photos import service
from ecole_ent.web import forms
from tests.real_http import Browser

JSON = {'Accept': 'application/json'}     # what the enhanced form (static/photos/upload.js) asks


def small_jpeg(at_least):
    """A JPEG of noise (every one different) of at least `at_least` bytes."""
    side = 64
    while True:
        out = io.BytesIO()
        Image.frombytes('RGB', (side, side), os.urandom(side * side * 3)).save(out, 'JPEG',
                                                                               quality=90)
        if out.tell() >= at_least:
            return out.getvalue()
        side += 16


def empty_album(demo):
    return service.create_album(demo.teacher, Classroom.get(Classroom.name == 'CP-CE1').id,
                                'Dix petites photos')


def send(live_server, album, files, headers=JSON):
    browser = Browser(live_server).sign_in('julien.roux')
    token = browser.csrf(f'/photos/album/{album.id}')
    return browser.post_multipart(f'/photos/album/{album.id}/envoi', {'csrf_token': token},
                                  [('photos', name, data) for name, data in files], headers)


def test_ten_30_kb_photos_in_one_send_all_land(demo, live_server):
    album = empty_album(demo)
    files = [(f'photo-{n}.jpg', small_jpeg(30_000)) for n in range(10)]
    assert all(30_000 <= len(data) < 40_000 for _name, data in files)
    status, body = send(live_server, album, files)
    assert status == 200, body[:500]
    assert json.loads(body) == {'added': 10, 'refused': []}
    assert Photo.in_album(album).count() == 10


def test_the_plain_form_too_gets_every_small_photo(demo, live_server):
    album = empty_album(demo)
    status, page = send(live_server, album, [(f'p{n}.jpg', small_jpeg(30_000)) for n in range(4)],
                        headers={})
    assert status == 200 and '4 photos ajoutées.' in html.unescape(page)   # after the redirect
    assert Photo.in_album(album).count() == 4


def test_a_hundred_tiny_photos_in_one_send_all_land(demo, live_server):
    """Parts small enough to stay in memory: 100 of them, five times what bottle held in all."""
    album = empty_album(demo)
    files = [(f'mini-{n}.jpg', small_jpeg(5_000)) for n in range(100)]
    assert sum(len(d) for _n, d in files) > 5 * 102_400 and max(len(d) for _n, d in files) < 8192
    status, body = send(live_server, album, files)
    assert status == 200 and json.loads(body) == {'added': 100, 'refused': []}
    assert Photo.in_album(album).count() == 100


def test_a_send_over_the_size_limit_is_refused_in_french_and_adds_nothing(demo, live_server,
                                                                         set_option, monkeypatch):
    set_option('photos.max_upload_mb', 1)
    monkeypatch.setattr(photo_routes, 'SEND_BOUND_IN_PHOTOS', 1)
    album = empty_album(demo)                        # the send's bound: one photo of 1 MB
    status, page = send(live_server, album, [(f'p{n}.jpg', small_jpeg(30_000)) for n in range(40)])
    assert status == 413
    assert 'Envoi trop volumineux : envoyez les photos en plusieurs fois.' in html.unescape(page)
    assert Photo.in_album(album).count() == 0


def test_more_parts_than_a_send_may_hold_are_refused_in_french(demo, live_server, monkeypatch):
    monkeypatch.setattr(forms, 'MAX_PARTS', 12)
    album = empty_album(demo)
    status, page = send(live_server, album, [(f'p{n}.jpg', small_jpeg(1_000)) for n in range(12)])
    assert status == 413                                 # the CSRF token is the 13th part
    assert 'Trop de fichiers en un seul envoi : 12 au plus.' in html.unescape(page)
    assert Photo.in_album(album).count() == 0
