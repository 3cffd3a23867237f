"""A family's data export: what the zip holds (their children's data, nothing of another family of
the same class, the photos by the album page's consent rule, on both sides), built off the request,
once an hour, downloaded by its owner only; the director's copy for a family who asks on paper; the
command line writes the same content."""
import io
import json
import os
import time
import zipfile
from datetime import date, timedelta

import pytest

from ecole_ent.models import AuditEvent, Comment, GuardianLink, Homework, HomeworkDone, Post, User, now
from ecole_ent.privacy import export
from tests.blog.conftest import send, text
from tests.conftest import redirected_to


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
