"""The cahier de liaison: its settings, its clock, and the school's date. The feature's parts live
beside this: access.py (who may send, read, sign and follow which note), notes.py (sending a
note), receipts.py (reading, signing, answering, paper signatures, reminders, a note's status),
export.py (the answers as CSV), jobs.py (the automatic reminder), commands.py (the command line),
pages.py (what the pages and the homes show), archive.py (the year archive) and demo.py. Plain
functions, no bottle.
"""

from .. import runtime
from ..media.attachments import read_settings as attachment_settings
from ..models import now
from ..school_time import from_local, to_local  # noqa: F401 (the feature's callers use them from here)


def read_settings(config):
    """Files under DATA/media/liaison (media/attachments.py)."""
    return attachment_settings(config, 'liaison', config['messages.attachment_max_mb'])


def settings():
    return runtime.settings(read_settings)


def clock():
    """Now, in naive UTC. The one clock of the feature: tests replace it (monkeypatch) to see a
    scheduled note before and after its time and the reminders on the days around a deadline,
    never by sleeping."""
    return now()


def today():
    """The school's date now (by clock())."""
    return to_local(clock()).date()


def local_day(moment):
    """The school's date of a naive UTC moment."""
    return to_local(moment).date()
