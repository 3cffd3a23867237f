"""A real SMTP relay for the tests (aiosmtpd on a free loopback port), with AUTH and an inbox."""
import email
import email.policy
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = 'ent-ecole', 'mot-de-passe-du-relais'


class Inbox:
    """What the relay accepted; RCPT TO an address starting with « inconnu » is refused."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith('inconnu'):
            return '550 5.1.1 Destinataire inconnu'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return '250 Message accepted for delivery'

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default)
                for e in self.envelopes]


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)   # handled=False: the client gets its 535


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start(inbox):
    """A started Controller (stop() it); start() connects to the port, so pick a free one."""
    controller = Controller(inbox, hostname='127.0.0.1', port=free_port(),
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    return controller
