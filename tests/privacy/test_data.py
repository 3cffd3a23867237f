"""The privacy tables are data like the rest: an erased account's trace, the consent history and the
director's photo date come back whole from a backup restored over a data folder that lost them, and
`migrate-data` copies every row of them to a new SQLite file."""
from pathlib import Path

from ecole_ent import db, runtime
from ecole_ent.maintenance import backup, restore
from ecole_ent.models import SchoolYear
from ecole_ent.models.privacy import ArchiveDeadline, ConsentChange, ErasedAccount
from ecole_ent.privacy import consent, deadlines, erase
from tests.conftest import migrated_copy
from tests.homework.test_data import SQLITE_ONLY

MODELS = (ErasedAccount, ConsentChange, ArchiveDeadline)


def privacy_rows(people):
    """One row of each table: the guardian erased, a consent change, a closed year's photo date."""
    erase.erase_account(people.director, people.guardian)
    consent.record_change(people.pupil, 'granted', 'director', actor=people.director)
    year = SchoolYear.create(school=people.director.school, label='2024-2025', current=False)
    deadlines.set_photos_until(people.director, year.id, '2027-08-31')


def rows():
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


@SQLITE_ONLY
def test_a_backup_restored_brings_back_the_privacy_tables(people, config, tmp_path):
    privacy_rows(people)
    data = Path(config.data_dir)
    before = rows()
    assert all(len(found) == 1 for found in before.values())
    result = backup.create_backup(str(data), str(data / 'ecole.db'), str(tmp_path / 'sauvegardes'))
    with db.writing():
        for model in MODELS:
            model.delete().execute()
    assert rows() == {model._meta.table_name: [] for model in MODELS}
    db.close_all()
    restore.restore_archive(result.path, str(data))
    runtime.open_database(config, auto_migrate=False)
    assert rows() == before


def test_migrate_data_copies_the_privacy_tables(people, config, tmp_path):
    privacy_rows(people)
    expected = {table: len(found) for table, found in rows().items()}
    report = migrated_copy(config, tmp_path / 'copie')
    for table, count in expected.items():
        line = report[table]
        assert line['source_rows'] == line['target_rows'] == count == 1
        assert line['source_sha256'] == line['target_sha256']
