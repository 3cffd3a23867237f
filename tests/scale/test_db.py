"""The engine-neutral helpers of ecole_ent/db.py, on the suite's engine."""
from ecole_ent import db
from ecole_ent.models import School, SchoolYear


def test_tables_come_parents_first(database):
    order = db.tables_in_order()
    assert 'schema_version' not in order
    for parent, child in (('school', 'school_year'), ('school_year', 'classroom'),
                          ('user', 'enrolment'), ('classroom', 'enrolment'), ('user', 'login_session')):
        assert order.index(parent) < order.index(child)
    assert {'job_lease', 'job_run'} <= set(order)


def test_new_rows_get_fresh_ids_after_rows_were_copied_in_with_their_ids(database):
    db.insert_rows(db.database, 'school', ['id', 'uai', 'name', 'accent', 'kiosk', 'created_at'],
                   [(41, '0060041A', 'École 41', 'blue', False, '2026-01-01 00:00:00'),
                    (42, '0060042B', 'École 42', 'blue', False, '2026-01-01 00:00:00')])
    db.reset_sequences()
    school = School.create(uai='0060043C', name='École 43')
    assert school.id == 43 and School.select().count() == 3
    assert SchoolYear.create(school=school, label='2026-2027').id == 1


def test_column_kinds_are_read_from_the_catalog(database):
    kinds = db.column_kinds(db.database, 'user')
    assert kinds['id'] == 'int' and kinds['login'] == 'text'
    assert kinds['last_login_at'] == 'datetime'
    assert db.column_kinds(db.database, 'enrolment')['started_on'] == 'date'
    assert db.column_kinds(db.database, 'classroom')['archived'] == ('bool' if db.is_postgres() else 'int')
