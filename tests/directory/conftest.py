"""Fixtures for the directory sync tests: sample feeds copied into tmp_path to be damaged."""
import shutil
from pathlib import Path

import pytest

from ecole_ent.directory.records import Account, Snapshot
from tests.conftest import browser_sign_in

DATA = Path(__file__).parent / 'data'
UAI = '0061234A'
COMPLET = DATA / 'aaf1d' / 'complet'
DELTA = DATA / 'aaf1d' / 'delta'
ONDE = DATA / 'onde'
STRUCTURES = {'610042': UAI}


def feed_file(folder, category, kind='Complet', date='20241105', chunk=0):
    return Path(folder) / f'ENT_{UAI}_{kind}_{date}_{category}_{chunk:04d}.xml'


@pytest.fixture
def complet(tmp_path):
    """A writable copy of the sample Complet set."""
    folder = tmp_path / 'complet'
    shutil.copytree(COMPLET, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    return folder


@pytest.fixture
def onde_files(tmp_path):
    folder = tmp_path / 'onde'
    shutil.copytree(ONDE, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    return folder


def snapshot_from(plan, previous=None, status=None):
    """The snapshot the database would hold once ``plan`` is applied (no database needed)."""
    accounts = {a.external_id: a for a in (previous.accounts if previous else [])}
    for change in plan.changes:
        if change.action in ('created', 'updated', 'moved', 'reactivated', 'unchanged'):
            accounts[change.external_id] = Account(change.external_id, plan.source, change.login,
                                                   'active', change.person)
        elif change.action == 'deactivated':
            old = accounts[change.external_id]
            accounts[change.external_id] = Account(old.external_id, old.source, old.login,
                                                   'disabled', old.person, absent=True)
    classes = dict(previous.classes) if previous else {}
    classes.update({c.external_id: c.label for c in plan.classes})
    logins = {a.login for a in accounts.values()} | (previous.taken_logins if previous else set())
    return Snapshot(UAI, frozenset({UAI}), list(accounts.values()), classes, logins)


def empty_snapshot(*logins):
    return Snapshot(UAI, frozenset({UAI}), taken_logins=set(logins))


def print_class_cards(page, class_name='CP-CE1', login='julien.roux'):
    """In the browser: the class's teacher signs in and prints its cards (the page shows them)."""
    browser_sign_in(page, login)
    page.goto(page.base + '/annuaire/cartes')
    page.get_by_role('link', name=class_name).click()
    page.get_by_role('button', name='Imprimer les cartes des élèves').click()
    page.wait_for_load_state()
