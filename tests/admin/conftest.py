"""Admin test helpers: a second school (to prove a director of school A cannot touch school B),
clients signed in as anyone, and the admin route table read from routes.register()."""
import functools
import html
import re
from types import SimpleNamespace

import pytest

from ecole_ent import security
from ecole_ent.accounts import service as accounts
from ecole_ent.admin import routes
from ecole_ent.models import Classroom, Enrolment, GuardianLink, Teaching


class RouteRecorder:
    def __init__(self):
        self.routes = []

    def route(self, path, method, callback, name):
        self.routes.append((method, path, name))


def admin_routes():
    recorder = RouteRecorder()
    routes.register(recorder)
    return recorder.routes


def fill(path, ids):
    """/admin/classes/<class_id:int> -> /admin/classes/12, from ids={'class_id': 12}."""
    return re.sub(r'<(\w+):int>', lambda m: str(ids[m.group(1)]), path)


def text_of(response):
    return html.unescape(response.text)


@functools.cache
def demo_hash():
    return security.hash_password('demo')


@pytest.fixture
def school_b(demo):
    """École du Port: a director who teaches, a teacher, a class, a pupil and their guardian."""
    school = accounts.ensure_school('0069999Z', 'École du Port')
    classroom = Classroom.create(school=school, year=school.current_year(), name='CM2 Port',
                                 niveaux='CM2')
    people = {}
    for login, first, roles in (('bruno.port', 'Bruno', ['teacher', 'director']),
                                ('tina.port', 'Tina', ['teacher']), ('tom.port', 'Tom', ['pupil']),
                                ('gaelle.port', 'Gaëlle', ['guardian'])):
        people[first.lower()] = accounts.create_user(login, first, 'Port', roles, school=school,
                                                     password_hash=demo_hash())
    Teaching.create(teacher=people['tina'], classroom=classroom)
    Enrolment.create(pupil=people['tom'], classroom=classroom, niveau='CM2')
    GuardianLink.create(guardian=people['gaëlle'], pupil=people['tom'], relation='mother')
    return SimpleNamespace(school=school, classroom=classroom, director=people['bruno'],
                           teacher=people['tina'], pupil=people['tom'], guardian=people['gaëlle'])
