"""The retention rules applied with the feature's clock stopped (tests/privacy/conftest.py): the
leavers' rule on both sides of its 90 days, each other rule deleting what is due and nothing else,
a second run finding nothing, a dry run changing nothing, on the demo school's real database."""
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.errors import ValidationError
from ecole_ent.models import (
    Album,
    AuditEvent,
    Classroom,
    Enrolment,
    GuardianLink,
    Homework,
    HomeworkDone,
    LoginSession,
    Message,
    Note,
    PasswordReset,
    Photo,
    PhotoTag,
    Post,
    SchoolYear,
    Thread,
    ThreadMember,
    Throttle,
    User,
)
from ecole_ent.models.privacy import ArchiveDeadline, ConsentChange, ErasedAccount
from ecole_ent.privacy import erase, retention, service
from tests.privacy.conftest import NOW, disable, row_counts

ZERO = {'leavers': 0, 'liaison': 0, 'homework': 0, 'connections': 0, 'audit': 0, 'photos': 0}


def traces(pupil):
    """What the erasure must remove around the pupil: a session, a reset link, a photo tag, a consent
    change; and a blog post she wrote, which stays."""
    accounts.open_session(pupil)
    PasswordReset.create(user=pupil, token_hash='f' * 64, expires_at=NOW + timedelta(hours=1))
    photo = Photo.select().first()
    if not PhotoTag.select().where((PhotoTag.pupil == pupil.id) & (PhotoTag.photo == photo.id)).exists():
        PhotoTag.create(photo=photo, pupil=pupil)
    ConsentChange.create(pupil=pupil, image_rights='granted', source='director', at=NOW - timedelta(days=200))
    classroom = Enrolment.get(Enrolment.pupil == pupil.id).classroom
    return Post.create(classroom=classroom, author=pupil, title='Mon dessin du loup', status='published',
                       body_source='Un loup.', body_html='<p>Un loup.</p>')


def test_a_leaver_disabled_89_days_ago_is_kept_and_91_days_ago_erased(people):
    pupil = people.pupil
    post = traces(pupil)
    assert GuardianLink.select().where(GuardianLink.pupil == pupil.id).exists()
    disable(pupil, 89)
    assert retention.run() == ZERO
    kept = User.get_by_id(pupil.id)
    assert (kept.login, kept.first_name) == ('zoe.dubois', 'Zoé') and LoginSession.select().where(
        LoginSession.user == pupil.id).count() == 1
    disable(pupil, 91)
    assert retention.run() == ZERO | {'leavers': 1}
    gone = User.get_by_id(pupil.id)
    assert (gone.first_name, gone.last_name, gone.display_name) == ('Ancien', 'élève', 'Ancien élève')
    assert gone.login == f'efface-{pupil.id}' and gone.email is None and gone.external_id is None
    assert gone.password_hash is None and gone.status == 'disabled'
    for model, column in ((LoginSession, LoginSession.user), (PasswordReset, PasswordReset.user),
                          (GuardianLink, GuardianLink.pupil), (Enrolment, Enrolment.pupil),
                          (PhotoTag, PhotoTag.pupil), (ConsentChange, ConsentChange.pupil)):
        assert not model.select().where(column == pupil.id).exists(), model.__name__
    assert Post.get_by_id(post.id).author_id == pupil.id            # kept, under « Ancien élève »
    assert ErasedAccount.get(ErasedAccount.user == pupil.id).reason == 'retention'
    assert User.get(User.login == 'aurelie.dubois').status == 'active'    # her guardian is not touched
    event = AuditEvent.get(AuditEvent.action == 'account.erased')
    assert event.target == gone.login and event.actor_id is None
    assert AuditEvent.get(AuditEvent.action == 'privacy.retention.leavers').target == 'leavers'
    assert retention.run() == ZERO                                   # idempotent: erased once
    assert AuditEvent.select().where(AuditEvent.action == 'privacy.retention').count() == 3


def test_the_director_may_choose_to_delete_the_contributions(people):
    post = traces(people.pupil)
    erase.erase_account(people.director, people.pupil, keep_contributions=False)
    assert not Post.select().where(Post.id == post.id).exists()
    assert ErasedAccount.get(ErasedAccount.user == people.pupil.id).contributions == 'deleted'


def test_erasing_the_last_admin_is_refused_and_changes_nothing(people):
    before = row_counts()
    admin = User.get_by_id(people.admin.id)
    with pytest.raises(ValidationError) as refused:
        erase.erase_account(None, admin)
    assert 'dernier compte administrateur' in refused.value.errors['form']
    assert row_counts() == before and User.get_by_id(admin.id).login == 'admin'
    disable(admin, 120)                      # the job passes over it, and says so in the log
    assert retention.run(dry_run=True) == ZERO                       # the dry run counts the same
    assert retention.run() == ZERO and User.get_by_id(admin.id).login == 'admin'
    second = accounts.create_user('admin2', 'Second', 'Admin', ['admin'])   # another admin now active
    assert retention.run(dry_run=True) == ZERO | {'leavers': 1}
    assert retention.run() == ZERO | {'leavers': 1} and User.get_by_id(admin.id).login == f'efface-{admin.id}'
    assert User.get_by_id(second.id).status == 'active'


def _thread(school, sent_at, author):
    thread = Thread.create(school=school, subject='Cantine', created_by=author, last_message_at=sent_at)
    ThreadMember.create(thread=thread, user=author)
    return Message.create(thread=thread, author=author, body='Bonjour', send_at=sent_at)


def _log(folder, name, moment):
    path = folder / name
    path.write_text('ligne\n', 'utf-8')
    stamp = (moment - datetime(1970, 1, 1)).total_seconds()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def due_and_kept(people, config):
    """For each rule, an item just past its limit (due) and one just inside (kept), at NOW = Friday
    4 December 2026: the cahier de liaison and homework keep what is from 1 September 2025 on."""
    school, author = people.director.school, people.teacher
    classroom = Enrolment.get(Enrolment.pupil == people.pupil.id).classroom
    items = {}
    old, recent = datetime(2025, 8, 31, 18), datetime(2025, 9, 1, 7)
    items['message'] = (_thread(school, old, author), _thread(school, recent, author))
    items['note'] = tuple(Note.create(school=school, classroom=classroom, author=author, kind='info', title='Mot',
                                      send_at=moment) for moment in (old, recent))
    items['homework'] = tuple(Homework.create(classroom=classroom, author=author, subject='Lecture', given_on=day,
                                              due_on=day) for day in (date(2025, 8, 31), date(2025, 9, 1)))
    HomeworkDone.create(homework=items['homework'][0], pupil=people.pupil)
    year_limit = NOW - timedelta(days=365)
    around = ((1, year_limit - timedelta(hours=1)), (2, year_limit + timedelta(hours=1)))
    items['session'] = tuple(LoginSession.create(token_hash=f'{n}' * 64, user=author, expires_at=moment,
                                                 last_seen_at=moment) for n, moment in around)
    items['throttle'] = tuple(Throttle.create(key=f'addr:192.0.2.{n}', failures=3, updated_at=moment)
                              for n, moment in around)
    logs = Path(config.path('logs'))
    logs.mkdir(parents=True, exist_ok=True)
    # a rotated file holds one month (access_log.RotatingFileHandler): it goes once its month began
    # before the limit (4 December 2025), even when last written after it
    # a live file quiet for more than the rule is emptied, not deleted (a process may hold it open)
    items['log'] = (_log(logs, 'access.log.3', year_limit + timedelta(days=1)),
                    _log(logs, 'access.log.1', datetime(2026, 1, 1, 0, 30)),
                    _log(logs, 'ecole-ent.log', year_limit - timedelta(days=30)),
                    _log(logs, 'access.log', datetime(2026, 1, 1, 0, 30)))
    items['audit'] = tuple(AuditEvent.create(action='test.event', target=name, created_at=moment)
                           for name, moment in (('old', year_limit - timedelta(hours=1)),
                                                ('recent', year_limit + timedelta(hours=1))))
    photos = []
    for label, deadline in (('2024-2025', None), ('2025-2026', None), ('2023-2024', date(2026, 12, 31))):
        year = SchoolYear.create(school=school, label=label, current=False)
        if deadline:
            ArchiveDeadline.create(year=year, photos_until=deadline, set_by=people.director)
        room = Classroom.create(school=school, year=year, name=f'CP {label}', niveaux='CP', archived=True)
        album = Album.create(classroom=room, title=f'Sortie {label}')
        photos.append(Photo.create(album=album, full=f'{label}full', display=f'{label}disp', thumb=f'{label}thumb',
                                   width=10, height=10, source_sha256='0' * 64))
        PhotoTag.create(photo=photos[-1], pupil=people.pupil)
    items['photo'] = tuple(photos)
    return items


def test_each_rule_deletes_what_is_due_and_nothing_else(due_and_kept):
    items = due_and_kept
    before = row_counts()
    counts = retention.run()
    assert counts == ZERO | {'liaison': 2, 'homework': 1, 'connections': 4, 'audit': 1, 'photos': 1}
    old_message, recent_message = items['message']
    assert not Message.select().where(Message.id == old_message.id).exists()
    assert not Thread.select().where(Thread.id == old_message.thread_id).exists()
    assert Message.select().where(Message.id == recent_message.id).exists()
    for name, model in (('note', Note), ('homework', Homework), ('audit', AuditEvent)):
        due, kept = items[name]
        assert not model.select().where(model.id == due.id).exists(), name
        assert model.select().where(model.id == kept.id).exists(), name
    assert [s.token_hash[0] for s in LoginSession.select().where(LoginSession.token_hash.in_(
        [s.token_hash for s in items['session']]))] == ['2']
    assert [t.key for t in Throttle.select().where(Throttle.key.startswith('addr:192.0.2.'))] == ['addr:192.0.2.2']
    assert [p.exists() for p in items['log']] == [False, True, True, True]
    assert [p.stat().st_size for p in items['log'][1:]] == [len('ligne\n'), 0, len('ligne\n')]
    due_photo, kept_photo, chosen_photo = items['photo']
    assert not Photo.select().where(Photo.id == due_photo.id).exists()
    assert not Album.select().where(Album.id == due_photo.album_id).exists()
    assert Photo.select().where(Photo.id.in_([kept_photo.id, chosen_photo.id])).count() == 2
    after = row_counts()
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {'message', 'thread', 'thread_member', 'note', 'homework', 'homework_done', 'login_session',
                       'throttle', 'audit_event', 'photo', 'photo_tag', 'album'}
    assert retention.run() == ZERO                                   # idempotent


def test_a_dry_run_counts_the_same_and_changes_nothing(due_and_kept, people):
    disable(people.pupil, 100)
    before = row_counts()
    logs = sorted(os.listdir(os.path.dirname(due_and_kept['log'][0])))
    counted = retention.run(dry_run=True)
    assert counted == ZERO | {'leavers': 1, 'liaison': 2, 'homework': 1, 'connections': 4, 'audit': 1, 'photos': 1}
    assert row_counts() == before and sorted(os.listdir(os.path.dirname(due_and_kept['log'][0]))) == logs
    assert User.get_by_id(people.pupil.id).login == 'zoe.dubois'
    assert retention.run() == counted


def test_the_rules_follow_the_configuration_and_as_of(people, set_option):
    disable(people.pupil, 40)
    assert retention.run(dry_run=True)['leavers'] == 0
    set_option('privacy.leavers_days', 30)
    assert retention.run(dry_run=True)['leavers'] == 1
    assert retention.run(date(2026, 11, 1), dry_run=True)['leavers'] == 0     # as on 1 November: 7 days
    assert service.school_years_ago(NOW, 1) == datetime(2025, 9, 1)
    assert retention.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
