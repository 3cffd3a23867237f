"""Attachments are recognised by their bytes, stored once by content hash, and refused cleanly."""
import io
import os

import pytest

from ecole_ent.media import files
from tests.blog.conftest import M4A, MP3, OGG, PDF


@pytest.mark.parametrize('data, kind', [(PDF, 'pdf'), (MP3, 'mp3'), (OGG, 'ogg'), (M4A, 'm4a'),
                                        (b'\xff\xfb\x90\x64' + b'\x00' * 10, 'mp3')])
def test_the_first_bytes_decide_the_kind(data, kind):
    assert files.sniff(data) == kind


@pytest.mark.parametrize('data', [b'', b'hello', b'<html><script>alert(1)</script>',
                                  b'\x89PNG\r\n\x1a\n', b'MZ\x90\x00', b'\xff\xd8\xff\xe0 JFIF'])
def test_other_files_are_not_recognised(data):
    assert files.sniff(data) is None


def test_an_identical_file_is_stored_once(tmp_path):
    first = files.store(io.BytesIO(PDF), tmp_path, 10_000)
    second = files.store(io.BytesIO(PDF), tmp_path, 10_000)
    assert first == second and first[0] == 'pdf' and first[2] == len(PDF)
    stored = [p for p in tmp_path.rglob('*') if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF


@pytest.mark.parametrize('data, error', [(b'just text named .pdf', files.UnknownType),
                                         (PDF + b'\x00' * 20_000, files.TooLarge)])
def test_a_refused_file_leaves_nothing_on_disk(tmp_path, data, error):
    with pytest.raises(error):
        files.store(io.BytesIO(data), tmp_path, 10_000)
    assert [p for p in tmp_path.rglob('*') if p.is_file()] == []


def test_display_names_lose_folders_and_control_characters_and_get_the_real_extension():
    assert files.clean_name('C:\\Users\\prof\\Fiche été.PDF', 'pdf') == 'Fiche été.pdf'
    assert files.clean_name('../../etc/passwd', 'pdf') == 'passwd.pdf'
    assert files.clean_name('lecture\x00\n<b>.exe', 'mp3') == 'lecture<b>.mp3'
    assert files.clean_name('', 'ogg') == 'piece-jointe.ogg'
    assert os.sep not in files.clean_name('a/b/c.mp3', 'mp3')
