"""Messages are data like the rest: threads, their members, messages, receipts (read and unread),
files (a PDF as sent, an image as its JPEG rendition) and the read-only switch come back whole
from a backup restored over a data folder that lost them, and `migrate-data` copies every row and
file of them to a new SQLite file (from SQLite, or from PostgreSQL in the PostgreSQL run)."""
import hashlib
import io
import re
from pathlib import Path

import pytest

from ecole_ent import db, runtime
from ecole_ent.app import create_app
from ecole_ent.maintenance import backup, restore
from ecole_ent.maintenance.migrate_data import migrate_data
from ecole_ent.messages import reading, safety, threads
from ecole_ent.models import Message, MessageFile, MessageReceipt, MessagingSwitch, Thread, ThreadMember, User
from tests.conftest import PG_URL
from tests.homework.test_data import SECRET, pdf, png, sign_in

MODELS = (Thread, ThreadMember, Message, MessageFile, MessageReceipt, MessagingSwitch)
TABLES = tuple(model._meta.table_name for model in MODELS)
SQLITE_ONLY = pytest.mark.skipif(bool(PG_URL), reason='SQLite appliance test (PostgreSQL is backed up with pg_dump)')


def rows():
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


def files_under(media):
    root = Path(media) / 'messages'
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob('*')) if path.is_file()}


def mailbox(people):
    """A guardian's thread with a PDF and a photo, read and answered; a class-wide batch; the
    read-only switch turned on then off."""
    sent = threads.start(people.guardian, {'subject': 'Certificat', 'body': 'Voici le certificat.',
                                           'recipients': [str(people.teacher.id)]},
                         [('certificat.pdf', io.BytesIO(pdf('Certificat'))), ('dessin.png', io.BytesIO(png('red')))])
    reading.open_thread(people.teacher, sent.threads[0].id)
    threads.reply(people.teacher, sent.threads[0].id, {'body': 'Merci, bien reçu.'})
    threads.start(people.teacher, {'subject': 'Sortie', 'body': 'Jeudi.', 'class_id': str(people.cp.id)}, confirm=True)
    safety.set_read_only(people.director, people.director.school, True)
    safety.set_read_only(people.director, people.director.school, False)
    return sent.threads[0]


def served(config, user, thread):
    client = sign_in(create_app(config), User.get_by_id(user.id))
    page = client.get(f'/messages/{thread.id}')
    assert 'Voici le certificat.' in page.text and 'Merci, bien reçu.' in page.text
    for row in MessageFile.select():
        if row.message.thread_id == thread.id:
            assert hashlib.sha256(client.get(f'/messages/fichier/{row.id}').body).hexdigest() == row.sha256


@SQLITE_ONLY
def test_a_backup_restored_brings_back_every_thread_message_receipt_and_file(people, config, tmp_path):
    thread = mailbox(people)
    data = Path(config.data_dir)
    before, files_before = rows(), files_under(data / 'media')
    assert all(before[table] for table in TABLES) and len(files_before) >= 2
    result = backup.create_backup(str(data), str(data / 'ecole.db'), str(tmp_path / 'sauvegardes'))
    manifest = backup.verify_archive(result.path)
    assert {name for name in manifest['files'] if name.startswith('media/messages/')} == \
        {f'media/messages/{path}' for path in files_before}
    for model in reversed(MODELS):
        model.delete().execute()
    for path in (data / 'media' / 'messages').rglob('*'):
        if path.is_file():
            path.unlink()
    db.close_all()
    restore.restore_archive(result.path, str(data))
    runtime.open_database(config, auto_migrate=False)
    assert rows() == before
    assert files_under(data / 'media') == files_before
    served(config, people.guardian, thread)


def test_migrate_data_copies_the_messages_and_their_files(people, config, tmp_path):
    thread = mailbox(people)
    source, media = config.database_url, Path(config.data_dir) / 'media'
    expected = {table: len(found) for table, found in rows().items()}
    files_before = files_under(media)
    target_dir = tmp_path / 'copie'
    target_dir.mkdir()
    target = f'sqlite:///{target_dir / "ecole.db"}'
    db.close_all()
    lines = []
    report = migrate_data(source, target, media_from=str(media), media_to=str(target_dir / 'media'), out=lines.append)
    for table in TABLES:
        line = report[table]
        assert line['source_rows'] == line['target_rows'] == expected[table], table
        assert line['source_sha256'] == line['target_sha256'], table
        assert any(re.match(rf'{table}\s+source\s+{expected[table]} lignes .* OK$', text) for text in lines), table
    assert files_under(target_dir / 'media') == files_before
    copy = runtime.open_config(target_dir, environ={'ECOLE_DATABASE_URL': target, 'ECOLE_SECURITY_SECRET_KEY': SECRET})
    runtime.open_database(copy, auto_migrate=False)
    served(copy, people.teacher, thread)
    db.close_all()
    runtime.open_database(config, auto_migrate=False)
