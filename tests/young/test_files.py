"""The recordings a browser makes are recognised by their bytes (media/files.py): Chromium's WebM
(Opus) and Firefox's Ogg (Opus) as audio; a WebM film, a truncated header or a JPEG are not."""
import io

import pytest

from ecole_ent.media import files
from tests.blog.conftest import OGG
from tests.young.conftest import FILM, VOICE


def test_a_chromium_recording_is_webm_audio():
    assert files.sniff(VOICE[:files.CHUNK]) == 'webm'
    assert files.KINDS['webm'] == ('webm', 'audio/webm', True) and 'webm' in files.AUDIO


def test_an_ogg_opus_recording_is_ogg_audio():
    assert files.sniff(OGG) == 'ogg' and 'ogg' in files.AUDIO


@pytest.mark.parametrize('data', [FILM, VOICE[:12], b'\x1a\x45\xdf\xa3' + b'\x00' * 60,
                                  b'\xff\xd8\xff\xe0 JFIF'])
def test_a_film_a_bare_header_or_a_photo_is_not_a_recording(data):
    assert files.sniff(data) is None


def test_a_recording_is_stored_by_its_hash_and_a_film_is_refused(tmp_path):
    kind, sha, size = files.store(io.BytesIO(VOICE), tmp_path, 10**6)
    assert (kind, size) == ('webm', len(VOICE))
    assert open(files.path_of(tmp_path, sha, kind), 'rb').read() == VOICE
    with pytest.raises(files.UnknownType):
        files.store(io.BytesIO(FILM), tmp_path / 'film', 10**6)
    assert not [p for p in (tmp_path / 'film').rglob('*') if p.is_file()]


def test_a_jpeg_is_stored_only_when_the_caller_made_it(tmp_path):
    with pytest.raises(files.UnknownType):
        files.store(io.BytesIO(b'\xff\xd8\xff\xe0 JFIF' + b'\x00' * 100), tmp_path, 10**6)
    kind, sha, _size = files.store(io.BytesIO(b'\xff\xd8\xff\xe0 JFIF' + b'\x00' * 100), tmp_path, 10**6, kind='jpg')
    assert kind == 'jpg' and files.path_of(tmp_path, sha, kind).endswith('.jpg')


@pytest.mark.parametrize('brand', [b'mp42', b'isom', b'iso5', b'iso6', b'M4A '])
def test_an_mp4_recording_from_safari_or_chromium_is_m4a_audio(brand):
    assert files.sniff(b'\x00\x00\x00\x1cftyp' + brand + b'\x00\x00\x02\x00isomiso2mp41' + b'\x00' * 64) == 'm4a'
