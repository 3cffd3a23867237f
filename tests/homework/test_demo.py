"""The demo school's homework: this week's and next week's in every class and niveau, ticks, one
scheduled entry, one with a link, the guardian home's line for the next school day; and the demo's
people exactly as they were before the homework came (it draws from its own random generator)."""
from datetime import datetime, timedelta

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


def check_the_notebook():
    """What holds whatever the day the demo was made on (service.today() being that day): every
    class has homework for the whole class and for each of its niveaux on the days filled, which
    are this week's and next week's school days and the next school day; a pupil of every niveau
    sees some; 40 % of what was due so far is ticked; one entry is scheduled, one has a link."""
    today = service.today()
    calendar = school_days(School.get(School.uai == demo_school.UAI).id)
    due_days, monday = span(), service.monday_of(today)
    if calendar.school_days(monday, monday + timedelta(days=13)):
        assert monday <= due_days[0]
        assert due_days[-1] <= max(monday + timedelta(days=13), calendar.next_school_day(today))
    assert calendar.next_school_day(today) in due_days
    entries = list(Homework.select().where(Homework.due_on.between(due_days[0], due_days[-1])))
    for classroom in Classroom.select():
        mine = [e for e in entries if e.classroom_id == classroom.id]
        assert any(not e.niveaux for e in mine), classroom.name            # some for the whole class
        for niveau in classroom.niveau_list:                                # some for one niveau only
            assert any(e.niveau_list == [niveau] for e in mine), (classroom.name, niveau)
    assert {e.subject for e in Homework.select()} <= set(subjects.DEFAULT)
    assert all(e.body_html.startswith('<p>') and e.given_on < e.due_on and e.given_on <= today
               for e in Homework.select())
    for classroom in Classroom.select():
        for pupil in accounts.pupils_of(classroom):
            assert reading.entries_for_pupil(pupil, due_days[0], due_days[-1]) or not [
                e for e in entries if e.classroom_id == classroom.id and access.given_to(e, pupil.niveau)
                and e.publish_at <= service.clock()], pupil.login
    for entry in Homework.select().where(Homework.due_on <= today):      # 40 % of each entry's pupils
        concerned = [p for p in accounts.pupils_of(entry.classroom) if access.given_to(entry, p.niveau)]
        assert HomeworkDone.select().where(HomeworkDone.homework == entry).count() == round(len(concerned) * 0.4)
    scheduled = list(Homework.select().where(Homework.publish_at > service.clock()))
    assert len(scheduled) == 1 and service.to_local(scheduled[0].publish_at).date() < scheduled[0].due_on
    assert [e.link_list for e in Homework.select().where(Homework.links != '')] == [
        ['https://fr.vikidia.org/wiki/Syst%C3%A8me_solaire']]


def test_the_demo_homework_as_the_tests_see_it(demo, clock):
    check_the_notebook()
    assert HomeworkDone.select().count() > 0


def test_zoe_has_homework_for_the_next_school_day_on_her_guardians_home(demo, clock):
    guardian, zoe = User.get(User.login == 'aurelie.dubois'), User.get(User.login == 'zoe.dubois')
    children = accounts.children_of(guardian)
    assert {child.login for child, _c in children} == {'zoe.dubois', 'noe.dubois'}
    day, count, _ticked = reading.next_day_counts(guardian, children)[zoe.id]
    assert count >= 1 and day == school_days(zoe.school_id).next_school_day(service.today())


# Days the demo may be made on that once broke it: the Friday, Saturday and Sunday before the
# Christmas holidays, the Thursday before them, New Year's Day (holidays), the first Monday after
# them, mid-July, a Wednesday, and a day after the shipped holiday dates end (2028).
TRICKY_DAYS = ['2026-12-17', '2026-12-18', '2026-12-19', '2026-12-20', '2027-01-01', '2027-01-04',
               '2027-07-15', '2027-03-10', '2028-11-15']


@pytest.mark.skipif(bool(PG_URL), reason='a demo school per day needs a database per day')
@pytest.mark.parametrize('day', TRICKY_DAYS)
def test_the_demo_homework_holds_on_any_day(day, tmp_path, monkeypatch):
    moment = datetime.fromisoformat(day + ' 15:00')         # naive UTC: 16:00 in Paris
    monkeypatch.setattr(service, 'clock', lambda: moment)
    runtime.open_database(make_config(tmp_path / 'data'), auto_migrate=True)
    try:
        demo_school.seed()
        check_the_notebook()
    finally:
        db.close_all()


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
