"""The guardian home (/) with its family feed under load, at 10 and 50 connections, against a bare
waitress "hello" app started the same way, all in one run: the demo's guardian with two children
in two classes viewing her home again and again, and GUARDIANS of the demo's guardians in turn (one
request each, as a school's evening), each with nothing written meanwhile and while a pupil ticks
and unticks a homework entry every ~100 ms through the app (a commit each, as a school's day
writes all the time: sessions, visits, posts, ticks).

    .venv/bin/python -m bench.bench_home [--seconds 10] [--workers 2] [--guardians 20]

Then (issue 20) the same guardians' homes in French and in Arabic (the switcher's cookie
`ecole_langue` next to the session's: the demo's guardians choose no language on their account)
at 50 connections, each against bare waitress in the same run; for information, bare waitress
with its threads kept on one core, as ecole-ent keeps each serving process (not the reference);
and the resident memory of each serving process once each of the five languages (fr en ar tr pt)
has served the home.

Target (issues 2, 12 and 16, 2-core machine): the guardian home >= 20 % of the bare-waitress
requests/s and p99 <= 150 ms at 50 connections, with its child cards and its family feed (the
latest posts, albums, homework and notes of the children's classes, issue 16), in every column;
issue 20: in French and in Arabic too, and each serving process within 64 MB with the five
languages loaded.
"""
import http.client
import os
import re
import sys
import tempfile
import threading
import urllib.parse
import urllib.request

from bench.common import (
    GUARDIAN,
    Server,
    demo_server,
    hello_command,
    jobs_rss_mb,
    load,
    load_arguments,
    page,
    serving_pss_mb,
    serving_rss_mb,
    sign_in_cookie,
)
from ecole_ent import i18n
from ecole_ent.server import keep_on_core

PUPIL = 'zoe.dubois'            # the demo's pupil who ticks her homework during the « writes » loads
LANGUAGES = tuple(i18n.LANGUAGES)                # fr en ar tr pt
MEMORY_TARGET_MB = 64


def shown(base, cookie):
    """What the home shows (a check that the page measured is the full one)."""
    home = page(base, '/', cookie)
    items = len(re.findall(r'<li class="feed-item', home))
    return f'{home.count("child-card")} child cards, {items} feed items, {len(home) // 1024} KB'


def speaking(cookies, lang):
    """The Cookie headers with the switcher's cookie for `lang` next to each session cookie."""
    return [f'{cookie}; ecole_langue={lang}' for cookie in cookies]


def served_language(base, cookie):
    """The language and direction of the home served with this Cookie header (<html lang dir>)."""
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', page(base, '/', cookie))
    return found.groups() if found else (None, None)


def guardians(data, count):
    """Logins of `count` demo guardians whose children are in a class this year, the demo's
    order (GUARDIAN first), read from the seeded folder before the server starts."""
    from ecole_ent import db, runtime
    from ecole_ent.models import Classroom, Enrolment, GuardianLink, SchoolYear, User
    runtime.open_database(runtime.open_config(data))
    try:
        rows = (User.select(User.login).join(GuardianLink, on=(GuardianLink.guardian == User.id))
                .join(Enrolment, on=((Enrolment.pupil == GuardianLink.pupil) & Enrolment.ended_on.is_null()))
                .join(Classroom).join(SchoolYear)
                .where(User.roles.contains('guardian') & (User.status == 'active') & SchoolYear.current)
                .group_by(User.id, User.login).order_by(User.id))
        logins = [row.login for row in rows]
    finally:
        db.close_all()
    return ([GUARDIAN] + [login for login in logins if login != GUARDIAN])[:count]


class Writes:
    """While in use, a thread that ticks and unticks one of PUPIL's homework entries every
    `every` seconds through the app (POST /devoirs/<id>/fait, the redirect not followed): one
    small commit each. `done` counts the commits answered 303."""

    def __init__(self, base, every=0.1):
        self.base, self.every, self.done, self.failed = base, every, 0, 0
        self.stop, self.thread = threading.Event(), None
        self.cookie = sign_in_cookie(base, PUPIL, 'demo')
        week = page(base, '/devoirs', self.cookie)
        self.path = re.search(r'action="(/devoirs/\d+/fait)"', week).group(1)
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', week).group(1)

    def run(self):
        parsed = urllib.parse.urlparse(self.base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        ticks = 0
        while not self.stop.wait(self.every):
            ticks += 1
            body = urllib.parse.urlencode({'csrf_token': self.token, 'done': '1' if ticks % 2 else '0'})
            try:
                conn.request('POST', self.path, body=body, headers={
                    'Cookie': self.cookie, 'Content-Type': 'application/x-www-form-urlencoded'})
                response = conn.getresponse()
                response.read()
                ok = response.status == 303
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            self.done += ok
            self.failed += not ok
        conn.close()

    def __enter__(self):
        self.done = self.failed = 0
        self.stop.clear()
        self.thread = threading.Thread(target=self.run, name='bench-writes', daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def main():
    parser = load_arguments(__doc__)
    parser.add_argument('--workers', default='2', help='ecole-ent processes to compare, e.g. 1,2')
    parser.add_argument('--guardians', type=int, default=20, help='guardians viewing their home in turn')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    for workers in [int(w) for w in args.workers.split(',')]:
        with tempfile.TemporaryDirectory() as data:
            app = demo_server(data, args.threads, workers)      # seeds the demo now, starts below
            logins = guardians(data, args.guardians)
            hello = Server(hello_command(args.threads))
            with app, hello:
                print(f'--- ecole-ent with {workers} process(es), {args.threads} page threads each')
                one = sign_in_cookie(app.url, GUARDIAN, 'demo')
                many = [sign_in_cookie(app.url, login, 'demo') for login in logins]
                counts = [int(re.search(r'(\d+) feed items', shown(app.url, c)).group(1)) for c in many]
                print(f'{GUARDIAN}: {shown(app.url, one)}; {len(many)} guardians in turn: '
                      f'{min(counts)} to {max(counts)} feed items')
                writes = Writes(app.url)
                load(app.url + '/', 2, 10, cookies=many)        # warm up caches and connections
                for connections in (10, 50):
                    base = load(hello.url + '/', args.seconds, connections)
                    print(base.line('bare waitress'))
                    for label, cookies in ((f'home, {GUARDIAN}', [one]), (f'home, {len(many)} in turn', many)):
                        for writing in (False, True):
                            if writing:
                                with writes:
                                    result = load(app.url + '/', args.seconds, connections, cookies=cookies)
                                note = f'  writes {writes.done / args.seconds:4.1f}/s' + (
                                    f' ({writes.failed} failed)' if writes.failed else '')
                            else:
                                result, note = load(app.url + '/', args.seconds, connections, cookies=cookies), ''
                            name = label + (', writes' if writing else ', quiet')
                            print(result.line(name) + f'  ratio {result.rps / base.rps:5.1%}' + note)
                french = serving_rss_mb(app.pid)
                # Issue 20: the home in French and in Arabic at 50 connections, same run.
                for lang in ('fr', 'ar'):
                    served = served_language(app.url, speaking(many, lang)[0])
                    if served[0] != lang:
                        raise SystemExit(f'the home asked in {lang} is served as {served}')
                    # warmed up as French was: the first pages in a language compile its templates
                    load(app.url + '/', 2, 10, cookies=speaking(many, lang))
                base = load(hello.url + '/', args.seconds, 50)
                print(base.line('bare waitress'))
                for lang in ('fr', 'ar'):
                    result = load(app.url + '/', args.seconds, 50, cookies=speaking(many, lang))
                    print(result.line(f'home, {len(many)} in turn, {lang}') + f'  ratio {result.rps / base.rps:5.1%}')
                # For information, not the reference: bare waitress with its threads kept on one
                # core, as ecole-ent keeps each serving process (its threads then hand Python's
                # lock to each other without a wake-up across cores).
                with Server(hello_command(args.threads)) as kept:
                    keep_on_core(0, kept.pid)
                    load(kept.url + '/', 2, 50)
                    print(load(kept.url + '/', args.seconds, 50).line('bare waitress on one core'))
                # Each of the five languages serves the home (10 connections for 2 s: every serving
                # process gets some), then the resident memory of each serving process.
                for lang in LANGUAGES:
                    load(app.url + '/', 2, 10, cookies=speaking(many, lang))
                sizes, shares = serving_rss_mb(app.pid), serving_pss_mb(app.pid)
                print('resident memory per serving process after the French runs: '
                      + ', '.join(f'{mb:.1f} MB' for mb in french))
                print(f'resident memory per serving process, the home served in {" ".join(LANGUAGES)}: '
                      + ', '.join(f'{mb:.1f} MB' for mb in sizes)
                      + f'  (target <= {MEMORY_TARGET_MB} MB: {"ok" if max(sizes) <= MEMORY_TARGET_MB else "OVER"})')
                jobs = jobs_rss_mb(app.pid)
                if jobs is not None:
                    print(f'the jobs process (periodic jobs, serves nothing): {jobs:.1f} MB')
                if None not in shares:
                    print('of which their own (proportional set size: pages shared with the supervisor '
                          'and each other counted by share): ' + ', '.join(f'{mb:.1f} MB' for mb in shares))


if __name__ == '__main__':
    main()
