"""`ecole-ent photos import`, run as commune IT runs it: a real process on a real data folder,
with an SD-card-like folder of good and bad files."""
import sqlite3

import pytest

from ecole_ent.media import images
from tests.conftest import PG_URL, jpeg
from tests.media import media_samples as samples
from tests.test_cli import ecole

HEIC = ' ou HEIC' if 'HEIF' in images.ALLOWED_FORMATS else ''
pytestmark = pytest.mark.skipif(bool(PG_URL), reason='reads the SQLite file to check the result')


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp('import') / 'data'
    ecole(data, 'demo')
    return data


@pytest.fixture
def card(tmp_path):
    folder = tmp_path / 'DCIM' / '100PHOTO'
    folder.mkdir(parents=True)
    (folder / 'IMG_0001.JPG').write_bytes(samples.jpeg_orientation_6_with_gps())
    (folder / 'IMG_0002.PNG').write_bytes(samples.png_with_alpha())
    (folder / 'IMG_0003.JPG').write_bytes(samples.truncated_jpeg())
    (folder / 'notes.jpg').write_text('pas une photo')
    (folder / 'LISEZMOI.txt').write_text('ignoré : pas une extension de photo')
    return tmp_path / 'DCIM'


def test_import_reports_each_file_and_skips_bad_ones(tmp_path, data, card):
    single = tmp_path / 'seule.jpg'
    single.write_bytes(jpeg((9, 9, 9)))
    result = ecole(data, 'photos', 'import', '--class', 'CP-CE1', '--album', 'Sortie en forêt',
                   str(card), str(single))
    lines = result.stdout.strip().splitlines()
    assert lines[0].endswith('IMG_0001.JPG : importée')
    assert lines[1].endswith('IMG_0002.PNG : importée')
    assert lines[2].endswith("IMG_0003.JPG : ignorée "
                             "(L'image est incomplète ou abîmée (fichier tronqué) : renvoyez-la.)")
    assert lines[3].endswith("notes.jpg : ignorée (Ce fichier n'est pas une image (seules les photos "
                             f"JPEG, PNG, GIF, WebP{HEIC} sont acceptées).)")
    assert lines[4].endswith('seule.jpg : importée')
    assert lines[5] == '3 photo(s) importée(s), 2 ignorée(s) ; album « Sortie en forêt » de la classe CP-CE1'
    again = ecole(data, 'photos', 'import', '--class', 'cp-ce1', '--album', 'Sortie en forêt', str(single))
    assert 'ignorée (Cette photo est déjà dans l’album.)' in again.stdout
    with sqlite3.connect(data / 'ecole.db') as db:
        rows = db.execute("SELECT p.original_name, p.width, p.height FROM photo p JOIN album a "
                          "ON a.id = p.album_id WHERE a.title = 'Sortie en forêt' ORDER BY p.id").fetchall()
    assert rows == [('IMG_0001.JPG', 400, 600), ('IMG_0002.PNG', 300, 200), ('seule.jpg', 640, 480)]


def test_unknown_class_is_a_fatal_error(data, card):
    result = ecole(data, 'photos', 'import', '--class', 'CM3', '--album', 'X', str(card), check=False)
    assert result.returncode == 1
    assert 'Classe inconnue : CM3' in result.stderr
