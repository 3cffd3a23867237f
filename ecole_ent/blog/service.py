"""Class blogs: their settings and the school's time zone. The blog's jobs live beside this:
access.py (who may read and write what), reading.py (lists, comments shown, "new since your last
visit", a post's body), posting.py (posts, comments, attachments), moderation.py (the queue,
approving and refusing) and public.py (the public page and feed). Plain functions, no bottle.
"""
from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from .. import runtime


@dataclass(frozen=True)
class Settings:
    media_dir: str            # DATA/media/blog
    max_bytes: int            # an attachment's
    zone: ZoneInfo            # the school's


def read_settings(config):
    return Settings(media_dir=str(config.path('media', 'blog')),
                    max_bytes=config['blog.attachment_max_mb'] * 2**20,
                    zone=ZoneInfo(config['app.timezone']))


def settings():
    return runtime.settings(read_settings)


# --- time: stored as naive UTC, entered and shown in the school's time zone -------------------

def to_local(moment):
    """Naive UTC -> naive local time of the school, for display."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(settings().zone).replace(tzinfo=None)


def from_local(moment):
    return moment.replace(tzinfo=settings().zone).astimezone(UTC).replace(tzinfo=None)
