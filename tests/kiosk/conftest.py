"""Kiosk fixtures: the demo school with its kiosk open (aurelie.dubois, guardian of two children,
zoe.dubois a pupil, the director, a teacher, the admin), the second school of the admin tests
(school_b: École du Port), the homework's and the liaison's clocks stopped on Friday 4 December
2026, the sessions' clock that a test moves (accounts.service.now), and clients on the school
network signed in at the kiosk through its real forms."""
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.directory import cards
from ecole_ent.homework import service as homework
from ecole_ent.liaison import service as liaison
from ecole_ent.models import Classroom, Enrolment, School, User
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.conftest import DEMO_NOW, Client, StoppedClock

NOW = DEMO_NOW
SCHOOL_NETWORK = '10.0.0.7'
OUTSIDE = '203.0.113.9'


def open_kiosk(school, on=True):
    School.update(kiosk=on).where(School.id == school.id).execute()


@pytest.fixture
def clock(monkeypatch):
    """Every clock the kiosk reads stopped at NOW (homework, liaison, sessions); clock.later(s)
    moves the sessions' clock s seconds on, without sleeping."""
    monkeypatch.setattr(homework, 'clock', lambda: NOW)
    monkeypatch.setattr(liaison, 'clock', lambda: NOW)
    return StoppedClock(monkeypatch, NOW, (accounts, 'now'))


class People:
    def __init__(self):
        get = lambda login: User.get(User.login == login)   # noqa: E731
        self.guardian, self.pupil = get('aurelie.dubois'), get('zoe.dubois')
        self.director, self.teacher, self.admin = get('sophie.lefevre-martin'), get('julien.roux'), get('admin')
        self.staff = get('nadia.belkacem')
        self.school = School.get_by_id(self.pupil.school_id)
        self.children = [p for p, _c in accounts.children_of(self.guardian)]

    def card_of(self, pupil):
        """A card code of the pupil (printing the class's cards, as the teacher would)."""
        classroom = (Classroom.select().join(Enrolment).where(
            (Enrolment.pupil == pupil) & Enrolment.ended_on.is_null()).get())
        return next(token for p, token, _new in cards.print_class(classroom, None) if p.id == pupil.id)


@pytest.fixture
def people(demo, clock):
    found = People()
    open_kiosk(found.school)
    return found


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


class Kiosk(Client):
    """A browser at the kiosk: on the school network unless `address` says otherwise."""

    def start(self, query=''):
        return self.get('/kiosque' + query, expect_errors=True)

    def password(self, login, password='demo', uai=None, status=None):
        page = self.get('/kiosque' + (f'?ecole={uai}' if uai else ''))
        uai = uai or re.search(r'name="ecole" value="([^"]+)"', page.text).group(1)
        return self.post('/kiosque', {'csrf_token': csrf(page), 'ecole': uai, 'login': login,
                                      'password': password}, status=status or '*')

    def card(self, token, uai, status=None):
        page = self.get(f'/kiosque?ecole={uai}')
        return self.post('/kiosque/carte', {'csrf_token': csrf(page), 'ecole': uai, 'jeton': token},
                         status=status or '*')


@pytest.fixture
def kiosk(demo_app):
    """kiosk(address=SCHOOL_NETWORK) -> a Kiosk client, its requests from `address`."""
    return lambda address=SCHOOL_NETWORK: Kiosk(demo_app, extra_environ={'REMOTE_ADDR': address})
