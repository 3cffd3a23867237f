"""Mail fixtures: the real relay (tests/mail/relay.py, fixture smtpd) configured as the school's,
the mail clock stopped on the demo's day, and the people of the demo school who receive mail."""
from datetime import timedelta

import pytest

from ecole_ent.db import writing
from ecole_ent.mail import delivery, outbox, service
from ecole_ent.models import Notification, OutboxMail, User
from tests.conftest import DEMO_NOW

from . import relay

PUBLIC_URL = 'https://ent.ecole-des-mimosas.fr'
SENDER = 'ent@ecole-des-mimosas.fr'


def relay_options(port, **kw):
    values = {'smtp.host': '127.0.0.1', 'smtp.port': port, 'smtp.security': 'none',
              'smtp.user': relay.USER, 'smtp.password': relay.PASSWORD, 'smtp.sender': SENDER,
              'smtp.timeout': 3, 'server.public_url': PUBLIC_URL}
    values.update(kw)
    return values


@pytest.fixture
def clock(monkeypatch):
    """The mail clock stopped at DEMO_NOW (10:00 in Paris); clock.set(moment), clock.advance(**kw)."""
    class Clock:
        moment = DEMO_NOW

        def set(self, moment):
            self.moment = moment
            monkeypatch.setattr(service, 'clock', lambda: moment)

        def advance(self, **delta):
            self.set(self.moment + timedelta(**delta))
    stopped = Clock()
    stopped.set(DEMO_NOW)
    return stopped


@pytest.fixture
def mail_relay(demo, smtpd, set_option, clock):
    """The school's relay is the test's aiosmtpd (with its login); nothing queued yet. Returns
    the relay's inbox; .configure(**options) changes options (e.g. 'smtp.password')."""
    with writing():
        Notification.delete().execute()
        OutboxMail.delete().execute()

    def configure(**options):
        for name, value in options.items():
            set_option(name, value)
    configure(**relay_options(smtpd.port))
    smtpd.configure = configure
    return smtpd


def deliver():
    """The jobs' work, as the scheduler runs it: notifications into mails, then the outbox."""
    delivery.run()
    return outbox.send_due()


def with_email(login, address=None):
    user = User.get(User.login == login)
    if address or not user.email:
        with writing():
            User.update(email=address or f'{login}@example.org').where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def parts(message):
    """(text, html) of a multipart/alternative mail."""
    return (message.get_body(('plain',)).get_content(), message.get_body(('html',)).get_content())
