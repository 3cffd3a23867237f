"""The school's time: moments are stored as naive UTC, entered and shown in the school's time zone
(app.timezone). One place for the conversion, and for reading a "publish at a chosen date and
time" from a form (the blog's posts, the homework)."""
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

from . import runtime
from .i18n import _


@dataclass(frozen=True)
class Settings:
    zone: ZoneInfo


def read_settings(config):
    return Settings(zone=ZoneInfo(config['app.timezone']))


def to_local(moment):
    """Naive UTC -> naive local time of the school (None stays None)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(runtime.settings(read_settings).zone).replace(tzinfo=None)


def from_local(moment):
    """Naive local time of the school -> naive UTC."""
    return moment.replace(tzinfo=runtime.settings(read_settings).zone).astimezone(UTC).replace(tzinfo=None)


def clean_schedule(data, errors, now):
    """The form's when / publish_date / publish_time: None for "now", else the UTC moment of a
    local date and time after `now` (8:00 when no time is given). A problem goes in
    errors['publish_date']."""
    if data.get('when') != 'later':
        return None
    day, hour = (data.get('publish_date') or '').strip(), (data.get('publish_time') or '').strip()
    try:
        moment = datetime.combine(datetime.strptime(day, '%Y-%m-%d').date(),
                                  datetime.strptime(hour, '%H:%M').time() if hour else dtime(8, 0))
    except ValueError:
        errors['publish_date'] = _('Indiquez une date (et une heure) de publication valides, '
                                   'par exemple 2026-12-03 et 08:00.')
        return None
    moment = from_local(moment)
    if moment <= now:
        errors['publish_date'] = _('Cette date est déjà passée : choisissez une date à venir, '
                                   'ou « Tout de suite ».')
        return None
    return moment
