"""Migrations: an empty database is built by the steps, re-running is a no-op, a newer schema is
refused, and an out-of-date schema stops `serve` unless auto-migration is on."""
import pytest

from ecole_ent import db, migrations, runtime
from ecole_ent.maintenance import backup
from ecole_ent.models import ALL_MODELS, SchemaVersion
from tests.conftest import PG_URL, with_config


def test_migrating_an_empty_database_builds_every_table_and_rerunning_is_a_noop(config):
    assert runtime.migrate(config) == len(migrations.STEPS)
    tables = set(db.database.get_tables())
    assert {model._meta.table_name for model in ALL_MODELS} <= tables
    assert not {'blog_visit', 'sync_lease'} & tables           # dropped by m0006, m0007
    assert migrations.current() == len(migrations.STEPS)
    assert runtime.migrate(config) == 0
    assert SchemaVersion.select().count() == 1


def test_a_database_newer_than_the_program_is_refused(config):
    runtime.migrate(config)
    SchemaVersion.update(version=len(migrations.STEPS) + 1).execute()
    with pytest.raises(migrations.SchemaError, match='plus récent'):
        runtime.migrate(config)
    with pytest.raises(migrations.SchemaError, match='plus récent'):
        runtime.open_database(config, auto_migrate=False)


@with_config(database_auto_migrate='false')
def test_an_out_of_date_schema_stops_start_up_unless_auto_migration_is_on(config):
    with pytest.raises(migrations.SchemaError, match='migration'):
        runtime.open_database(config)
    runtime.open_database(config, auto_migrate=True)
    assert migrations.pending() == 0
    if PG_URL:
        from tests.conftest import reset_postgres
        reset_postgres()
    db.close()


@pytest.mark.skipif(bool(PG_URL), reason='the pre-migration copy is the SQLite file (PostgreSQL: pg_dump)')
def test_a_backup_is_taken_before_migrating_existing_data(config, monkeypatch):
    runtime.migrate(config)
    db.close()
    monkeypatch.setattr(migrations, 'STEPS', migrations.STEPS + [lambda migrator, database: None])
    assert runtime.migrate(config) == 1
    backups = list((config.data_dir / 'backups').glob('ecole-ent-*.tar'))
    assert len(backups) == 1
    manifest = backup.verify_archive(str(backups[0]))
    assert manifest['schema_version'] == len(migrations.STEPS) - 1 and manifest['reason'].startswith('avant migration')
