"""The maintenance feature has no page of its own: it adds the backups' state to /healthz."""
from ecole_ent import app as webapp
from ecole_ent import hooks
from ecole_ent.maintenance import health


def backup_check(report):
    status, warnings = health.backup_status(webapp.HEALTH_CONTEXT['config'])
    if status is not None:
        report['backup'] = status
    report['warnings'].extend(warnings)


def register(app):
    hooks.HEALTH_CHECK.add(backup_check)
