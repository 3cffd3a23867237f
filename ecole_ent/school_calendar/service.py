"""Which days a school has class: its weekdays, French public holidays (public_holidays.py, with
the local days of Alsace-Moselle and overseas départements) and the school holidays of its zone
(sources.py). Other features ask days(school_id), from a short per-process cache: the
guardian's homework page asks on every view. The calendar page's summary and the health check
live in overview.py. Plain functions, no bottle.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic
from zoneinfo import ZoneInfo

from .. import audit, db, runtime
from ..admin import service as admin
from ..errors import ValidationError
from ..i18n import N_, _, date_fr, day_name
from ..models import School
from ..models.school_calendar import SchoolCalendar
from . import sources, zones
from .public_holidays import public_holiday, public_holidays  # noqa: F401  (service.public_holidays stays)

CLASS_WEEKDAYS = range(6)              # Monday to Saturday: the days a form may tick
DEFAULT_WEEKDAYS = (0, 1, 3, 4)        # the four-day week most schools have
CACHE_SECONDS = 30                     # a saved calendar shows within 30 s in every process
# The names of the school holidays in vacances-scolaires-france's table (and in a data folder's
# file of the same format): shown in the reader's language. Any other name is shown as written.
SCHOOL_HOLIDAY_NAMES = frozenset((
    N_('Vacances de la Toussaint'), N_('Vacances de Noël'), N_("Vacances d'hiver"),
    N_('Vacances de printemps'), N_("Vacances d'été"), N_("Pont de l'Ascension"),
    sources.DEFAULT_NAME))


@dataclass(frozen=True)
class Settings:
    data_file: Path           # DATA/vacances-scolaires.csv
    zone: ZoneInfo            # the school's time zone, for today()


def read_settings(config):
    return Settings(data_file=Path(config.data_dir) / sources.FILE_NAME,
                    zone=ZoneInfo(config['app.timezone']))


def settings():
    return runtime.settings(read_settings)


def school_holiday_name(name):
    """A name of school holidays from the table in the current language ('Christmas holidays')."""
    return _(name) if name in SCHOOL_HOLIDAY_NAMES else name


def today():
    """The school's date now. Tests replace it (monkeypatch) to see the page on a given day."""
    return datetime.now(settings().zone).date()


def holiday_data():
    """The school holidays in force (sources.HolidayData), re-read when the data folder's file
    changes."""
    return sources.load(settings().data_file)


class SchoolDays:
    """The calendar of one school: built by days(school_id), cheap to ask again and again."""

    def __init__(self, weekdays=DEFAULT_WEEKDAYS, holidays=None, subdivision=None, zone=None,
                 known_until=None):
        self.weekdays = frozenset(weekdays)
        self.holidays = holidays or {}         # {date: name}: the zone's school holidays
        self.subdivision = subdivision         # public_holidays' subdivision, None on the mainland
        self.zone = zone                       # 'A', 'B', 'C', a zone of the data folder's file, None
        self.known_until = known_until         # the last day of the zone's last known holidays

    def public_holiday(self, day):
        """The name of the public holiday on `day` ('Noël'), in the current language, or None."""
        return public_holiday(self.subdivision, day)

    def school_holiday(self, day):
        """The name of the school holidays `day` falls in ('Vacances de Noël'), in the current
        language, or None."""
        name = self.holidays.get(day)
        return school_holiday_name(name) if name is not None else None

    def closed_reason(self, day):
        """None on a school day; else why there is no class, in French ('Vacances de Noël',
        'Jour férié : Noël', 'Pas de classe le mercredi', 'Week-end'). School holidays come first:
        25 December is 'Vacances de Noël', as families see it."""
        holiday = self.school_holiday(day)
        if holiday is not None:
            return holiday
        public = self.public_holiday(day)
        if public is not None:
            return _('Jour férié : %s') % public
        weekday = day.weekday()
        if weekday in self.weekdays:
            return None
        if weekday >= 5:
            return _('Week-end')
        return _('Pas de classe le %s') % day_name(weekday)

    def is_school_day(self, day):
        return self.closed_reason(day) is None

    def closed_warning(self, day):
        """For a date chosen on a form (a due date): None on a school day, else a French sentence
        saying there is no class that day, and why."""
        reason = self.closed_reason(day)
        if reason is None:
            return None
        if self.holidays.get(day) is None and self.public_holiday(day) is None:     # a weekday without class
            return _('Pas de classe le %(day)s : vérifiez la date.') % {'day': date_fr(day)}
        return _('Pas de classe le %(day)s (%(reason)s) : vérifiez la date.') % {'day': date_fr(day),
                                                                                 'reason': reason}

    def next_school_day(self, day):
        """The first school day strictly after `day` (within a year; else the day a year on)."""
        for offset in range(1, 367):
            following = day + timedelta(days=offset)
            if self.is_school_day(following):
                return following
        return day + timedelta(days=366)

    def school_days(self, start, end):
        """The school days from start to end, both included."""
        return [start + timedelta(days=n) for n in range((end - start).days + 1)
                if self.is_school_day(start + timedelta(days=n))]

    def previous_school_day(self, day, floor=None):
        """The last school day before `day` (a year back at most), never before `floor`."""
        floor = floor or day - timedelta(days=366)
        before = day - timedelta(days=1)
        while before > floor and not self.is_school_day(before):
            before -= timedelta(days=1)
        return max(before, floor)


# --- each school's choice ----------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    """A school's calendar settings: saved by its director, or guessed from its UAI."""
    zone: str | None
    weekdays: tuple
    saved: bool


def parse_weekdays(text):
    """'0,1,3,4' -> (0, 1, 3, 4); anything else than Monday (0) to Saturday (5) is left out."""
    found = sorted({int(part) for part in (text or '').split(',') if part.strip().isdigit()}
                   & set(CLASS_WEEKDAYS))
    return tuple(found) or DEFAULT_WEEKDAYS


def choice_of(school, data=None):
    """The Choice in force for a school (a School row)."""
    row = SchoolCalendar.get_or_none(SchoolCalendar.school == school.id)
    if row is not None:
        return Choice(row.zone, parse_weekdays(row.weekdays), True)
    data = data or holiday_data()
    return Choice(zones.guess_zone(school.uai, data.zone_names()), DEFAULT_WEEKDAYS, False)


def calendar_of(school, data=None):
    """The SchoolDays of a school (a School row), read now (days() caches it)."""
    data = data or holiday_data()
    choice = choice_of(school, data)
    return SchoolDays(choice.weekdays, data.zones.get(choice.zone), zones.subdivision(school.uai),
                      choice.zone, data.known_until.get(choice.zone))


_cache = {}


def days(school_id):
    """The SchoolDays of a school, from a short per-process cache (CACHE_SECONDS); at once anew
    when the data folder's file changed (one stat() per call)."""
    key = (id(db.database.obj), school_id)        # a new database (tests) starts afresh
    data = holiday_data()
    hit = _cache.get(key)
    if hit is None or hit[1] is not data or monotonic() - hit[0] > CACHE_SECONDS:
        if len(_cache) > 1000:
            _cache.clear()
        hit = _cache[key] = (monotonic(), data, calendar_of(School.cached(school_id), data))
    return hit[2]


def forget(school_id):
    """This process asks again at once (after a save); the others within CACHE_SECONDS."""
    _cache.pop((id(db.database.obj), school_id), None)


# --- the director's page ------------------------------------------------------------------------

def save_calendar(actor, school, zone, weekdays):
    """Save a school's zone ('' for none) and weekdays (numbers, Monday 0); ValidationError with
    French messages, nothing written, when the zone is not one of the data or no day is ticked."""
    admin.require_school_admin(actor, school)
    zone = (zone or '').strip() or None
    ticked = sorted({int(day) for day in weekdays if str(day).isdigit()} & set(CLASS_WEEKDAYS))
    errors = {}
    if zone is not None and zone not in holiday_data().zone_names():
        errors['zone'] = _('Choisissez une zone de la liste.')
    if not ticked:
        errors['weekdays'] = _('Cochez au moins un jour de classe.')
    if errors:
        raise ValidationError(errors)
    with db.writing():
        store_calendar(school, zone, ticked)
        audit.record(actor, 'calendar.saved', school.uai, school=school.id, zone=zone,
                     weekdays=','.join(map(str, ticked)))
    forget(school.id)
    return choice_of(school)


def store_calendar(school, zone, weekdays):
    """Write a school's settings as they are (save_calendar checks them first; the demo)."""
    text = ','.join(str(day) for day in weekdays)
    (SchoolCalendar.insert(school=school.id, zone=zone, weekdays=text)
     .on_conflict(conflict_target=[SchoolCalendar.school], update={SchoolCalendar.zone: zone,
                                                                   SchoolCalendar.weekdays: text})
     .execute())
    forget(school.id)
