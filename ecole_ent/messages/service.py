"""Parent messaging (/messages): its settings and its clock. The feature's parts live beside this:
access.py (who may write to whom: the one rule table), threads.py (starting threads, replies,
recall), reading.py (the inbox, a thread, read receipts, unread counts), attachments.py (files),
safety.py (read-only switch, rate limit), routes.py, demo.py. Plain functions, no bottle."""

from .. import runtime
from ..media.attachments import read_settings as attachment_settings
from ..models import now
from ..school_time import from_local, to_local  # noqa: F401 (the feature's callers use them from here)


def read_settings(config):
    """Files under DATA/media/messages (media/attachments.py)."""
    return attachment_settings(config, 'messages', config['messages.attachment_max_mb'])


def settings():
    return runtime.settings(read_settings)


def clock():
    """Now, in naive UTC. The one clock of the feature: tests replace it (monkeypatch) to see a
    scheduled message before and after its time, or a recall after the hour, never by sleeping."""
    return now()
