"""The files of messages (media/attachments.py): PDF stored as sent under DATA/media/messages/files,
images through the media pipeline under DATA/media/messages/images; a file whose first bytes are
neither is refused in French, whatever its name says."""
from ..media.attachments import DOCUMENTS, IMAGE, Attachments, named  # noqa: F401 (callers use them from here)
from ..models import MessageFile
from . import service

MAX_FILES = 5

_store = Attachments(MessageFile, service.settings, kinds=DOCUMENTS, max_files=MAX_FILES)
store, forget, path_of, sent, to_send, refuse, saving = (
    _store.store, _store.forget, _store.path_of, _store.sent, _store.to_send, _store.refuse, _store.saving)
