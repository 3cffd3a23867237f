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
                         that value: person-days ("visiteurs-jours"), not people. For feature,
                         the people who viewed a page of it (sign-ins have feature '': their row
                         has signins only).

Small counts (privacy): with exact=False the rows whose key names a profile (by='profile', crossed
with a profile, the month x profile table) follow _protect, the one rule: every figure of a profile
with fewer than 5 accounts in the school is hidden, any other figure from 1 to 4 too, and one more
cell of a group when only one was hidden (no recovering it by subtraction from a total); a hidden
figure is None and the row gets suppressed=True; pages print None as « masqué ». exact=True (the
director's own school, the installation admin's `--exact` export) gives the figures as they are. 0 is
hidden only in a small profile's rows.

schools: a list of School rows (or ids); None means every row of the installation, the
installation admin's own (school null) included. Rows are per school (key 'uai'; None for the
installation's admin) unless combined=True, which adds the schools together (visitors too: a
person belongs to one school).
"""
from collections import defaultdict
from datetime import date

from peewee import fn

from .. import school_time
from ..models import School, User
from ..models.base import now
from ..models.stats import PROFILES, StatsCount, StatsEvent, StatsMonthSeen, StatsVisitors, profile_of_roles

GROUPINGS = ('day', 'month', 'hour', 'weekday', 'profile', 'feature', 'device', 'at_school')
SMALL = 5                      # figures 1..SMALL-1 of a profile are suppressed unless exact
MEASURES = ('visits', 'visitors', 'signins')
PRIVATE_KEYS = ('profile',)    # a row keyed by one of these has its small figures suppressed
_DAY_KEYS = {'day': lambda d: d, 'month': lambda d: d.replace(day=1), 'weekday': lambda d: d.weekday()}


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
    _check(start, end, by)
    ids = _ids(schools)
    if ids == []:
        return []
    table = defaultdict(lambda: {'visits': 0, 'visitors': 0, 'signins': 0})
    folded = _folded_days(ids, start, end)
    for (school, key), visits, signins in _additive(ids, start, end, (by,), folded):
        cell = table[school, key]
        cell['visits'] += visits
        cell['signins'] += signins
    for (school, key), visitors in _visitors(ids, start, end, by, folded):
        table[school, key]['visitors'] += visitors
    uais = _uais()
    out = []
    if combined:
        merged = defaultdict(lambda: {'visits': 0, 'visitors': 0, 'signins': 0})
        for (_school, key), cell in table.items():
            for name in MEASURES:
                merged[key][name] += cell[name]
        out = [{by: key, **cell} for key, cell in sorted(merged.items(), key=lambda item: _order(item[0]))]
    else:
        ordered = sorted(table.items(), key=lambda item: (uais.get(item[0][0]) or '', _order(item[0][1])))
        for (school, key), cell in ordered:
            out.append({'uai': uais.get(school), by: key, **cell})
    if by not in PRIVATE_KEYS:
        return [_suppress(row, True) for row in out]
    small = _small_profiles(ids, combined)
    return _protect(out, lambda row: (row.get('uai'), row[by]) in small, lambda row: row.get('uai'), MEASURES,
                    exact)


def crossed(schools, start, end, by, split, exact=False):
    """The additive figures (visits, signins) of all `schools` together, grouped by two of
    hour / weekday / month / profile / feature / device / at_school: a list of dicts {<by>: key,
    <split>: key, 'visits', 'signins', 'suppressed'} (e.g. visits per hour and profile)."""
    _check(start, end, by)
    _check(start, end, split)
    ids = _ids(schools)
    if ids == []:
        return []
    table = defaultdict(lambda: [0, 0])
    folded = _folded_days(ids, start, end)
    for (_school, first, second), visits, signins in _additive(ids, start, end, (by, split), folded):
        table[first, second][0] += visits
        table[first, second][1] += signins
    out = [{by: first, split: second, 'visits': visits, 'signins': signins}
           for (first, second), (visits, signins) in sorted(table.items(), key=lambda i: tuple(map(_order, i[0])))]
    private = {by, split} & set(PRIVATE_KEYS)
    if not private:
        return [_suppress(row, True) for row in out]
    key = private.pop()
    other = split if key == by else by
    small = _small_profiles(ids, True)
    return _protect(out, lambda row: (None, row[key]) in small, lambda row: row[other], ('visits', 'signins'), exact)


def month_visitors_by_profile(schools, start, end, exact=False):
    """Distinct people per month and profile, all `schools` together: a list of dicts
    {'month': date, 'profile': str, 'visitors': int|None, 'suppressed': bool}."""
    _check(start, end, 'month')
    ids = _ids(schools)
    if ids == []:
        return []
    table = defaultdict(int)
    for (_school, month, profile), visitors in _month_visitors(ids, start, end, 'profile'):
        table[month, profile] += visitors
    out = [{'month': month, 'profile': profile, 'visitors': visitors}
           for (month, profile), visitors in sorted(table.items(), key=lambda i: (i[0][0], _order(i[0][1])))]
    small = _small_profiles(ids, True)
    return _protect(out, lambda row: (None, row['profile']) in small, lambda row: row['month'], ('visitors',),
                    exact)


def accounts(schools, exact=False):
    """Accounts created vs activated per profile (from the accounts tables, not the statistics):
    a list of dicts {'profile', 'created', 'activated', 'rate': 0..1 or None, 'suppressed'}.
    Activated: an account that has set its password or signed in once. Disabled accounts are
    left out."""
    ids = _ids(schools)
    query = User.select(User.roles, User.password_hash.is_null(False).alias('has_password'),
                        User.last_login_at.is_null(False).alias('signed_in')).where(User.status != 'disabled')
    if ids is not None:
        query = query.where(User.school.in_(ids)) if ids else query.where(User.id < 0)
    created, activated = defaultdict(int), defaultdict(int)
    for user in query.namedtuples():
        profile = profile_of(user.roles)
        created[profile] += 1
        activated[profile] += bool(user.has_password or user.signed_in)
    out = []
    for profile in PROFILES:
        if created[profile]:
            row = _suppress({'profile': profile, 'created': created[profile], 'activated': activated[profile]}, exact)
            row['rate'] = (None if row['suppressed'] else activated[profile] / created[profile])
            out.append(row)
    return out


def profile_of(roles):
    """The one profile of an account's roles ('teacher,director' -> 'director'), as recorded."""
    return profile_of_roles(roles.split(','))


def school_year(today=None):
    """The school year holding `today`: (1 September, 31 August) dates."""
    today = today or clock().date()
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return first, date(first.year + 1, 8, 31)


def _check(start, end, by):
    if by not in GROUPINGS:
        raise ValueError(f'unknown grouping {by!r}: one of {", ".join(GROUPINGS)}')
    if end < start:
        raise ValueError('the end comes before the start')


def _ids(schools):
    if schools is None:
        return None
    return [school.id if isinstance(school, School) else int(school) for school in schools]


def _uais():
    return dict(School.select(School.id, School.uai).tuples())


def _order(key):
    """Keys sort by their vocabulary's order (profiles as PROFILES), the rest as they are."""
    if isinstance(key, str):
        return (PROFILES.index(key) if key in PROFILES else len(PROFILES), key)
    return (0, key)


def _suppress(row, exact):
    """Figures 1..4 become None unless exact; row['suppressed'] says whether any did."""
    row['suppressed'] = False
    if not exact:
        for name in ('visits', 'visitors', 'signins', 'created', 'activated'):
            if name in row and row[name] is not None and 0 < row[name] < SMALL:
                _hide_small(row, name)
    return row


def _hide_small(row, name):
    """Hide a figure from 1 to SMALL-1: None, and named in row['under_five'] (the pages print « < 5 »
    for it, « masqué » for a figure hidden for another reason; the exports write null for both)."""
    row[name], row['suppressed'] = None, True
    row.setdefault('under_five', []).append(name)


def _protect(out, is_small, group_of, measures, exact):
    """THE rule of the rows keyed by a profile (rows by profile, crossed with a profile, month x
    profile), unless exact:
      - a small profile (is_small(row): under SMALL accounts in the school, see _small_profiles)
        has every figure of its rows hidden, 0 included: with 1 to 4 members, a figure is a person's;
      - any other figure from 1 to SMALL-1 is hidden;
      - complementary suppression: in a group of rows that add up to a total shown elsewhere
        (group_of(row): the school, the hour, the month ...), a measure with exactly one hidden cell
        has its next smallest non-zero cell hidden too, so that the total minus the cells shown never
        gives a hidden figure.
    A hidden figure is None and its row gets suppressed=True."""
    for row in out:
        row['suppressed'] = False
    if exact:
        return out
    groups = defaultdict(list)
    for row in out:
        small = is_small(row)
        for name in measures:
            if small:
                row[name], row['suppressed'] = None, True
            elif 0 < row[name] < SMALL:
                _hide_small(row, name)
        groups[group_of(row)].append(row)
    for group in groups.values():
        for name in measures:
            shown = [row for row in group if row[name]]
            if len(shown) < len(group) and sum(row[name] is None for row in group) == 1 and shown:
                smallest = min(shown, key=lambda row: row[name])
                smallest[name], smallest['suppressed'] = None, True
    return out


def _small_profiles(ids, combined):
    """The profiles with fewer than SMALL accounts (not disabled): {(uai, profile)} per school, or
    {(None, profile)} over `ids` together when combined. A profile with no account at all is small."""
    query = User.select(User.school, User.roles).where(User.status != 'disabled')
    if ids is not None:
        query = query.where(User.school.in_(ids))
    members = defaultdict(int)
    uais = _uais()
    schools = {None} if combined else ({uais.get(i) for i in ids} if ids is not None else {*uais.values(), None})
    for school, roles in query.tuples():
        members[None if combined else uais.get(school), profile_of(roles)] += 1
    return {(uai, profile) for uai in schools for profile in PROFILES if members[uai, profile] < SMALL}


def _where(model, ids, start, end, day_field):
    cond = (day_field >= start) & (day_field <= end)
    return cond & model.school.in_(ids) if ids is not None else cond


def _folded_days(ids, start, end):
    """(school id, day) pairs already folded: their events, if any are left, are not counted; and
    whether any event is left (read once per figure, for its counts and its visitors alike)."""
    event_days = (StatsEvent.select(StatsEvent.school, StatsEvent.day).distinct()
                  .where(_where(StatsEvent, ids, start, end, StatsEvent.day)))
    days = {day for _school, day in event_days.tuples()}
    if not days:
        return set(), False
    folded = (StatsCount.select(StatsCount.school, StatsCount.day).distinct()
              .where(StatsCount.day.in_(sorted(days)) & _where(StatsCount, ids, start, end, StatsCount.day)))
    return set(folded.tuples()), True


def _key_fields(model, names):
    """The stored columns that give `names`, the day standing for day / month / weekday."""
    fields = []
    for name in names:
        field = model.day if name in _DAY_KEYS else getattr(model, name)
        if field.name not in [f.name for f in fields]:
            fields.append(field)
    return fields


def _keys(names, fields, values):
    by_field = dict(zip([f.name for f in fields], values, strict=True))
    return tuple(_DAY_KEYS[name](by_field['day']) if name in _DAY_KEYS else _value(name, by_field[name])
                 for name in names)


def _value(name, raw):
    if name == 'at_school':
        return bool(raw)
    return int(raw) if name == 'hour' else raw


def _additive(ids, start, end, names, folded_days):
    """((school, *keys), visits, signins) from the folded counts and the events not folded
    (folded_days: _folded_days')."""
    fields = _key_fields(StatsCount, names)
    query = (StatsCount.select(StatsCount.school, *fields, fn.SUM(StatsCount.visits), fn.SUM(StatsCount.signins))
             .where(_where(StatsCount, ids, start, end, StatsCount.day)).group_by(StatsCount.school, *fields))
    for school, *rest in query.tuples():
        yield (school, *_keys(names, fields, rest[:-2])), int(rest[-2] or 0), int(rest[-1] or 0)
    folded, any_events = folded_days
    if not any_events:
        return
    efields = _key_fields(StatsEvent, names)
    if 'day' not in [f.name for f in efields]:
        efields = [StatsEvent.day, *efields]
    events = (StatsEvent.select(StatsEvent.school, *efields, StatsEvent.kind, fn.COUNT(StatsEvent.id))
              .where(_where(StatsEvent, ids, start, end, StatsEvent.day))
              .group_by(StatsEvent.school, *efields, StatsEvent.kind))
    for school, *rest in events.tuples():
        values, kind, count = rest[:-2], rest[-2], rest[-1]
        if (school, values[0]) in folded:
            continue
        yield ((school, *_keys(names, efields, values)), count if kind == 'visit' else 0,
               count if kind == 'signin' else 0)


def _visitors(ids, start, end, by, folded_days):
    """((school, key), visitors) as the module's docstring defines visitors for `by`."""
    if by == 'month':
        yield from _month_visitors(ids, start, end, 'all')
        return
    dimension = 'all' if by in _DAY_KEYS else by
    query = (StatsVisitors.select(StatsVisitors.school, StatsVisitors.starts_on, StatsVisitors.value,
                                  StatsVisitors.visitors)
             .where(_where(StatsVisitors, ids, start, end, StatsVisitors.starts_on) & (StatsVisitors.period == 'day')
                    & (StatsVisitors.dimension == dimension)))
    for school, day, value, visitors in query.tuples():
        key = _DAY_KEYS[by](day) if by in _DAY_KEYS else _stored_value(by, value)
        yield (school, key), visitors
    folded, any_events = folded_days
    if not any_events:
        return
    fields = [StatsEvent.day] + ([] if by in _DAY_KEYS else [getattr(StatsEvent, by)])
    where = _where(StatsEvent, ids, start, end, StatsEvent.day)
    if by == 'feature':                 # as the fold counts them: the page views only
        where &= StatsEvent.kind == 'visit'
    events = (StatsEvent.select(StatsEvent.school, *fields, fn.COUNT(StatsEvent.day_visitor.distinct()))
              .where(where).group_by(StatsEvent.school, *fields))
    for school, day, *rest in events.tuples():
        if (school, day) in folded:
            continue
        key = _DAY_KEYS[by](day) if by in _DAY_KEYS else _value(by, rest[0])
        yield (school, key), rest[-1]


def _stored_value(by, value):
    """StatsVisitors.value as a key: hours '8' -> 8, places 'yes' / 'no' -> True / False."""
    if by == 'at_school':
        return value == 'yes'
    return int(value) if by == 'hour' else value


def _month_visitors(ids, start, end, dimension):
    """((school, month[, profile]), visitors): closed months from StatsVisitors, open ones from the
    month's seen visitors and the events not folded (the same month key hashes both)."""
    first, last = start.replace(day=1), end
    closed = (StatsVisitors.select(StatsVisitors.school, StatsVisitors.starts_on, StatsVisitors.value,
                                   StatsVisitors.visitors)
              .where(_where(StatsVisitors, ids, first, last, StatsVisitors.starts_on)
                     & (StatsVisitors.period == 'month') & (StatsVisitors.dimension == dimension)))
    done = set()
    for school, month, value, visitors in closed.tuples():
        done.add((school, month))
        yield ((school, month) if dimension == 'all' else (school, month, value)), visitors
    seen = defaultdict(set)
    query = (StatsMonthSeen.select(StatsMonthSeen.school, StatsMonthSeen.month, StatsMonthSeen.profile,
                                   StatsMonthSeen.visitor)
             .where(_where(StatsMonthSeen, ids, first, last, StatsMonthSeen.month)))
    for school, month, profile, visitor in query.tuples():
        seen[school, month, profile].add(visitor)
    events = (StatsEvent.select(StatsEvent.school, StatsEvent.day, StatsEvent.profile, StatsEvent.month_visitor)
              .distinct().where(_where(StatsEvent, ids, first, last, StatsEvent.day)))
    for school, day, profile, visitor in events.tuples():
        seen[school, day.replace(day=1), profile].add(visitor)
    merged = defaultdict(set)
    for (school, month, profile), visitors in seen.items():
        if (school, month) in done:
            continue
        merged[(school, month) if dimension == 'all' else (school, month, profile)] |= visitors
    for key, visitors in merged.items():
        yield key, len(visitors)
