import pytest

from . import relay


@pytest.fixture
def smtpd():
    """A real SMTP relay on 127.0.0.1 that wants relay.USER / relay.PASSWORD; yields its inbox."""
    inbox = relay.Inbox()
    controller = relay.start(inbox)
    inbox.port = controller.port
    yield inbox
    controller.stop()
