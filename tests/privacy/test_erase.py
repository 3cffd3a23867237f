"""Erasure outside the daily job: the directory sync meeting an erased pupil, and the command line
(a malformed date, a dry run)."""
import json
from datetime import date

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.directory import service as directory
from ecole_ent.errors import ValidationError
from ecole_ent.models import GuardianLink, SchoolYear, User
from ecole_ent.models.directory import SyncLine
from ecole_ent.models.privacy import ErasedAccount
from ecole_ent.privacy import consent, deadlines, erase
from tests.directory.conftest import COMPLET, UAI
from tests.privacy.conftest import disable, row_counts


def test_an_erased_pupil_in_the_next_directory_sync_is_reported_not_recreated(config, database):
    accounts.ensure_school(UAI, 'École des Mimosas')
    assert directory.sync_aaf1d([COMPLET], config).applied
    lea = User.get(User.external_id == 'aaf1d:3100001')
    assert lea.login == 'lea.martin-rousseau'
    erase.erase_account(None, lea)
    assert SyncLine.select().where(SyncLine.login == 'lea.martin-rousseau').count() == 0
    users = User.select().count()
    outcome = directory.sync_aaf1d([COMPLET], config)
    assert outcome.applied
    report = outcome.to_json()
    assert report['created'] == 0
    skipped = {line['external_id']: line['reason'] for line in report['skipped']}
    assert 'compte effacé le' in skipped['aaf1d:3100001'] and 'non recréé' in skipped['aaf1d:3100001']
    assert User.select().count() == users
    assert not User.select().where(User.login.startswith('lea.martin-rousseau')).exists()
    assert User.get_by_id(lea.id).display_name == 'Ancien élève'
    assert not GuardianLink.select().where(GuardianLink.pupil == lea.id).exists()
    assert outcome.run.skipped == 1 and outcome.run.created == 0
    line = SyncLine.get((SyncLine.run == outcome.run) & (SyncLine.external_id == 'aaf1d:3100001'))
    assert line.action == 'skipped' and 'effacé' in line.detail and line.name == 'Léa MARTIN-ROUSSEAU'   # the feed's
    assert ErasedAccount.get(ErasedAccount.user == lea.id).external_id == 'aaf1d:3100001'


def test_retention_with_a_malformed_date_is_a_french_error_and_changes_nothing(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    before = row_counts()
    for bad in ('2027-02-30', '01/03/2027', 'demain'):
        out, err = run_cli('privacy', 'retention', '--as-of', bad, '--json', expect=2)
        assert out == '' and 'AAAA-MM-JJ' in err and 'Rien n’a été effacé' in err and bad in err
    assert row_counts() == before


def test_retention_from_the_command_line_dry_run_then_for_real(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    before = row_counts()
    out, _err = run_cli('privacy', 'retention', '--dry-run', '--as-of', '2026-12-04', '--json')
    assert json.loads(out) == {'leavers': 1, 'liaison': 0, 'homework': 0, 'connections': 0, 'audit': 0,
                               'photos': 0}
    assert row_counts() == before
    _out, err = run_cli('privacy', 'retention', '--as-of', '2026-12-04')
    assert 'Comptes qui ne sont plus attendus : 1 élément effacé' in err
    assert not User.select().where(User.login == 'zoe.dubois').exists()
    out, _err = run_cli('privacy', 'retention', '--as-of', '2026-12-04', '--json')
    assert json.loads(out)['leavers'] == 0


def test_the_director_sets_until_when_a_closed_years_photos_are_kept(people):
    closed = SchoolYear.create(school=people.director.school, label='2024-2025', current=False)
    assert deadlines.photos_until(closed) == date(2026, 8, 31)          # the default: 12 months
    for bad, message in (('31/08/2027', 'AAAA-MM-JJ'), ('2026-01-01', 'à venir')):
        with pytest.raises(ValidationError, match=message):
            deadlines.set_photos_until(people.director, closed.id, bad)
    with pytest.raises(ValidationError, match='pas close'):
        deadlines.set_photos_until(people.director, people.director.school.current_year().id, '2027-08-31')
    assert deadlines.set_photos_until(people.director, closed.id, '2027-08-31') == date(2027, 8, 31)
    assert deadlines.photos_until(closed) == date(2027, 8, 31)
    consent.record_change(people.pupil, 'refused', 'onde')
    consent.record_change(people.pupil, 'granted', 'director', actor=people.director)
    assert [(c.image_rights, c.source) for c in consent.history(people.pupil)] == [
        ('granted', 'director'), ('refused', 'onde')]


def test_a_leaver_erased_by_the_retention_rule_who_comes_back_gets_a_new_account(config, database):
    accounts.ensure_school(UAI, 'École des Mimosas')
    directory.sync_aaf1d([COMPLET], config)
    lea = User.get(User.external_id == 'aaf1d:3100001')
    erase.erase_account(None, lea, reason='retention')
    assert ErasedAccount.get(ErasedAccount.user == lea.id).external_id is None      # nothing kept to match
    outcome = directory.sync_aaf1d([COMPLET], config)
    assert outcome.to_json()['created'] == 1 and outcome.to_json()['skipped'] == []
    back = User.get(User.external_id == 'aaf1d:3100001')
    assert back.id != lea.id and back.login == 'lea.martin-rousseau'
    assert User.get_by_id(lea.id).display_name == 'Ancien élève'


def test_the_daily_job_is_on_the_scheduler_and_runs_the_rules(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    run_cli('jobs', 'run', 'privacy.retention')
    assert not User.select().where(User.login == 'zoe.dubois').exists()
    assert ErasedAccount.select().count() == 1
