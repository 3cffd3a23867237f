"""Configuration: defaults < INI < environment; a bad value names the option; secrets redacted."""
import os
import stat

import pytest

from ecole_ent import config as configuration
from ecole_ent.config import ConfigError


def test_defaults_then_ini_then_environment(tmp_path):
    (tmp_path / 'ecole-ent.ini').write_text('[server]\nport = 9000\nthreads = 3\n', encoding='utf-8')
    config = configuration.load(tmp_path, environ={'ECOLE_SERVER_PORT': '9100'})
    assert config['server.port'] == 9100 and config['server.threads'] == 3
    assert config['server.host'] == '127.0.0.1'


def test_a_bad_value_stops_with_a_line_naming_the_option(tmp_path):
    with pytest.raises(ConfigError) as error:
        configuration.load(tmp_path, environ={'ECOLE_SERVER_PORT': 'huit-mille'})
    assert 'server.port' in str(error.value) and 'ECOLE_SERVER_PORT' in str(error.value)


def test_an_unknown_option_in_the_ini_file_is_named(tmp_path):
    (tmp_path / 'ecole-ent.ini').write_text('[server]\nprot = 80\n', encoding='utf-8')
    with pytest.raises(ConfigError, match='server.prot : option inconnue'):
        configuration.load(tmp_path, environ={})


def test_a_choice_option_lists_what_is_allowed(tmp_path):
    with pytest.raises(ConfigError, match='valeurs permises : debug, info, warning, error'):
        configuration.load(tmp_path, environ={'ECOLE_APP_LOG_LEVEL': 'bavard'})


def test_the_secret_is_generated_once_in_the_data_folder_with_mode_0600(tmp_path):
    config = configuration.load(tmp_path, environ={})
    secret = configuration.ensure_secret(config)
    path = tmp_path / 'secret.key'
    assert len(secret) > 40 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = configuration.load(tmp_path, environ={})
    assert configuration.ensure_secret(again) == secret


def test_dump_redacts_secrets(tmp_path):
    config = configuration.load(tmp_path, environ={'ECOLE_SECURITY_SECRET_KEY': 'tres-secret'})
    dump = '\n'.join(config.dump())
    assert 'security.secret_key = <redacted>' in dump and 'tres-secret' not in dump


def test_dump_redacts_the_password_of_the_database_url(tmp_path):
    config = configuration.load(tmp_path, environ={
        'ECOLE_DATABASE_URL': 'postgresql://ecole:S3cret@127.0.0.1/ecole'})
    dump = '\n'.join(config.dump())
    assert 'database.url = postgresql://ecole:<redacted>@127.0.0.1/ecole' in dump
    assert 'S3cret' not in dump


def test_a_bad_directory_threshold_is_explained_in_french(tmp_path):
    with pytest.raises(configuration.ConfigError) as error:
        configuration.load(tmp_path, environ={'ECOLE_DIRECTORY_THRESHOLD': 'abc'})
    assert 'directory.threshold' in str(error.value) and 'attendu : un nombre entier' in str(error.value)


def test_every_option_has_help_text():
    for option in configuration.OPTIONS:
        assert option.help.strip(), option.name


def test_save_changes_only_the_options_given_and_keeps_comments(tmp_path):
    path = tmp_path / 'ecole-ent.ini'
    path.write_text('; réglages de la commune\n[server]\nport = 9000\n\n[smtp]\n;host =\nport = 25\n'
                    '\n[app]\nlog_level = debug\n', encoding='utf-8')
    configuration.save(tmp_path, {'smtp.host': 'smtp.exemple.fr', 'smtp.port': '465',
                                  'smtp.password': 's3cret', 'directory.source': 'aaf1d'})
    assert path.read_text(encoding='utf-8') == (
        '; réglages de la commune\n[server]\nport = 9000\n\n[smtp]\n;host =\nport = 465\n'
        'host = smtp.exemple.fr\npassword = s3cret\n\n[app]\nlog_level = debug\n\n'
        '[directory]\nsource = aaf1d\n')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config = configuration.load(tmp_path, environ={})
    assert (config['smtp.host'], config['smtp.port'], config['server.port']) == (
        'smtp.exemple.fr', 465, 9000)


def test_save_refuses_a_bad_value_naming_the_option_and_writes_nothing(tmp_path):
    with pytest.raises(ConfigError, match="smtp.security = 'ssl' : valeurs permises"):
        configuration.save(tmp_path, {'smtp.host': 'smtp.exemple.fr', 'smtp.security': 'ssl'})
    with pytest.raises(ConfigError, match='smtp.password : une seule ligne'):
        configuration.save(tmp_path, {'smtp.password': 'a\nb'})
    assert not (tmp_path / 'ecole-ent.ini').exists()


def test_the_data_folder_file_is_read_under_an_explicit_config_file_which_wins(tmp_path):
    (tmp_path / 'ecole-ent.ini').write_text('[smtp]\nhost = smtp.donnees.fr\nport = 25\n',
                                            encoding='utf-8')
    etc = tmp_path / 'etc.ini'
    etc.write_text('[smtp]\nport = 2525\n', encoding='utf-8')
    config = configuration.load(tmp_path, etc, environ={})
    assert (config['smtp.host'], config['smtp.port']) == ('smtp.donnees.fr', 2525)
    assert config.source_file == etc


def test_the_postgresql_pool_holds_a_connection_for_every_worker_thread(tmp_path):
    from ecole_ent import runtime
    from tests.conftest import make_config
    assert runtime.pool_size(make_config(tmp_path / 'a')) == 2 * 8 + 2          # defaults: 10 < 18
    assert runtime.pool_size(make_config(tmp_path / 'b', server_threads=2, database_pool_size=40)) == 40
