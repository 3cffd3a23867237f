"""The outbox through the real relay: a relay down then up (every mail delivered once, with
back-off), a refused login said clearly, giving up after mail.max_attempts, one bad address not
holding the others, and the `mail outbox` / `mail flush` commands."""
import json
from collections import Counter

import pytest

from ecole_ent import scheduler
from ecole_ent.db import writing
from ecole_ent.mail import outbox
from ecole_ent.models import OutboxMail

from . import relay
from .conftest import SENDER, relay_options


def queue(*addresses):
    with writing():
        return [outbox.enqueue(to, f'Objet {to}', 'Texte', '<p>Texte</p>') for to in addresses]


def state():
    return [(row.state, row.attempts) for row in OutboxMail.select().order_by(OutboxMail.id)]


def test_message_ids_are_fixed_when_queued_on_the_senders_domain(mail_relay, clock):
    rows = queue('a@example.org', 'b@example.org')
    assert len({row.message_id for row in rows}) == 2
    assert all(row.message_id.endswith('@ecole-des-mimosas.fr>') for row in rows)


def test_a_relay_down_then_up_loses_nothing_and_sends_each_mail_once(mail_relay, clock):
    mail_relay.configure(**{'smtp.port': relay.free_port()})           # nobody listens there
    rows = queue('a@example.org', 'b@example.org', 'c@example.org')
    counts = outbox.send_due()
    assert counts.as_dict() == {'sent': 0, 'failed': 1, 'waiting': 3}   # the run stops at the first
    first = OutboxMail.get_by_id(rows[0].id)
    assert first.attempts == 1 and 'Connexion refusée par le relais SMTP' in first.last_error
    assert (first.next_try - clock.moment).total_seconds() == 60       # 1 minute, then 5, 15...
    outbox.send_due()
    outbox.send_due()
    assert state() == [('pending', 1)] * 3
    assert outbox.send_due().as_dict() == {'sent': 0, 'failed': 0, 'waiting': 3}   # waiting their turn
    clock.advance(minutes=1)
    outbox.send_due()
    assert OutboxMail.get_by_id(rows[0].id).attempts == 2
    assert (OutboxMail.get_by_id(rows[0].id).next_try - clock.moment).total_seconds() == 300
    mail_relay.configure(**{'smtp.port': mail_relay.port})              # the relay is back
    clock.advance(minutes=5)
    assert outbox.send_due().as_dict() == {'sent': 3, 'failed': 0, 'waiting': 0}
    assert outbox.send_due().sent == 0
    received = Counter(message['Message-ID'] for message in mail_relay.messages())
    assert received == Counter({row.message_id: 1 for row in rows})
    assert state() == [('sent', 3), ('sent', 2), ('sent', 2)]


def test_a_mail_the_process_could_not_mark_sent_goes_again_with_the_same_message_id(mail_relay, clock, monkeypatch):
    """The documented at-least-once case: the relay accepted, the commit did not happen."""
    (row,) = queue('a@example.org')
    real = outbox.writing
    monkeypatch.setattr(outbox, 'writing', lambda: (_ for _ in ()).throw(RuntimeError('crash')))
    with pytest.raises(RuntimeError):
        outbox.send_due()
    monkeypatch.setattr(outbox, 'writing', real)
    assert OutboxMail.get_by_id(row.id).state == 'pending'
    outbox.send_due()
    assert [m['Message-ID'] for m in mail_relay.messages()] == [row.message_id] * 2


def test_a_refused_login_is_said_clearly_and_the_mail_waits(mail_relay, clock, set_option):
    mail_relay.configure(**{'smtp.password': 'mauvais-secret'})
    (row,) = queue('a@example.org')
    outbox.send_due()
    row = OutboxMail.get_by_id(row.id)
    assert row.state == 'pending' and row.last_error == (
        f'Identifiant ou mot de passe refusé par le relais SMTP 127.0.0.1:{mail_relay.port} '
        f'(compte « {relay.USER} »).')
    assert 'mauvais-secret' not in row.last_error and not mail_relay.envelopes


def test_a_mail_is_given_up_after_max_attempts(mail_relay, clock, set_option):
    set_option('mail.max_attempts', 2)
    (row,) = queue('inconnu@example.org')            # the relay refuses this recipient
    outbox.send_due()
    clock.advance(minutes=1)
    outbox.send_due()
    row = OutboxMail.get_by_id(row.id)
    assert (row.state, row.attempts) == ('failed', 2) and 'Destinataire refusé' in row.last_error
    assert row.body_text == row.body_html == ''                          # nothing kept of a mail given up
    clock.advance(days=1)
    assert outbox.send_due(all=True).as_dict() == {'sent': 0, 'failed': 0, 'waiting': 0}


def test_a_refused_recipient_does_not_hold_the_others(mail_relay, clock):
    queue('inconnu@example.org', 'b@example.org')
    assert outbox.send_due().as_dict() == {'sent': 1, 'failed': 1, 'waiting': 1}


def cli_env(monkeypatch, **options):
    for name, value in options.items():
        monkeypatch.setenv('ECOLE_' + name.upper().replace('.', '_'), str(value))


def test_mail_outbox_and_flush_on_the_command_line(mail_relay, clock, run_cli, monkeypatch):
    cli_env(monkeypatch, **relay_options(mail_relay.port, **{'smtp.password': 'mauvais-secret'}))
    (row,) = queue('a@example.org')
    out, err = run_cli('mail', 'flush')
    assert json.loads(out) == {'sent': 0, 'failed': 1, 'waiting': 1} and 'non remis' in err
    (listed,) = json.loads(run_cli('mail', 'outbox', '--format', 'json')[0])
    assert listed['id'] == row.id and listed['to'] == 'a@example.org' and listed['state'] == 'pending'
    assert listed['attempts'] == 1 and listed['next_try'].endswith('Z')
    assert 'Identifiant ou mot de passe refusé' in listed['last_error']
    assert set(listed) >= {'id', 'to', 'subject', 'state', 'attempts', 'next_try'}
    monkeypatch.setenv('ECOLE_SMTP_PASSWORD', relay.PASSWORD)
    assert json.loads(run_cli('mail', 'flush')[0]) == {'sent': 0, 'failed': 0, 'waiting': 1}
    assert json.loads(run_cli('mail', 'flush', '--all')[0]) == {'sent': 1, 'failed': 0, 'waiting': 0}
    assert mail_relay.messages()[0]['From'] == SENDER
    assert json.loads(run_cli('mail', 'outbox', '--state', 'sent')[0])[0]['state'] == 'sent'


def test_mail_flush_waits_for_the_outbox_job_running_elsewhere(mail_relay, clock, run_cli, monkeypatch):
    from ecole_ent.mail import jobs  # noqa: F401 (registers the job)
    cli_env(monkeypatch, **relay_options(mail_relay.port))
    queue('a@example.org')
    assert scheduler.claim(scheduler.get(outbox.JOB), 'autre-serveur:4242', force=True)   # running there
    _out, err = run_cli('mail', 'flush', expect=1)
    assert 'mail.outbox' in err and 'autre-serveur:4242' in err and not mail_relay.envelopes


def test_mail_flush_without_a_relay_says_so(database, run_cli):
    _out, err = run_cli('mail', 'flush', expect=1)
    assert 'aucun relais SMTP configuré' in err


def test_healthz_warns_of_late_and_given_up_mails(mail_relay, clock, demo_app, set_option):
    from ecole_ent.mail import service
    from tests.conftest import Client
    set_option('mail.max_attempts', 1)
    mail_relay.configure(**{'smtp.port': relay.free_port()})
    queue('a@example.org', 'b@example.org')
    outbox.send_due()                                          # the first is given up at once
    clock.advance(hours=2)
    set_option('server.public_url', '')
    report = Client(demo_app).get('/healthz').json
    assert report['mail'] == {'pending': 1, 'failed_this_week': 1}
    warnings = ' '.join(report['warnings'])
    assert "1 courriel(s) en attente depuis plus d'une heure" in warnings
    assert '1 courriel(s) abandonné(s) cette semaine' in warnings and 'server.public_url est vide' in warnings
    set_option('smtp.host', '')
    assert 'mail' not in Client(demo_app).get('/healthz').json and service.enabled() is False
