"""`classes ...` and `users ...` commands: run in-process through cli.main on the test's own data
folder (same database, same secret), and once as a real process for --help and the exit code."""
import json
import logging
import os
import subprocess
import sys

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.errors import ValidationError
from ecole_ent.models import AuditEvent, Classroom, Enrolment, GuardianLink, LoginSession, Teaching, User
from tests.conftest import PG_URL, ROOT


@pytest.fixture
def run(demo, run_cli):
    return run_cli


def test_classes_list_is_json_of_every_class(run):
    rows = json.loads(run('classes', 'list')[0])
    by_name = {row['name']: row for row in rows}
    assert set(by_name) == {'Maternelle PS-MS-GS', 'CP-CE1', 'CE2-CM1-CM2'}
    assert by_name['CP-CE1']['teachers'] == ['julien.roux'] and by_name['CP-CE1']['niveaux'] == ['CP', 'CE1']
    assert by_name['CP-CE1']['pupils'] > 0 and by_name['CP-CE1']['school_uai'] == '0061234A'
    assert json.loads(run('classes', 'list', '--school', '0061234a')[0]) == rows


def test_class_commands_create_rename_assign_remove_and_archive(run):
    created = json.loads(run('classes', 'create', 'CM2 B', '--niveaux', 'CM2,cm1')[0])
    assert created['niveaux'] == ['CM1', 'CM2']
    number = str(created['id'])
    run('classes', 'rename', number, 'CM2 bis', '--niveaux', 'CM2')
    assert (Classroom.get_by_id(created['id']).name, Classroom.get_by_id(created['id']).niveaux) == ('CM2 bis', 'CM2')
    run('classes', 'assign-teacher', number, 'ines.haddad')
    assert Teaching.select().where(Teaching.classroom == created['id']).count() == 1
    run('classes', 'remove-teacher', number, 'ines.haddad')
    assert Teaching.select().where(Teaching.classroom == created['id']).count() == 0
    assert 'confirmez' in run('classes', 'archive', number, expect=1)[1]
    assert not Classroom.get_by_id(created['id']).archived
    run('classes', 'archive', number, '--yes')
    assert Classroom.get_by_id(created['id']).archived
    assert AuditEvent.select().where(AuditEvent.action.startswith('class.'), AuditEvent.actor.is_null()).count() == 5


@pytest.mark.parametrize('args, message', [
    (('classes', 'create', '', '--niveaux', 'CP'), 'Le nom de la classe est obligatoire.'),
    (('classes', 'create', 'CP B', '--niveaux', ''), 'Choisissez au moins un niveau.'),
    (('classes', 'create', 'CP B', '--niveaux', 'CP', '--school', '0000000X'), 'École introuvable'),
    (('classes', 'rename', '99999', 'X'), 'Classe introuvable'),
    (('classes', 'assign-teacher', '1', 'personne'), "Aucun compte n'a l'identifiant « personne »"),
    (('users', 'create', 'Ana', '', '--role', 'guardian'), 'Le nom est obligatoire.'),
    (('users', 'create', 'Ana', 'Roux', '--role', 'guardian', '--login', 'julien.roux'), 'déjà pris'),
    (('users', 'create', 'Ana', 'Roux', '--role', 'chef'), 'Type de compte impossible ici : chef'),
    (('users', 'set-consent', 'zoe.dubois', 'peut-etre'), "Valeur de droit à l'image inconnue : peut-etre"),
    (('users', 'link', 'julien.roux', 'zoe.dubois'), "n'a pas un compte de responsable"),
    (('users', 'disable', 'personne'), 'Compte introuvable : personne'),
])
def test_bad_input_is_one_french_line_and_exit_1(run, args, message):
    users, classes = User.select().count(), Classroom.select().count()
    _out, err = run(*args, expect=1)
    assert err.startswith('Erreur : ') and message in err and '\n' not in err
    assert (User.select().count(), Classroom.select().count()) == (users, classes)


def test_users_create_prints_a_code_that_activates(run):
    created = json.loads(run('users', 'create', 'Odile', 'Grand', '--role', 'guardian', '--email', 'o@example.org')[0])
    assert created['login'] == 'odile.grand' and created['status'] == 'pending'
    user = accounts.activate('odile.grand', created['activation_code'], 'famille-1234', 'famille-1234')
    assert user.status == 'active' and user.source == 'local' and user.email == 'o@example.org'


def test_users_create_a_pupil_in_a_class(run):
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    created = json.loads(run('users', 'create', 'Ana', 'Neuve', '--role', 'pupil', '--class', str(cp.id),
                             '--niveau', 'CE1')[0])
    assert created['login'] in {p.login for p in accounts.pupils_of(cp)}


def test_users_edit_disable_enable_link_unlink_consent_and_reissue(run):
    run('users', 'create', 'Odile', 'Grand', '--role', 'guardian')
    run('users', 'edit', 'odile.grand', '--last-name', 'Grand-Mère', '--email', 'o@example.org')
    assert User.get(User.login == 'odile.grand').display_name == 'Odile Grand-Mère'
    run('users', 'link', 'odile.grand', 'zoe.dubois', '--relation', 'grandparent', '--no-legal-authority')
    link = GuardianLink.get(GuardianLink.guardian == User.get(User.login == 'odile.grand'))
    assert (link.pupil.login, link.relation, link.legal_authority) == ('zoe.dubois', 'grandparent', False)
    run('users', 'unlink', 'odile.grand', 'zoe.dubois')
    assert not GuardianLink.select().where(GuardianLink.id == link.id).exists()
    run('users', 'set-consent', 'zoe.dubois', 'refused')
    assert User.get(User.login == 'zoe.dubois').image_rights == 'refused'
    teacher = User.get(User.login == 'julien.roux')
    accounts.open_session(teacher)
    run('users', 'disable', 'julien.roux')
    assert User.get_by_id(teacher.id).status == 'disabled'
    assert not LoginSession.select().where(LoginSession.user == teacher).exists()
    run('users', 'enable', 'julien.roux')
    assert User.get_by_id(teacher.id).status == 'active'
    old = run('users', 'reissue-code', 'odile.grand')[0].strip()
    new = run('users', 'reissue-code', 'odile.grand')[0].strip()
    assert old != new
    with pytest.raises(ValidationError):
        accounts.activate('odile.grand', old, 'famille-1234', 'famille-1234')
    assert accounts.activate('odile.grand', new, 'famille-1234', 'famille-1234').status == 'active'


def test_help_and_exit_code_in_a_real_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    if PG_URL:
        pytest.skip('the empty-installation case needs its own database')
    base = [sys.executable, '-m', 'ecole_ent', '--data', str(tmp_path / 'data')]
    for group, actions in (('classes', ('list', 'create', 'rename', 'archive', 'assign-teacher', 'remove-teacher')),
                           ('users', ('create', 'edit', 'disable', 'enable', 'link', 'unlink', 'set-consent',
                                      'reissue-code'))):
        help_text = subprocess.run(base + [group, '--help'], capture_output=True, text=True, cwd=ROOT, env=env).stdout
        assert all(action in help_text for action in actions), help_text
    usage = subprocess.run(base + ['users', 'set-consent', '--help'], capture_output=True, text=True, cwd=ROOT, env=env)
    assert usage.returncode == 0 and 'granted (autorisé)' in usage.stdout
    result = subprocess.run(base + ['classes', 'create', 'CP', '--niveaux', 'CP'], capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 1 and "précisez l'école avec --school UAI" in result.stderr
    assert 'Traceback' not in result.stderr


def test_users_list_gives_each_pupil_their_niveau_in_a_fixed_number_of_queries(run, caplog):
    def listed():
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger='peewee'):
            rows = {row['login']: row for row in json.loads(run('users', 'list')[0])}
        return rows, len([r for r in caplog.records if r.name == 'peewee'])

    rows, queries = listed()
    zoe = User.get(User.login == 'zoe.dubois')
    assert rows['zoe.dubois']['niveau'] == Enrolment.get(Enrolment.pupil == zoe).niveau
    assert all(row['niveau'] in ('PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2')
               for row in rows.values() if row['roles'] == ['pupil'])
    assert all(row['niveau'] is None for row in rows.values() if row['roles'] != ['pupil'])
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    for number in range(5):
        run('users', 'create', 'Ana', f'Neuve{number}', '--role', 'pupil', '--class', str(cp.id), '--niveau', 'CE1')
    rows, more_queries = listed()
    assert rows['ana.neuve4']['niveau'] == 'CE1' and more_queries == queries
    csv_lines = run('users', 'list', '--format', 'csv')[0].splitlines()
    assert csv_lines[0].endswith(';image_rights;niveau') and any(
        line.startswith('ana.neuve4;pupil;') and line.endswith(';CE1') for line in csv_lines)
