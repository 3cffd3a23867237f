"""Errors of backup and restore, with messages for the commune's IT person."""
try:
    from ecole_ent.i18n import _
except ImportError:  # before the foundation's i18n module exists
    def _(message):
        return message


class BackupError(Exception):
    """A backup or a restore could not be done; the message says why, in French."""
