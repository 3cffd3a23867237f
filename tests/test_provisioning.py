"""provisioning/: the example configuration documents every option, with its real default, and
nothing else; uncommented, it is a valid configuration."""
import configparser
import os
import re
import stat
from pathlib import Path

import pytest

from ecole_ent import config as configuration
from ecole_ent import features
from ecole_ent.accounts import setup
from ecole_ent.errors import ValidationError
from ecole_ent.models import School
from tests.test_cli import ecole

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / 'provisioning' / 'ecole-ent.ini.example'


def documented_options():
    """{'section.key': 'value shown'} for every `;key = value` line of the example."""
    found, section = {}, None
    for line in EXAMPLE.read_text(encoding='utf-8').splitlines():
        if match := re.fullmatch(r'\[(\w+)\]', line):
            section = match.group(1)
        elif match := re.fullmatch(r';(\w+) =(?: (.*))?', line):
            found[f'{section}.{match.group(1)}'] = match.group(2) or ''
    return found


def shown(option):
    if isinstance(option.default, bool):
        return 'true' if option.default else 'false'
    return '' if option.default is None else str(option.default)


def test_every_option_is_documented_with_its_default_and_nothing_else():
    features.modules('options')
    options = {option.name: shown(option) for option in configuration.OPTIONS}
    assert documented_options() == options


def test_every_documented_option_has_an_explanation():
    lines = EXAMPLE.read_text(encoding='utf-8').splitlines()
    for number, line in enumerate(lines):
        if re.fullmatch(r';\w+ =.*', line):
            assert lines[number - 1].startswith('; '), f'no explanation above: {line}'


def test_the_example_uncommented_is_a_valid_configuration(tmp_path):
    text = re.sub(r'^;(\w+ =)', r'\1', EXAMPLE.read_text(encoding='utf-8'), flags=re.M)
    (tmp_path / 'ecole-ent.ini').write_text(text, encoding='utf-8')
    configparser.ConfigParser(interpolation=None).read_string(text)
    loaded = configuration.load(tmp_path, tmp_path / 'ecole-ent.ini', environ={})
    assert loaded['server.port'] == 8080 and loaded['backup.keep'] == 14


# --- init --from: the [smtp] and [directory] sections of provision.ini ---

PROVISION = ROOT / 'provisioning' / 'provision.ini.example'


def provision_file(tmp_path, **replace):
    """The provisioning example with its optional sections uncommented (and some lines changed)."""
    text = re.sub(r'^;(\w+ =)', r'\1', PROVISION.read_text(encoding='utf-8'), flags=re.M)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / 'provision.ini'
    path.write_text(text, encoding='utf-8')
    return path


def test_provisioning_saves_the_relay_and_the_directory_in_the_data_folder(tmp_path, config, database):
    school, admin, saved = setup.provision(provision_file(tmp_path), config)
    assert (school.uai, admin.login) == ('0061234A', 'admin')
    assert saved == config.data_dir / 'ecole-ent.ini'
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    loaded = configuration.load(config.data_dir, environ={})
    assert (loaded['smtp.host'], loaded['smtp.port'], loaded['smtp.user']) == (
        'smtp.mairie-exemple.fr', 587, 'ent-ecole')
    assert loaded['directory.source'] == 'ldap'
    assert loaded['directory.ldap_url'] == 'ldaps://annuaire.ac-exemple.fr'
    assert 'smtp.password = <redacted>' in loaded.dump()
    assert config['smtp.host'] == 'smtp.mairie-exemple.fr'      # this process uses it at once


def test_a_bad_value_in_provisioning_names_the_option_and_nothing_is_done(tmp_path, config, database):
    path = provision_file(tmp_path, **{'port = 587': 'port = vingt-cinq',
                                       'source = ldap': 'source = minitel'})
    with pytest.raises(ValidationError) as error:
        setup.provision(path, config)
    assert "smtp.port = 'vingt-cinq' : attendu : un nombre entier" in str(error.value)
    assert 'directory.source' in str(error.value) and '\n' not in str(error.value)
    assert not School.select().exists() and not (config.data_dir / 'ecole-ent.ini').exists()


def test_init_from_with_a_bad_option_exits_1_with_one_line(tmp_path):
    path = provision_file(tmp_path, **{'[smtp]\n': '[smtp]\nhots = smtp.exemple.fr\n'})
    result = ecole(tmp_path / 'data', 'init', '--from', str(path), check=False)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if 'INFO' not in line]   # migrations log
    assert errors == [f'Erreur : {path} : smtp.hots : option inconnue']
