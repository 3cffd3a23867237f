"""Notes, their receipts (signatures, answers, paper slips) and their files are data like the rest:
they come back whole from a backup restored over a data folder that lost them, `migrate-data`
copies every row and file of them to a new SQLite file, and a guardian's download of the child's
year holds the notes of that child with that guardian's own signatures. The clock stands on
Friday 4 December 2026."""
import hashlib
import html
import io
import re
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

from ecole_ent import db, runtime
from ecole_ent.accounts import service as accounts
from ecole_ent.app import create_app
from ecole_ent.liaison import attachments, notes, receipts
from ecole_ent.maintenance import backup, restore
from ecole_ent.maintenance.migrate_data import migrate_data
from ecole_ent.models import Note, NoteFile, NoteReceipt, User
from tests.homework.test_data import SQLITE_ONLY, pdf, sign_in

MODELS = (Note, NoteFile, NoteReceipt)


def png(color):
    image = Image.new('RGB', (120, 90), color)
    ImageDraw.Draw(image).ellipse((20, 15, 100, 75), fill='white')
    out = io.BytesIO()
    image.save(out, 'PNG')
    return out.getvalue()


def notebook(people):
    """A note to answer with a PDF and an image, answered by the mother online and by the father
    on paper; an information note with a PDF."""
    answer, _w = notes.send(people.teacher, {'class_id': people.cp.id, 'kind': 'answer', 'title': 'Piscine',
                                             'body': 'Votre enfant vient-il à la piscine ?'},
                            [('Autorisation.pdf', io.BytesIO(pdf('autorisation'))),
                             ('Plan.png', io.BytesIO(png((10, 90, 200))))])
    receipts.sign(people.mother, answer.id, people.two.id, 'oui', 'Avec son bonnet')
    father = NoteReceipt.get(note=answer.id, pupil=people.two.id, guardian=people.father.id)
    receipts.record_paper(people.teacher, answer.id, father.id, 'non', 'Otite')
    info, _w = notes.send(people.teacher, {'class_id': people.cp.id, 'kind': 'info', 'title': 'Menu',
                                           'body': 'Le menu du mois.'}, [('Menu.pdf', io.BytesIO(pdf('menu')))])
    return answer, info


def rows():
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


def files_under(media):
    root = Path(media) / 'liaison'
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob('*')) if path.is_file()}


@SQLITE_ONLY
def test_a_backup_restored_brings_back_every_note_signature_and_file(people, config, tmp_path):
    answer, _info = notebook(people)
    data = Path(config.data_dir)
    before, files_before = rows(), files_under(data / 'media')
    assert len(files_before) == 3 and all(before.values())
    result = backup.create_backup(str(data), str(data / 'ecole.db'), str(tmp_path / 'sauvegardes'))
    manifest = backup.verify_archive(result.path)
    assert {name for name in manifest['files'] if name.startswith('media/liaison/')} == {
        f'media/liaison/{path}' for path in files_before}
    refs = [(f.kind, f.sha256) for f in NoteFile.select()]
    with db.writing():
        Note.delete().execute()
    attachments.forget(refs)
    assert rows() == {model._meta.table_name: [] for model in MODELS} and files_under(data / 'media') == {}
    db.close_all()
    restore.restore_archive(result.path, str(data))
    runtime.open_database(config, auto_migrate=False)
    assert rows() == before and files_under(data / 'media') == files_before
    client = sign_in(create_app(config), User.get_by_id(people.mother.id))
    for row in NoteFile.select().where(NoteFile.note == answer.id):
        assert hashlib.sha256(client.get(f'/cahier-de-liaison/fichier/{row.id}').body).hexdigest() == row.sha256
    page = html.unescape(client.get(f'/cahier-de-liaison/{answer.id}').text)
    assert 'Vous avez répondu « oui »' in page


def test_migrate_data_copies_the_notes_receipts_and_files_to_a_new_sqlite_file(people, config, tmp_path):
    notebook(people)
    source, media = config.database_url, Path(config.data_dir) / 'media'
    expected = {table: len(found) for table, found in rows().items()}
    files_before = files_under(media)
    target_dir = tmp_path / 'copie'
    target_dir.mkdir()
    target = f'sqlite:///{target_dir / "ecole.db"}'
    db.close_all()
    report = migrate_data(source, target, media_from=str(media), media_to=str(target_dir / 'media'),
                          out=lambda _line: None)
    for table, count in expected.items():
        line = report[table]
        assert line['source_rows'] == line['target_rows'] == count and line['source_sha256'] == line['target_sha256']
    assert files_under(target_dir / 'media') == files_before
    runtime.open_database(config, auto_migrate=False)


def download_year(client, pupil):
    response = client.get(f'/annuaire/archives/{pupil.id}')
    assert response.content_type == 'application/zip'
    return zipfile.ZipFile(io.BytesIO(response.body))


def test_the_year_archive_has_the_childs_notes_with_that_guardians_signatures(people, demo_app):
    notebook(people)
    mother = download_year(sign_in(demo_app, people.mother), people.two)
    page = html.unescape(mother.read('cahier-de-liaison.html').decode())
    assert 'Piscine' in page and 'Menu' in page and 'Répondu « oui »' in page and 'Avec son bonnet' in page
    assert 'Otite' not in page and 'sur papier' not in page.split('Piscine', 1)[1].split('</article>')[0]
    linked = re.findall(r'href="([^"]+)"', page)
    assert len(linked) == 3 and all(name in mother.namelist() for name in linked)
    files = {row.name: row.sha256 for row in NoteFile.select()}
    assert {hashlib.sha256(mother.read(name)).hexdigest() for name in linked} == set(files.values())
    father = html.unescape(download_year(sign_in(demo_app, people.father), people.two)
                           .read('cahier-de-liaison.html').decode())
    assert 'Répondu « non »' in father and 'sur papier' in father and 'Avec son bonnet' not in father
    client = sign_in(demo_app, people.other_guardian)              # no child in CP-CE1
    for child, _classroom in accounts.children_of(people.other_guardian):
        zipped = download_year(client, child)
        assert not [name for name in zipped.namelist() if name.endswith('.html')
                    and 'Votre enfant vient-il à la piscine' in html.unescape(zipped.read(name).decode())]
        assert not {hashlib.sha256(zipped.read(name)).hexdigest() for name in zipped.namelist()} & set(files.values())
