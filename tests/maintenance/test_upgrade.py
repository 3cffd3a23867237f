"""Upgrades: a data folder made by the previous schema (a kept fixture) is migrated by the current
code after a backup, and keeps every account; a program older than its data folder refuses it."""
import sqlite3

import peewee

from ecole_ent import db, migrations, runtime
from ecole_ent.app import create_app
from ecole_ent.maintenance import backup
from tests.conftest import Client, redirected_to
from tests.maintenance.conftest import FIXTURES, run_cli, table_rows, tree_digest

FIXTURE = FIXTURES / 'data-schema-1.sql'


def load_fixture(data):
    """The kept data folder: its database rebuilt from the SQL dump (no binary file in git)."""
    (data / 'media').mkdir(parents=True)
    conn = sqlite3.connect(data / 'ecole.db')
    conn.executescript(FIXTURE.read_text(encoding='utf-8'))
    version = conn.execute('SELECT version FROM schema_version').fetchone()[0]
    conn.close()
    return version


def add_nickname(migrator, database):
    """A step of the kind the next release adds, used while the fixture is still the current schema."""
    from playhouse.migrate import migrate
    migrate(migrator.add_column('user', 'nickname', peewee.CharField(default='')))


def counts(db_path):
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_a_data_folder_of_the_previous_schema_is_migrated_after_a_backup(tmp_path, monkeypatch):
    data = tmp_path / 'data'
    version = load_fixture(data)
    before = counts(data / 'ecole.db')
    if version == len(migrations.STEPS):
        monkeypatch.setattr(migrations, 'STEPS', migrations.STEPS + [add_nickname])
    config = runtime.open_config(data, environ={})      # SQLite, whatever engine the suite runs on
    try:
        assert runtime.migrate(config) == len(migrations.STEPS) - version
        assert migrations.current() == len(migrations.STEPS)
        after = counts(data / 'ecole.db')
        assert {t: after[t] for t in before if t != 'schema_version'} == \
               {t: n for t, n in before.items() if t != 'schema_version'}

        client = Client(create_app(config), extra_environ={'REMOTE_ADDR': '10.0.0.5'})
        assert redirected_to(client.login('julien.roux')) == '/'
        assert 'Bonjour Julien' in client.get('/').text
    finally:
        db.close()

    (archive,) = backup.list_archives(str(data / 'backups'))
    manifest = backup.verify_archive(archive)
    assert manifest['schema_version'] == version and manifest['reason'].startswith('avant migration')
    # ...and that backup brings the previous version's data back, should the upgrade be undone.
    result = run_cli(tmp_path / 'undo', 'restore', archive, '--yes')
    assert result.returncode == 0, result.stderr
    assert counts(tmp_path / 'undo' / 'ecole.db') == before


def test_an_older_program_refuses_a_newer_data_folder_and_changes_nothing(tmp_path):
    data = tmp_path / 'data'
    load_fixture(data)
    conn = sqlite3.connect(data / 'ecole.db')
    conn.execute('UPDATE schema_version SET version = ?', (len(migrations.STEPS) + 1,))
    conn.commit()
    conn.close()
    (data / 'media' / 'photo.jpg').write_bytes(b'\xff\xd8 a photo')
    rows, media = table_rows(data / 'ecole.db'), tree_digest(data / 'media')
    for command in (['serve', '--port', '1'], ['migrate']):
        result = run_cli(data, *command)
        assert result.returncode == 1, result.stderr
        assert 'plus récent que ce programme' in result.stderr and 'Traceback' not in result.stderr
    # (the file's header may say WAL now: opening it is allowed, changing data is not)
    assert table_rows(data / 'ecole.db') == rows and tree_digest(data / 'media') == media
    assert backup.list_archives(str(data / 'backups')) == []
