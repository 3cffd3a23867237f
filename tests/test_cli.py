"""The command line, run as a user runs it: a real process on a real data folder."""
import json
import os
import platform
import subprocess
import sys

import pytest

from tests.conftest import PG_URL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ecole(data, *args, env=None, check=True):
    environ = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    environ.update(env or {})
    if PG_URL:
        environ['ECOLE_DATABASE_URL'] = PG_URL
    result = subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', str(data), *args],
                            capture_output=True, text=True, cwd=ROOT, env=environ, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def seeded(tmp_path):
    data = tmp_path / 'data'
    ecole(data, 'demo')
    yield data
    if PG_URL:
        from ecole_ent import db
        from tests.conftest import reset_postgres
        db.init_db(PG_URL)
        reset_postgres()


def test_version_and_help():
    result = subprocess.run([sys.executable, '-m', 'ecole_ent', '--version'], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.stdout.startswith('ecole-ent ')
    help_text = subprocess.run([sys.executable, '-m', 'ecole_ent', '--help'], capture_output=True,
                               text=True, cwd=ROOT).stdout
    for command in ('serve', 'init', 'demo', 'migrate', 'check', 'config', 'users'):
        assert command in help_text


def test_version_names_the_libraries_in_use_one_per_line():
    from importlib.metadata import version

    from ecole_ent import __version__
    result = subprocess.run([sys.executable, '-m', 'ecole_ent', '--version'], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stderr == ''
    lines = result.stdout.splitlines()
    assert lines[0] == f'ecole-ent {__version__}'      # installer/release.sh reads the first line
    printed = dict(line.split(' ', 1) for line in lines[1:])
    for name in ('waitress', 'bottle', 'peewee', 'Pillow'):
        assert printed[name] == version(name)
    assert printed['Python'] == platform.python_version()


def test_users_list_json_has_every_field_and_nothing_else_on_stdout(seeded):
    rows = json.loads(ecole(seeded, 'users', 'list', '--format', 'json').stdout)
    by_login = {row['login']: row for row in rows}
    assert set(by_login['julien.roux']) >= {'login', 'roles', 'first_name', 'last_name', 'status',
                                            'school_uai', 'classes', 'external_id', 'source',
                                            'children', 'image_rights'}
    assert by_login['julien.roux']['roles'] == ['teacher']
    assert by_login['julien.roux']['classes'] == ['CP-CE1']
    assert by_login['sophie.lefevre-martin']['roles'] == ['teacher', 'director']
    assert by_login['nadia.belkacem']['roles'] == ['staff']
    assert by_login['admin']['school_uai'] is None
    pupils = [r for r in rows if r['roles'] == ['pupil']]
    guardians = [r for r in rows if r['roles'] == ['guardian']]
    assert 55 <= len(pupils) <= 65 and guardians
    assert all(r['image_rights'] in ('granted', 'refused', 'unknown') and len(r['classes']) == 1
               for r in pupils)
    assert all(r['image_rights'] is None and r['children'] for r in guardians)
    assert all(r['status'] == 'active' and r['source'] == 'local' and r['external_id'] is None
               for r in rows)
    assert all(child in by_login for r in guardians for child in r['children'])


def test_users_list_csv_neutralises_formulas(seeded):
    from ecole_ent.accounts.export import safe_cell
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")' and safe_cell('Zoé') == 'Zoé'
    lines = ecole(seeded, 'users', 'list', '--format', 'csv').stdout.splitlines()
    assert lines[0].startswith('login;roles;first_name')
    assert any(line.startswith('julien.roux;teacher;Julien;Roux;active;0061234A;CP-CE1') for line in lines)


def test_reset_password_prints_a_one_time_password(seeded):
    result = ecole(seeded, 'users', 'reset-password', 'julien.roux')
    password = result.stdout.strip()
    assert len(password) >= 10 and '\n' not in password
    assert 'à changer' in result.stderr
    missing = ecole(seeded, 'users', 'reset-password', 'personne', check=False)
    assert missing.returncode == 1 and 'Compte introuvable' in missing.stderr


def test_init_creates_the_school_and_admin_and_refuses_a_bad_uai(tmp_path):
    data = tmp_path / 'data'
    env = {'ECOLE_ADMIN_PASSWORD': 'admin-secret-1'}
    bad = ecole(data, 'init', '--school-uai', '123', '--school-name', 'X', '--admin', 'chef', env=env,
                check=False)
    assert bad.returncode == 1 and 'Code UAI invalide' in bad.stderr
    ecole(data, 'init', '--school-uai', '0061111B', '--school-name', 'École du Lac', '--admin', 'chef',
          env=env)
    rows = json.loads(ecole(data, 'users', 'list').stdout)
    assert [r['login'] for r in rows] == ['chef'] and rows[0]['roles'] == ['admin']
    no_password = ecole(tmp_path / 'other', 'init', '--school-uai', '0061111B', '--school-name', 'X',
                        '--admin', 'chef', check=False)
    assert no_password.returncode == 1 and 'ECOLE_ADMIN_PASSWORD' in no_password.stderr
    if PG_URL:
        from ecole_ent import db
        from tests.conftest import reset_postgres
        db.init_db(PG_URL)
        reset_postgres()


def test_init_from_the_provisioning_example(tmp_path):
    data = tmp_path / 'data'
    result = ecole(data, 'init', '--from', os.path.join(ROOT, 'provisioning', 'provision.ini.example'),
                   check=False)
    assert result.returncode == 0, result.stderr
    assert 'prête' in result.stderr
    if PG_URL:
        from ecole_ent import db
        from tests.conftest import reset_postgres
        db.init_db(PG_URL)
        reset_postgres()


def test_a_config_error_names_the_option_and_exits_1(tmp_path):
    result = ecole(tmp_path, 'config', 'dump', env={'ECOLE_SECURITY_SESSION_DAYS': '0'}, check=False)
    assert result.returncode == 1 and 'security.session_days' in result.stderr


def test_config_dump_redacts_the_secret(tmp_path):
    out = ecole(tmp_path, 'config', 'dump').stdout
    assert 'security.secret_key = <redacted>' in out


def test_check_passes_on_a_healthy_folder(seeded):
    result = ecole(seeded, 'check')
    assert result.returncode == 0 and result.stdout.startswith('OK')


def without_write_override():
    """A command prefix under which a read-only folder is read-only for root too: as root, the
    command loses CAP_DAC_OVERRIDE (the power to write whatever the permissions say) and keeps its
    user, so it still reads the checkout, its virtualenv and the data wherever they live. (Running
    it as `nobody` failed with "No module named ecole_ent" once the clone sat under a 0700 folder.)"""
    if os.geteuid() != 0:
        return []
    prefix = ['setpriv', '--inh-caps=-dac_override', '--bounding-set=-dac_override']
    if subprocess.run(prefix + ['true'], capture_output=True).returncode != 0:
        pytest.skip('setpriv cannot drop CAP_DAC_OVERRIDE here (root without CAP_SETPCAP)')
    return prefix


def test_check_fails_clearly_on_an_unwritable_data_folder(seeded):
    media = seeded / 'media'
    os.chmod(media, 0o555)
    command = [sys.executable, '-m', 'ecole_ent', '--data', str(seeded), 'check']
    env = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    try:
        result = subprocess.run(without_write_override() + command, capture_output=True, text=True,
                                cwd=ROOT, env=env, timeout=60)
    finally:
        os.chmod(media, 0o755)
    assert result.returncode == 1, result.stderr
    assert 'media : dossier non modifiable' in result.stdout
    assert 'Traceback' not in result.stdout + result.stderr


def test_commands_fail_with_exit_2_on_usage_errors(tmp_path):
    result = subprocess.run([sys.executable, '-m', 'ecole_ent', 'users', 'list', '--format', 'xml'],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2


def test_every_option_names_its_environment_variable():
    import argparse

    from ecole_ent.cli import build_parser

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, path + [name])
            elif action.option_strings and action.dest not in ('help', 'version'):
                yield path, action

    options = list(walk(build_parser(), []))
    assert len(options) > 5
    for path, action in options:
        assert action.help and '(variable ECOLE_' in action.help, (path, action.option_strings)


def test_an_environment_variable_sets_an_option(seeded):
    out = ecole(seeded, 'users', 'list', env={'ECOLE_USERS_LIST_FORMAT': 'csv'}).stdout
    assert out.startswith('login;roles;')


def test_the_demo_names_its_accounts_as_the_readme_does(seeded):
    """`demo` (and `serve --demo`, through the same line) prints the accounts the README's table
    names, each an active account of the demo school whose password is the one printed."""
    from ecole_ent import demo
    again = ecole(seeded, 'demo')
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as file:
        readme = file.read()
    listed = json.loads(ecole(seeded, 'users', 'list', '--format', 'json').stdout)
    active = {row['login'] for row in listed if row['status'] == 'active'}
    for login, _role in demo.ACCOUNTS:
        assert f'`{login}`' in readme and login in again.stderr + again.stdout and login in active
    assert 'mot de passe : demo' in again.stderr + again.stdout
