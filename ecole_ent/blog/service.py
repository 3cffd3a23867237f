"""Class blogs: their settings (the school's time is ecole_ent/school_time.py). The blog's jobs live beside this:
access.py (who may read and write what), reading.py (lists, comments shown, "new since your last
visit", a post's body), posting.py (posts, comments, attachments), moderation.py (the queue,
approving and refusing) and public.py (the public page and feed). Plain functions, no bottle.
"""
from dataclasses import dataclass

from .. import runtime
from ..school_time import from_local, to_local  # noqa: F401 (the blog's callers use them from here)


@dataclass(frozen=True)
class Settings:
    media_dir: str            # DATA/media/blog
    max_bytes: int            # an attachment's


def read_settings(config):
    return Settings(media_dir=str(config.path('media', 'blog')),
                    max_bytes=config['blog.attachment_max_mb'] * 2**20)


def settings():
    return runtime.settings(read_settings)
