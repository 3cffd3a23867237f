"""Periodic housekeeping of sign-in data: expired sessions and old throttling rows."""
from datetime import timedelta

from ..db import writing
from ..models import LoginSession, Throttle, now
from ..scheduler import job


@job('sessions.cleanup', every=3600, help='Supprime les sessions expirées et les anciens compteurs '
                                          "d'échecs de connexion")
def cleanup():
    moment = now()
    with writing():
        LoginSession.delete().where(LoginSession.expires_at < moment).execute()
        Throttle.delete().where((Throttle.updated_at < moment - timedelta(days=1))
                                & (Throttle.locked_until.is_null()
                                   | (Throttle.locked_until < moment))).execute()
