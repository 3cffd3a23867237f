"""The files of homework entries (media/attachments.py): PDF and audio stored as sent under
DATA/media/homework/files, images through the media pipeline under DATA/media/homework/images."""
from ..media.attachments import IMAGE, Attachments, named  # noqa: F401 (the feature's callers use them from here)
from ..models import HomeworkFile
from . import service

MAX_FILES = 5

_store = Attachments(HomeworkFile, service.settings, max_files=MAX_FILES)
store, forget, path_of, sent, to_send, refuse, saving = (
    _store.store, _store.forget, _store.path_of, _store.sent, _store.to_send, _store.refuse, _store.saving)
