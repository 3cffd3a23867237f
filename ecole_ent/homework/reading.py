"""What each reader sees of the homework: a pupil's weeks, a guardian's weeks (one per child), a
class's week for its teachers with who ticked, tomorrow's homework for the homes, and the lists the
command line prints. Who may read what is decided by access.py; the guardian's week is the hot
page of school nights, so it costs two prepared queries whatever the number of children.
"""
import functools
from dataclasses import dataclass, field
from datetime import timedelta

from peewee import JOIN, OP, Expression, Value, fn

from ..accounts import membership
from ..accounts import service as accounts
from ..db import instance, prepared
from ..i18n import language
from ..models import Classroom, Enrolment, GuardianLink, Homework, HomeworkDone, SchoolYear, User
from ..school_calendar.service import days as school_days
from . import access, service


@dataclass
class Row:
    """An entry as one reader sees it: `done` for a pupil (or a guardian's child), the counts for
    the class's teachers."""
    entry: Homework
    done: bool = None
    done_count: int = 0
    pupil_count: int = 0


@dataclass
class Day:
    date: object
    closed: str = None        # why there is no class that day (an entry may still be due then)
    rows: list = field(default_factory=list)


@dataclass
class ChildWeek:
    """One child's (or the pupil's own) homework over a span of days."""
    child: User
    classroom: Classroom
    niveau: str
    days: list


# --- one child's entries: a single prepared query with the child's ticks ---------------------------

# The entry is given to the enrolment's niveau: to the whole class (''), or to a list naming it
# (',CE1,CE2,' contains ',CE1,'; ILIKE, as peewee turns LIKE into GLOB on SQLite). The rule of
# access.given_to in SQL, so that a guardian's week fetches only what each child sees.
_GIVEN = (Homework.niveaux == '') | Expression(Value(',').concat(Homework.niveaux).concat(','), OP.ILIKE,
                                               Value('%,').concat(Enrolment.niveau).concat(',%'))


# What the families' pages, the feed and the command line read of an entry: not created_at nor
# publish_at (turning datetime strings into datetimes was a tenth of the week, profiled).
SHOWN = (Homework.id, Homework.classroom, Homework.niveaux, Homework.subject, Homework.given_on,
         Homework.due_on, Homework.body_source, Homework.body_html, Homework.links, Homework.updated_at)


def _child_entries(who, columns=SHOWN):
    """The published entries given to the pupils chosen by `who(pupil column, param)` in their
    current class, due in [start, end], with each pupil's id, niveau and tick (done_id)."""
    return prepared(_entries_query(who, columns), 4)


def _entries_query(who, columns=SHOWN):
    def build(param, start, end, at):
        return (Homework.select(*columns, Enrolment.pupil.alias('child_id'), Enrolment.niveau.alias('niveau'),
                                HomeworkDone.id.alias('done_id'))
                .join(Enrolment, on=(Enrolment.classroom == Homework.classroom))
                .join_from(Homework, HomeworkDone, JOIN.LEFT_OUTER,
                           on=((HomeworkDone.homework == Homework.id) & (HomeworkDone.pupil == Enrolment.pupil)))
                .where(who(Enrolment.pupil, param) & Enrolment.ended_on.is_null() & _GIVEN
                       & (Homework.due_on >= start) & (Homework.due_on <= end) & (Homework.publish_at <= at))
                .order_by(Homework.due_on, Homework.subject, Homework.id))
    return build


def _guardian_children(pupil, guardian_id):
    return pupil.in_(GuardianLink.select(GuardianLink.pupil).where(GuardianLink.guardian == guardian_id))


_of_pupil = _child_entries(lambda pupil, pupil_id: pupil == pupil_id)
_of_guardian = _child_entries(_guardian_children)
_due_of_guardian = _child_entries(_guardian_children, (Homework.due_on,))       # the home: days only


def _enrolled(who):
    """The active pupils chosen by `who(pupil column, param)` with their class of this year and
    their niveau in it, by first name."""
    return prepared(lambda param: (
        User.select(User.id, User.login, User.first_name, User.last_name, User.roles, User.status,
                    User.school, Enrolment.niveau.alias('niveau'), Classroom.id.alias('class_id'),
                    Classroom.name.alias('class_name'), Classroom.niveaux.alias('class_niveaux'),
                    Classroom.school.alias('class_school'))
        .join(Enrolment, on=((Enrolment.pupil == User.id) & Enrolment.ended_on.is_null()))
        .join(Classroom).join(SchoolYear)
        .where(who(User.id, param) & _ENROLLED)
        .order_by(User.first_name, User.id)), 1)


# A pupil whose weeks are shown: active, in a class of this year that is not archived.
_ENROLLED = (User.status != 'disabled') & SchoolYear.current & ~Classroom.archived


_pupil_enrolled = _enrolled(lambda pupil, pupil_id: pupil == pupil_id)
_children_enrolled = _enrolled(lambda pupil, guardian_id: pupil.in_(
    GuardianLink.select(GuardianLink.pupil).where(GuardianLink.guardian == guardian_id)))


def _with_class(rows):
    """[(pupil, classroom, niveau)] from _enrolled rows (instances built without a query)."""
    return [(row, instance(Classroom, id=row.class_id, name=row.class_name, niveaux=row.class_niveaux,
                           school=row.class_school), row.niveau) for row in rows]


def entries_for_pupil(pupil, start, end, at=None):
    """The published entries the pupil sees (their class, their niveau), due from start to end."""
    return _of_pupil(pupil.id, start, end, at or service.clock())


def _days(school_id, start, end, rows, make_row):
    """The school days from start to end, and any other day an entry is due on (flagged)."""
    by_day = {}
    for row in rows:
        by_day.setdefault(row.due_on, []).append(make_row(row))
    span = _span_days(school_days(school_id), start, end, language())
    return [Day(day, closed, by_day.get(day, [])) for day, closed in span if closed is None or day in by_day]


@functools.lru_cache(maxsize=256)
def _span_days(calendar, start, end, language):
    """((day, why there is no class or None) for each day from start to end) of a school's
    calendar, the reasons in `language`: one per process while the calendar object lives
    (school_calendar caches it)."""
    return tuple((start + timedelta(days=n), calendar.closed_reason(start + timedelta(days=n)))
                 for n in range((end - start).days + 1))


def _span(monday, weeks):
    return monday, monday + timedelta(days=7 * weeks - 1)


def _weeks(pupils, rows, start, end):
    """A ChildWeek per (pupil, classroom, niveau), with the rows fetched for that pupil in it."""
    return [ChildWeek(pupil, classroom, niveau, _days(
        classroom.school_id, start, end,
        [row for row in rows if row.child_id == pupil.id and row.classroom_id == classroom.id],
        lambda r: Row(r, done=r.done_id is not None))) for pupil, classroom, niveau in pupils]


def pupil_weeks(pupil, monday, weeks=2, at=None):
    """The pupil's ChildWeek, or None when they have no class this year."""
    start, end = _span(monday, weeks)
    found = _weeks(_with_class(_pupil_enrolled(pupil.id)), entries_for_pupil(pupil, start, end, at), start, end)
    return found[0] if found else None


def guardian_entries(guardian_id, start, end, at):
    """What guardian_weeks() lists from start to end, as one query without the days (the family
    feed makes its SQL once: the arguments may be parameters): each entry with the child's id,
    niveau, tick (done_id), first name (child_name) and class name (class_name)."""
    children = _entries_query(_guardian_children, SHOWN + (User.first_name.alias('child_name'),
                                                           Classroom.name.alias('class_name')))
    return (children(guardian_id, start, end, at)
            .join_from(Enrolment, User, on=(Enrolment.pupil == User.id))
            .join_from(Enrolment, Classroom, on=(Enrolment.classroom == Classroom.id)).join(SchoolYear)
            .where(_ENROLLED))


def guardian_weeks(guardian, monday, weeks=2, at=None):
    """A ChildWeek per child with a class this year, in the order of the guardian's home: two
    prepared queries whatever the number of children."""
    start, end = _span(monday, weeks)
    return _weeks(_with_class(_children_enrolled(guardian.id)),
                  _of_guardian(guardian.id, start, end, at or service.clock()), start, end)


# --- a class's week, for its teachers ------------------------------------------------------------

def class_days(classroom, start, end, published_only=False):
    """The class's Days from start to end with every entry (scheduled ones too, unless
    published_only: what its staff read) and, per entry, how many of the active pupils it is
    given to ticked it."""
    entries = _class_entries(classroom, start, end, published_only)
    niveaux = _pupils_per_niveau(classroom)
    ticks = _ticks([e.id for e in entries], classroom)

    def row(entry):
        concerned = sum(n for niveau, n in niveaux.items() if access.given_to(entry, niveau))
        done = sum(1 for niveau in ticks.get(entry.id, ()) if access.given_to(entry, niveau))
        return Row(entry, done_count=done, pupil_count=concerned)
    return _days(classroom.school_id, start, end, entries, row)


def _class_entries(classroom, start, end, published_only=False):
    """Every entry of the class due from start to end (scheduled ones too unless published_only)."""
    query = Homework.select().where((Homework.classroom == classroom) & (Homework.due_on >= start)
                                    & (Homework.due_on <= end))
    if published_only:
        query = query.where(Homework.publish_at <= service.clock())
    return list(query.order_by(Homework.due_on, Homework.subject, Homework.id))


def _active_pupils(classroom):
    """The class's pupils now, not disabled (ticks_of and the counts follow the same rule)."""
    return (Enrolment.current().join(User, on=(Enrolment.pupil == User.id))
            .where((Enrolment.classroom == classroom) & (User.status != 'disabled')))


def _pupils_per_niveau(classroom):
    return dict(_active_pupils(classroom).select(Enrolment.niveau, fn.COUNT(Enrolment.id))
                .group_by(Enrolment.niveau).tuples())


def _ticks(entry_ids, classroom):
    """{entry id: [the niveau of each active pupil of the class who ticked it]}."""
    found = {}
    if entry_ids:
        for entry_id, niveau in (_active_pupils(classroom).select(HomeworkDone.homework, Enrolment.niveau)
                                 .join_from(Enrolment, HomeworkDone, on=(HomeworkDone.pupil == Enrolment.pupil))
                                 .where(HomeworkDone.homework.in_(entry_ids)).tuples()):
            found.setdefault(entry_id, []).append(niveau)
    return found


def class_sheets(classroom, monday):
    """A ChildWeek per pupil of the class for the week of `monday`, each with the entries given to
    their niveau (scheduled ones too: the teacher hands the sheets out): the printed week."""
    start, end = _span(monday, 1)
    entries = _class_entries(classroom, start, end)
    return [ChildWeek(pupil, classroom, pupil.niveau, _days(
        classroom.school_id, start, end, [e for e in entries if access.given_to(e, pupil.niveau)], Row))
        for pupil in accounts.pupils_of(classroom)]


def is_done(pupil, entry):
    return HomeworkDone.select().where((HomeworkDone.homework == entry) & (HomeworkDone.pupil == pupil)).exists()


def ticks_of(entry):
    """[(pupil, niveau, ticked at or None)] for the pupils the entry is given to, by name."""
    done = {t.pupil_id: t.created_at for t in HomeworkDone.select().where(HomeworkDone.homework == entry)}
    return [(p, p.niveau, done.get(p.id)) for p in accounts.pupils_of(entry.classroom_id)
            if access.given_to(entry, p.niveau)]


# --- the homes: homework for the next school day ---------------------------------------------------

def next_day_counts(guardian, children, at=None):
    """{child id: (next school day, entries due that day, of which ticked)} for these
    [(child, classroom)] of the guardian (the home's cards): the line of each child card. One
    query for all children."""
    now = at or service.clock()
    today = service.to_local(now).date()
    calendars = {classroom.school_id: None for _child, classroom in children if classroom is not None}
    next_day = {school_id: school_days(school_id).next_school_day(today) for school_id in calendars}
    next_days = {child.id: next_day[classroom.school_id] for child, classroom in children if classroom is not None}
    if not next_days:
        return {}
    counts = {child_id: [day, 0, 0] for child_id, day in next_days.items()}
    for row in _due_of_guardian(guardian.id, today + timedelta(days=1), max(next_days.values()), now):
        if next_days.get(row.child_id) == row.due_on:
            counts[row.child_id][1] += 1
            counts[row.child_id][2] += row.done_id is not None
    return {child_id: tuple(value) for child_id, value in counts.items()}


def next_day_entries(classrooms, at=None):
    """{class id: (next school day, [entries due that day, scheduled ones too])}: the teacher's
    home, in one query."""
    today = service.to_local(at or service.clock()).date()
    days = {c.id: school_days(c.school_id).next_school_day(today) for c in classrooms}
    result = {class_id: (day, []) for class_id, day in days.items()}
    if days:
        for entry in (Homework.select().where(Homework.classroom.in_(list(days))
                                              & Homework.due_on.in_(sorted(set(days.values()))))
                      .order_by(Homework.subject, Homework.id)):
            if entry.due_on == days[entry.classroom_id]:
                result[entry.classroom_id][1].append(entry)
    return result


# --- the command line --------------------------------------------------------------------------

def list_as(user, start, end, at=None):
    """What `user` sees from start to end, as plain dicts (homework list --format json): a pupil
    their entries with `done`; a guardian one object per child and entry with `child` and `done`;
    the teachers of a class (and the director, the admin) every entry of their classes, scheduled
    ones too, with `done_count` and `pupil_count`."""
    now = at or service.clock()
    found = []
    if user.has_role('pupil'):
        rooms = {room.id: room for _p, room, _n in _with_class(_pupil_enrolled(user.id))}
        found += [dict(_plain(e, rooms.get(e.classroom_id)), done=e.done_id is not None)
                  for e in entries_for_pupil(user, start, end, now)]
    if user.has_role('guardian'):
        children = _with_class(_children_enrolled(user.id))
        logins, rooms = {c.id: c.login for c, _r, _n in children}, {r.id: r for _c, r, _n in children}
        found += [dict(_plain(e, rooms.get(e.classroom_id)), child=logins[e.child_id], done=e.done_id is not None)
                  for e in _of_guardian(user.id, start, end, now) if e.child_id in logins]
    for classroom in managed_classes(user):
        found += [dict(_plain(row.entry, classroom), done_count=row.done_count, pupil_count=row.pupil_count)
                  for day in class_days(classroom, start, end) for row in day.rows]
    return found


def managed_classes(user):
    """This year's classes whose homework the user writes: the teacher's own, every class of the
    director's school, every class for the admin."""
    if user.has_role('admin'):
        return list(Classroom.select().join(SchoolYear).where(SchoolYear.current & ~Classroom.archived)
                    .order_by(Classroom.name))
    classes = {c.id: c for c in membership.classes_of(user, 'teacher')} if user.has_role('teacher') else {}
    if user.has_role('director') and user.school_id:
        classes.update({c.id: c for c in membership.classes_of(user, 'director')})
    return sorted(classes.values(), key=lambda c: c.name)


def _plain(entry, classroom=None):
    """An entry as `homework list` prints it; the class read already when the caller has it."""
    classroom = classroom or membership.classroom(entry.classroom_id)
    return {'id': entry.id, 'class': classroom.name, 'niveaux': entry.niveau_list or classroom.niveau_list,
            'subject': entry.subject, 'due': entry.due_on.isoformat(), 'given': entry.given_on.isoformat(),
            'text': entry.body_source}
