"""The directory sync on the scheduler's lease (one run or import at a time), its back-off, and
the yearly rollover."""
from datetime import timedelta

import pytest

from ecole_ent import scheduler
from ecole_ent.accounts import service as accounts
from ecole_ent.directory import rollover, schedule, service
from ecole_ent.directory.records import FeedError
from ecole_ent.errors import ValidationError
from ecole_ent.models import Classroom, Enrolment, JobLease, SchoolYear, SyncRun, User, now
from tests.conftest import in_another_thread, with_config

from .conftest import COMPLET, UAI


@pytest.fixture
def school(database):
    return accounts.ensure_school(UAI, 'École des Mimosas')


def lease():
    return JobLease.get_by_id(schedule.JOB)


def hold_briefly():
    with schedule.exclusive():
        return 'held'


def test_only_one_holder_at_a_time_and_holding_leaves_the_schedule_as_it_was(config, database):
    with schedule.exclusive():
        with schedule.exclusive():                               # re-entrant in the thread
            assert lease().holder == scheduler.holder_name()
        with pytest.raises(scheduler.Busy, match=r'^Une synchronisation est déjà en cours\.$'):
            in_another_thread(hold_briefly)
        assert schedule.run_once(config, job=lambda *a, **k: [])[0] is None
    assert not JobLease.select().exists()                        # no run yet: still none
    assert in_another_thread(hold_briefly) == 'held'
    assert scheduler.claim(scheduler.JOBS[schedule.JOB], 'elsewhere:1')    # a run elsewhere
    with pytest.raises(scheduler.Busy, match='déjà en cours'):
        hold_briefly()
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()      # ...presumed dead
    assert hold_briefly() == 'held'
    assert lease().holder == 'elsewhere:1' and lease().expires_at < now()   # still due


def test_a_run_that_holds_the_lease_blocks_a_second_one(config, database):
    seen = []

    def job(config, trigger, actor):
        seen.append(schedule.run_once(config, job=lambda *a, **k: []))
        return []
    assert schedule.run_once(config, job=job) == (True, 'Synchronisation terminée (0 import(s)).')
    assert seen == [(None, 'Une synchronisation est déjà en cours.')]


def test_failures_back_off_then_success_resets(config, database):
    def failing(config, trigger, actor):
        raise FeedError('Annuaire LDAP injoignable')
    interval = timedelta(hours=config['directory.interval_hours'])
    waits = []
    for _attempt in range(3):
        ran, message = schedule.run_once(config, job=failing)
        assert (ran, message) == (False, 'Annuaire LDAP injoignable')
        row = lease()
        waits.append(row.expires_at - row.finished_at)
    assert waits == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    assert row.failures == 3 and 'Annuaire LDAP injoignable' in row.last_error
    assert schedule.state() == {'running': False, 'next_run_at': row.expires_at}
    JobLease.update(failures=20).execute()
    schedule.run_once(config, job=failing)
    assert lease().expires_at - lease().finished_at == interval        # never longer
    assert schedule.run_once(config, job=lambda *a, **k: [])[0] is True
    row = lease()
    assert (row.failures, row.last_error) == (0, None)
    assert row.expires_at - row.started_at == interval


def test_an_unexpected_crash_is_a_failure_not_a_dead_scheduler(config, database):
    def crashing(config, trigger, actor):
        raise RuntimeError('boom')
    ran, message = schedule.run_once(config, job=crashing)
    assert ran is False and message == 'Échec inattendu : boom'
    assert lease().failures == 1 and not schedule.state()['running']
    assert schedule.run_once(config, job=lambda *a, **k: [])[0] is True


def test_the_job_does_nothing_when_no_source_is_configured(config, database):
    scheduler.configure(config)
    scheduler.run_now(schedule.JOB)
    assert not SyncRun.select().exists() and lease().failures == 0


def test_a_failing_ldap_source_changes_nothing_and_is_reported(config, school):
    service.sync_aaf1d([COMPLET], config)
    config['directory.source'] = 'ldap'
    config['directory.ldap_url'] = 'ldap://127.0.0.1:9'
    config['directory.ldap_base_dn'] = 'dc=ent-test,dc=example'
    before = [(u.login, u.status) for u in User.select().order_by(User.id)]
    ran, message = schedule.run_once(config)
    assert ran is False and 'injoignable' in message
    assert [(u.login, u.status) for u in User.select().order_by(User.id)] == before


def test_rollover_archives_classes_and_the_next_feed_rebuilds_them(config, school):
    service.sync_aaf1d([COMPLET], config)
    old_year = school.current_year()
    assert 'Simulation' in rollover.rollover('2099-2100', UAI, dry_run=True)
    assert school.current_year().id == old_year.id
    summary = rollover.rollover('2099-2100', UAI)
    assert '2 classe(s)' in summary and school.current_year().label == '2099-2100'
    assert Classroom.select().where(Classroom.archived).count() == 2
    outcome = service.sync_aaf1d([COMPLET], config)
    assert outcome.run.unchanged == 23 and len(outcome.plan.classes) == 2
    lea = User.get(User.login == 'lea.martin-rousseau')
    (current,) = Enrolment.current().where(Enrolment.pupil == lea)
    assert current.classroom.year.label == '2099-2100' and not current.classroom.archived
    assert Enrolment.select().where(Enrolment.pupil == lea).count() == 2
    assert SchoolYear.select().where(SchoolYear.school == school).count() == 2


def test_rollover_refuses_a_bad_or_past_year(config, school):
    with pytest.raises(ValidationError):
        rollover.rollover('2026-2028', UAI)
    with pytest.raises(ValidationError):
        rollover.rollover('2000-2001', UAI)


def test_a_manual_sync_waits_for_no_one_but_refuses_while_the_schedule_runs(config, school):
    assert scheduler.claim(scheduler.JOBS[schedule.JOB], 'scheduler-elsewhere')
    busy = service.sync_aaf1d([COMPLET], config)
    assert not busy.applied and 'déjà en cours' in busy.message
    assert User.select().where(User.source == 'aaf1d').count() == 0
    assert service.sync_aaf1d([COMPLET], config, dry_run=True).plan.count('created') == 23
    JobLease.update(finished_at=now(), expires_at=now() + timedelta(hours=6)).execute()  # it ends
    before = lease().__data__
    assert service.sync_aaf1d([COMPLET], config).applied
    assert lease().__data__ == before           # the next scheduled run has not moved


@with_config(directory_source='aaf1d')
def test_the_scheduler_thread_runs_the_sync_when_due(config, school):
    from ecole_ent import scheduler
    inbox = service.inbox(config)
    inbox.mkdir(parents=True)
    for path in COMPLET.glob('*.xml'):
        (inbox / path.name).write_bytes(path.read_bytes())
    runner = scheduler.start(config)
    try:
        for _tick in range(400):               # the thread, not the clock, decides: poll its effect
            if not list(inbox.glob('*.xml')):
                break
            runner.stopping.wait(0.05)
    finally:
        runner.stop()
    assert not list(inbox.glob('*.xml'))
    assert User.select().where(User.source == 'aaf1d').count() == 23
    row = lease()                               # next run in interval_hours
    assert row.failures == 0 and row.expires_at - row.started_at == timedelta(
        hours=config['directory.interval_hours'])
    assert schedule.state()['next_run_at'] > now()


def test_healthz_reports_the_last_sync_and_warns_when_it_failed(config, school):
    import webtest

    from ecole_ent.app import create_app
    client = webtest.TestApp(create_app(config))
    assert 'directory_sync' not in client.get('/healthz').json
    service.sync_aaf1d([COMPLET], config)
    health = client.get('/healthz').json
    assert health['directory_sync']['status'] == 'applied' and health['directory_sync']['source'] == 'aaf1d'
    config['directory.source'] = 'ldap'
    config['directory.ldap_url'] = 'ldap://127.0.0.1:9'
    config['directory.ldap_base_dn'] = 'dc=ent-test,dc=example'
    schedule.run_once(config)
    health = client.get('/healthz').json
    assert health['directory_sync']['status'] != 'applied' and health['status'] == 'ok'
    assert any('synchronisation' in warning for warning in health['warnings'])
