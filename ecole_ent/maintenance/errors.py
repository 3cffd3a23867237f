"""Errors of backup and restore, with messages for the commune's IT person."""
from ecole_ent.errors import EcoleError


class BackupError(EcoleError):
    """A backup or a restore could not be done; the message says why, in French."""
