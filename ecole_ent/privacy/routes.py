"""The director's erasure of an account on request (RGPD, article 17), from the account's admin page.

Who may see what (erase.py decides through admin.accounts.get_account; tests/privacy/test_routes.py
checks every route and role):
  /admin/comptes/<id>/effacer   GET: the confirmation page; POST: the erasure, confirmed a second
                                time by typing the account's full name. The director of the
                                account's school and the installation's admin; anyone else 403
                                (another school's director included).
  /compte/export                GET via /compte (hooks.ACCOUNT_SECTION); POST: a guardian asks for
                                their own family's data export (export.py, once an hour); others 403
  /compte/export/<token>        GET: that guardian downloads it (only from their own folder: another
                                guardian 404); others 403
  /admin/comptes/<id>/export    GET: the page; POST: ask for it. The director of the family's school
                                and the admin (a family who asks on paper); anyone else 403
  /admin/comptes/<id>/export/<token>   GET: that director downloads the zip they asked for
  /donnees-personnelles         GET: the notice for families (mentions d'information). PUBLIC
                                (web/guards.py PUBLIC_PATHS): no personal data, only the
                                configuration's contacts and retention figures, and the schools
                                (a signed-in reader's own only: notice.schools_named).
  /admin/ecoles/<id>/registre   GET: the school's processing register, printable. The director of
                                that school and the admin; anyone else 403 (another school's
                                director included). Checked with the next one by
                                tests/privacy/test_register.py.
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
from ..web.guards import current_user, require_role
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import erase, export, export_pages, notice, pages
from . import register as processing_register

routes = Routes('privacy')


@routes.get('/admin/comptes/<user_id:int>/effacer', 'erase_form')
def erase_form(user_id, errors=None, form=None):
    """Director of the account's school, admin: what erasing this account removes and keeps."""
    actor = require_role('director', 'admin')
    return render('privacy/erase.html', errors=errors or {}, form=form or {}, **erase.erasure_page(actor, user_id))


@routes.post('/admin/comptes/<user_id:int>/effacer', 'erase')
def erase_post(user_id):
    """Director of the account's school, admin: erase it, once its full name is typed."""
    actor = require_role('director', 'admin')
    form = {'confirm_name': field('confirm_name'), 'contributions': field('contributions')}
    try:
        erase.erase_on_request(actor, user_id, form['confirm_name'], form['contributions'])
    except ValidationError as exc:
        return erase_form(user_id, exc.errors, form)
    flash(_('Compte effacé : ses données personnelles ne sont plus sur l’ENT.'), 'success')
    redirect(url('admin.account', user_id=user_id), 303)


@routes.post('/compte/export', 'export_start')
def export_start():
    """Guardians: their own family's zip, built off the request."""
    guardian = require_role('guardian')
    export_pages.ask(guardian, guardian, '/compte#h-export')


@routes.get('/compte/export/' + export_pages.TOKEN, 'export_download')
def export_download(token):
    """Guardians: their own finished zip."""
    guardian = require_role('guardian')
    return export_pages.send(export.zip_path(guardian, guardian, token), guardian)


@routes.get('/admin/comptes/<user_id:int>/export', 'export_admin')
def export_admin(user_id):
    """Director of the family's school, admin: the export of a guardian who asks on paper."""
    actor = require_role('director', 'admin')
    guardian = export.subject_of(actor, user_id)
    return render('privacy/export_admin.html', account=guardian, export=export.status(actor, guardian))


@routes.post('/admin/comptes/<user_id:int>/export', 'export_admin_start')
def export_admin_start(user_id):
    actor = require_role('director', 'admin')
    export_pages.ask(actor, export.subject_of(actor, user_id), url('privacy.export_admin', user_id=user_id))


@routes.get('/admin/comptes/<user_id:int>/export/' + export_pages.TOKEN, 'export_admin_download')
def export_admin_download(user_id, token):
    actor = require_role('director', 'admin')
    guardian = export.subject_of(actor, user_id)
    return export_pages.send(export.zip_path(actor, guardian, token), guardian)


@routes.get('/donnees-personnelles', 'notice')
def notice_page():
    """Anyone, signed in or not: what the ENT keeps, for how long, and the families' rights."""
    return render('privacy/notice.html', **notice.notice_page(runtime.current.config, current_user()))


@routes.get('/admin/ecoles/<school_id:int>/registre', 'register')
def register_page(school_id):
    """Director of this school, admin: the processing register, to print."""
    actor = require_role('director', 'admin')
    return render('privacy/register.html',
                  **processing_register.register_page(actor, school_id, runtime.current.config))


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
    redirect(url('privacy.deadlines', school_id=school_id), 303)


def register(app):
    routes.install(app)
    export_pages.register(app)
