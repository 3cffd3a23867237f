"""The guardian home (/) after a school year, against a bare waitress "hello" app, in one run: the
demo school, then the last 36 school weeks added to each class of the current year (per class 120
blog posts, some with a PDF or a photo; 30 albums of 30 to 40 photos, pupils tagged on some, those
whose families refused image rights among them; 150 homework entries, ticked by most pupils; 80
notes of the cahier de liaison, a receipt per child and guardian, most signed; a message to every
family every four weeks), then 20 guardians in turn at 50 connections: the home in French and in
Arabic, and for reference the homework week (/devoirs) and an album page.

    .venv/bin/python -m bench.bench_year [--seconds 10]

Target (issues 16 and 20, 2-core machine): the guardian home >= 20 % of the bare-waitress
requests/s and p99 <= 150 ms at 50 connections, in French and in Arabic, with a year's rows behind
its queries (bench_home measures the demo's few weeks). The year is written through the models with
its own random generator before the server starts; the demo's accounts and classes are only read.
"""
import io
import os
import random
import re
import sys
import tempfile
from datetime import datetime, time, timedelta

from PIL import Image

from bench.bench_home import guardians, shown, speaking
from bench.common import GUARDIAN, Server, demo_server, hello_command, load, load_arguments, page, sign_in_cookie
from ecole_ent import db, models, runtime
from ecole_ent.accounts import membership
from ecole_ent.blog import service as blog
from ecole_ent.blog.demo import TEACHER_POSTS
from ecole_ent.blog.markup import render_markdown
from ecole_ent.homework.demo import WORDS, WORK
from ecole_ent.media import files
from ecole_ent.photos import demo as photos_demo
from ecole_ent.photos import service as photos
from ecole_ent.school_calendar.service import days as school_days
from ecole_ent.school_time import from_local, to_local

SEED = 3636
WEEKS = 36
POSTS, ALBUMS, PHOTOS, HOMEWORK, NOTES = 120, 30, (30, 40), 150, 80
COUNTED = ('Post', 'Attachment', 'Album', 'Photo', 'PhotoTag', 'Homework', 'HomeworkDone', 'Note', 'NoteReceipt',
           'Thread', 'Message', 'MessageReceipt')
WRITTEN = [(title, body) for posts in TEACHER_POSTS.values() for _d, _v, title, body in posts]   # the demo's
NOTE_KINDS = ['info'] * 5 + ['sign'] * 3 + ['answer'] * 2


def school_weeks(calendar, today):
    """The school days of the last WEEKS weeks with class before today, oldest first."""
    days = calendar.school_days(today - timedelta(days=14 * WEEKS), today - timedelta(days=1))
    mondays = sorted({day - timedelta(days=day.weekday()) for day in days})[-WEEKS:]
    return [day for day in days if day >= mondays[0]]


def add_year(data, seed=SEED):
    """Writes the year to every class of the current year in the seeded folder `data`, through the
    models, on the server's configuration; returns ({model: rows added}, the days, an album id of
    one of GUARDIAN's children's classes)."""
    runtime.open_database(runtime.open_config(data))
    try:
        rng = random.Random(seed)
        counted = [getattr(models, name) for name in COUNTED]
        before = [model.select().count() for model in counted]
        image = photos.media_store().store_image(photos_demo.draw_scene(rng, 0), photos.settings().limits)
        pdf = io.BytesIO()
        Image.new('RGB', (420, 300), 'white').save(pdf, 'PDF', title='Programme')
        attachment = files.store(io.BytesIO(pdf.getvalue()), blog.settings().media_dir, 2**20)   # (kind, sha, size)
        classes = list(models.Classroom.select().join(models.SchoolYear).where(models.SchoolYear.current)
                       .order_by(models.Classroom.id))
        days = school_weeks(school_days(classes[0].school_id), to_local(models.now()).date())
        with db.writing():
            for classroom in classes:
                Year(rng, classroom, days, image, attachment).write()
        added = {model.__name__: model.select().count() - n for model, n in zip(counted, before)}
        guardian = models.User.get(models.User.login == GUARDIAN)
        album = (models.Album.select().where(models.Album.classroom.in_(membership.children_classes(guardian.id)))
                 .order_by(models.Album.id.desc()).first())        # the year's last
        return added, days, album.id
    finally:
        db.close_all()


def at(day, hour, minute):
    return from_local(datetime.combine(day, time(hour, minute)))


class Year:
    """One class's year on `days`: its albums, posts, homework, notes and messages, by its teacher."""

    def __init__(self, rng, classroom, days, image, attachment):
        self.rng, self.classroom, self.days, self.image, self.attachment = rng, classroom, days, image, attachment
        Teaching, Enrolment, GuardianLink, User = models.Teaching, models.Enrolment, models.GuardianLink, models.User
        self.teacher = (Teaching.select(Teaching.teacher).join(User).where(
            (Teaching.classroom == classroom) & User.roles.contains('teacher')).order_by(Teaching.id).scalar())
        self.pupils = list(Enrolment.current().select(Enrolment.pupil, Enrolment.niveau, User.image_rights).join(User)
                           .where(Enrolment.classroom == classroom).order_by(Enrolment.id).tuples())
        self.guardians = {}         # pupil id: [ids of the legal guardians]
        for pupil, guardian in (GuardianLink.select(GuardianLink.pupil, GuardianLink.guardian).where(
                GuardianLink.legal_authority & GuardianLink.pupil.in_([p for p, _n, _r in self.pupils]))
                .order_by(GuardianLink.id).tuples()):
            self.guardians.setdefault(pupil, []).append(guardian)
        self.photos = []            # (moment, id): the posts show some

    def write(self):
        for part in (self.albums, self.posts, self.homework, self.notes, self.messages):
            part()

    def albums(self):
        rng, image, pupils = self.rng, self.image, [p for p, _n, _r in self.pupils]
        shy = [p for p, _n, rights in self.pupils if rights != 'granted']
        for day in sorted(rng.sample(self.days, ALBUMS)):
            album = models.Album.create(classroom=self.classroom, title=rng.choice(WRITTEN)[0],
                                        created_by=self.teacher, created_at=at(day, 12, 0))
            for n in range(rng.randint(*PHOTOS)):
                taken = at(day, 12, 0) + timedelta(seconds=n)
                photo = models.Photo.create(
                    album=album, caption=rng.choice(['', 'Un beau moment']), full=image.full, display=image.display,
                    thumb=image.thumb, width=image.width, height=image.height, uploaded_by=self.teacher,
                    source_sha256=f'{album.id:032x}{n:032x}', created_at=taken)
                self.photos.append((taken, photo.id))
                if rng.random() < 0.4:          # some pupils tagged; on a quarter of those, a shy one too
                    tagged = set(rng.sample(pupils, rng.randint(1, 3))) | (
                        {rng.choice(shy)} if shy and rng.random() < 0.25 else set())
                    models.PhotoTag.insert_many([{'photo': photo.id, 'pupil': p} for p in tagged]).execute()
            models.Album.update(updated_at=taken).where(models.Album.id == album.id).execute()

    def posts(self):
        rng = self.rng
        for number in range(POSTS):
            moment = at(rng.choice(self.days), rng.randint(16, 19), rng.randint(0, 59))
            title, body = rng.choice(WRITTEN)
            earlier = [photo for taken, photo in self.photos if taken < moment]
            if earlier and number % 4 == 0:
                body += f'\n\n![Notre album](photo:{rng.choice(earlier)})'
            post = models.Post.create(
                classroom=self.classroom, author=self.teacher, title=title, body_source=body,
                body_html=render_markdown(body), status='published', publish_at=moment, created_at=moment,
                updated_at=moment, visibility=rng.choice(['families'] * 5 + ['public', 'class']))
            if number % 10 == 0:
                kind, sha, size = self.attachment
                models.Attachment.create(post=post, kind=kind, name='programme.pdf', sha256=sha, size=size)

    def homework(self):
        rng, ticks = self.rng, []
        for _n in range(HOMEWORK):
            index = rng.randrange(1, len(self.days))
            given, due, niveau = self.days[index - 1], self.days[index], rng.choice(self.classroom.niveau_list)
            (subject, text), written = rng.choice(WORK[niveau]), at(given, 16, 30)
            text = text.format(page=rng.randint(5, 120), chapter=rng.randint(1, 12), table=rng.randint(2, 9),
                               ex=3, ex2=4, words=rng.choice(WORDS))
            entry = models.Homework.create(
                classroom=self.classroom, author=self.teacher, subject=subject, given_on=given, due_on=due,
                niveaux=niveau if rng.random() < 0.5 else '', body_source=text, body_html=render_markdown(text),
                publish_at=written, created_at=written, updated_at=written)
            ticks += [{'homework': entry.id, 'pupil': pupil, 'created_at': at(given, 18, 0)}
                      for pupil, level, _r in self.pupils if entry.niveaux in ('', level) and rng.random() < 0.7]
        models.HomeworkDone.insert_many(ticks).execute()

    def notes(self):
        """Half need no answer; of the others, a guardian signed 90 % (50 % of the last two weeks')."""
        rng = self.rng
        for day in sorted(rng.sample(self.days, NOTES)):
            kind, (title, text), sent = rng.choice(NOTE_KINDS), rng.choice(WRITTEN), at(day, 16, 45)
            note = models.Note.create(
                school=self.classroom.school_id, classroom=self.classroom, author=self.teacher, kind=kind,
                title=title, body_source=text, body_html=render_markdown(text), send_at=sent, created_at=sent,
                updated_at=sent, deadline=day + timedelta(days=7) if kind != 'info' else None)
            signs = 0.9 if (self.days[-1] - day).days > 14 else 0.5
            rows = []
            for pupil, guardian in [(p, g) for p, _n, _r in self.pupils for g in self.guardians.get(p, [None])]:
                signed = kind != 'info' and guardian is not None and rng.random() < signs
                read = signed or (guardian is not None and rng.random() < 0.95)
                opened = sent + timedelta(minutes=rng.randint(5, 1440)) if read else None
                rows.append({'note': note.id, 'pupil': pupil, 'guardian': guardian, 'read_at': opened,
                             'signed_at': opened if signed else None, 'channel': 'web' if signed else None,
                             'answer': 'oui' if signed and kind == 'answer' else None})
            models.NoteReceipt.insert_many(rows).execute()

    def messages(self):
        """Every four weeks the teacher writes to every family (a thread per guardian, as a message
        to the class is); 90 % read it."""
        rng, teacher = self.rng, self.teacher
        for day in self.days[::16]:
            sent = at(day, 17, 0)
            for guardian in sorted({g for found in self.guardians.values() for g in found}):
                thread = models.Thread.create(school=self.classroom.school_id, subject=rng.choice(WRITTEN)[0],
                                              created_by=teacher, last_message_at=sent, created_at=sent,
                                              batch=f'year-{self.classroom.id}-{day:%Y%m%d}')
                models.ThreadMember.insert_many([{'thread': thread, 'user': u} for u in (teacher, guardian)]).execute()
                message = models.Message.create(thread=thread, author=teacher, body=rng.choice(WRITTEN)[1],
                                                send_at=sent, created_at=sent)
                models.MessageReceipt.create(message=message, user=guardian,
                                             read_at=sent + timedelta(hours=2) if rng.random() < 0.9 else None)


def main():
    parser = load_arguments(__doc__)
    parser.add_argument('--guardians', type=int, default=20, help='guardians viewing their pages in turn')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    with tempfile.TemporaryDirectory() as data:
        app = demo_server(data, args.threads, 2)        # seeds the demo now, starts below
        added, days, album = add_year(data)
        print(f'added to every class, {len(days)} school days from {days[0]} to {days[-1]}: '
              + ', '.join(f'{name} {n}' for name, n in added.items()))
        logins = guardians(data, args.guardians)
        hello = Server(hello_command(args.threads))
        with app, hello:
            print(f'--- ecole-ent with 2 processes, {args.threads} page threads each')
            cookies = [sign_in_cookie(app.url, login, 'demo') for login in logins]
            items = [int(re.search(r'(\d+) feed items', shown(app.url, c)).group(1)) for c in cookies]
            weeks = sum(page(app.url, '/devoirs', c).count('<section class="child-week"') for c in cookies)
            photos_shown = page(app.url, f'/photos/album/{album}', cookies[0]).count('class="photo-link"')
            print(f'{GUARDIAN}: {shown(app.url, cookies[0])}; {len(cookies)} guardians in turn: {min(items)} '
                  f'to {max(items)} feed items, {weeks} children\'s weeks on /devoirs; album {album}: '
                  f'{photos_shown} photos')
            pages = [(f'home, {len(cookies)} in turn, fr', '/', speaking(cookies, 'fr')),
                     (f'home, {len(cookies)} in turn, ar', '/', speaking(cookies, 'ar')),
                     (f'/devoirs, {len(cookies)} in turn', '/devoirs', cookies),
                     (f'album, {GUARDIAN}', f'/photos/album/{album}', cookies[:1])]
            for _label, path, sent in pages:        # warm up: caches, connections, each language's templates
                load(app.url + path, 2, 10, cookies=sent)
            base = load(hello.url + '/', args.seconds, 50)
            print(base.line('bare waitress'))
            for label, path, sent in pages:
                result = load(app.url + path, args.seconds, 50, cookies=sent)
                print(result.line(label) + f'  ratio {result.rps / base.rps:5.1%}')
            print(load(hello.url + '/', args.seconds, 50).line('bare waitress, after'))


if __name__ == '__main__':
    main()
