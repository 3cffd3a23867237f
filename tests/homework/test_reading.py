"""What each reader sees: niveau filtering, a guardian's children each with their own homework,
scheduled entries invisible before their time (an injected clock, never a sleep), ticks seen by
the guardians and the teacher, the homes' next school day."""
from datetime import date, datetime, timedelta

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.db import writing
from ecole_ent.homework import entries, reading
from ecole_ent.models import Classroom, GuardianLink, User
from tests.homework.conftest import NOW

MONDAY = date(2026, 11, 30)             # the week of NOW (Friday 4 December 2026)
NEXT_MONDAY = date(2026, 12, 7)


def give(teacher, classroom, niveaux=(), due='2026-12-07', text='Lire la page 12', **extra):
    made, _warnings = entries.create(teacher, classroom.id, dict(
        {'niveaux': list(niveaux), 'subject': 'Français', 'due_on': due, 'body': text, 'when': 'now'}, **extra))
    return made[0]


def texts(week):
    return {row.entry.body_source for day in week.days for row in day.rows}


def test_a_ce1_pupil_does_not_see_cp_only_homework(people):
    give(people.teacher, people.cp, ['CP'], text='Pour les CP seulement')
    give(people.teacher, people.cp, ['CE1'], text='Pour les CE1 seulement')
    give(people.teacher, people.cp, [], text='Pour toute la classe')
    ce1 = texts(reading.pupil_weeks(people.ce1_pupil, MONDAY))
    cp = texts(reading.pupil_weeks(people.cp_pupil, MONDAY))
    assert {'Pour les CE1 seulement', 'Pour toute la classe'} <= ce1 and 'Pour les CP seulement' not in ce1
    assert {'Pour les CP seulement', 'Pour toute la classe'} <= cp and 'Pour les CE1 seulement' not in cp


def test_a_guardian_of_a_cp_and_a_cm1_child_sees_both_each_under_the_right_child(people):
    big = Classroom.get(Classroom.name == 'CE2-CM1-CM2')
    cp_child = people.cp_pupil
    cm1_child = next(p for p in accounts.pupils_of(big) if p.niveau == 'CM1')
    with writing():
        parent = User.create(login='parent.deux', first_name='Paule', last_name='Deux', roles='guardian',
                             school=people.cp.school)
        for child in (cp_child, cm1_child):
            GuardianLink.create(guardian=parent, pupil=child)
    give(people.teacher, people.cp, ['CP'], text='Lecture CP')
    give(people.teacher, people.cp, ['CE1'], text='Lecture CE1')
    give(people.big_teacher, big, ['CM1'], text='Problèmes CM1')
    give(people.big_teacher, big, ['CM2'], text='Problèmes CM2')
    weeks = {week.child.id: week for week in reading.guardian_weeks(parent, MONDAY)}
    assert set(weeks) == {cp_child.id, cm1_child.id}
    assert (weeks[cp_child.id].niveau, weeks[cm1_child.id].niveau) == ('CP', 'CM1')
    cp_texts, cm1_texts = texts(weeks[cp_child.id]), texts(weeks[cm1_child.id])
    assert 'Lecture CP' in cp_texts and not {'Lecture CE1', 'Problèmes CM1', 'Problèmes CM2'} & cp_texts
    assert 'Problèmes CM1' in cm1_texts and not {'Problèmes CM2', 'Lecture CP', 'Lecture CE1'} & cm1_texts
    listed = reading.list_as(parent, MONDAY, NEXT_MONDAY + timedelta(days=6))
    assert {(item['child'], item['text']) for item in listed if item['text'] in ('Lecture CP', 'Problèmes CM1')} \
        == {(cp_child.login, 'Lecture CP'), (cm1_child.login, 'Problèmes CM1')}


def test_scheduled_homework_is_invisible_before_its_time_and_visible_after(people, clock):
    # Publish on Sunday 6 December at 18:00 in Paris (17:00 UTC)
    entry = give(people.teacher, people.cp, ['CE1'], text='Poésie à apprendre', when='later',
                 publish_date='2026-12-06', publish_time='18:00')
    assert entry.publish_at == datetime(2026, 12, 6, 17, 0)
    guardian = User.select().join(GuardianLink, on=GuardianLink.guardian).where(
        GuardianLink.pupil == people.ce1_pupil).first()
    for moment, seen in ((datetime(2026, 12, 6, 16, 59), False), (datetime(2026, 12, 6, 17, 0), True)):
        clock.set(moment)
        assert ('Poésie à apprendre' in texts(reading.pupil_weeks(people.ce1_pupil, NEXT_MONDAY))) is seen
        assert any('Poésie à apprendre' in texts(w) for w in reading.guardian_weeks(guardian, NEXT_MONDAY)) is seen
        assert ('Poésie à apprendre' in {e.body_source for e in reading.entries_for_pupil(
            people.ce1_pupil, NEXT_MONDAY, NEXT_MONDAY)}) is seen
    clock.set(NOW)      # the teacher sees it before its time, flagged by the page (publish_at)
    assert any(row.entry.id == entry.id for day in reading.class_days(people.cp, NEXT_MONDAY, NEXT_MONDAY)
               for row in day.rows)


def test_ticks_are_seen_by_each_guardian_and_counted_for_the_teacher(people):
    entry = give(people.teacher, people.cp, ['CE1'], text='Mots de la semaine')
    entries.set_done(people.ce1_pupil, entry.id)
    entries.set_done(people.ce1_pupil, entry.id)            # a double submit: still one tick
    guardians = list(User.select().join(GuardianLink, on=GuardianLink.guardian).where(
        GuardianLink.pupil == people.ce1_pupil))
    assert guardians
    for guardian in guardians:      # each legal guardian sees the child's own tick
        week = next(w for w in reading.guardian_weeks(guardian, NEXT_MONDAY) if w.child.id == people.ce1_pupil.id)
        [row] = [r for d in week.days for r in d.rows if r.entry.id == entry.id]
        assert row.done is True
    [row] = [r for d in reading.class_days(people.cp, NEXT_MONDAY, NEXT_MONDAY) for r in d.rows
             if r.entry.id == entry.id]
    ce1_count = sum(1 for p in accounts.pupils_of(people.cp) if p.niveau == 'CE1')
    assert (row.done_count, row.pupil_count) == (1, ce1_count)
    ticks = reading.ticks_of(entry)
    assert len(ticks) == ce1_count and {p.id for p, _n, at in ticks if at} == {people.ce1_pupil.id}
    entries.set_done(people.ce1_pupil, entry.id, done=False)
    assert not reading.is_done(people.ce1_pupil, entry)


def test_a_day_without_class_appears_only_when_something_is_due_then(people):
    give(people.teacher, people.cp, [], due='2026-12-09', text='Un mercredi')      # no class on Wednesdays
    days = {day.date: day for day in reading.class_days(people.cp, NEXT_MONDAY, NEXT_MONDAY + timedelta(days=6))}
    assert date(2026, 12, 9) in days and days[date(2026, 12, 9)].closed
    assert date(2026, 12, 12) not in days and date(2026, 12, 13) not in days     # the weekend
    assert days[date(2026, 12, 7)].closed is None


def test_the_guardian_home_counts_homework_for_the_next_school_day(people):
    # Friday 4 December: the next school day is Monday 7 December
    first = give(people.teacher, people.cp, ['CE1'], due='2026-12-07', text='Pour lundi, un')
    give(people.teacher, people.cp, [], due='2026-12-07', text='Pour lundi, deux')
    give(people.teacher, people.cp, [], due='2026-12-08', text='Pour mardi')
    entries.set_done(people.ce1_pupil, first.id)
    guardian = User.select().join(GuardianLink, on=GuardianLink.guardian).where(
        GuardianLink.pupil == people.ce1_pupil).first()
    children = [(c, cls) for c, cls in accounts.children_of(guardian)]
    monday = reading.list_as(people.ce1_pupil, date(2026, 12, 7), date(2026, 12, 7))   # the demo's too
    assert {'Pour lundi, un', 'Pour lundi, deux'} <= {e['text'] for e in monday}
    day, due, done = reading.next_day_counts(guardian, children)[people.ce1_pupil.id]
    assert (day, due, done) == (date(2026, 12, 7), len(monday), sum(e['done'] for e in monday))
    assert done >= 1


@pytest.mark.parametrize('week', ['2026-W50', '2026-w50'])
def test_a_week_is_chosen_by_its_iso_label(week):
    from ecole_ent.homework import service
    assert service.parse_week(week) == date(2026, 12, 7)
    assert service.week_label(date(2026, 12, 7)) == '2026-W50'


@pytest.mark.parametrize('week', ['', '2026-W60', 'W50', '2026-50', '20260-W01', 'x'])
def test_a_bad_week_label_is_no_week(week):
    from ecole_ent.homework import service
    assert service.parse_week(week) is None
