"""The homework and its files are data like the rest (issue 14): they come back whole from a backup
restored over a data folder that lost them, `migrate-data` copies every row and file of them to a
new SQLite file or to PostgreSQL, and a guardian's download of the child's year holds the child's
published homework with its files. The notebook is written through entries.create with real files
(a PDF and a PNG made with Pillow, an MP3), the clock stopped on Friday 4 December 2026."""
import hashlib
import html
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from PIL import Image, ImageDraw

from ecole_ent import db, runtime
from ecole_ent.accounts import service as accounts
from ecole_ent.app import create_app
from ecole_ent.homework import entries, feed, subjects
from ecole_ent.maintenance import backup, restore
from ecole_ent.maintenance.migrate_data import migrate_data, table_summary
from ecole_ent.models import CalendarFeed, Homework, HomeworkDone, HomeworkFile, School, Subject, User
from ecole_ent.models.school_calendar import SchoolCalendar
from ecole_ent.school_calendar.service import store_calendar
from tests.blog.conftest import MP3
from tests.conftest import PG_URL, Client, guardians_of, only_guardian_of
from tests.scale import conftest as scale
from tests.scale.conftest import ecole

pg_server, pg_url = scale.pg_server, scale.pg_url     # fixtures: a fresh database on a PostgreSQL server

SECRET = 'test-secret-key-for-this-run'          # tests.conftest.make_config's: the copies keep it
MODELS = (Subject, Homework, HomeworkFile, HomeworkDone, SchoolCalendar, CalendarFeed)
TABLES = tuple(model._meta.table_name for model in MODELS)
SQLITE_ONLY = pytest.mark.skipif(bool(PG_URL), reason='SQLite appliance test (backups are of a SQLite data '
                                                      'folder; PostgreSQL is backed up with pg_dump)')


# --- real files ------------------------------------------------------------------------------------

def pdf(text):
    """A real PDF, one page drawn by Pillow."""
    page = Image.new('RGB', (300, 200), 'white')
    ImageDraw.Draw(page).text((20, 90), text, fill='black')
    out = io.BytesIO()
    page.save(out, 'PDF')
    return out.getvalue()


def png(color):
    image = Image.new('RGB', (120, 90), color)
    ImageDraw.Draw(image).ellipse((20, 15, 100, 75), fill='white')
    out = io.BytesIO()
    image.save(out, 'PNG')
    return out.getvalue()


def uploads(*named):
    return [(name, io.BytesIO(data)) for name, data in named]


# --- a notebook ------------------------------------------------------------------------------------

def give(user, classroom, body, uploaded=(), **values):
    made, _warnings = entries.create(user, classroom.id, {
        'subject': values.pop('subject', 'Français'), 'due_on': values.pop('due_on', '2026-12-07'),
        'body': body, 'when': 'now', **values}, uploads(*uploaded))
    return made


def notebook(people):
    """What a school's notebook holds after a few weeks: the director's subject list and weekdays,
    entries for CE1, for CP, for the whole class, a scheduled one, a weekly repeat sharing one
    file, a copy, another class's entry; files of every kind; ticks; calendar feeds (one turned
    off). Returns what the tests look for."""
    school = School.get_by_id(people.cp.school_id)
    subjects.save(people.director, school.id, 'Français\nMathématiques\nQuestionner le monde\nAnglais')
    store_calendar(school, 'B', [0, 1, 3, 4, 5])           # the school also has class on Saturdays
    n = SimpleNamespace()
    n.files = {'Fiche de lecture.pdf': pdf('Le loup et l agneau'), 'Le loup.png': png((200, 40, 40)),
               'Comptine des tables.mp3': MP3, 'Sons CP.pdf': pdf('ou, on, an'),
               'Dictée.pdf': pdf('dictee'), 'Texte du soir.pdf': pdf('texte du soir'),
               'Volcans.pdf': pdf('volcans')}
    f = n.files
    n.ce1, = give(people.teacher, people.cp, 'Lire « Le loup et l’agneau » (CE1)', niveaux=['CE1'],
                  uploaded=[('Fiche de lecture.pdf', f['Fiche de lecture.pdf']), ('Le loup.png', f['Le loup.png'])])
    n.whole, = give(people.teacher, people.cp, 'Réviser la table de 3 (toute la classe)', subject='Mathématiques',
                    due_on='2026-12-08', uploaded=[('Comptine des tables.mp3', f['Comptine des tables.mp3'])])
    n.cp_only, = give(people.teacher, people.cp, 'Apprendre le son [ou] (CP seulement)', niveaux=['CP'],
                      uploaded=[('Sons CP.pdf', f['Sons CP.pdf'])])
    n.scheduled, = give(people.teacher, people.cp, 'Dictée surprise (programmée)', niveaux=['CE1'],
                        due_on='2026-12-10', when='later', publish_date='2026-12-09', publish_time='18:00',
                        uploaded=[('Dictée.pdf', f['Dictée.pdf'])])
    n.repeat = give(people.teacher, people.cp, 'Lecture du soir (chaque lundi)', repeat_weekdays=['0'],
                    repeat_until='2026-12-21', uploaded=[('Texte du soir.pdf', f['Texte du soir.pdf'])])
    n.copy = entries.copy(people.director, n.whole.id, people.big.id)     # into the director's own class
    n.other, = give(people.big_teacher, people.big, 'Exposé sur les volcans (autre classe)',
                    uploaded=[('Volcans.pdf', f['Volcans.pdf'])])
    entries.set_done(people.ce1_pupil, n.ce1.id)
    entries.set_done(people.ce1_pupil, n.whole.id)
    entries.set_done(people.cp_pupil, n.whole.id)
    n.guardian = guardians_of(people.ce1_pupil)[0]
    feed.renew(n.guardian, people.ce1_pupil.id)              # generation 1
    feed.renew(people.ce1_pupil, people.ce1_pupil.id)
    cp_guardian = guardians_of(people.cp_pupil)[0]
    feed.revoke(cp_guardian, people.cp_pupil.id)             # a turned-off address is a row too
    n.mine = [n.ce1, n.whole, n.cp_only, n.scheduled, *n.repeat, n.copy, n.other]
    return n


def rows():
    """Every row of the homework's tables, as stored."""
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


def files_under(media):
    """{path under media/homework: bytes} of every file of the homework's folders."""
    root = Path(media) / 'homework'
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob('*')) if path.is_file()}


def referenced(media):
    """The paths under media/homework of every entry's file."""
    root = Path(media) / 'homework'
    admin = User.get(User.login == 'admin')
    return {Path(entries.file_for(admin, row.id)['path']).relative_to(root).as_posix()
            for row in HomeworkFile.select()}


def stored_bytes(row, user):
    return Path(entries.file_for(user, row.id)['path']).read_bytes()


def sign_in(app, user):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.7'})
    client.set_cookie('ecole_session', accounts.open_session(user))
    return client


def test_the_notebook_writes_what_the_other_tests_look_for(people):
    """The fixture itself: the rows and the files on disk, before anything is copied."""
    n = notebook(people)
    assert [e.due_on for e in n.repeat] == [date(2026, 12, 7), date(2026, 12, 14)]   # 21st: Noël holidays
    counts = {table: len(found) for table, found in rows().items()}
    demo = Homework.select().where(Homework.id.not_in([e.id for e in n.mine])).count()
    assert len(n.mine) == 8 and counts['homework'] == 8 + demo
    assert (counts['homework_subject'], counts['school_calendar']) == (4, 1)
    assert HomeworkDone.select().where(HomeworkDone.homework.in_([e.id for e in n.mine])).count() == 3
    assert CalendarFeed.select().where(CalendarFeed.owner.in_(
        [n.guardian.id, people.ce1_pupil.id])).count() == 2
    assert CalendarFeed.select().where(~CalendarFeed.active).count() == 1
    mine = HomeworkFile.select().where(HomeworkFile.homework.in_([e.id for e in n.mine]))
    assert sorted((f.name, f.kind) for f in mine) == [
        ('Comptine des tables.mp3', 'mp3'), ('Comptine des tables.mp3', 'mp3'), ('Dictée.pdf', 'pdf'),
        ('Fiche de lecture.pdf', 'pdf'), ('Le loup.jpg', 'jpg'), ('Sons CP.pdf', 'pdf'),
        ('Texte du soir.pdf', 'pdf'), ('Texte du soir.pdf', 'pdf'), ('Volcans.pdf', 'pdf')]
    for row in mine:
        data = stored_bytes(row, people.admin)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (row.size, row.sha256)
        if row.kind != 'jpg':                    # PDF and audio are kept as sent
            assert data == n.files[row.name]
        else:                                    # an image is its display rendition, a JPEG
            assert data[:3] == b'\xff\xd8\xff'
    media = Path(runtime.current.config.data_dir) / 'media'
    assert set(files_under(media)) == referenced(media)                    # no file left over
    assert len({(row.kind, row.sha256) for row in mine}) == 7              # a shared file is stored once


# --- backup and restore ------------------------------------------------------------------------------

@SQLITE_ONLY
def test_a_backup_restored_brings_back_every_entry_tick_subject_calendar_feed_and_file(people, config,
                                                                                     tmp_path):
    n = notebook(people)
    data = Path(config.data_dir)
    before, files_before = rows(), files_under(data / 'media')
    assert all(before[table] for table in TABLES) and set(files_before) == referenced(data / 'media')
    assert len(files_before) >= 7
    result = backup.create_backup(str(data), str(data / 'ecole.db'), str(tmp_path / 'sauvegardes'))
    manifest = backup.verify_archive(result.path)
    in_archive = {name: entry['sha256'] for name, entry in manifest['files'].items()
                  if name.startswith('media/homework/')}
    assert in_archive == {f'media/homework/{path}': hashlib.sha256(content).hexdigest()
                          for path, content in files_before.items()}

    # Everything of the notebook goes: entries (and so their files), subjects, calendar, feeds.
    for entry in Homework.select():
        entries.delete(people.admin, entry.id)
    for model in (Subject, SchoolCalendar, CalendarFeed):
        model.delete().execute()
    assert rows() == {table: [] for table in TABLES}
    assert files_under(data / 'media') == {}

    db.close_all()
    _manifest, replaced = restore.restore_archive(result.path, str(data))
    runtime.open_database(config, auto_migrate=False)
    assert rows() == before
    assert files_under(data / 'media') == files_before
    assert files_under(Path(replaced) / 'media') == {}          # what was there: nothing of the notebook
    assert subjects.of_school(people.cp.school_id) == ['Français', 'Mathématiques', 'Questionner le monde',
                                                       'Anglais']
    # The restored notebook works: a CE1 pupil downloads the files, the feed answers.
    client = sign_in(create_app(config), people.ce1_pupil)
    for row in HomeworkFile.select().where(HomeworkFile.homework == n.ce1.id):
        got = client.get(f'/devoirs/fichier/{row.id}')
        assert hashlib.sha256(got.body).hexdigest() == row.sha256
        assert row.kind == 'jpg' or got.body == n.files[row.name]
    token = feed.token_for(n.guardian.id, people.ce1_pupil.id, 1)
    ics = client.get(f'/agenda/{token}.ics').text
    assert 'Lire « Le loup et l’agneau » (CE1)' in ics.replace('\r\n ', '')


# --- migrate-data ------------------------------------------------------------------------------------

def summaries(url, kinds_from=None):
    """{table: (rows, checksum)} of the homework's tables read straight from one database (column
    kinds from PostgreSQL's catalog when there is one: SQLite declares booleans INTEGER)."""
    database = db.make_database(url, pool_size=1)
    typed = db.make_database(kinds_from or url, pool_size=1)
    try:
        return {table: table_summary(database, table, list(db.column_kinds(typed, table)),
                                     db.column_kinds(typed, table)) for table in TABLES}
    finally:
        for each in (database, typed):
            each.close_all() if db.is_postgres(each) else each.close()


def the_copy_works(n, people, data_dir, url):
    """The copy served by the app: a CE1 pupil downloads the entries' files, the guardian's
    calendar address still answers with the entry."""
    copy = runtime.open_config(data_dir, environ={'ECOLE_DATABASE_URL': url, 'ECOLE_SECURITY_SECRET_KEY': SECRET})
    runtime.open_database(copy, auto_migrate=False)
    client = sign_in(create_app(copy), User.get_by_id(people.ce1_pupil.id))
    served = {}
    for row in HomeworkFile.select().where(HomeworkFile.homework == n.ce1.id).order_by(HomeworkFile.id):
        served[row.name] = hashlib.sha256(client.get(f'/devoirs/fichier/{row.id}').body).hexdigest() == row.sha256
    assert served == {'Fiche de lecture.pdf': True, 'Le loup.jpg': True}
    ics = client.get(f'/agenda/{feed.token_for(n.guardian.id, people.ce1_pupil.id, 1)}.ics').text
    assert 'Lire « Le loup et l’agneau » (CE1)' in ics.replace('\r\n ', '')


def test_migrate_data_copies_the_homework_rows_and_files_to_a_new_sqlite_file(people, config, tmp_path):
    """From the suite's database (SQLite, or PostgreSQL in the PostgreSQL run) to a new SQLite file."""
    n = notebook(people)
    source, media = config.database_url, Path(config.data_dir) / 'media'
    expected = {table: len(found) for table, found in rows().items()}
    files_before = files_under(media)
    target_dir = tmp_path / 'copie'
    target_dir.mkdir()
    target = f'sqlite:///{target_dir / "ecole.db"}'
    db.close_all()
    lines = []
    report = migrate_data(source, target, media_from=str(media), media_to=str(target_dir / 'media'),
                          out=lines.append)
    for table in TABLES:
        line = report[table]
        assert line['source_rows'] == line['target_rows'] == expected[table], table
        assert line['source_sha256'] == line['target_sha256'], table
        assert any(re.match(rf'{table}\s+source\s+{expected[table]} lignes .* OK$', text) for text in lines), table
    assert summaries(target, PG_URL) == summaries(source, PG_URL)
    assert files_under(target_dir / 'media') == files_before
    the_copy_works(n, people, target_dir, target)
    runtime.open_database(config, auto_migrate=False)


@pytest.mark.slow
@pytest.mark.skipif(bool(PG_URL), reason='SQLite → PostgreSQL: run in the SQLite run (the PostgreSQL run copies '
                                         'its database to SQLite above)')
def test_migrate_data_copies_the_homework_rows_and_files_to_postgresql(people, config, tmp_path, pg_url):
    """The real command line, as tests/scale/test_migrate_data.py runs it."""
    n = notebook(people)
    data = Path(config.data_dir)
    source = config.database_url
    files_before = files_under(data / 'media')
    expected = {table: len(found) for table, found in rows().items()}
    db.close_all()
    district = tmp_path / 'district'
    result = ecole(district, pg_url, 'migrate-data', '--from', source, '--to', pg_url,
                   '--media-from', str(data / 'media'), '--media-to', str(district / 'media'))
    before, after = summaries(source, pg_url), summaries(pg_url)
    assert before == after
    assert {table: count for table, (count, _sum) in after.items()} == expected
    for table, (count, checksum) in before.items():
        assert re.search(rf'^{table}\s+source\s+{count} lignes {checksum[:16]}\s+cible\s+{count} '
                         rf'lignes {checksum[:16]}\s+OK$', result.stdout, re.M), table
    assert files_under(district / 'media') == files_before
    the_copy_works(n, people, district, pg_url)
    db.close_all()
    runtime.open_database(config, auto_migrate=False)


# --- the year archive ---------------------------------------------------------------------------------

def download_year(client, pupil):
    response = client.get(f'/annuaire/archives/{pupil.id}')
    assert response.content_type == 'application/zip'
    return zipfile.ZipFile(io.BytesIO(response.body))


def links_of(page):
    """The zip member each link of a page opens, resolved as a browser resolves a relative link
    of a file opened from disk (a '#' starts a fragment, '%20' is a space)."""
    base = 'file:///archive/devoirs.html'
    found = []
    for href in re.findall(r'href="([^"]*)"', page):
        url = urlsplit(urljoin(base, html.unescape(href)))
        found.append(unquote(url.path)[len('/archive/'):])
    return found


def test_the_year_archive_has_the_childs_published_homework_for_their_niveau_and_its_files(people,
                                                                                         demo_app):
    n = notebook(people)
    pupil = people.ce1_pupil
    guardian = only_guardian_of(pupil, [people.cp_pupil])
    zipped = download_year(sign_in(demo_app, guardian), pupil)
    page = zipped.read('devoirs.html').decode()
    text = html.unescape(page)
    for shown in ('Lire « Le loup et l’agneau » (CE1)', 'Réviser la table de 3 (toute la classe)',
                  'Lecture du soir (chaque lundi)'):
        assert shown in text, shown
    assert text.count('Lecture du soir (chaque lundi)') == 2
    for hidden in ('Apprendre le son [ou] (CP seulement)', 'Dictée surprise (programmée)',
                   'Exposé sur les volcans (autre classe)'):
        assert hidden not in text, hidden
    # Every file of those entries, at the path its link names, byte for byte; no other file.
    given = [n.ce1, n.whole, *n.repeat]
    expected = {}
    for entry in given:
        for row in HomeworkFile.select().where(HomeworkFile.homework == entry.id).order_by(HomeworkFile.id):
            expected[row.id] = (row.name, stored_bytes(row, people.admin))
    linked = links_of(page)
    assert len(linked) == len(expected) == 5
    members = set(zipped.namelist())
    assert {name for name in members if name.startswith('devoirs/')} == set(linked)
    got = sorted((path.split('-', 2)[2], zipped.read(path)) for path in linked)   # devoirs/<entry>-<n>-<name>
    assert got == sorted(expected.values())
    assert {name for name, _data in expected.values()} == {'Fiche de lecture.pdf', 'Le loup.jpg',
                                                           'Comptine des tables.mp3', 'Texte du soir.pdf'}
    index = links_of(zipped.read('index.html').decode())        # the zip's index links to all of it
    assert 'devoirs.html' in index and set(linked) <= set(index)


def test_the_archive_of_a_cp_pupil_has_the_cp_entry_and_not_the_ce1_ones(people, demo_app):
    n = notebook(people)
    pupil = people.cp_pupil
    guardian = only_guardian_of(pupil, [people.ce1_pupil])
    text = html.unescape(download_year(sign_in(demo_app, guardian), pupil).read('devoirs.html').decode())
    assert 'Apprendre le son [ou] (CP seulement)' in text and 'Réviser la table de 3 (toute la classe)' in text
    assert 'Lire « Le loup et l’agneau » (CE1)' not in text and 'Dictée surprise' not in text
    assert text.count('Lecture du soir (chaque lundi)') == len(n.repeat) == 2


def guardian_in_the_other_class_only(people):
    """A guardian with a child in CE2-CM1-CM2 and none in CP-CE1."""
    cp_ids = {p.id for p in accounts.pupils_of(people.cp)}
    for pupil in accounts.pupils_of(people.big):
        for guardian in guardians_of(pupil):
            if not {child.id for child, _c in accounts.children_of(guardian)} & cp_ids:
                return guardian
    raise AssertionError('the demo has no such guardian')


def test_a_guardian_of_another_child_gets_none_of_this_childs_homework(people, demo_app):
    n = notebook(people)
    other = guardian_in_the_other_class_only(people)
    client = sign_in(demo_app, other)
    refused = client.get(f'/annuaire/archives/{people.ce1_pupil.id}', status=403)
    assert "Cet élève n'est pas relié à votre compte." in html.unescape(refused.text)
    # What only CP-CE1 was given (the director's copy of the table of 3 went to CE2-CM1-CM2, with
    # its audio file: that one is the other class's too).
    cp_texts = ('Lire « Le loup et l’agneau » (CE1)', 'Apprendre le son [ou] (CP seulement)',
                'Lecture du soir (chaque lundi)', 'Dictée surprise (programmée)')
    cp_files = {row.sha256 for row in HomeworkFile.select().where(HomeworkFile.homework.in_(
        [n.ce1.id, n.cp_only.id, n.scheduled.id, *(e.id for e in n.repeat)]))}
    downloaded = []
    for child, classroom in accounts.children_of(other):
        zipped = download_year(client, child)
        for name in zipped.namelist():
            content = zipped.read(name)
            assert hashlib.sha256(content).hexdigest() not in cp_files, name
            if name.endswith('.html'):
                assert [t for t in cp_texts if t in html.unescape(content.decode())] == [], name
        if classroom.id == people.big.id:              # the other class's entries are theirs
            page = html.unescape(zipped.read('devoirs.html').decode())
            downloaded.append(('Exposé sur les volcans (autre classe)' in page,
                               'Réviser la table de 3 (toute la classe)' in page))
    assert downloaded == [(True, True)]


def test_a_file_name_with_a_hash_or_a_question_mark_is_found_at_its_link(people, demo_app):
    """Teachers name files « Exercices #3.pdf » or « Qui suis-je ?.pdf »: a link written as the raw
    name opens another path in a browser ('#' starts a fragment, '?' a query)."""
    pupil = people.ce1_pupil
    give(people.teacher, people.cp, 'Exercices', uploaded=[('Exercices #3.pdf', pdf('3')),
                                                           ('Qui suis-je ?.pdf', pdf('devinette'))])
    zipped = download_year(sign_in(demo_app, only_guardian_of(pupil, [people.cp_pupil])), pupil)
    members = set(zipped.namelist())
    linked = links_of(zipped.read('devoirs.html').decode())
    assert [path in members for path in linked] == [True, True], linked
    assert [path in members for path in links_of(zipped.read('index.html').decode())
            if path.startswith('devoirs/')] == [True, True]
