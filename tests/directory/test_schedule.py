"""The scheduler's database lease, back-off, and the yearly rollover."""
from datetime import timedelta

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.directory import rollover, schedule, service
from ecole_ent.directory.records import FeedError
from ecole_ent.errors import ValidationError
from ecole_ent.models import Classroom, Enrolment, SchoolYear, User, now
from ecole_ent.models.directory import SyncLease

from .conftest import COMPLET, UAI


@pytest.fixture
def school(database):
    return accounts.ensure_school(UAI, 'École des Mimosas')


def test_only_one_holder_gets_the_lease_until_it_expires_or_is_released(database):
    assert schedule.acquire(holder='a')
    assert not schedule.acquire(holder='b')
    assert schedule.acquire(holder='a')                      # the holder may renew
    later = now() + schedule.LEASE + timedelta(seconds=1)
    assert schedule.acquire(holder='b', at=later)            # a crashed holder frees the job
    schedule.release(holder='b')
    assert schedule.acquire(holder='c')


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
        lease = SyncLease.get(SyncLease.name == schedule.JOB)
        waits.append(lease.next_run_at - lease.expires_at)
    assert waits == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    assert lease.failures == 3 and lease.last_error == 'Annuaire LDAP injoignable'
    assert not schedule.due() and schedule.due(at=now() + timedelta(minutes=21))
    assert schedule.backoff(20, interval) == interval
    schedule.run_once(config, job=lambda *a, **k: [])
    lease = SyncLease.get(SyncLease.name == schedule.JOB)
    assert (lease.failures, lease.last_error, lease.holder) == (0, '', '')
    assert lease.next_run_at - lease.expires_at == interval


def test_an_unexpected_crash_is_a_failure_not_a_dead_scheduler(config, database):
    def crashing(config, trigger, actor):
        raise RuntimeError('boom')
    ran, message = schedule.run_once(config, job=crashing)
    assert ran is False and 'boom' in message
    assert schedule.acquire(holder='next')


def test_the_job_does_nothing_when_no_source_is_configured(config, database):
    from ecole_ent import scheduler
    from ecole_ent.directory import jobs
    scheduler.configure(config)
    jobs.sync()
    assert not SyncLease.select().exists()


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
    assert schedule.acquire(holder='scheduler-elsewhere')
    busy = service.sync_aaf1d([COMPLET], config)
    assert not busy.applied and 'déjà en cours' in busy.message
    assert User.select().where(User.source == 'aaf1d').count() == 0
    assert service.sync_aaf1d([COMPLET], config, dry_run=True).plan.count('created') == 23
    schedule.release(holder='scheduler-elsewhere')
    assert service.sync_aaf1d([COMPLET], config).applied
    assert SyncLease.get(SyncLease.name == schedule.JOB).holder == ''


def test_the_scheduler_thread_runs_the_sync_when_due(config, school):
    from ecole_ent import scheduler
    config['directory.source'] = 'aaf1d'
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
    assert not schedule.due()                   # next run in interval_hours


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
