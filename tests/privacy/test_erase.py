"""Erasure outside the daily job: the directory sync meeting an erased pupil, and the command line
(a malformed date, a dry run)."""
import json
import shutil
from datetime import date, timedelta

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.directory import service as directory
from ecole_ent.errors import ValidationError
from ecole_ent.models import (
    AuditEvent,
    Enrolment,
    GuardianLink,
    Message,
    MessageReceipt,
    Note,
    NoteReceipt,
    PhotoTag,
    SchoolYear,
    Thread,
    Throttle,
    User,
)
from ecole_ent.models.directory import SyncLine
from ecole_ent.models.privacy import ErasedAccount
from ecole_ent.photos import service as photos
from ecole_ent.privacy import consent, deadlines, erase, retention, service
from tests.directory.conftest import COMPLET, UAI, feed_file
from tests.privacy.conftest import NOW, disable, row_counts


def test_an_erased_pupil_in_the_next_directory_sync_is_reported_not_recreated(config, database):
    accounts.ensure_school(UAI, 'École des Mimosas')
    assert directory.sync_aaf1d([COMPLET], config).applied
    lea = User.get(User.external_id == 'aaf1d:3100001')
    assert lea.login == 'lea.martin-rousseau'
    erase.erase_account(None, lea)
    assert SyncLine.select().where(SyncLine.login == 'lea.martin-rousseau').count() == 0
    users = User.select().count()
    outcome = directory.sync_aaf1d([COMPLET], config)
    assert outcome.applied
    report = outcome.to_json()
    assert report['created'] == 0
    skipped = {line['external_id']: line['reason'] for line in report['skipped']}
    assert 'compte effacé le' in skipped['aaf1d:3100001'] and 'non recréé' in skipped['aaf1d:3100001']
    assert User.select().count() == users
    assert not User.select().where(User.login.startswith('lea.martin-rousseau')).exists()
    assert User.get_by_id(lea.id).display_name == 'Ancien élève'
    assert not GuardianLink.select().where(GuardianLink.pupil == lea.id).exists()
    assert outcome.run.skipped == 1 and outcome.run.created == 0
    line = SyncLine.get((SyncLine.run == outcome.run) & (SyncLine.external_id == 'aaf1d:3100001'))
    assert line.action == 'skipped' and 'effacé' in line.detail and line.name == 'Léa MARTIN-ROUSSEAU'   # the feed's
    assert ErasedAccount.get(ErasedAccount.user == lea.id).external_id == 'aaf1d:3100001'


def test_retention_with_a_malformed_date_is_a_french_error_and_changes_nothing(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    before = row_counts()
    for bad in ('2027-02-30', '01/03/2027', 'demain'):
        out, err = run_cli('privacy', 'retention', '--as-of', bad, '--json', expect=2)
        assert out == '' and 'AAAA-MM-JJ' in err and 'Rien n’a été effacé' in err and bad in err
    assert row_counts() == before


def test_retention_from_the_command_line_dry_run_then_for_real(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    before = row_counts()
    out, _err = run_cli('privacy', 'retention', '--dry-run', '--as-of', '2026-12-04', '--json')
    assert json.loads(out) == {'leavers': 1, 'liaison': 0, 'homework': 0, 'connections': 0, 'audit': 0,
                               'photos': 0}
    assert row_counts() == before
    _out, err = run_cli('privacy', 'retention', '--as-of', '2026-12-04')
    assert 'Comptes qui ne sont plus attendus : 1 élément effacé' in err
    assert not User.select().where(User.login == 'zoe.dubois').exists()
    out, _err = run_cli('privacy', 'retention', '--as-of', '2026-12-04', '--json')
    assert json.loads(out)['leavers'] == 0


def test_the_director_sets_until_when_a_closed_years_photos_are_kept(people):
    closed = SchoolYear.create(school=people.director.school, label='2024-2025', current=False)
    assert deadlines.photos_until(closed) == date(2026, 8, 31)          # the default: 12 months
    for bad, message in (('31/08/2027', 'AAAA-MM-JJ'), ('2026-01-01', 'à venir')):
        with pytest.raises(ValidationError, match=message):
            deadlines.set_photos_until(people.director, closed.id, bad)
    with pytest.raises(ValidationError, match='pas close'):
        deadlines.set_photos_until(people.director, people.director.school.current_year().id, '2027-08-31')
    assert deadlines.set_photos_until(people.director, closed.id, '2027-08-31') == date(2027, 8, 31)
    assert deadlines.photos_until(closed) == date(2027, 8, 31)
    consent.record_change(people.pupil, 'refused', 'onde')
    consent.record_change(people.pupil, 'granted', 'director', actor=people.director)
    assert [(c.image_rights, c.source) for c in consent.history(people.pupil)] == [
        ('granted', 'director'), ('refused', 'onde')]


def _without_chloe(tmp_path):
    """A copy of the sample Complet set with the pupil 3100003 (Chloé) dropped, as tests/directory does."""
    folder = tmp_path / 'complet'
    shutil.copytree(COMPLET, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    pupils = feed_file(folder, 'Eleve')
    text = pupils.read_text('utf-8')
    start = text.index('<addRequest>', text.index('3100002'))
    end = text.index('</addRequest>', start) + len('</addRequest>')
    pupils.write_text(text[:start] + text[end:], 'utf-8')
    return folder


def test_a_leaver_the_directory_dropped_erased_by_the_retention_rule_who_comes_back_gets_a_new_account(
        config, database, tmp_path):
    accounts.ensure_school(UAI, 'École des Mimosas')
    directory.sync_aaf1d([COMPLET], config)
    chloe = User.get(User.external_id == 'aaf1d:3100003')
    assert directory.sync_aaf1d(_without_chloe(tmp_path), config).run.deactivated == 2
    User.update(disabled_at=User.get_by_id(chloe.id).disabled_at - timedelta(days=100)).where(
        User.id == chloe.id).execute()
    assert retention.run()['leavers'] >= 1
    assert ErasedAccount.get(ErasedAccount.user == chloe.id).external_id is None      # nothing kept to match
    outcome = directory.sync_aaf1d([COMPLET], config)
    assert outcome.to_json()['skipped'] == []
    back = User.get(User.external_id == 'aaf1d:3100003')
    assert back.id != chloe.id and back.login == 'chloe.dalmeida' and back.status == 'active'
    assert User.get_by_id(chloe.id).display_name == 'Ancien élève'


def test_a_leaver_disabled_by_hand_but_still_in_the_directory_is_not_recreated_after_the_retention_rule(
        config, database):
    accounts.ensure_school(UAI, 'École des Mimosas')
    directory.sync_aaf1d([COMPLET], config)
    lea = User.get(User.external_id == 'aaf1d:3100001')
    User.update(status='disabled', disabled_at=service.clock() - timedelta(days=91)).where(
        User.id == lea.id).execute()                       # by the director, the feed still lists her
    assert retention.run()['leavers'] == 1
    assert ErasedAccount.get(ErasedAccount.user == lea.id).external_id == 'aaf1d:3100001'
    users = User.select().count()
    outcome = directory.sync_aaf1d([COMPLET], config)
    report = outcome.to_json()
    assert report['created'] == 0 and [line['external_id'] for line in report['skipped']] == ['aaf1d:3100001']
    assert User.select().count() == users
    assert not User.select().where(User.login == 'lea.martin-rousseau').exists()


def test_the_daily_job_is_on_the_scheduler_and_runs_the_rules(demo, run_cli):
    disable(User.get(User.login == 'zoe.dubois'), 200)
    run_cli('jobs', 'run', 'privacy.retention')
    assert not User.select().where(User.login == 'zoe.dubois').exists()
    assert ErasedAccount.select().count() == 1


def test_erasing_a_pupil_without_image_rights_keeps_the_photo_hidden_from_other_families(scene):
    refused, granted = scene.pupils['refused'], scene.pupils['granted']
    other_family = scene.people['guardian']                  # guardian of the granted pupil only
    assert scene.refused.id not in [p.id for p in photos.visible_photos(other_family, scene.album)]
    shown = erase.erasure_page(scene.people['director'], refused.id)
    assert shown['tags_kept'] and shown['tags'] == PhotoTag.select().where(PhotoTag.pupil == refused.id).count() > 0
    assert not erase.erasure_page(scene.people['director'], granted.id)['tags_kept']
    erase.erase_account(scene.people['director'], refused, reason='request')
    assert scene.refused.id not in [p.id for p in photos.visible_photos(other_family, scene.album)]
    assert not photos.safe_for_everyone(scene.refused)
    gone = User.get_by_id(refused.id)
    assert (gone.display_name, gone.image_rights) == ('Ancien élève', 'refused')
    assert set(photos.tagged_pupil_ids(scene.refused)) == {granted.id, refused.id}   # the tag on « Ancien élève »
    assert not User.select().where((User.first_name == refused.first_name) & (User.last_name == refused.last_name)
                                   ).exists()
    erase.erase_account(scene.people['director'], granted, reason='request')       # consent given: tags go
    assert not PhotoTag.select().where(PhotoTag.pupil == granted.id).exists()
    assert scene.refused.id not in [p.id for p in photos.visible_photos(other_family, scene.album)]


def test_a_retention_run_as_of_a_day_to_come_is_refused_unless_dry_run(people, run_cli):
    disable(people.pupil, 30)                   # due only 60 days from now
    before = row_counts()
    tomorrow = (NOW + timedelta(days=61)).date().isoformat()
    out, err = run_cli('privacy', 'retention', '--as-of', tomorrow, '--json', expect=2)
    assert out == '' and 'à venir' in err and 'Rien n’a été effacé' in err
    assert row_counts() == before
    with pytest.raises(ValidationError):
        retention.run(NOW.date() + timedelta(days=61))
    assert row_counts() == before
    out, _err = run_cli('privacy', 'retention', '--dry-run', '--as-of', tomorrow, '--json')
    assert json.loads(out)['leavers'] == 1 and row_counts() == before
    assert retention.run(NOW.date())['leavers'] == 0                 # today: allowed


def test_erasure_removes_receipts_reset_throttles_and_renames_the_audit_target(people):
    guardian, pupil, teacher = people.guardian, people.pupil, people.teacher
    User.update(email='aurelie@example.org').where(User.id == guardian.id).execute()
    guardian = User.get_by_id(guardian.id)
    classroom = Enrolment.get(Enrolment.pupil == pupil.id).classroom
    note = Note.create(school=classroom.school, classroom=classroom, author=teacher, kind='info', title='Sortie',
                       send_at=NOW)
    signed = NoteReceipt.create(note=note, pupil=pupil, guardian=guardian, signed_at=NOW, channel='web',
                                comment='Zoé a son asthme, prévoir la Ventoline')
    thread = Thread.create(school=classroom.school, subject='Cantine', created_by=teacher, last_message_at=NOW)
    message = Message.create(thread=thread, author=teacher, body='Bonjour', send_at=NOW)
    MessageReceipt.create(message=message, user=guardian, read_at=NOW)
    for key in ('reset:aurelie.dubois', 'reset:aurelie@example.org', 'reset:someone.else'):
        Throttle.create(key=key, failures=2, updated_at=NOW)
    event = AuditEvent.create(action='password.reset_link_sent', target='aurelie.dubois', created_at=NOW)
    erase.erase_account(people.director, guardian, reason='request')
    assert NoteReceipt.get_by_id(signed.id).comment == ''            # the signature stays, not the words
    assert not MessageReceipt.select().where(MessageReceipt.user == guardian.id).exists()
    assert [t.key for t in Throttle.select().where(Throttle.key.startswith('reset:'))] == ['reset:someone.else']
    assert AuditEvent.get_by_id(event.id).target == f'efface-{guardian.id}'
    assert not AuditEvent.select().where(AuditEvent.target == 'aurelie.dubois').exists()
    erase.erase_account(people.director, pupil, reason='request')
    assert not NoteReceipt.select().where(NoteReceipt.pupil == pupil.id).exists()     # the notes about her
