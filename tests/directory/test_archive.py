"""The guardian's year archive: complete, built through a temporary file with bounded memory
whatever its size, sent in chunks over the real server, and only a few built at once."""
import hashlib
import html
import io
import os
import tempfile
import threading
import tracemalloc
import zipfile

import pytest

from ecole_ent import db, hooks
from ecole_ent.accounts import service as accounts
from ecole_ent.directory import archive
from ecole_ent.media import zips
from ecole_ent.models import Album, Photo, User
from ecole_ent.photos import service as photos
from tests.real_http import Browser

GUARDIAN = 'aurelie.dubois'     # her child is in CP-CE1
PHOTO_BYTES = 1024 * 1024
PHOTOS = 24                     # 24 MB of photo files in the year


def child_in_a_class(guardian):
    return next((p, c) for p, c in accounts.children_of(guardian) if c)


@pytest.fixture
def big_year(demo, demo_app):
    """An album of PHOTOS untagged 1 MB photo files (visible to every family of the class) in the
    guardian's child's class; returns (guardian, pupil, {sha256 of each file})."""
    guardian = User.get(User.login == GUARDIAN)
    pupil, classroom = child_in_a_class(guardian)
    album = Album.create(classroom=classroom.id, title='La classe de neige')
    store = photos.media_store()
    digests = set()
    for _n in range(PHOTOS):
        digest = store.put(os.urandom(PHOTO_BYTES))   # random: no compression could shrink it
        Photo.create(album=album, full=digest, display=digest, thumb=digest, width=1, height=1,
                     source_sha256=digest)
        digests.add(digest)
    return guardian, pupil, digests


def test_a_year_bigger_than_20_mb_is_built_without_holding_it_in_memory(big_year):
    guardian, pupil, digests = big_year
    tracemalloc.start()
    try:
        built = archive.build(guardian, pupil.id)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f'{peak / 2**20:.1f} MB allocated while building a 24 MB archive'
    name, out, size = built
    with out, zipfile.ZipFile(out) as zipped:
        assert size > 20 * 2**20 and name.endswith('.zip')
        entries = {i.filename: i for i in zipped.infolist()}
        jpegs = [i for n, i in entries.items() if n.startswith('photos/')]
        assert {hashlib.sha256(zipped.read(i)).hexdigest() for i in jpegs} >= digests
        assert all(i.compress_type == zipfile.ZIP_STORED for i in jpegs)       # JPEGs stored
        assert entries['index.html'].compress_type == zipfile.ZIP_DEFLATED      # text deflated
        index = zipped.read('index.html').decode()
        assert all(n in index for n in entries if n != 'index.html')
        assert zipped.testzip() is None


def test_the_archive_is_built_and_sent_in_chunks_over_the_real_server(big_year, live_server):
    """The server runs in this process: what it allocates while building and sending 24 MB (the
    client writes each chunk to disk) is bounded by waitress's send chunk (the connection's send
    buffer, set by server.SOCKET_OPTIONS: Linux doubles it), not by the archive."""
    guardian, pupil, digests = big_year
    browser = Browser(live_server).sign_in(GUARDIAN)
    received = tempfile.TemporaryFile()
    tracemalloc.start()
    try:
        with browser.open(f'/annuaire/archives/{pupil.id}') as response:
            headers = response.headers
            while chunk := response.read(64 * 1024):
                received.write(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    bound = 4 * 2**20
    assert peak < bound, f'{peak / 2**20:.1f} MB allocated while serving a 24 MB archive'
    assert headers['Content-Type'] == 'application/zip'
    assert headers['Content-Disposition'].startswith('attachment; filename="')
    assert int(headers['Content-Length']) == received.tell() > 20 * 2**20
    with received, zipfile.ZipFile(received) as zipped:
        found = {hashlib.sha256(zipped.read(n)).hexdigest() for n in zipped.namelist()
                 if n.startswith('photos/')}
    assert found >= digests


def test_a_third_archive_at_once_is_refused_in_french_until_a_build_ends(demo, demo_client):
    guardian = User.get(User.login == GUARDIAN)
    pupil, _classroom = child_in_a_class(guardian)
    entered, release = threading.Semaphore(0), threading.Event()

    def slow_section(_guardian, _pupil, _classroom):
        entered.release()
        release.wait(30)
        yield 'lent.txt', 'fini'                 # a page may be text as well as bytes

    results = []

    def download():
        try:
            name, out, size = archive.build(guardian, pupil.id)
            with out, zipfile.ZipFile(out) as zipped:
                results.append(zipped.read('lent.txt'))
        finally:
            db.close()

    hooks.ARCHIVE_SECTION.add(slow_section)
    threads = [threading.Thread(target=download) for _n in range(zips.BUILDS_AT_ONCE)]
    try:
        for thread in threads:
            thread.start()
        for _thread in threads:
            assert entered.acquire(timeout=30), 'a build never started'
        demo_client.login(GUARDIAN)
        refused = demo_client.get(f'/annuaire/archives/{pupil.id}', status=503)
        assert refused.headers['Retry-After'] == str(zips.RETRY_AFTER)
        assert ("Trop d'archives en préparation, réessayez dans une minute."
                in html.unescape(refused.text))
        album = Album.get(Album.classroom == _classroom.id)          # an album's zip shares the slots
        refused = demo_client.get(f'/photos/album/{album.id}/album.zip', status=503)
        assert refused.headers['Retry-After'] == str(zips.RETRY_AFTER)
    finally:
        release.set()
        for thread in threads:
            thread.join(30)
        hooks.ARCHIVE_SECTION.remove(slow_section)
    assert results == [b'fini'] * zips.BUILDS_AT_ONCE
    served = demo_client.get(f'/annuaire/archives/{pupil.id}')       # the slots were given back
    assert served.content_type == 'application/zip'
    assert int(served.headers['Content-Length']) == len(served.body)


def test_someone_elses_child_takes_no_build_slot(demo, demo_client):
    guardian = User.get(User.login == GUARDIAN)
    own = {p.id for p, _c in accounts.children_of(guardian)}
    other = User.with_role('pupil').where(User.id.not_in(list(own))).first()
    demo_client.login(GUARDIAN)
    for _n in range(zips.BUILDS_AT_ONCE + 1):
        demo_client.get(f'/annuaire/archives/{other.id}', status=403)
    pupil, _classroom = child_in_a_class(guardian)
    assert demo_client.get(f'/annuaire/archives/{pupil.id}').content_type == 'application/zip'


def test_the_year_is_written_in_the_language_of_the_guardian_who_downloads_it(demo, demo_client):
    """Each page of the zip (index, blog, homework) says its language and direction, its titles are
    in the guardian's language (what teachers wrote stays as written) and escaped once."""
    from ecole_ent.models import Classroom
    guardian = User.get(User.login == GUARDIAN)
    pupil, classroom = child_in_a_class(guardian)
    Classroom.update(name="CP-CE1 d'Anaïs & Léo").where(Classroom.id == classroom.id).execute()
    demo_client.login(GUARDIAN)
    pages = {}
    for lang in ('fr', 'ar'):
        User.update(language=lang).where(User.id == guardian.id).execute()
        served = demo_client.get(f'/annuaire/archives/{pupil.id}')
        with zipfile.ZipFile(io.BytesIO(served.body)) as zipped:
            pages[lang] = {name: zipped.read(name).decode() for name in zipped.namelist()
                           if name.endswith('.html')}
    assert {'index.html', 'blog.html', 'devoirs.html'} <= set(pages['ar'])
    assert set(pages['ar']) == set(pages['fr'])
    for name, page in pages['ar'].items():
        assert page.startswith('<!doctype html><html lang="ar" dir="rtl">'), name
        assert pages['fr'][name].startswith('<!doctype html><html lang="fr" dir="ltr">'), name
    assert '<title>سنة ' in pages['ar']['index.html'] and 'Année' not in pages['ar']['index.html']
    assert '<h1>Année ' in pages['fr']['index.html']
    assert "<h1>Le blog de la classe CP-CE1 d'Anaïs &amp; Léo</h1>" in pages['fr']['blog.html']
    assert "CP-CE1 d'Anaïs &amp; Léo</h1>" in pages['ar']['blog.html']
    assert 'Le blog de la classe' not in pages['ar']['blog.html']
