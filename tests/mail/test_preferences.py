"""Quiet hours in the school's time (app.timezone), within a day or across midnight, and the
settings' rules; the jobs run by the scheduler as `jobs run` runs them."""
from datetime import datetime

import pytest

from ecole_ent import scheduler
from ecole_ent.db import writing
from ecole_ent.errors import ValidationError
from ecole_ent.mail import notify, preferences
from ecole_ent.models import MailPreference, Notification, OutboxMail

from .conftest import with_email


def pref(start, end):
    return MailPreference(quiet_from=start, quiet_until=end)


@pytest.mark.parametrize('start, end, moment, expected', [
    ('19:00', '07:30', datetime(2026, 12, 4, 18, 0), datetime(2026, 12, 5, 6, 30)),    # 19:00 Paris
    ('19:00', '07:30', datetime(2026, 12, 4, 17, 59), None),                           # 18:59
    ('19:00', '07:30', datetime(2026, 12, 5, 2, 0), datetime(2026, 12, 5, 6, 30)),     # 03:00
    ('19:00', '07:30', datetime(2026, 12, 5, 6, 30), None),                            # 07:30: over
    ('12:00', '13:30', datetime(2026, 12, 4, 11, 15), datetime(2026, 12, 4, 12, 30)),  # lunch
    ('12:00', '13:30', datetime(2026, 12, 4, 13, 0), None),
    ('22:00', '06:00', datetime(2026, 7, 1, 20, 30), datetime(2026, 7, 2, 4, 0)),      # summer time
    (None, None, datetime(2026, 12, 4, 21, 0), None),
])
def test_quiet_hours_end_in_utc(database, start, end, moment, expected):
    assert preferences.quiet_end(pref(start, end), moment) == expected


def test_without_a_row_the_defaults_apply(demo):
    guardian = demo.user('aurelie.dubois')
    default = notify.preference(guardian)
    assert default.id is None and (default.mode, default.hide_content, default.quiet_from) == ('immediate', False, None)
    assert notify.quiet_until(guardian, datetime(2026, 12, 4, 22, 0)) is None


def test_saving_keeps_what_is_not_given_and_clears_with_empty_text(demo):
    teacher = demo.teacher
    preferences.save_preference(teacher, mode='digest')
    assert (notify.preference(teacher).quiet_from, notify.preference(teacher).mode) == ('19:00', 'digest')
    saved = preferences.save_preference(teacher, quiet_from='', quiet_until='')
    assert (saved.mode, saved.quiet_from, saved.quiet_until) == ('digest', None, None)
    assert preferences.save_preference(teacher, quiet_from='7h05', quiet_until='8:00').quiet_from == '07:05'
    with pytest.raises(ValidationError) as refused:
        preferences.save_preference(teacher, mode='parfois', quiet_from='99:00', quiet_until='08:00')
    assert set(refused.value.errors) == {'mode', 'quiet_from'}
    assert notify.preference(teacher).quiet_from == '07:05'


def test_the_jobs_run_as_the_scheduler_runs_them(mail_relay, clock):
    scheduler.load()
    assert {'mail.notify', 'mail.outbox', 'mail.cleanup'} <= set(scheduler.JOBS)
    guardian = with_email('aurelie.dubois')
    with writing():
        notify.notify([guardian], 'reminder', 'Signer le mot', '/cahier-de-liaison/4')
    scheduler.run_now('mail.notify')
    assert OutboxMail.select().count() == 1 and not mail_relay.envelopes
    scheduler.run_now('mail.outbox')
    assert mail_relay.messages()[0]['Subject'] == 'Rappel : Signer le mot'
    scheduler.run_now('mail.cleanup')
    assert Notification.select().count() == 1             # mailed today: kept 30 days
