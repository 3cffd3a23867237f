"""The files of notes (media/attachments.py): PDF stored as sent under DATA/media/liaison/files,
images through the media pipeline under DATA/media/liaison/images."""
from ..media.attachments import DOCUMENTS, Attachments, named  # noqa: F401 (callers use named from here)
from ..models import NoteFile
from . import service

MAX_FILES = 5

_store = Attachments(NoteFile, service.settings, kinds=DOCUMENTS, max_files=MAX_FILES)
store, forget, path_of, sent, to_send, refuse, saving = (
    _store.store, _store.forget, _store.path_of, _store.sent, _store.to_send, _store.refuse, _store.saving)
