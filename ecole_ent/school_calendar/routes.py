"""The school calendar page, /ecole/calendrier: the director of a school (their own) and the
installation's admin (any school, ?ecole=UAI or a list to pick from) set the holiday zone and the
weekdays with class; every other role gets 403.
"""
from bottle import redirect, request

from .. import hooks
from ..admin import service as admin
from ..errors import ValidationError, found
from ..i18n import _
from ..web.forms import checked, field
from ..web.guards import require_role
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import overview, service

routes = Routes('school_calendar')


def _page(actor, school, **extra):
    """The page for `school`; the admin also gets the list of schools to switch to (or only the
    list, school None)."""
    schools = admin.schools_for(actor) if actor.has_role('admin') else []
    if school is None:
        return render('school_calendar/index.html', school=None, schools=schools)
    return render('school_calendar/index.html', schools=schools,
                  **overview.page(school, extra.pop('choice', None)), **extra)


@routes.get('/ecole/calendrier')
def index():
    actor = require_role('director', 'admin')
    return _page(actor, admin.school_to_administer(actor, request.query.getunicode('ecole', '')))


@routes.post('/ecole/calendrier')
def save():
    actor = require_role('director', 'admin')
    school = found(admin.school_to_administer(actor, field('ecole')), _('Choisissez une école.'))
    weekdays = [day for day in service.CLASS_WEEKDAYS if checked(f'jour-{day}')]
    try:
        service.save_calendar(actor, school, field('zone'), weekdays)
    except ValidationError as exc:
        return _page(actor, school, errors=exc.errors,
                     choice=service.Choice(field('zone') or None, tuple(weekdays), False))
    flash(_('Calendrier scolaire enregistré.'), 'success')
    redirect(url('school_calendar.index') + '?ecole=' + school.uai, 303)


def register(app):
    hooks.HEALTH_CHECK.add(overview.health)
    routes.install(app)
