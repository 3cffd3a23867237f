"""provisioning/: the example configuration documents every option, with its real default, and
nothing else; uncommented, it is a valid configuration."""
import configparser
import re
from pathlib import Path

from ecole_ent import config as configuration, features

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
