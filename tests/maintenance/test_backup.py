"""Backup and restore of a data folder: real SQLite files, real archives, real media files."""
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import threading

import pytest

from ecole_ent.maintenance import backup, restore
from ecole_ent.maintenance.errors import BackupError
from tests.maintenance.conftest import table_rows, tree_digest


@pytest.fixture
def data_dir(tmp_path):
    """A data folder as the appliance leaves it: a WAL database (left open), media, a secret."""
    data = tmp_path / 'data'
    (data / 'media' / 'ab').mkdir(parents=True)
    conn = sqlite3.connect(data / 'ecole.db')
    conn.execute('PRAGMA journal_mode=WAL')
    conn.execute('CREATE TABLE schema_version (version INTEGER NOT NULL)')
    conn.execute('INSERT INTO schema_version VALUES (3)')
    conn.execute('CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT, body BLOB)')
    conn.executemany('INSERT INTO post (title, body) VALUES (?, ?)',
                     [('Sortie au musée n°%d — Élodie' % i, os.urandom(200)) for i in range(500)])
    conn.commit()
    (data / 'media' / 'ab' / 'abcdef.jpg').write_bytes(os.urandom(50_000))
    (data / 'media' / 'photo vacances.png').write_bytes(os.urandom(3_000))
    (data / 'secret_key').write_text('s3cr3t')
    (data / 'logs').mkdir()
    (data / 'logs' / 'ecole-ent.log').write_text('not backed up')
    yield data
    conn.close()


def make_backup(data_dir, dest, **kw):
    return backup.create_backup(str(data_dir), str(data_dir / 'ecole.db'), str(dest), **kw)


def test_backup_then_restore_into_a_new_folder_brings_back_every_row_and_file(data_dir, tmp_path):
    result = make_backup(data_dir, data_dir / 'backups')
    assert result.files == 4 and result.schema_version == 3
    assert oct(os.stat(result.path).st_mode & 0o777) == '0o600'

    target = tmp_path / 'new'
    manifest, replaced = restore.restore_archive(result.path, str(target))
    assert replaced is None and manifest['schema_version'] == 3
    assert table_rows(target / 'ecole.db') == table_rows(data_dir / 'ecole.db')
    original = {k: v for k, v in tree_digest(data_dir).items() if k.startswith('media')}
    restored = {k: v for k, v in tree_digest(target).items() if k.startswith('media')}
    assert restored == original and len(restored) == 2
    assert (target / 'secret_key').read_text() == 's3cr3t'
    assert not (target / 'logs').exists()


def test_the_backup_sees_committed_writes_still_in_the_wal(data_dir, tmp_path):
    conn = sqlite3.connect(data_dir / 'ecole.db')
    conn.execute("INSERT INTO post (title) VALUES ('dans le WAL seulement')")
    conn.commit()
    assert os.path.getsize(data_dir / 'ecole.db-wal') > 0
    result = make_backup(data_dir, tmp_path / 'b')
    restore.restore_archive(result.path, str(tmp_path / 'r'))
    rows = table_rows(tmp_path / 'r' / 'ecole.db')['post']
    assert rows[-1][1] == 'dans le WAL seulement'
    conn.close()


def test_restore_over_existing_data_moves_the_old_data_aside(data_dir, tmp_path):
    result = make_backup(data_dir, tmp_path / 'b')
    before = tree_digest(data_dir / 'media')
    (data_dir / 'media' / 'added-after.jpg').write_bytes(b'new')
    conn = sqlite3.connect(data_dir / 'ecole.db')
    conn.execute('DELETE FROM post')
    conn.commit()
    conn.close()

    manifest, replaced = restore.restore_archive(result.path, str(data_dir))
    assert len(table_rows(data_dir / 'ecole.db')['post']) == 500
    assert tree_digest(data_dir / 'media') == before
    assert os.path.exists(os.path.join(replaced, 'media', 'added-after.jpg'))
    assert table_rows(os.path.join(replaced, 'ecole.db'))['post'] == []


def member_offset(path, member_name):
    with tarfile.open(path) as tar:
        return tar.getmember(member_name).offset


@pytest.mark.parametrize('db_name', ['ecole.db', 'ABSOLUTE'])
def test_a_stale_wal_of_the_replaced_database_goes_aside_with_it(data_dir, tmp_path, db_name):
    result = make_backup(data_dir, tmp_path / 'b')
    rows = table_rows(data_dir / 'ecole.db')
    writer = sqlite3.connect(data_dir / 'ecole.db')     # a server killed with its WAL not checkpointed
    writer.execute('PRAGMA wal_autocheckpoint=0')
    writer.execute('DELETE FROM post')
    writer.commit()
    wal = (data_dir / 'ecole.db-wal').read_bytes()
    writer.close()
    (data_dir / 'ecole.db-wal').write_bytes(wal)
    name = str(data_dir / 'ecole.db') if db_name == 'ABSOLUTE' else db_name

    _manifest, replaced = restore.restore_archive(result.path, str(data_dir), db_name=name)
    assert not (data_dir / 'ecole.db-wal').exists()
    assert os.path.exists(os.path.join(replaced, 'ecole.db-wal'))
    assert table_rows(data_dir / 'ecole.db') == rows


def corrupt_byte(path, member_name):
    """Flips one byte inside the data of one archive member."""
    with tarfile.open(path) as tar:
        offset = tar.getmember(member_name).offset_data
    with open(path, 'r+b') as f:
        f.seek(offset + 10)
        byte = f.read(1)
        f.seek(offset + 10)
        f.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize('damage, message', [
    (lambda p: corrupt_byte(p, 'media/ab/abcdef.jpg'), 'somme de contrôle de « media/ab/abcdef.jpg »'),
    (lambda p: corrupt_byte(p, 'ecole.db'), 'somme de contrôle de « ecole.db »'),
    (lambda p: os.truncate(p, os.path.getsize(p) // 2), 'incomplète ou tronquée'),
    (lambda p: os.truncate(p, member_offset(p, 'MANIFEST.json')), 'pas de manifeste'),
    (lambda p: open(p, 'wb').write(b'not a tar at all' * 100), 'pas une archive lisible'),
])
def test_a_damaged_archive_is_refused_and_changes_nothing(data_dir, tmp_path, damage, message):
    result = make_backup(data_dir, tmp_path / 'b')
    damage(result.path)
    before = tree_digest(data_dir)
    with pytest.raises(BackupError, match=message):
        restore.restore_archive(result.path, str(data_dir))
    assert tree_digest(data_dir) == before
    assert not [n for n in os.listdir(data_dir) if n.startswith(('.restore-', 'replaced-'))]
    with pytest.raises(BackupError):
        backup.verify_archive(result.path)


def craft_archive(path, members, manifest_files=None):
    files = {}
    with tarfile.open(path, 'w') as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            files[name] = {'size': len(data), 'sha256': hashlib.sha256(data).hexdigest()}
        body = json.dumps({'format': 1, 'files': manifest_files or files}).encode()
        info = tarfile.TarInfo('MANIFEST.json')
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))


def test_an_archive_escaping_the_data_folder_is_refused(tmp_path):
    archive_path = tmp_path / 'evil.tar'
    craft_archive(archive_path, [('ecole.db', b'x'), ('../../etc/cron.d/evil', b'boom')])
    with pytest.raises(BackupError, match='élément suspect'):
        restore.restore_archive(str(archive_path), str(tmp_path / 'data'))
    assert not (tmp_path / 'etc').exists()


@pytest.mark.parametrize('name', ['files/ecole.db', 'files/media', 'files/sub/x', 'other/x', 'files/ecole.db-wal'])
def test_an_archive_cannot_smuggle_files_over_the_database_or_folders(tmp_path, name):
    archive_path = tmp_path / 'smuggle.tar'
    craft_archive(archive_path, [('ecole.db', b'x'), (name, b'boom')])
    with pytest.raises(BackupError, match='élément suspect'):
        restore.restore_archive(str(archive_path), str(tmp_path / 'data'))


def test_an_archive_with_a_valid_manifest_but_a_broken_database_is_refused(tmp_path):
    archive_path = tmp_path / 'bad-db.tar'
    craft_archive(archive_path, [('ecole.db', b'SQLite format 3\x00' + b'\x00' * 200)])
    with pytest.raises(BackupError, match='base de données de la sauvegarde'):
        restore.restore_archive(str(archive_path), str(tmp_path / 'data'))
    assert not (tmp_path / 'data' / 'ecole.db').exists()


def test_restore_refuses_while_a_server_holds_the_data_folder(data_dir, tmp_path):
    result = make_backup(data_dir, tmp_path / 'b')
    with restore.instance_lock(str(data_dir), 'avant'), pytest.raises(BackupError, match='arrêtez-le'):
        restore.restore_archive(result.path, str(data_dir))


def test_restore_refuses_a_backup_from_a_newer_schema(data_dir, tmp_path):
    result = make_backup(data_dir, tmp_path / 'b')
    with pytest.raises(BackupError, match='version plus récente'):
        restore.restore_archive(result.path, str(tmp_path / 'r'), max_schema=2)
    assert not (tmp_path / 'r' / 'ecole.db').exists()


def test_a_refused_confirmation_changes_nothing(data_dir, tmp_path):
    result = make_backup(data_dir, tmp_path / 'b')
    before = tree_digest(data_dir)
    with pytest.raises(BackupError, match='annulée'):
        restore.restore_archive(result.path, str(data_dir), confirm=lambda manifest: False)
    assert tree_digest(data_dir) == before


def test_only_the_last_n_archives_are_kept(data_dir, tmp_path):
    dest = tmp_path / 'b'
    paths = [make_backup(data_dir, dest, keep=2).path for _ in range(4)]
    assert backup.list_archives(str(dest)) == paths[-2:]


def test_backups_started_at_the_same_moment_each_get_an_archive_of_their_own(data_dir, tmp_path):
    """The nightly job, the page's button and the command line may back up at the same moment:
    in the same second they took one archive name and one .partial file, and one failed."""
    dest, start, results = tmp_path / 'b', threading.Barrier(3), []

    def one():
        start.wait()
        try:
            results.append(make_backup(data_dir, dest, keep=10).path)
        except BackupError as exc:
            results.append(exc)

    threads = [threading.Thread(target=one) for _n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in results if isinstance(r, BackupError)], results
    assert set(results) == set(backup.list_archives(str(dest))) and len(set(results)) == 3
    for path in results:
        backup.verify_archive(path)


def test_the_second_destination_gets_a_verified_copy(data_dir, tmp_path):
    result = make_backup(data_dir, tmp_path / 'b', copy_to=str(tmp_path / 'usb' / 'ecole'))
    (copy,) = result.copies
    assert os.path.dirname(copy) == str(tmp_path / 'usb' / 'ecole')
    with open(copy, 'rb') as a, open(result.path, 'rb') as b:
        assert a.read() == b.read()
    status = backup.last_backup(str(data_dir))
    assert status['path'] == result.path and status['copies'] == [copy]


def test_an_unwritable_second_destination_is_reported(data_dir, tmp_path):
    blocker = tmp_path / 'not-a-folder'
    blocker.write_text('')
    result = make_backup(data_dir, tmp_path / 'b', copy_to=str(blocker / 'sub'))
    assert 'seconde destination' in result.copy_error and result.copies == []
    backup.verify_archive(result.path)
    assert backup.last_backup(str(data_dir))['copy_error'] == result.copy_error


def test_backing_up_a_missing_database_says_so(tmp_path):
    with pytest.raises(BackupError, match='Pas de base de données'):
        backup.create_backup(str(tmp_path), str(tmp_path / 'ecole.db'), str(tmp_path / 'b'))


def test_an_unwritable_destination_is_reported_clearly(data_dir, tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    with pytest.raises(BackupError, match='Impossible d’écrire la sauvegarde'):
        make_backup(data_dir, blocker / 'backups')
