"""plan_changes is pure: feeds and plain snapshots in, a plan out, no database."""
import dataclasses

import pytest

from ecole_ent.directory import aaf1d, onde
from ecole_ent.directory.plan import Options, plan_changes
from ecole_ent.directory.records import Account, Feed, Request, Snapshot

from .conftest import COMPLET, DELTA, ONDE, STRUCTURES, UAI, empty_snapshot, snapshot_from

OPTIONS = Options(UAI)


@pytest.fixture(scope='module')
def complet_feed():
    return aaf1d.read_paths(COMPLET)


@pytest.fixture(scope='module')
def first(complet_feed):
    return plan_changes(complet_feed, empty_snapshot('admin'), OPTIONS)


@pytest.fixture(scope='module')
def imported(first):
    return snapshot_from(first)


def without(feed, *ids):
    return dataclasses.replace(feed, people=[p for p in feed.people
                                             if p.external_id.split(':')[1] not in ids])


def change(plan, external_id):
    (found,) = [c for c in plan.changes if c.external_id == 'aaf1d:' + external_id]
    return found


def test_first_import_creates_everyone_and_both_classes(first):
    assert first.to_json() == {
        'created': 23, 'updated': 0, 'moved': 0, 'deactivated': 0, 'reactivated': 0,
        'unchanged': 0, 'skipped': [], 'errors': [first.errors[0]]}
    assert '610099' in first.errors[0]
    assert [(c.action, c.external_id) for c in first.classes] == [
        ('created', 'aaf1d:CL10001'), ('created', 'aaf1d:CL10002')]
    assert not first.refused


def test_homonyms_and_ligatures_get_deterministic_logins(first):
    assert change(first, '3100004').login == 'lucas.bernard'      # lower external id first
    assert change(first, '3100005').login == 'lucas.bernard2'
    assert change(first, '3200008').login == 'laetitia.legoff'
    assert change(first, '3100001').login == 'lea.martin-rousseau'
    assert change(first, '3300002').login == 'olivier.ndiaye'


def test_logins_taken_by_other_accounts_are_skipped(complet_feed):
    plan = plan_changes(complet_feed, empty_snapshot('lucas.bernard'), OPTIONS)
    assert (change(plan, '3100004').login, change(plan, '3100005').login) == (
        'lucas.bernard2', 'lucas.bernard3')


def test_an_unchanged_snapshot_plans_nothing(complet_feed, imported):
    plan = plan_changes(complet_feed, imported, OPTIONS)
    assert plan.count('unchanged') == 23 and not plan.has_changes
    assert plan.classes == []


def test_a_name_change_updates_but_never_changes_the_login(complet_feed, imported):
    feed = dataclasses.replace(complet_feed, people=[
        dataclasses.replace(p, last_name='ROUSSEAU') if p.external_id == 'aaf1d:3100001' else p
        for p in complet_feed.people])
    lea = change(plan_changes(feed, imported, OPTIONS), '3100001')
    assert (lea.action, lea.fields, lea.login) == ('updated', ('last_name',), 'lea.martin-rousseau')


def test_a_pupil_leaving_deactivates_their_only_guardian_not_a_shared_one(complet_feed, imported):
    plan = plan_changes(without(complet_feed, '3100001', '3100003'), imported, OPTIONS)
    assert {c.external_id for c in plan.by_action('deactivated')} == {
        'aaf1d:3100001', 'aaf1d:3100003', 'aaf1d:3200003'}
    assert 'enfant' in change(plan, '3200003').reason
    # Sophie and Karim keep Noé, so they keep their accounts; Noé's links are unchanged.
    assert change(plan, '3200001').action == 'unchanged'
    assert change(plan, '3100002').action == 'unchanged'


def test_people_who_come_back_are_reactivated_with_their_login(complet_feed, imported):
    gone = plan_changes(without(complet_feed, '3100003'), imported, OPTIONS)
    after = snapshot_from(gone, imported)
    back = plan_changes(complet_feed, after, OPTIONS)
    assert {c.external_id: c.login for c in back.by_action('reactivated')} == {
        'aaf1d:3100003': 'chloe.dalmeida', 'aaf1d:3200003': 'ines.dalmeida'}
    assert back.count('created') == 0


def test_an_account_disabled_by_hand_stays_disabled(complet_feed, imported):
    accounts = [dataclasses.replace(a, status='disabled') if a.external_id == 'aaf1d:3100001'
                else a for a in imported.accounts]
    plan = plan_changes(complet_feed, dataclasses.replace(imported, accounts=accounts), OPTIONS)
    assert change(plan, '3100001').action == 'unchanged' and not plan.has_changes


def test_threshold_refuses_a_partial_complet_unless_forced(complet_feed, imported):
    partial = without(complet_feed, '3100001', '3100002', '3100003', '3100004')  # 4 + 5 guardians
    plan = plan_changes(partial, imported, OPTIONS)
    assert plan.count('deactivated') == 9
    assert '9 comptes sur 23' in plan.refused and '--force' in plan.refused
    assert plan.to_json()['errors'][-1] == plan.refused
    forced = plan_changes(partial, imported, dataclasses.replace(OPTIONS, force=True))
    assert not forced.refused and forced.count('deactivated') == 9


def test_deactivating_up_to_the_threshold_is_allowed(complet_feed, imported):
    plan = plan_changes(without(complet_feed, '3100001', '3100003'), imported, OPTIONS)
    assert plan.count('deactivated') == 3 and not plan.refused
    exactly = Options(UAI, threshold=3 / 23)
    assert not plan_changes(without(complet_feed, '3100001', '3100003'), imported, exactly).refused
    below = Options(UAI, threshold=2 / 23)
    assert plan_changes(without(complet_feed, '3100001', '3100003'), imported, below).refused


def test_unknown_school_is_refused_even_when_forced(complet_feed):
    snapshot = Snapshot(UAI, frozenset({'0069999Z'}))
    plan = plan_changes(complet_feed, snapshot, Options(UAI, force=True))
    assert 'École inconnue' in plan.refused and plan.changes == []


def test_a_feed_for_another_school_is_refused(complet_feed):
    snapshot = Snapshot('0069999Z', frozenset({'0069999Z', UAI}))
    plan = plan_changes(complet_feed, snapshot, Options('0069999Z'))
    assert 'ne contient pas' in plan.refused


def test_local_accounts_are_never_part_of_a_plan(complet_feed, imported):
    person = change(plan_changes(complet_feed, imported, OPTIONS), '3100001').person
    local = [Account('aaf1d:3100001', 'local', 'directrice', 'active', person),
             Account('local:1', 'local', 'secretaire', 'active',
                     dataclasses.replace(person, external_id='local:1'))]
    snapshot = dataclasses.replace(imported, accounts=imported.accounts + local)
    plan = plan_changes(without(complet_feed, '3100001'), snapshot, OPTIONS)
    assert all(c.login not in ('directrice', 'secretaire') for c in plan.changes)
    assert change(plan, '3100001').previous.source == 'aaf1d'


def test_a_class_change_is_a_move_and_a_class_rename_is_planned(complet_feed, imported):
    def moved(p):
        if p.external_id != 'aaf1d:3100004':
            return p
        return dataclasses.replace(p, classes=change(first_plan, '3100005').person.classes)
    first_plan = plan_changes(complet_feed, imported, OPTIONS)
    plan = plan_changes(dataclasses.replace(complet_feed, people=list(map(moved, complet_feed.people))),
                        imported, OPTIONS)
    assert (change(plan, '3100004').action, change(plan, '3100004').fields) == ('moved', ('classes',))
    renamed = dataclasses.replace(imported, classes={**imported.classes, 'aaf1d:CL10001': 'CP'})
    (rename,) = plan_changes(complet_feed, renamed, OPTIONS).classes
    assert (rename.action, rename.previous_label) == ('renamed', 'CP')


def test_delta_applies_requests_in_order(imported):
    plan = plan_changes(aaf1d.read_paths(DELTA, STRUCTURES), imported, OPTIONS)
    assert plan.to_json() == {'created': 1, 'updated': 1, 'moved': 1, 'deactivated': 2,
                              'reactivated': 0, 'unchanged': 19, 'skipped': [], 'errors': []}
    mael = change(plan, '3100007')      # deleted then re-added: same account, new birth date
    assert (mael.action, mael.login, mael.fields) == ('updated', 'mael.celik', ('birth_date',))
    assert change(plan, '3100004').action == 'moved'
    assert change(plan, '3200003').action == 'deactivated'          # last child left
    yanis = change(plan, '3100009')
    assert [g.external_id for g in yanis.person.guardians] == ['aaf1d:3200004', 'aaf1d:3200005']


def test_delta_add_then_delete_leaves_the_person_out(imported):
    feed = aaf1d.read_paths(DELTA, STRUCTURES)
    add, delete = feed.requests[4], feed.requests[3]
    swapped = dataclasses.replace(feed, requests=feed.requests[:3] + [add, delete])
    assert change(plan_changes(swapped, imported, OPTIONS), '3100007').action == 'deactivated'


def test_delta_is_not_subject_to_the_threshold(imported):
    pupils = [a.external_id for a in imported.accounts if 'pupil' in a.person.roles]
    feed = Feed('aaf1d', 'delta', requests=[Request('delete', e) for e in pupils])
    plan = plan_changes(feed, imported, OPTIONS)
    assert plan.count('deactivated') == 19 and not plan.refused


def test_delta_modify_of_an_unknown_person_is_reported(imported):
    feed = Feed('aaf1d', 'delta', requests=[Request('modify', 'aaf1d:999', where='f.xml')])
    plan = plan_changes(feed, imported, OPTIONS)
    assert plan.errors and 'aaf1d:999' in plan.errors[0] and not plan.has_changes


def test_guardian_referenced_by_no_pupil_gets_no_account(complet_feed):
    feed = without(complet_feed, '3100008')      # Timéo leaves, Sandrine stays in the file
    plan = plan_changes(feed, empty_snapshot(), OPTIONS)
    (skipped,) = plan.to_json()['skipped']
    assert skipped['external_id'] == 'aaf1d:3200011' and 'aucun élève' in skipped['reason']


def test_pupil_referencing_an_absent_guardian_keeps_the_pupil(complet_feed):
    plan = plan_changes(without(complet_feed, '3200011'), empty_snapshot(), OPTIONS)
    assert change(plan, '3100008').person.guardians == ()
    assert any('3200011' in e for e in plan.errors)


def test_onde_re_import_of_the_same_files_changes_nothing():
    def read():
        return onde.read_files(ONDE / 'CSVExtraction-eleves.csv',
                               ONDE / 'CSVExtraction-responsables.csv',
                               ONDE / 'CSVExtraction-enseignants.csv', school_uai=UAI)
    first = plan_changes(read(), empty_snapshot(), OPTIONS)
    assert first.count('created') == 22
    again = plan_changes(read(), snapshot_from(first), OPTIONS)
    assert not again.has_changes and again.count('unchanged') == 22
