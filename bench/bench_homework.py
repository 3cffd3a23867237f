"""The homework week of a guardian with three children (/devoirs) under load, at 10 and 50
connections, with a bare waitress "hello" app started the same way, measured in the same run.

    .venv/bin/python -m bench.bench_homework [--seconds 10] [--workers 1,2]

Target (issue 14, 2-core machine): the guardian's week >= 20 % of the bare-waitress requests/s and
p99 <= 150 ms at 50 connections. The demo has no guardian with three children: one is added to the
seeded data folder before the server starts (add_guardian: a child in each of the three classes).
ecole-ent runs with two processes (server.workers' default); --workers 1,2 compares with one.
"""
import argparse
import os
import re
import sys
import tempfile
import urllib.request

from bench.common import Server, demo_server, hello_command, load, serving_rss_mb, sign_in_cookie

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
    request = urllib.request.Request(base + '/devoirs', headers={'Cookie': cookie})
    with urllib.request.urlopen(request) as response:
        return len(re.findall(r'<section class="child-week"', response.read().decode()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=10, help='duration of each load')
    parser.add_argument('--threads', type=int, default=8, help='waitress threads of both servers')
    parser.add_argument('--workers', default='2', help='ecole-ent processes to compare, e.g. 1,2')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    for workers in [int(w) for w in args.workers.split(',')]:
        with tempfile.TemporaryDirectory() as data:
            app = demo_server(data, args.threads, workers)      # seeds the demo now, starts below
            classes = add_guardian(data)
            hello = Server(hello_command(args.threads))
            with app, hello:
                print(f'--- ecole-ent with {workers} process(es), {args.threads} page threads each')
                cookie = sign_in_cookie(app.url, GUARDIAN, 'demo')
                shown = children_shown(app.url, cookie)
                print(f'guardian {GUARDIAN}: children in {classes} classes, {shown} weeks on /devoirs')
                load(app.url + '/devoirs', 2, 10, cookie)      # warm up caches and connections
                for connections in (10, 50):
                    base = load(hello.url + '/', args.seconds, connections)
                    print(base.line('bare waitress'))
                    result = load(app.url + '/devoirs', args.seconds, connections, cookie)
                    print(result.line("guardian's week (3 children)") + f'  ratio {result.rps / base.rps:5.1%}')
                print('resident memory per serving process after the run: '
                      + ', '.join(f'{mb:.1f} MB' for mb in serving_rss_mb(app.pid)))


if __name__ == '__main__':
    main()
