"""Applying plans to a real SQLite database built by the real migrations."""
import dataclasses
import shutil
from datetime import timedelta

import pytest

from ecole_ent.accounts import export
from ecole_ent.accounts import service as accounts
from ecole_ent.directory import aaf1d, apply, service
from ecole_ent.models import Classroom, Enrolment, GuardianLink, Teaching, User, now
from ecole_ent.models.directory import SyncLine, SyncRun

from .conftest import COMPLET, DELTA, ONDE, UAI, feed_file


@pytest.fixture
def school(database):
    return accounts.ensure_school(UAI, 'École des Mimosas')


def run(config, path=COMPLET, **kw):
    return service.sync_aaf1d([path], config, **kw)


def listing():
    return {row['login']: row for row in export.users(UAI)}


def user(external_id):
    return User.get((User.source == 'aaf1d') & (User.external_id == 'aaf1d:' + external_id))


def test_first_import_creates_accounts_classes_and_links(config, school):
    outcome = run(config)
    assert outcome.applied and outcome.run.status == 'applied'
    assert (outcome.run.created, outcome.run.unchanged) == (23, 0)
    rows = listing()
    assert rows['lea.martin-rousseau']['classes'] == ['CP-CE1 Mme Lefèvre-Dubois']
    assert (rows['lea.martin-rousseau']['external_id'], rows['lea.martin-rousseau']['source'],
            rows['lea.martin-rousseau']['status']) == ('aaf1d:3100001', 'aaf1d', 'active')
    assert rows['sophie.rousseau']['children'] == ['lea.martin-rousseau', 'noe.martin-rousseau']
    assert rows['sophie.rousseau']['status'] == 'pending'          # activation code to come
    assert rows['emilie.bernard']['children'] == ['lucas.bernard2']
    assert set(rows['olivier.ndiaye']['roles']) == {'teacher', 'director'}
    assert rows['nadia.benali']['roles'] == ['staff']
    classroom = Classroom.get(Classroom.external_id == 'aaf1d:CL10002')
    assert classroom.niveaux == 'CE2,CM1'
    assert SyncLine.select().where(SyncLine.run == outcome.run).count() == 23


def test_an_identical_second_run_changes_nothing(config, school):
    run(config)
    before = listing()
    again = run(config)
    assert again.to_json() | {'errors': []} == {
        'created': 0, 'updated': 0, 'moved': 0, 'deactivated': 0, 'reactivated': 0,
        'unchanged': 23, 'skipped': [], 'errors': []}
    assert listing() == before
    assert SyncLine.select().where(SyncLine.run == again.run).count() == 0


def test_dry_run_writes_nothing(config, school):
    counts = (User.select().count(), SyncRun.select().count(), Classroom.select().count())
    outcome = run(config, dry_run=True)
    assert outcome.plan.count('created') == 23 and not outcome.applied and outcome.run is None
    assert (User.select().count(), SyncRun.select().count(), Classroom.select().count()) == counts


def test_threshold_refusal_changes_nothing_and_force_applies(config, school, complet):
    run(config)
    path = feed_file(complet, 'Eleve')
    text = path.read_text('utf-8')
    kept = text.split('<addRequest>')
    path.write_text('<addRequest>'.join(kept[:3]) + '</ficAlimMENESR>\n', 'utf-8')  # 2 pupils left
    before = listing()
    refused = run(config, complet)
    assert not refused.applied and 'seuil' in refused.message
    assert refused.run.status == 'refused' and refused.run.deactivated > 5
    assert listing() == before
    forced = run(config, complet, force=True)
    assert forced.applied and forced.run.forced
    assert listing()['lucas.bernard']['status'] == 'disabled'


def test_unknown_school_is_refused_and_nothing_is_created(config, database):
    accounts.ensure_school('0069999Z', 'Autre école')
    outcome = run(config, school=UAI)
    assert not outcome.applied and 'École inconnue' in outcome.message
    assert User.select().where(User.source == 'aaf1d').count() == 0


def test_truncated_feed_fails_without_touching_anything(config, school, complet):
    run(config)
    before = listing()
    path = feed_file(complet, 'PersRelEleve')
    path.write_bytes(path.read_bytes()[:3000])
    outcome = run(config, complet)
    assert outcome.run.status == 'failed' and 'tronqué' in outcome.run.message
    assert outcome.to_json()['errors'] == [outcome.message]
    assert listing() == before
    assert SyncRun.last_failure(school) == outcome.run


def test_delta_moves_deactivates_and_keeps_a_re_added_account(config, school):
    run(config)
    mael = user("3100007")      # its password must survive the delete + re-add
    User.update(password_hash='kept-hash', status='active').where(User.id == mael.id).execute()
    outcome = run(config, DELTA)
    assert outcome.applied and outcome.run.kind == 'delta'
    assert (outcome.run.created, outcome.run.moved, outcome.run.deactivated) == (1, 1, 2)
    again = user('3100007')
    assert (again.id, again.login, again.password_hash, again.status) == (
        mael.id, 'mael.celik', 'kept-hash', 'active')
    lucas = user('3100004')
    current = Enrolment.current().where(Enrolment.pupil == lucas)
    assert [e.classroom.external_id for e in current] == ['aaf1d:CL10002']
    ended = Enrolment.select().where((Enrolment.pupil == lucas) & Enrolment.ended_on.is_null(False))
    assert [e.classroom.external_id for e in ended] == ['aaf1d:CL10001']
    assert (user('3100003').status, user('3200003').status) == ('disabled', 'disabled')
    assert listing()['julie.bernard']['children'] == ['lucas.bernard', 'yanis.bernard']


def test_people_come_back_and_are_purged_only_after_the_grace_period(config, school, complet):
    run(config)
    chloe_id = user('3100003').id
    original = feed_file(complet, 'Eleve').read_text('utf-8')
    without = original.replace('<id>3100003</id>', '<id>3100003</id>', 1)
    start = without.index('<addRequest>', without.index('3100002'))
    end = without.index('</addRequest>', start) + len('</addRequest>')
    feed_file(complet, 'Eleve').write_text(without[:start] + without[end:], 'utf-8')
    assert run(config, complet).run.deactivated == 2
    assert user('3100003').disabled_at is not None
    feed_file(complet, 'Eleve').write_text(original, 'utf-8')
    back = run(config, complet)
    assert back.run.reactivated == 2 and user('3100003').id == chloe_id
    assert user('3100003').status == 'active' and user('3200003').status == 'pending'
    feed_file(complet, 'Eleve').write_text(without[:start] + without[end:], 'utf-8')
    run(config, complet)
    User.update(disabled_at=now() - timedelta(days=91)).where(User.id == chloe_id).execute()
    purged = run(config, complet)
    assert purged.run.purged == 1
    erased = User.get_by_id(chloe_id)          # erased (privacy/erase.py), her blog posts kept under this name
    assert (erased.display_name, erased.external_id, erased.status) == ('Ancien élève', None, 'disabled')
    assert not User.select().where(User.login == 'chloe.dalmeida').exists()
    line = SyncLine.get((SyncLine.run == purged.run) & (SyncLine.action == 'purged'))
    assert (line.name, line.login, line.user_id) == ('Ancien élève', '', chloe_id)
    assert not SyncLine.select().where(SyncLine.login == 'chloe.dalmeida').exists()


def test_local_accounts_and_manual_teaching_survive_imports(config, school):
    local = accounts.create_user('lucas.bernard', 'Lucas', 'Bernard', ['teacher'], school=school)
    run(config)
    assert user('3100004').login == 'lucas.bernard2'
    assert user('3100005').login == 'lucas.bernard3'
    claire = user('3300001')
    classroom = Classroom.get(Classroom.external_id == 'aaf1d:CL10001')
    Teaching.create(teacher=claire, classroom=classroom)                 # set by the director
    Teaching.create(teacher=local, classroom=classroom)
    run(config)
    assert Teaching.select().where(Teaching.classroom == classroom).count() == 2
    local = User.get_by_id(local.id)
    assert (local.source, local.status, local.login) == ('local', 'active', 'lucas.bernard')


def test_onde_import_sets_consent_and_a_re_import_changes_nothing(config, school):
    files = [ONDE / 'CSVExtraction-eleves.csv', ONDE / 'CSVExtraction-responsables.csv',
             ONDE / 'CSVExtraction-enseignants.csv']
    first = service.sync_onde(*files, config)
    assert first.applied and first.run.created == 22
    rows = listing()
    assert (rows['lea.martin-rousseau']['image_rights'], rows['chloe.dalmeida']['image_rights']) \
        == ('granted', 'refused')
    assert rows['hugo.perrin']['classes'] == ["CE1-CE2-CM1 M. N'Diaye", 'CP-CE1 Mme Lefèvre-Dubois']
    again = service.sync_onde(*files, config)
    assert again.applied and again.run.unchanged == 22 and again.run.created == 0
    assert listing() == rows


def test_guardian_link_owned_by_another_source_is_kept(config, school):
    run(config)
    extra = accounts.create_user('tata.martin', 'Tata', 'Martin', ['guardian'], school=school)
    GuardianLink.create(guardian=extra, pupil=user('3100001'), relation='tante')
    run(config)
    assert GuardianLink.select().where(GuardianLink.pupil == user('3100001')).count() == 3


def test_the_inbox_imports_sets_in_order_and_moves_them_to_done(config, school):
    inbox = service.inbox(config)
    inbox.mkdir(parents=True)
    for folder in (COMPLET, DELTA):
        for path in folder.glob('*.xml'):
            shutil.copy(path, inbox / path.name)
    outcomes = service.sync_inbox(config)
    assert [o.run.kind for o in outcomes] == ['complete', 'delta']
    assert not list(inbox.glob('*.xml')) and len(list((inbox / 'done').glob('*.xml'))) == 5


def test_plan_snapshot_reads_back_what_apply_stored(config, school):
    run(config)
    snapshot = apply.current_state('aaf1d', UAI)
    assert len(snapshot.accounts) == 23
    feed = aaf1d.read_paths(COMPLET)
    stored = {a.external_id: a.person for a in snapshot.accounts}
    assert stored['aaf1d:3100001'] == dataclasses.replace(
        [p for p in feed.people if p.external_id == 'aaf1d:3100001'][0])


def test_an_account_disabled_by_the_director_is_neither_revived_nor_purged(config, school):
    run(config)
    lea = user('3100001')
    User.update(status='disabled', disabled_at=now() - timedelta(days=200)).where(
        User.id == lea.id).execute()
    again = run(config)
    assert again.run.reactivated == 0 and again.run.purged == 0
    assert user('3100001').status == 'disabled'
