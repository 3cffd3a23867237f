"""The homework notebook: its settings, its clock, and the school's time. The feature's parts live
beside this: access.py (who may read and write what), entries.py (writing entries, copies, weekly
repeats, files), reading.py (the weeks each reader sees, ticks, tomorrow's counts for the homes),
subjects.py (each school's subject list), feed.py (the private iCalendar feeds), commands.py (the
command line) and demo.py. Plain functions, no bottle.
"""
from datetime import date, timedelta

from .. import runtime
from ..media.attachments import read_settings as attachment_settings
from ..models import now
from ..school_time import from_local, to_local  # noqa: F401 (the feature's callers use them from here)


def read_settings(config):
    """Files under DATA/media/homework (media/attachments.py)."""
    return attachment_settings(config, 'homework', config['homework.attachment_max_mb'])


def settings():
    return runtime.settings(read_settings)


def clock():
    """Now, in naive UTC. The one clock of the feature: tests replace it (monkeypatch) to see a
    scheduled entry before and after its time, never by sleeping."""
    return now()


def today():
    """The school's date now (by clock())."""
    return to_local(clock()).date()


def monday_of(day):
    return day - timedelta(days=day.weekday())


YEARS = range(2000, 2100)       # the years a date of the notebook may have: a typo never overflows


def parse_week(text):
    """The Monday of an ISO week written 'YYYY-Www' (?semaine=2026-W49), or None if it is not one
    (or not in YEARS)."""
    try:
        year, week = (text or '').upper().split('-W')
        if len(year) != 4 or len(week) > 2 or int(year) not in YEARS:
            return None
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def week_label(monday):
    year, week, _day = monday.isocalendar()
    return f'{year}-W{week:02d}'
