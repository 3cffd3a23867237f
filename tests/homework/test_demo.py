"""The demo school's homework: this week's and next week's in every class and niveau, ticks, one
scheduled entry, one with a link, the guardian home's line for the next school day; and the demo's
people exactly as they were before the homework came (it draws from its own random generator)."""
from datetime import timedelta

import pytest

from ecole_ent import db, runtime
from ecole_ent import demo as demo_school
from ecole_ent.accounts import service as accounts
from ecole_ent.homework import access, reading, service, subjects
from ecole_ent.homework import demo as homework_demo
from ecole_ent.models import Classroom, Enrolment, GuardianLink, Homework, HomeworkDone, School, Teaching, User
from ecole_ent.school_calendar.service import days as school_days
from tests.conftest import PG_URL, make_config

README_LOGINS = {'aurelie.dubois': 'guardian', 'zoe.dubois': 'pupil', 'noe.dubois': 'pupil',
                 'julien.roux': 'teacher', 'claire.fontaine': 'teacher', 'ines.haddad': 'teacher',
                 'sophie.lefevre-martin': 'teacher,director', 'nadia.belkacem': 'staff', 'admin': 'admin'}


def people():
    """Every account, class, enrolment, teaching and family link of the demo, as plain values."""
    return {
        'users': sorted(User.select(User.login, User.first_name, User.last_name, User.roles, User.email,
                                    User.image_rights, User.status).tuples()),
        'classes': sorted(Classroom.select(Classroom.name, Classroom.niveaux).tuples()),
        'enrolments': sorted((e.pupil.login, e.classroom.name, e.niveau) for e in Enrolment.select()),
        'teachings': sorted((t.teacher.login, t.classroom.name) for t in Teaching.select()),
        'links': sorted((g.guardian.login, g.pupil.login, g.relation) for g in GuardianLink.select()),
    }


def span():
    """What the demo fills: this week and the next (or, in holidays, the school days after)."""
    school = School.get(School.uai == demo_school.UAI)
    return homework_demo.days_to_fill(school_days(school.id), service.today())


def test_every_class_and_niveau_has_homework_this_week_or_next(demo):
    due_days = span()
    monday = service.monday_of(service.today())
    if school_days(School.get(School.uai == demo_school.UAI).id).school_days(monday, monday + timedelta(days=13)):
        assert monday <= due_days[0] and due_days[-1] <= monday + timedelta(days=13)
    entries = list(Homework.select().where(Homework.due_on.between(due_days[0], due_days[-1])))
    for classroom in Classroom.select():
        mine = [e for e in entries if e.classroom_id == classroom.id]
        assert any(not e.niveaux for e in mine), classroom.name            # some for the whole class
        for niveau in classroom.niveau_list:                                # some for one niveau only
            assert any(e.niveau_list == [niveau] for e in mine), (classroom.name, niveau)
    assert {e.subject for e in entries} <= set(subjects.DEFAULT)
    assert all(e.body_html.startswith('<p>') and e.given_on < e.due_on for e in entries)


def test_a_pupil_of_every_niveau_sees_homework_and_some_is_ticked(demo):
    due_days = span()
    seen = {}
    for pupil, classroom in ((p, c) for c in Classroom.select() for p in accounts.pupils_of(c)):
        rows = reading.entries_for_pupil(pupil, due_days[0], due_days[-1])
        seen.setdefault((classroom.name, pupil.niveau), []).append(len(rows))
    assert all(any(counts) for counts in seen.values()), seen
    past = [e for e in Homework.select() if e.due_on <= service.today()]
    concerned = sum(len([p for p in accounts.pupils_of(e.classroom) if access.given_to(e, p.niveau)])
                    for e in past)
    ticked = HomeworkDone.select().join(Homework).where(Homework.due_on <= service.today()).count()
    if concerned:       # the first day of a week, or after holidays, nothing was due yet
        assert 0.25 <= ticked / concerned <= 0.55, (ticked, concerned)
    assert HomeworkDone.select().count() > 0


def test_one_entry_is_scheduled_one_has_a_link_and_zoe_has_homework_for_the_next_school_day(demo):
    assert Homework.select().where(Homework.publish_at > service.clock()).count() == 1
    assert [e.link_list for e in Homework.select().where(Homework.links != '')] == [
        ['https://fr.vikidia.org/wiki/Syst%C3%A8me_solaire']]
    guardian, zoe = User.get(User.login == 'aurelie.dubois'), User.get(User.login == 'zoe.dubois')
    children = accounts.children_of(guardian)
    assert {child.login for child, _c in children} == {'zoe.dubois', 'noe.dubois'}
    day, count, _ticked = reading.next_day_counts(guardian, children)[zoe.id]
    assert count >= 1 and day == school_days(zoe.school_id).next_school_day(service.today())


def test_the_readme_accounts_are_there(demo):
    roles = dict(User.select(User.login, User.roles).where(User.login.in_(list(README_LOGINS))).tuples())
    assert roles == README_LOGINS


@pytest.mark.skipif(bool(PG_URL), reason='a second demo school needs a second database')
def test_the_demo_people_are_the_same_with_or_without_homework(demo, tmp_path, monkeypatch):
    with_homework = people()
    db.close_all()
    runtime.open_database(make_config(tmp_path / 'without'), auto_migrate=True)
    monkeypatch.setattr(homework_demo, 'seed', lambda demo: None)
    seeded = demo_school.seed()
    assert people() == with_homework and not Homework.select().exists()
    monkeypatch.undo()
    state = seeded.rng.getstate()
    with db.writing():
        homework_demo.seed(seeded)
    assert seeded.rng.getstate() == state and Homework.select().exists()
