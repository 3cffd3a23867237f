"""No statistics table can identify a person or a connection: read from the database's own schema
(as the migrations built it), no column is named after a user, a login, an address, an IP, a user
agent or a session, and no foreign key leads to an account."""
import re

from ecole_ent import db
from ecole_ent.models import StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors

STATS_TABLES = [model._meta.table_name for model in (StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors)]
FORBIDDEN = re.compile(r'user|login|address|addr|ip|agent|session|name|mail|account', re.IGNORECASE)


def test_no_statistics_column_names_a_person_or_a_connection(database):
    tables = [table for table in database.get_tables() if table.startswith('stats_')]
    assert sorted(tables) == sorted(STATS_TABLES)         # a new statistics table is read here too
    for table in tables:
        columns = [column.name for column in database.get_columns(table)]
        assert columns, table
        assert [name for name in columns if FORBIDDEN.search(name)] == [], table
        targets = {key.dest_table for key in database.get_foreign_keys(table)}
        assert targets <= {'school'}, (table, targets)


def test_the_check_would_see_a_person_column(database):
    database.execute_sql('CREATE TABLE stats_probe (id INTEGER PRIMARY KEY, remote_ip VARCHAR(64), '
                         'user_id INTEGER REFERENCES "user" (id))')
    try:
        columns = [column.name for column in database.get_columns('stats_probe')]
        assert [name for name in columns if FORBIDDEN.search(name)] == ['remote_ip', 'user_id']
        assert {key.dest_table for key in database.get_foreign_keys('stats_probe')} == {'user'}
    finally:
        database.execute_sql('DROP TABLE stats_probe')
        db.close()


def test_the_month_seen_visitors_carry_no_order_of_first_visit(database):
    columns = [column.name for column in database.get_columns('stats_month_seen')]
    assert sorted(columns) == ['month', 'profile', 'school_id', 'visitor']          # no id, no created_at
    assert {c.name for c in database.get_columns('stats_month_seen') if c.primary_key} == set(columns)
    if db.is_postgres(database):
        return
    try:
        database.execute_sql('SELECT rowid FROM stats_month_seen')
        has_rowid = True
    except Exception:
        has_rowid = False
    assert not has_rowid                                          # WITHOUT ROWID: no insertion order either
