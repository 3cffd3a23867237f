"""The schema the migration steps build is the one the models declare: same tables, columns
(type, null, primary key), indexes and foreign keys. A model changed without its step (or a step
whose frozen copy drifted) fails here, before a school's database meets it."""
from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

from ecole_ent import migrations
from ecole_ent.models import ALL_MODELS


def describe(db):
    schema = {}
    for table in db.get_tables():
        if table == 'schema_version':       # written by migrations.run, not by a step
            continue
        schema[table] = {
            'columns': sorted((c.name, c.data_type.upper(), c.null, c.primary_key)
                              for c in db.get_columns(table)),
            'indexes': sorted((tuple(i.columns), i.unique) for i in db.get_indexes(table)),
            'foreign keys': sorted((f.column, f.dest_table, f.dest_column)
                                   for f in db.get_foreign_keys(table)),
        }
    return schema


def test_the_steps_build_the_schema_the_models_declare(tmp_path):
    stepped = SqliteDatabase(str(tmp_path / 'steps.db'))
    for step in migrations.STEPS:
        with stepped.atomic():
            step(SqliteMigrator(stepped), stepped)
    declared = SqliteDatabase(str(tmp_path / 'models.db'))
    models = [m for m in ALL_MODELS if m._meta.table_name != 'schema_version']
    with declared.bind_ctx(models):
        declared.create_tables(models)
    assert describe(stepped) == describe(declared)
