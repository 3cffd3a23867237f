"""A family's data export: what the zip holds (their children's data, nothing of another family of
the same class, the photos by the album page's consent rule, on both sides), built off the request,
once an hour, downloaded by its owner only; the director's copy for a family who asks on paper; the
command line writes the same content."""
import io
import json
import os
import re
import time
import zipfile
from datetime import date, timedelta

import pytest

from ecole_ent.models import AuditEvent, Comment, Enrolment, GuardianLink, Homework, HomeworkDone, Post, User, now
from ecole_ent.models.messaging import Message, Thread, ThreadMember
from ecole_ent.privacy import export
from tests.blog.conftest import send, text
from tests.conftest import redirected_to
from tests.real_http import Browser


@pytest.fixture
def out(tmp_path):
    """An empty folder of the test's own (out also holds the data folder)."""
    folder = tmp_path / 'out'
    folder.mkdir()
    return folder


def open_zip(path_or_bytes):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    archive = zipfile.ZipFile(source)
    return archive, json.loads(archive.read('data.json').decode('utf-8'))


@pytest.fixture
def families(scene):
    """Two families of CP-CE1, each with what they wrote: the guardian of the pupil with consent
    and the guardian of the pupil whose consent is refused (both tagged on « Le toboggan »)."""
    ours, theirs = scene.people['guardian'], scene.people['guardian_of_refused']
    child, other_child = scene.pupils['granted'], scene.pupils['refused']
    post = Post.create(classroom=scene.classroom, author=child, title='Mon été à Noël <b>', status='published',
                       body_source='Très bien « été »')
    Comment.create(post=post, author=ours, body='Bravo <script>alert(1)</script> élève !', status='published')
    Post.create(classroom=scene.classroom, author=other_child, title='Secret de l’autre famille',
                status='published')
    Comment.create(post=post, author=theirs, body='Commentaire de l’autre parent', status='published')
    work = Homework.create(classroom=scene.classroom, subject='Français', given_on=date(2026, 12, 1),
                           due_on=date(2026, 12, 3), body_source='Lire la poésie')
    HomeworkDone.create(homework=work, pupil=child)
    other = Homework.create(classroom=scene.classroom, subject='Géographie secrète', given_on=date(2026, 12, 1),
                            due_on=date(2026, 12, 3))
    HomeworkDone.create(homework=other, pupil=other_child)
    return ours, theirs, child, other_child


def test_the_zip_holds_the_family_and_nothing_of_another_family_of_the_class(families, scene, out):
    ours, theirs, child, other_child = families
    archive, data = open_zip(export.write_zip(ours, out / 'a.zip'))
    raw = archive.read('data.json').decode('utf-8')
    assert data['compte']['identifiant'] == ours.login
    assert [c['identifiant'] for c in data['enfants']] == [c.login for c in User.select().join(
        GuardianLink, on=(GuardianLink.pupil == User.id)).where(GuardianLink.guardian == ours.id)
        .order_by(User.first_name, User.id)]
    assert data['enfants'][0]['inscriptions'][0]['classe'] == 'CP-CE1'
    assert [p['titre'] for p in data['articles']] == ['Mon été à Noël <b>']      # accents as they are
    assert 'Très bien « été »' in raw and '\\u00e9' not in raw
    assert os.stat(out / 'a.zip').st_mode & 0o077 == 0                       # no one else on the host reads it
    assert [c['texte'] for c in data['commentaires']] == ['Bravo <script>alert(1)</script> élève !']
    assert 'Français' in [t['matière'] for t in data['devoirs_faits']]
    for foreign in ('Secret de l’autre famille', 'Commentaire de l’autre parent', 'Géographie secrète',
                    other_child.login, theirs.login):
        assert foreign not in raw
    # the album page's rule: « Le toboggan » tags our child and theirs, whose consent is refused
    captions = sorted(p['légende'] for p in data['photos'])
    assert captions == ['Au parc']
    assert sorted(n for n in archive.namelist() if n.startswith('photos/')) == [f'photos/{scene.open.id:06d}.jpg']
    # the other side: the refused pupil's guardian sees the photo of their own child
    _archive, theirs_data = open_zip(export.write_zip(theirs, out / 'b.zip'))
    assert [p['légende'] for p in theirs_data['photos']] == ['Le toboggan']
    assert theirs_data['photos'][0]['enfants'] == [other_child.display_name]   # never our child's name
    assert 'Bravo' not in json.dumps(theirs_data, ensure_ascii=False)


def test_the_html_index_escapes_what_users_wrote(families, out):
    archive, _data = open_zip(export.write_zip(families[0], out / 'a.zip'))
    page = archive.read('index.html').decode('utf-8')
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page and '<script>' not in page
    assert 'Mon été à Noël &lt;b&gt;' in page
    assert 'http' not in page and '<link' not in page                        # no external asset


def test_a_killed_build_leaves_no_zip_offered(families, out, monkeypatch):
    ours = families[0]

    def dies(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(export, '_index_html', dies)
    with pytest.raises(KeyboardInterrupt):
        export.write_zip(ours, out / 'a.zip')
    assert list(out.iterdir()) == []


def held(monkeypatch):
    """export.launch replaced: the build waits in this list until the test runs it."""
    jobs = []
    monkeypatch.setattr(export, 'launch', jobs.append)
    return jobs


def test_the_zip_is_built_off_the_request_then_offered_to_its_owner_only(families, signed_in, scene, monkeypatch):
    ours, theirs = families[0], families[1]
    jobs = held(monkeypatch)
    client = signed_in(ours)
    assert 'Préparer l’export de vos données' in text(client.get('/compte'))
    response = send(client, '/compte/export')
    assert redirected_to(response) == '/compte'
    folder = export.exports_dir() / str(ours.id)
    assert not list(folder.glob('*.zip')) and len(jobs) == 1                 # the request returned first
    page = text(client.get('/compte'))
    assert 'Votre export est en préparation' in page and 'Télécharger les données' not in page
    jobs.pop()()
    zips = list(folder.glob('*.zip'))
    assert len(zips) == 1 and not list(folder.glob('.*'))
    page = client.get('/compte')
    assert 'Télécharger les données (zip)' in text(page)
    token = zips[0].name.split('-', 1)[1].removesuffix('.zip')
    download = client.get(f'/compte/export/{token}')
    assert download.headers['Content-Type'] == 'application/zip'
    assert open_zip(download.body)[1]['compte']['identifiant'] == ours.login
    assert signed_in(theirs).get(f'/compte/export/{token}', expect_errors=True).status_int == 404
    assert signed_in(scene.people['teacher']).get(f'/compte/export/{token}', expect_errors=True).status_int == 403
    # a second request within the hour: refused in French, nothing started
    again = send(client, '/compte/export')
    assert 'Vous avez déjà demandé un export il y a moins d’une heure' in text(client.get(redirected_to(again)))
    assert jobs == []
    events = AuditEvent.select().where((AuditEvent.action == 'privacy.export') & (AuditEvent.target == str(ours.id)))
    assert events.count() == 1
    # after 24 hours the zip is deleted and no longer offered
    old = time.time() - 25 * 3600
    os.utime(zips[0], (old, old))
    assert 'Télécharger les données' not in text(client.get('/compte'))
    assert not zips[0].exists()
    assert client.get(f'/compte/export/{token}', expect_errors=True).status_int == 404


def test_the_worker_thread_builds_the_zip(families, signed_in):
    ours = families[0]
    client = signed_in(ours)
    send(client, '/compte/export')
    folder = export.exports_dir() / str(ours.id)
    for _attempt in range(300):                     # polls: the thread's own pace, no timing asserted
        if list(folder.glob('*.zip')):
            break
        time.sleep(0.1)
    assert 'Télécharger les données (zip)' in text(client.get('/compte'))


def test_an_hour_later_a_new_export_may_be_asked(families, signed_in, monkeypatch):
    ours = families[0]
    jobs = held(monkeypatch)
    client = signed_in(ours)
    send(client, '/compte/export')
    AuditEvent.update(created_at=now() - timedelta(minutes=61)).where(AuditEvent.action == 'privacy.export').execute()
    send(client, '/compte/export')
    assert len(jobs) == 2


def test_the_director_produces_it_for_a_family_who_asks_on_paper(families, signed_in, scene, monkeypatch, demo):
    ours = families[0]
    jobs = held(monkeypatch)
    director = signed_in(demo.director)
    assert 'Exporter les données de la famille (RGPD)…' in text(director.get(f'/admin/comptes/{ours.id}'))
    send(director, f'/admin/comptes/{ours.id}/export')
    assert 'L’export est en préparation' in text(director.get(f'/admin/comptes/{ours.id}/export'))
    jobs.pop()()
    page = director.get(f'/admin/comptes/{ours.id}/export')
    link = page.html.find('a', string='Télécharger les données (zip)')['href']
    assert open_zip(director.get(link).body)[1]['compte']['identifiant'] == ours.login
    assert signed_in(ours).get(link, expect_errors=True).status_int == 403
    assert not (export.exports_dir() / str(ours.id)).exists()      # the family's own folder untouched
    assert 'Export des données d’une famille (RGPD)' in text(director.get('/admin/journal'))


def test_the_command_line_writes_the_same_content(families, run_cli, out):
    ours = families[0]
    _out, err = run_cli('privacy', 'export', ours.login, '--dest', str(out))
    written = out / export.download_name(ours)
    assert str(written) in err
    archive, data = open_zip(written)
    _again, expected = open_zip(export.write_zip(ours, out / 'web.zip'))
    data['export'].pop('créé_le'), expected['export'].pop('créé_le')
    assert data == expected and 'index.html' in archive.namelist()


def test_an_unknown_login_is_refused_and_nothing_written(demo, run_cli, out):
    _out, err = run_cli('privacy', 'export', 'personne.inconnue', '--dest', str(out), expect=1)
    assert 'aucun compte de parent n’a l’identifiant « personne.inconnue »' in err
    _out, err = run_cli('privacy', 'export', 'julien.roux', '--dest', str(out), expect=1)
    assert list(out.iterdir()) == []


def test_a_part_left_by_a_killed_process_is_never_offered_and_goes_once_stale(families, signed_in):
    ours = families[0]
    folder = export.exports_dir() / str(ours.id)
    folder.mkdir(parents=True)
    part = folder / f'.{ours.id}-{"cd" * 16}.zip.part'
    part.write_bytes(b'PK half a zip')
    client = signed_in(ours)
    page = text(client.get('/compte'))
    assert 'en préparation' in page and 'Télécharger les données' not in page
    assert client.get(f'/compte/export/{"cd" * 16}', expect_errors=True).status_int == 404
    old = time.time() - 2 * 3600
    os.utime(part, (old, old))
    page = text(client.get('/compte'))
    assert 'en préparation' not in page and 'Préparer l’export de vos données' in page
    assert not part.exists()


def test_the_hourly_job_deletes_the_zips_past_a_day_and_keeps_the_others(families, run_cli):
    ours = families[0]
    folder = export.exports_dir() / str(ours.id)
    folder.mkdir(parents=True)
    old, fresh = folder / f'{ours.id}-{"ab" * 16}.zip', folder / f'{ours.id}-{"cd" * 16}.zip'
    old.write_bytes(b'PK'), fresh.write_bytes(b'PK')
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    run_cli('jobs', 'run', 'privacy.exports')
    assert not old.exists() and fresh.exists()


def teacher_who_is_a_parent(scene):
    """julien.roux, who teaches CP-CE1, made the guardian of its pupil with consent too."""
    teacher = scene.people['teacher']
    User.update(roles='teacher,guardian').where(User.id == teacher.id).execute()
    GuardianLink.create(guardian=teacher, pupil=scene.pupils['granted'], relation='father')
    return User.get_by_id(teacher.id)


def thread(scene, subject, author, *others):
    talk = Thread.create(school=scene.classroom.school_id, subject=subject, created_by=author)
    ThreadMember.insert_many([{'thread': talk.id, 'user': u.id} for u in (author, *others)]).execute()
    Message.create(thread=talk, author=author, body=f'Texte de « {subject} »', send_at=now() - timedelta(hours=1))
    return talk


def test_a_teacher_who_is_a_parent_gets_the_familys_threads_not_another_familys_message_to_them(
        families, scene, out):
    ours, theirs = families[0], families[1]
    parent = teacher_who_is_a_parent(scene)
    thread(scene, 'Absence de Léo', theirs, parent)                     # another family writes to the teacher
    thread(scene, 'Réunion des parents', ours, parent)                  # the other parent of our child writes
    thread(scene, 'Sortie au musée', scene.people['other_teacher'], parent)   # a colleague, staff only
    _archive, data = open_zip(export.write_zip(parent, out / 'a.zip'))
    subjects = [t['sujet'] for t in data['conversations']]
    assert {'Réunion des parents', 'Sortie au musée'} <= set(subjects)
    assert 'Absence de Léo' not in json.dumps(data, ensure_ascii=False)
    # nor any thread of the demo with another family: every member kept is of the family or on the staff
    family = {parent.id, ours.id, scene.pupils['granted'].id}
    threads = list(Thread.select().join(ThreadMember).where(ThreadMember.user == parent.id))
    outsiders = [t for t in threads if any(m.user_id not in family and not m.user.has_role(
        'teacher', 'director', 'staff', 'admin') for m in t.members)]
    assert outsiders and len(subjects) == len(threads) - len(outsiders)
    # the ordinary family keeps its thread with the teacher
    _archive, ours_data = open_zip(export.write_zip(ours, out / 'b.zip'))
    assert [t['sujet'] for t in ours_data['conversations']] == ['Réunion des parents']
    _archive, theirs_data = open_zip(export.write_zip(theirs, out / 'c.zip'))
    assert [t['sujet'] for t in theirs_data['conversations']] == ['Absence de Léo']


def test_a_teacher_who_is_a_parent_gets_the_photos_a_family_sees_not_a_refused_pupils(families, scene, out):
    parent = teacher_who_is_a_parent(scene)
    archive, data = open_zip(export.write_zip(parent, out / 'a.zip'))
    assert [p['légende'] for p in data['photos']] == ['Au parc']        # « Le toboggan » tags the refused pupil
    assert [n for n in archive.namelist() if n.startswith('photos/')] == [f'photos/{scene.open.id:06d}.jpg']


def test_once_the_child_has_left_the_class_its_albums_are_no_longer_in_the_zip(families, scene, out):
    ours, _theirs, child, _other = families
    Enrolment.update(ended_on=date(2026, 11, 30)).where((Enrolment.pupil == child.id)
                                                        & (Enrolment.classroom == scene.classroom.id)).execute()
    archive, data = open_zip(export.write_zip(ours, out / 'a.zip'))
    assert data['photos'] == [] and not [n for n in archive.namelist() if n.startswith('photos/')]
    assert data['enfants'][0]['inscriptions'][0]['fin'] == '2026-11-30'     # the enrolment itself stays


def vanishing(monkeypatch):
    """os.scandir replaced: each file listed is removed right after the listing (a rename by the
    worker or another purge at the same moment)."""
    real = os.scandir

    def listing(path):
        entries = list(real(path))
        for entry in entries:
            if entry.is_file():
                os.unlink(entry.path)
        return iter(entries)
    monkeypatch.setattr(export.os, 'scandir', listing)


def test_a_file_gone_between_listing_and_reading_counts_as_gone(families, signed_in, monkeypatch):
    ours = families[0]
    folder = export.exports_dir() / str(ours.id)
    folder.mkdir(parents=True)
    old, fresh = folder / f'{ours.id}-{"ab" * 16}.zip', folder / f'.{ours.id}-{"cd" * 16}.zip.part'
    old.write_bytes(b'PK'), fresh.write_bytes(b'PK')
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    vanishing(monkeypatch)
    assert export.status(ours, ours)['state'] == 'none'
    old.write_bytes(b'PK'), os.utime(old, (day_ago, day_ago))
    assert export.purge() == 0                                          # deleted by someone else: not counted
    old.write_bytes(b'PK'), fresh.write_bytes(b'PK')
    assert signed_in(ours).get('/compte').status_int == 200
    assert not old.exists() and not fresh.exists()


def test_an_expired_zip_another_purge_deleted_first_is_skipped(families, monkeypatch):
    ours = families[0]
    folder = export.exports_dir() / str(ours.id)
    folder.mkdir(parents=True)
    old = folder / f'{ours.id}-{"ab" * 16}.zip'
    old.write_bytes(b'PK')
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    real_unlink = os.unlink

    def raced(path):
        real_unlink(path)
        raise FileNotFoundError(path)                # the other purge won: our unlink finds nothing
    monkeypatch.setattr(export.os, 'unlink', raced)
    assert export.purge() == 0
    assert export.status(ours, ours)['state'] == 'none'


def test_over_a_real_socket_the_zip_is_an_attachment_kept_out_of_every_cache(live_server):
    """Through waitress as `serve` runs it: the family's zip leaves as an attachment that no
    browser or proxy keeps (the family's data on a shared computer)."""
    browser = Browser(live_server).sign_in('aurelie.dubois')
    browser.form('/compte/export', token_from='/compte')
    for _look in range(300):                 # the worker thread builds it: look until it is offered
        link = re.search(r'href="(/compte/export/[0-9a-f]{32})"', browser.get('/compte')[1])
        if link:
            break
        time.sleep(0.1)
    link = link.group(1)
    with browser.open(link) as response:
        body = response.read()
        assert response.status == 200 and response.headers['Content-Type'] == 'application/zip'
        assert response.headers['Content-Disposition'].startswith('attachment; filename="')
        assert response.headers['Cache-Control'] == 'no-store'
    assert json.loads(zipfile.ZipFile(io.BytesIO(body)).read('data.json'))['compte']['identifiant'] == 'aurelie.dubois'
    assert Browser(live_server).sign_in('julien.roux').request(link)[0] == 403
