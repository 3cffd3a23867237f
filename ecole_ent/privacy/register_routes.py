"""The privacy pages of the director and of families, beside routes.py (the erasure) and the family
export's pages: the notice for families, the processing register, the closed years' photo dates.

Who may see what (tests/privacy/test_register.py checks every route and role):
  /donnees-personnelles         GET: the notice for families (mentions d'information). PUBLIC
                                (web/guards.py PUBLIC_PATHS): no personal data, only the
                                configuration's contacts and retention figures.
  /admin/ecoles/<id>/registre   GET: the school's processing register, printable. The director of
                                that school and the admin; anyone else 403 (another school's
                                director included).
  /admin/ecoles/<id>/photos-annees-closes
                                GET: the closed years and the date until which their photos are
                                kept; POST: the director's new date for one year (audited). The
                                director of that school and the admin; anyone else 403.
"""
from bottle import redirect

from .. import runtime
from ..errors import ValidationError
from ..i18n import _, date_fr
from ..web.forms import field
from ..web.guards import require_role
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import notice, pages, register

routes = Routes('privacy_pages')


@routes.get('/donnees-personnelles', 'notice')
def notice_page():
    """Anyone, signed in or not: what the ENT keeps, for how long, and the families' rights."""
    return render('privacy/notice.html', **notice.notice_page(runtime.current.config))


@routes.get('/admin/ecoles/<school_id:int>/registre', 'register')
def register_page(school_id):
    """Director of this school, admin: the processing register, to print."""
    actor = require_role('director', 'admin')
    return render('privacy/register.html', **register.register_page(actor, school_id, runtime.current.config))


@routes.get('/admin/ecoles/<school_id:int>/photos-annees-closes', 'deadlines')
def deadlines_page(school_id, errors=None, form=None):
    """Director of this school, admin: the closed years and their photos' last day."""
    actor = require_role('director', 'admin')
    return render('privacy/deadlines.html', errors=errors or {}, form=form or {},
                  **pages.deadlines_page(actor, school_id))


@routes.post('/admin/ecoles/<school_id:int>/photos-annees-closes', 'deadline_set')
def deadline_set(school_id):
    """Director of this school, admin: the date until which one closed year's photos are kept."""
    actor = require_role('director', 'admin')
    form = {'year': field('year'), 'photos_until': field('photos_until')}
    try:
        year, day = pages.set_deadline(actor, school_id, form['year'], form['photos_until'])
    except ValidationError as exc:
        return deadlines_page(school_id, exc.errors, form)
    flash(_('Les photos de l’année %(year)s restent jusqu’au %(day)s.') % {'year': year.label, 'day': date_fr(day)},
          'success')
    redirect(url('privacy_pages.deadlines', school_id=school_id), 303)


def register_routes(app):
    routes.install(app)
