"""`ecole-ent mail test --to` as a user runs it, and the SMTP password kept out of `config dump`."""
from tests.test_cli import ecole

from . import relay


def smtp_env(port, **kw):
    env = {'ECOLE_SMTP_HOST': '127.0.0.1', 'ECOLE_SMTP_PORT': str(port),
           'ECOLE_SMTP_SECURITY': 'none', 'ECOLE_SMTP_USER': relay.USER,
           'ECOLE_SMTP_PASSWORD': relay.PASSWORD, 'ECOLE_SMTP_SENDER': 'ent@ecole.example.fr'}
    env.update(kw)
    return env


def test_mail_test_sends_through_the_relay_and_exits_0(tmp_path, smtpd):
    result = ecole(tmp_path, 'mail', 'test', '--to', 'directrice@exemple.fr',
                   env=smtp_env(smtpd.port))
    assert result.stdout.startswith('Message de test remis au relais SMTP 127.0.0.1:')
    assert smtpd.envelopes[0].rcpt_tos == ['directrice@exemple.fr']


def test_mail_test_says_what_failed_on_one_line_and_exits_1(tmp_path, smtpd):
    result = ecole(tmp_path, 'mail', 'test', '--to', 'a@exemple.fr', check=False,
                   env=smtp_env(smtpd.port, ECOLE_SMTP_PASSWORD='mauvais-secret'))
    assert result.returncode == 1 and result.stdout == ''
    assert result.stderr.strip().splitlines() == [
        (f'Erreur : Identifiant ou mot de passe refusé par le relais SMTP 127.0.0.1:{smtpd.port} '
         f'(compte « {relay.USER} »).')]
    assert 'mauvais-secret' not in result.stderr
    off = ecole(tmp_path, 'mail', 'test', '--to', 'a@exemple.fr', check=False)
    assert off.returncode == 1 and 'smtp.host' in off.stderr


def test_config_dump_redacts_the_smtp_password(tmp_path):
    (tmp_path / 'ecole-ent.ini').write_text(
        f'[smtp]\nhost = smtp.exemple.fr\npassword = {relay.PASSWORD}\n', encoding='utf-8')
    out = ecole(tmp_path, 'config', 'dump').stdout
    assert 'smtp.password = <redacted>' in out and 'smtp.host = smtp.exemple.fr' in out
    assert relay.PASSWORD not in out
