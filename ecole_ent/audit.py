"""Audit log of administrative and security events: who did what, to what, when."""
import json

from .models import AuditEvent


def record(actor, action, target='', school=None, **details):
    school = school if school is not None else getattr(actor, 'school_id', None)
    return AuditEvent.create(actor=actor, school=school, action=action, target=str(target)[:200],
                             details=json.dumps(details, ensure_ascii=False, default=str))
