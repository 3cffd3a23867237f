"""The scheduler's lease, back-off and commands, on the suite's engine (SQLite, or PostgreSQL with
ECOLE_TEST_DATABASE_URL). The three-process run is in test_processes.py."""
import threading
from datetime import timedelta

import pytest

from ecole_ent import db, scheduler
from ecole_ent.errors import EcoleError, NotFound
from ecole_ent.models import JobLease, JobRun, LoginSession, Throttle, User, now
from tests.conftest import in_another_thread, with_config
from tests.test_cli import ecole


@pytest.fixture
def calls(database, monkeypatch):
    """A test job 'test.count' (every 60 s) that records each call; .fail makes it raise."""
    class Calls(list):
        job = None
    record = Calls()

    def count():
        record.append(scheduler.holder_name())
        if getattr(count, 'fail', False):
            raise RuntimeError('annuaire injoignable')
    monkeypatch.setattr(scheduler, 'JOBS', {'test.count': scheduler.Job('test.count', 60, count)})
    record.job = count
    return record


def test_a_due_job_runs_once_and_not_again_in_the_same_period(calls):
    assert scheduler.run_due('host:1') == ['test.count']
    assert scheduler.run_due('host:2') == [] and scheduler.run_due('host:1') == []
    assert len(calls) == 1
    lease = JobLease.get_by_id('test.count')
    assert lease.holder == 'host:1' and lease.failures == 0
    assert lease.expires_at - lease.started_at == timedelta(seconds=60)
    run = JobRun.get()
    assert run.holder == 'host:1' and run.finished_at >= run.started_at and run.error is None
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()     # the period is over
    assert scheduler.run_due('host:2') == ['test.count'] and len(calls) == 2
    assert JobLease.get_by_id('test.count').holder == 'host:2'


def test_only_one_of_several_concurrent_claims_wins(calls):
    job = scheduler.JOBS['test.count']
    for round_ in range(2):       # first round: INSERT ... on conflict; second: UPDATE ... WHERE
        barrier = threading.Barrier(4)
        won, errors = [], []

        def contender(name, barrier=barrier, won=won, errors=errors):
            barrier.wait()
            try:
                if scheduler.claim(job, name):
                    won.append(name)
            except Exception as exc:   # reported below: a thread's exception must fail the test
                errors.append(repr(exc))
            finally:
                db.close()
        threads = [threading.Thread(target=contender, args=(f'host:{i}',)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors and len(won) == 1, (round_, won, errors)
        assert JobLease.get_by_id('test.count').holder == won[0]
        JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()


def test_a_failing_job_is_logged_and_retried_with_back_off(calls, caplog):
    calls.job.fail = True
    assert scheduler.run_due('host:1') == ['test.count']
    lease = JobLease.get_by_id('test.count')
    assert lease.failures == 1 and 'annuaire injoignable' in lease.last_error
    assert timedelta(seconds=29) < lease.expires_at - lease.finished_at <= timedelta(seconds=30)
    assert 'tâche périodique test.count en échec' in caplog.text
    assert 'annuaire injoignable' in JobRun.get().error
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()
    scheduler.run_due('host:1')
    lease = JobLease.get_by_id('test.count')
    assert lease.failures == 2
    assert timedelta(seconds=59) < lease.expires_at - lease.finished_at <= timedelta(seconds=60)
    calls.job.fail = False
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()
    scheduler.run_due('host:1')
    lease = JobLease.get_by_id('test.count')
    assert lease.failures == 0 and lease.last_error is None and len(calls) == 3


def test_run_now_runs_at_once_but_not_while_another_process_runs_it(calls):
    scheduler.run_now('test.count')
    scheduler.run_now('test.count')          # a manual run does not wait for the period
    assert len(calls) == 2
    JobLease.update(holder='autre:42', started_at=now(), finished_at=now() - timedelta(seconds=5),
                    expires_at=now() + timedelta(hours=1)).execute()
    with pytest.raises(EcoleError, match='en cours dans autre:42'):
        scheduler.run_now('test.count')
    with pytest.raises(NotFound, match='Tâche inconnue : nope'):
        scheduler.run_now('nope')
    calls.job.fail = True
    JobLease.update(finished_at=now()).execute()
    with pytest.raises(EcoleError, match='a échoué : RuntimeError: annuaire injoignable'):
        scheduler.run_now('test.count')


@with_config(scheduler_intervals='test.count=5, autre.tache=10')
def test_intervals_can_be_changed_by_configuration(calls, config):
    scheduler.configure(config)
    try:
        scheduler.run_due('host:1')
        lease = JobLease.get_by_id('test.count')
        assert lease.expires_at - lease.started_at == timedelta(seconds=5)
        assert scheduler.status()[0]['every'] == 5
    finally:
        config['scheduler.intervals'] = ''         # the scheduler's module state back to the defaults
        scheduler.configure(config)


def test_every_may_be_a_function_of_the_configuration_and_back_off_is_per_job(database, config,
                                                                             monkeypatch):
    monkeypatch.setattr(scheduler, 'JOBS', {})
    outcomes = [RuntimeError('annuaire injoignable'), None]

    @scheduler.job('test.daily', every=lambda config: config['directory.interval_hours'] * 3600,
                   backoff=300)
    def daily():
        error = outcomes.pop(0)
        if error:
            raise error
    scheduler.configure(config)
    every = config['directory.interval_hours'] * 3600
    assert scheduler.status()[0]['every'] == every
    assert scheduler.run_due('host:1') == ['test.daily']
    lease = JobLease.get_by_id('test.daily')
    assert lease.failures == 1 and lease.expires_at - lease.finished_at == timedelta(seconds=300)
    assert lease.expires_at - lease.started_at < timedelta(seconds=every)
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()
    assert scheduler.run_due('host:1') == ['test.daily']
    lease = JobLease.get_by_id('test.daily')
    assert lease.failures == 0 and lease.expires_at - lease.started_at == timedelta(seconds=every)


def test_hold_keeps_the_job_out_without_moving_its_schedule(calls):
    scheduler.run_due('host:1')
    JobLease.update(expires_at=now() - timedelta(seconds=1)).execute()     # due again
    before = JobLease.get_by_id('test.count').__data__
    with scheduler.hold('test.count'):
        with scheduler.hold('test.count'):                                 # re-entrant
            assert scheduler.run_due('host:2') == []
        with pytest.raises(scheduler.Busy, match='en cours dans'):
            scheduler.run_now('test.count')
        with pytest.raises(scheduler.Busy, match='^Occupé$'):
            in_another_thread(lambda: scheduler.hold('test.count', 'Occupé').__enter__())
    assert JobLease.get_by_id('test.count').__data__ == before
    assert scheduler.run_due('host:2') == ['test.count'] and len(calls) == 2


def test_a_lease_is_running_until_its_run_ends_or_its_timeout_passes(calls):
    scheduler.run_due('host:1')
    assert not scheduler.running(JobLease.get_by_id('test.count'))          # finished
    moment = now()
    JobLease.update(started_at=moment, finished_at=None,
                    expires_at=moment + timedelta(seconds=60)).execute()
    assert scheduler.running(JobLease.get_by_id('test.count'))
    JobLease.update(expires_at=moment - timedelta(seconds=1)).execute()     # a dead process
    assert not scheduler.running(JobLease.get_by_id('test.count'))


def test_a_job_may_hold_its_own_lease(calls):
    def nested():
        with scheduler.hold('test.count'):
            calls.append('nested')
    scheduler.JOBS['test.count'] = scheduler.Job('test.count', 60, nested)
    scheduler.run_now('test.count')
    assert calls == ['nested'] and JobLease.get_by_id('test.count').failures == 0


def test_the_session_cleanup_job_removes_only_what_expired(demo):
    from ecole_ent.accounts import jobs
    teacher = demo.teacher
    LoginSession.create(token_hash='a' * 64, user=teacher, expires_at=now() - timedelta(minutes=1))
    LoginSession.create(token_hash='b' * 64, user=teacher, expires_at=now() + timedelta(days=1))
    Throttle.create(key='login:old', failures=3, updated_at=now() - timedelta(days=2))
    Throttle.create(key='login:locked', failures=9, updated_at=now() - timedelta(days=2),
                    locked_until=now() + timedelta(minutes=5))
    Throttle.create(key='login:recent', failures=1)
    jobs.cleanup()
    assert [s.token_hash[0] for s in LoginSession.select()] == ['b']
    assert sorted(t.key for t in Throttle.select()) == ['login:locked', 'login:recent']
    assert User.get_by_id(teacher.id)


def test_jobs_commands_list_and_run(tmp_path):
    data = tmp_path / 'data'
    ecole(data, 'migrate')
    listing = ecole(data, 'jobs', 'list').stdout
    assert 'sessions.cleanup\ttoutes les 3600 s\tjamais exécutée' in listing
    result = ecole(data, 'jobs', 'run', 'sessions.cleanup')
    assert 'Tâche sessions.cleanup exécutée.' in result.stderr
    assert 'dernière : ' in ecole(data, 'jobs', 'list').stdout
    unknown = ecole(data, 'jobs', 'run', 'nope', check=False)
    assert unknown.returncode == 1 and 'Tâche inconnue : nope (tâches : ' in unknown.stderr


def test_a_run_held_by_a_process_of_this_host_that_died_is_released_at_the_next_start(calls):
    import os
    import socket
    import subprocess
    import sys
    dead = subprocess.Popen([sys.executable, '-c', 'pass'])
    dead.wait()
    host = socket.gethostname()
    job = scheduler.JOBS['test.count']
    assert scheduler.claim(job, f'{host}:{dead.pid}')        # killed mid-run: its lease holds
    assert scheduler.run_due('other:1') == [] and not scheduler.claim(job, 'other:1', force=True)
    scheduler.JOBS['test.alive'] = scheduler.Job('test.alive', 60, lambda: None)
    assert scheduler.claim(scheduler.JOBS['test.alive'], f'{host}:{os.getpid()}')   # a live holder
    assert scheduler.release_dead() == ['test.count']
    assert scheduler.run_due('other:1') == ['test.count'] and len(calls) == 1
    assert not scheduler.claim(scheduler.JOBS['test.alive'], 'other:1', force=True)
