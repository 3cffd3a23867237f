"""Picture passwords are data like the rest: the classes switched on and the pupils' seeds come back
whole from a backup restored over a data folder that lost them (and still sign the pupils in),
`migrate-data` copies every row to a new SQLite file, and erasing a pupil removes their seed."""
from pathlib import Path

from ecole_ent import db, runtime
from ecole_ent.maintenance import backup, restore
from ecole_ent.models import PictureClass, PicturePassword, User
from ecole_ent.pictures import service
from ecole_ent.privacy import erase
from tests.conftest import migrated_copy, redirected_to
from tests.homework.test_data import SQLITE_ONLY

from .conftest import post_pictures, pupil_client

MODELS = (PictureClass, PicturePassword)


def rows():
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


@SQLITE_ONLY
def test_a_backup_restored_brings_back_the_pictures(people, config, tmp_path):
    data = Path(config.data_dir)
    names = service.sequence_for(people.small_pupil)
    before = rows()
    assert all(found for found in before.values())
    result = backup.create_backup(str(data), str(data / 'ecole.db'), str(tmp_path / 'sauvegardes'))
    with db.writing():
        for model in MODELS:
            model.delete().execute()
    assert service.sequence_for(people.small_pupil) is None
    db.close_all()
    restore.restore_archive(result.path, str(data))
    runtime.open_database(config, auto_migrate=False)
    assert rows() == before
    assert service.sequence_for(User.get_by_id(people.small_pupil.id)) == names


def test_migrate_data_copies_the_pictures(people, config, tmp_path):
    expected = {table: len(found) for table, found in rows().items()}
    report = migrated_copy(config, tmp_path / 'copie')
    for table, count in expected.items():
        line = report[table]
        assert line['source_rows'] == line['target_rows'] == count > 0
        assert line['source_sha256'] == line['target_sha256']


def test_erasing_a_pupil_removes_their_pictures(people, demo_app):
    names = service.sequence_for(people.small_pupil)
    erase.erase_account(people.director, people.small_pupil)
    assert not PicturePassword.select().where(PicturePassword.pupil == people.small_pupil.id).exists()
    assert post_pictures(pupil_client(demo_app), people.small_pupil.login, names).status_int == 403
    assert redirected_to(post_pictures(pupil_client(demo_app), people.small_pupil2.login,
                                       service.sequence_for(people.small_pupil2))) == '/'
