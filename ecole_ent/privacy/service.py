"""Privacy (RGPD): its settings and its clock. The feature's parts live beside this: rules.py (the
retention rules, one table with their legal ground), erase.py (erasing an account, by the leavers'
rule or on request, and what the directory sync must not recreate), retention.py (applying the
rules, also from the command line), jobs.py (the daily run), commands.py, routes.py (the
director's erasure page). Plain functions, no bottle.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import runtime
from ..models import now


@dataclass(frozen=True)
class Settings:
    """The retention figures of the configuration ([privacy], and [backup] keep)."""
    leavers_days: int
    leavers_contributions: str       # 'keep' | 'delete'
    liaison_years: int
    homework_years: int
    connections_days: int
    audit_days: int
    photos_months: int
    backup_keep: int
    logs_dir: str


def read_settings(config):
    values = {name: config[f'privacy.{name}'] for name in Settings.__dataclass_fields__
              if name not in ('backup_keep', 'logs_dir')}
    return Settings(backup_keep=config['backup.keep'], logs_dir=str(config.path('logs')), **values)


def settings():
    return runtime.settings(read_settings)


def clock():
    """Now, in naive UTC. The one clock of the feature: tests replace it (monkeypatch) to see an
    account 89 and 91 days after it was disabled, never by sleeping."""
    return now()


def moment(as_of=None):
    """The moment the rules are applied at: clock(), or the start (00:00 UTC) of the day `as_of`."""
    if as_of is None:
        return clock()
    if isinstance(as_of, datetime):
        return as_of
    return datetime.combine(as_of, datetime.min.time())


def year_start(day):
    """1 September of the school year holding `day` (a school year runs 1 September – 31 August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def year_end(label):
    """31 August ending the school year labelled '2025-2026'."""
    return date(int(label[-4:]), 8, 31)


def school_years_ago(at, years):
    """The first moment still kept when items are kept their school year plus `years` years: items
    dated before it are due (at 4 December 2026 with one year: 1 September 2025)."""
    start = year_start(at.date())
    return datetime.combine(start.replace(year=start.year - years), datetime.min.time())


def days_ago(at, days):
    return at - timedelta(days=days)
