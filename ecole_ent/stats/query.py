"""Reading the statistics: the one place figures are computed (the pages, the charts and the
`ecole-ent stats export` command all call this module).

Sources: the folded StatsCount / StatsVisitors rows, plus the StatsEvent rows not folded yet
(today's, and any day the nightly fold has not reached). A day counts from its events only while
no StatsCount row of that school holds it, so a day is never counted twice.

Figures per row:
  visits    page views of a feature (additive: sums over days, hours, profiles, ...)
  signins   successful sign-ins (additive)
  visitors  distinct people, which do NOT add up across days or values; what it means depends on
            the grouping `by`:
              day        distinct people that day (StatsVisitors 'day', dimension 'all')
              month      distinct people that month (StatsVisitors 'month'; for a month not over
                         yet: StatsMonthSeen + the month keys of the events not folded). A month
                         cut by start or end still shows the whole month's distinct people.
              hour, weekday, profile, feature, device, at_school
                         the sum over the days of the range of each day's distinct people with
                         that value: person-days ("visiteurs-jours"), not people.

Small counts (privacy): with exact=False every figure from 1 to 4 of a row whose key names a
profile (by='profile', the month x profile table) is replaced by None and the row gets
suppressed=True; pages print None as « < 5 ». exact=True (the director's own school, the
installation admin's `--exact` export) gives the figures as they are. 0 is never suppressed.

schools: a list of School rows (or ids); None means every row of the installation, the
installation admin's own (school null) included. Rows are per school (key 'uai'; None for the
installation's admin) unless combined=True, which adds the schools together (visitors too: a
person belongs to one school).
"""
from datetime import date

from .. import school_time
from ..models.base import now

GROUPINGS = ('day', 'month', 'hour', 'weekday', 'profile', 'feature', 'device', 'at_school')
SMALL = 5                      # figures 1..SMALL-1 of a profile are suppressed unless exact
MEASURES = ('visits', 'visitors', 'signins')


def clock():
    """The installation's local now (tests replace it)."""
    return school_time.to_local(now())


def rows(schools, start, end, by, exact=False, combined=False):
    """The figures of `schools` from start to end (dates, both included) grouped `by` one of
    GROUPINGS: a list of dicts {'uai': str|None (absent when combined), <by>: key, 'visits': int,
    'visitors': int, 'signins': int, 'suppressed': bool}, sorted by uai then key. Keys: day ->
    date, month -> date (first day), hour -> 0..23, weekday -> 0 (Monday)..6, profile / feature /
    device -> the vocabulary's value, at_school -> True/False. Only keys with some figure appear
    (the pages fill the gaps). A suppressed figure is None. ValueError on an unknown `by` or an
    end before start."""
    raise NotImplementedError


def crossed(schools, start, end, by, split, exact=False):
    """The additive figures (visits, signins) of all `schools` together, grouped by two of
    hour / weekday / month / profile / feature / device / at_school: a list of dicts {<by>: key,
    <split>: key, 'visits', 'signins', 'suppressed'} (e.g. visits per hour and profile)."""
    raise NotImplementedError


def month_visitors_by_profile(schools, start, end, exact=False):
    """Distinct people per month and profile, all `schools` together: a list of dicts
    {'month': date, 'profile': str, 'visitors': int|None, 'suppressed': bool}."""
    raise NotImplementedError


def accounts(schools, exact=False):
    """Accounts created vs activated per profile (from the accounts tables, not the statistics):
    a list of dicts {'profile', 'created', 'activated', 'rate': 0..1 or None, 'suppressed'}.
    Activated: an active account that has signed in once or set its password."""
    raise NotImplementedError


def school_year(today=None):
    """The school year holding `today`: (1 September, 31 August) dates."""
    today = today or clock().date()
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return first, date(first.year + 1, 8, 31)
