"""`ecole-ent sync ...` run as a user runs it: a real process on a real data folder."""
import json

import pytest

from tests.conftest import PG_URL
from tests.test_cli import ecole

from .conftest import COMPLET, DELTA, ONDE, UAI, feed_file

KEYS = ['created', 'updated', 'moved', 'deactivated', 'reactivated', 'unchanged', 'skipped',
        'errors']


@pytest.fixture
def installed(tmp_path):
    data = tmp_path / 'data'
    ecole(data, 'init', '--school-uai', UAI, '--school-name', 'École des Mimosas', '--admin',
          'admin', env={'ECOLE_ADMIN_PASSWORD': 'correct horse battery'})
    yield data
    if PG_URL:                     # the processes wrote to the shared test database: clean it
        from ecole_ent import db
        from tests.conftest import reset_postgres
        db.init_db(PG_URL)
        reset_postgres()


def test_json_output_has_the_exact_shape_and_a_second_run_is_all_unchanged(installed):
    first = ecole(installed, 'sync', 'aaf1d', str(COMPLET), '--json')
    data = json.loads(first.stdout)
    assert list(data) == KEYS and data['created'] == 23 and data['skipped'] == []
    again = json.loads(ecole(installed, 'sync', 'aaf1d', str(COMPLET), '--json').stdout)
    assert {k: again[k] for k in KEYS[:6]} == {
        'created': 0, 'updated': 0, 'moved': 0, 'deactivated': 0, 'reactivated': 0,
        'unchanged': 23}


def test_dry_run_prints_the_plan_and_writes_nothing(installed):
    result = ecole(installed, 'sync', 'aaf1d', str(COMPLET), '--dry-run')
    assert 'créé              lucas.bernard2' in result.stdout
    assert '23 créés, 0 modifiés' in result.stdout and 'rien n\'a été écrit' in result.stderr
    users = json.loads(ecole(installed, 'users', 'list', '--format', 'json').stdout)
    assert [u['login'] for u in users] == ['admin']


def test_refusal_exits_1_with_the_reason_on_one_stderr_line(installed, complet):
    ecole(installed, 'sync', 'aaf1d', str(COMPLET))
    feed_file(complet, 'Eleve').write_text(
        '<?xml version="1.0"?><ficAlimMENESR></ficAlimMENESR>', 'utf-8')
    result = ecole(installed, 'sync', 'aaf1d', str(complet), '--json', check=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)['deactivated'] == 19
    (line,) = [text for text in result.stderr.splitlines() if 'seuil' in text]
    assert '--force' in line
    forced = ecole(installed, 'sync', 'aaf1d', str(complet), '--force', '--json')
    assert json.loads(forced.stdout)['deactivated'] == 19


def test_unreadable_feed_exits_1(installed, complet):
    path = feed_file(complet, 'Eleve')
    path.write_bytes(path.read_bytes()[:2000])
    result = ecole(installed, 'sync', 'aaf1d', str(complet), check=False)
    assert result.returncode == 1 and 'tronqué' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_delta_then_users_list_shows_sources_classes_and_children(installed):
    ecole(installed, 'sync', 'aaf1d', str(COMPLET))
    delta = json.loads(ecole(installed, 'sync', 'aaf1d', str(DELTA), '--json').stdout)
    assert (delta['created'], delta['moved'], delta['deactivated']) == (1, 1, 2)
    users = {u['login']: u for u in json.loads(
        ecole(installed, 'users', 'list', '--format', 'json').stdout)}
    assert users['lucas.bernard']['classes'] == ["CE1-CE2-CM1 M. N'Diaye"]
    assert users['chloe.dalmeida']['status'] == 'disabled'
    assert (users['admin']['source'], users['yanis.bernard']['source']) == ('local', 'aaf1d')


def test_onde_command(installed):
    result = ecole(installed, 'sync', 'onde', str(ONDE / 'CSVExtraction-eleves.csv'),
                   str(ONDE / 'CSVExtraction-responsables.csv'), '--json')
    data = json.loads(result.stdout)
    assert data['created'] == 19 and any('Ay?e' in e for e in data['errors'])


def test_scheduled_command_imports_the_inbox_and_reports_failures(installed, complet):
    assert 'Aucune source' in ecole(installed, 'sync', 'planifiee').stderr
    onde = ecole(installed, 'sync', 'planifiee', env={'ECOLE_DIRECTORY_SOURCE': 'onde'})
    assert 'Aucune source automatique' in onde.stderr      # ONDE files are uploaded, not fetched
    env = {'ECOLE_DIRECTORY_SOURCE': 'aaf1d'}
    inbox = installed / 'annuaire' / 'aaf'
    inbox.mkdir(parents=True)
    for path in COMPLET.glob('*.xml'):
        (inbox / path.name).write_bytes(path.read_bytes())
    result = ecole(installed, 'sync', 'planifiee', env=env)
    assert 'Synchronisation terminée (1 import(s))' in result.stderr
    assert len(list((inbox / 'done').glob('*.xml'))) == 4
    broken = feed_file(inbox, 'Eleve', date='20250101')
    for path in complet.glob('*.xml'):
        (inbox / path.name.replace('20241105', '20250101')).write_bytes(path.read_bytes())
    broken.write_bytes(broken.read_bytes()[:1000])
    failed = ecole(installed, 'sync', 'planifiee', env=env, check=False)
    assert failed.returncode == 1 and 'tronqué' in failed.stderr
