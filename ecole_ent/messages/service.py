"""Parent messaging (/messages): its settings and its clock. The feature's parts live beside this:
access.py (who may write to whom: the one rule table), threads.py (starting threads, replies,
recall), reading.py (the inbox, a thread, read receipts, unread counts), attachments.py (files),
safety.py (read-only switch, rate limit), routes.py, demo.py. Plain functions, no bottle."""
from pathlib import Path

from .. import runtime
from ..media import Limits, MediaStore
from ..media.attachments import Settings
from ..models import now
from ..school_time import from_local, to_local  # noqa: F401 (the feature's callers use them from here)


def read_settings(config):
    root = Path(config.data_dir) / 'media' / 'messages'
    return Settings(files_dir=str(root / 'files'), images=MediaStore(root / 'images'),
                    max_bytes=config['messages.attachment_max_mb'] * 2**20,
                    limits=Limits(max_bytes=config['photos.max_upload_mb'] * 2**20,
                                  max_pixels=config['photos.max_megapixels'] * 1_000_000,
                                  full_edge=1600,
                                  decode_pixels=config['photos.decode_megapixels'] * 1_000_000))


def settings():
    return runtime.settings(read_settings)


def clock():
    """Now, in naive UTC. The one clock of the feature: tests replace it (monkeypatch) to see a
    scheduled message before and after its time, or a recall after the hour, never by sleeping."""
    return now()
