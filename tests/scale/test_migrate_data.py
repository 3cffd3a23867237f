"""`ecole-ent migrate-data`: a demo SQLite appliance moved onto PostgreSQL and back, nothing lost."""
import re
import sqlite3

import pytest

from ecole_ent import db, runtime
from ecole_ent.maintenance.migrate_data import table_summary
from tests.conftest import Client
from tests.scale.conftest import SECRET, ecole, pg_connect

pytestmark = pytest.mark.slow


def summaries(url, kinds_from=None):
    """{table: (rows, checksum)} read straight from one database (column kinds from PostgreSQL's
    catalog: SQLite declares booleans INTEGER)."""
    database = db.make_database(url, pool_size=1)
    typed = db.make_database(kinds_from or url, pool_size=1)
    try:
        return {table: table_summary(database, table, list(db.column_kinds(typed, table)),
                                     db.column_kinds(typed, table))
                for table in db.tables_in_order(database)}
    finally:
        for each in (database, typed):
            each.close_all() if db.is_postgres(each) else each.close()


@pytest.fixture
def appliance(tmp_path):
    """A school's SQLite appliance: the demo, some sign-ins, and media files."""
    data = tmp_path / 'ecole'
    ecole(data, f'sqlite:///{data / "ecole.db"}', 'demo')
    ecole(data, f'sqlite:///{data / "ecole.db"}', 'jobs', 'run', 'sessions.cleanup')
    photo = data / 'media' / 'classe-2' / 'sortie.jpg'
    photo.parent.mkdir(parents=True)
    photo.write_bytes(bytes(range(256)) * 40)
    (data / 'media' / 'note é.txt').write_text('accents conservés', encoding='utf-8')
    connection = sqlite3.connect(data / 'ecole.db')
    with connection:   # a value of each awkward kind: apostrophes, NULLs, self-references
        connection.execute("UPDATE user SET image_rights_by_id = (SELECT max(id) FROM user) "
                           "WHERE id = (SELECT min(id) FROM user WHERE roles = 'pupil')")
        connection.execute("INSERT INTO audit_event (created_at, action, target, details) VALUES "
                           "('2026-01-02 03:04:05', 'test', 'l''école', '{\"é\": null}')")
    connection.close()
    return data


def test_demo_sqlite_to_postgresql_every_row_media_file_and_sign_in(appliance, tmp_path, pg_url):
    source = f'sqlite:///{appliance / "ecole.db"}'
    target_data = tmp_path / 'district'
    result = ecole(target_data, pg_url, 'migrate-data', '--from', source, '--to', pg_url,
                   '--media-from', str(appliance / 'media'), '--media-to', str(target_data / 'media'))
    before, after = summaries(source, pg_url), summaries(pg_url)
    assert before == after
    assert before['user'][0] > 100 and before['job_lease'][0] == 1 and before['audit_event'][0] >= 1
    for table, (rows, checksum) in before.items():     # the command printed both sides per table
        assert re.search(rf'^{table}\s+source\s+{rows} lignes {checksum[:16]}\s+cible\s+{rows} '
                         rf'lignes {checksum[:16]}\s+OK$', result.stdout, re.M), table
    media_files = sum(1 for path in (appliance / 'media').rglob('*') if path.is_file())
    assert media_files >= 2 and f'médias : {media_files} fichier(s)' in result.stdout
    assert (target_data / 'media' / 'classe-2' / 'sortie.jpg').read_bytes() == bytes(range(256)) * 40
    assert (target_data / 'media' / 'note é.txt').read_text(encoding='utf-8') == 'accents conservés'
    # The district server, on the copy: the demo people sign in, new rows get fresh ids.
    config = runtime.open_config(target_data, environ={'ECOLE_DATABASE_URL': pg_url,
                                                       'ECOLE_SECURITY_SECRET_KEY': SECRET})
    from ecole_ent.app import create_app
    runtime.open_database(config, auto_migrate=False)
    client = Client(create_app(config), extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    for login, greeting in (('julien.roux', 'Bonjour Julien'), ('aurelie.dubois', 'Bonjour'),
                            ('admin', 'Bonjour')):
        response = client.login(login)
        assert response.status_int == 303, login
        assert greeting in response.follow().text
        client.post('/deconnexion', {'csrf_token': client.csrf('/')})
    db.close_all()


def test_a_filled_target_is_refused_unless_forced_and_the_copy_goes_back_to_sqlite(
        appliance, tmp_path, pg_url):
    source = f'sqlite:///{appliance / "ecole.db"}'
    ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', source, '--to', pg_url)
    again = ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', source, '--to', pg_url,
                  check=False)
    assert again.returncode == 1 and 'la base cible contient déjà des données' in again.stderr
    assert '--force' in again.stderr and 'Traceback' not in again.stderr
    admin = pg_connect(pg_url)
    with admin.cursor() as cursor:        # the district changes something; --force replaces it
        cursor.execute("UPDATE school SET name = 'Autre nom'")
    admin.close()
    ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', source, '--to', pg_url, '--force')
    assert summaries(source, pg_url) == summaries(pg_url)
    back = f'sqlite:///{tmp_path / "retour" / "ecole.db"}'
    (tmp_path / 'retour').mkdir()
    ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', pg_url, '--to', back)
    assert summaries(back, pg_url) == summaries(pg_url) == summaries(source, pg_url)
    missing = ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', 'sqlite:////nulle/part.db',
                    '--to', back, check=False)
    assert missing.returncode == 1 and 'base source introuvable' in missing.stderr
    unreachable = ecole(tmp_path / 'a', pg_url, 'migrate-data', '--from', source, '--to',
                        'postgresql://postgres@127.0.0.1:1/nulle', check=False)
    assert unreachable.returncode == 1 and 'base de données injoignable' in unreachable.stderr
    assert 'Traceback' not in unreachable.stderr


def test_a_cycle_of_foreign_keys_is_copied_whole(appliance, pg_url):
    """Tables that point at each other (a feature may add such a pair): references to rows not yet
    copied are filled in at the end, inside the same transaction."""
    from ecole_ent import migrations
    from ecole_ent.maintenance.migrate_data import migrate_data
    source = f'sqlite:///{appliance / "ecole.db"}'
    connection = sqlite3.connect(appliance / 'ecole.db')
    with connection:
        connection.executescript(
            'CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT, '
            'captain_id INTEGER REFERENCES player (id));'
            'CREATE TABLE player (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES team (id));'
            "INSERT INTO team VALUES (1, 'Les Mimosas', 2);"
            'INSERT INTO player VALUES (1, 1); INSERT INTO player VALUES (2, 1);')
    connection.close()
    db.init_db(pg_url)
    migrations.run()
    db.database.execute_sql('CREATE TABLE team (id SERIAL PRIMARY KEY, name TEXT, captain_id INTEGER)')
    db.database.execute_sql('CREATE TABLE player (id SERIAL PRIMARY KEY, '
                            'team_id INTEGER REFERENCES team (id))')
    db.database.execute_sql('ALTER TABLE team ADD FOREIGN KEY (captain_id) REFERENCES player (id)')
    db.close_all()
    report = migrate_data(source, pg_url, out=lambda line: None)
    assert report['team']['target_rows'] == 1 and report['player']['target_rows'] == 2
    assert summaries(source, pg_url) == summaries(pg_url)
    database = db.make_database(pg_url, pool_size=1)
    assert database.execute_sql('SELECT id, team_id FROM player ORDER BY id').fetchall() == [(1, 1), (2, 1)]
    assert database.execute_sql("SELECT nextval('player_id_seq')").fetchone()[0] == 3
    database.close_all()
