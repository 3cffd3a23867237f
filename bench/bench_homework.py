"""The homework week of a guardian with three children (/devoirs) under load, at 10 and 50
connections, with a bare waitress "hello" app started the same way, measured in the same run.

    .venv/bin/python -m bench.bench_homework [--seconds 10] [--workers 1,2]

Target (issue 14, 2-core machine): the guardian's week >= 20 % of the bare-waitress requests/s and
p99 <= 150 ms at 50 connections. The demo has no guardian with three children: one is added to the
seeded data folder before the server starts (add_guardian: a child in each of the three classes).
ecole-ent runs with two processes (server.workers' default); --workers 1,2 compares with one.
"""
import re

from bench.common import page, page_against_waitress

GUARDIAN = 'bench.trois-enfants'        # added by add_guardian; password `demo`, as every demo account


def add_guardian(data):
    """A guardian with one child in each class of the demo school, written to the seeded folder
    `data` through the models, on the configuration the server reads (ecole-ent --data DATA)."""
    from ecole_ent import db, demo, runtime, security
    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Classroom, GuardianLink, School, User
    runtime.open_database(runtime.open_config(data))
    try:
        with db.writing():
            school = School.get(School.uai == demo.UAI)
            guardian = User.create(login=GUARDIAN, first_name='Camille', last_name='Troisenfants',
                                   roles='guardian', school=school,
                                   password_hash=security.hash_password(demo.PASSWORD))
            classes = Classroom.select().where(Classroom.school == school).order_by(Classroom.id)
            for classroom in classes:
                pupil = accounts.pupils_of(classroom)[0]
                GuardianLink.create(guardian=guardian, pupil=pupil, relation='mother', legal_authority=True)
        return len(classes)
    finally:
        db.close_all()


def children_shown(base, cookie):
    """How many children's weeks /devoirs shows (a check that the page is the one measured)."""
    return len(re.findall(r'<section class="child-week"', page(base, '/devoirs', cookie)))


def prepare(data):
    classes = add_guardian(data)
    return '/devoirs', lambda base, cookie: (f'guardian {GUARDIAN}: children in {classes} classes, '
                                             f'{children_shown(base, cookie)} weeks on /devoirs')


def main():
    page_against_waitress(__doc__, GUARDIAN, "guardian's week (3 children)", prepare)


if __name__ == '__main__':
    main()
