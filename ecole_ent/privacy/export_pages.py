"""A family's data export on the web (privacy/export.py builds it off the request).

Who may see what (tests/privacy/test_export_routes.py checks every route and role):
  /compte (section)                      guardians: ask for the export, then « en préparation », then
                                         the download link (hooks.ACCOUNT_SECTION); nothing for others
  /compte/export                         POST: a guardian asks for their own family's zip (once an hour)
  /compte/export/<token>                 GET: that guardian downloads it; the token only opens a zip
                                         in the signed-in guardian's own folder (anyone else: 403/404)
  /admin/comptes/<id>/export             GET: the page; POST: ask for it. The director of the family's
                                         school and the admin (a family who asks on paper); another
                                         school's director and everyone else 403
  /admin/comptes/<id>/export/<token>     GET: that director downloads the zip they asked for
"""
from bottle import redirect, static_file
from markupsafe import Markup

from .. import hooks
from ..errors import ValidationError
from ..i18n import _
from ..web.forms import csrf_token
from ..web.guards import require_role
from ..web.render import env, flash, render, url
from ..web.routing import Routes
from . import export

routes = Routes('privacy_export')
TOKEN = r'<token:re:[0-9a-f]{32}>'


def _send(path, guardian):
    return static_file(path.name, root=str(path.parent), mimetype='application/zip',
                       download=export.download_name(guardian), headers={'Cache-Control': 'no-store'})


def _ask(requester, guardian, back):
    try:
        export.request_export(requester, guardian)
        flash(_('Votre export est en préparation : il apparaîtra ici dans quelques minutes.'), 'success')
    except ValidationError as exc:
        flash(exc.errors['export'], 'error')
    redirect(back, 303)


@routes.post('/compte/export', 'start')
def start():
    """Guardians: their own family's zip, built off the request."""
    guardian = require_role('guardian')
    _ask(guardian, guardian, '/compte#h-export')


@routes.get('/compte/export/' + TOKEN, 'download')
def download(token):
    """Guardians: their own finished zip."""
    guardian = require_role('guardian')
    return _send(export.zip_path(guardian, guardian, token), guardian)


@routes.get('/admin/comptes/<user_id:int>/export', 'admin_page')
def admin_page(user_id):
    """Director of the family's school, admin: the export of a guardian who asks on paper."""
    actor = require_role('director', 'admin')
    guardian = export.subject_of(actor, user_id)
    return render('privacy/export_admin.html', account=guardian, export=export.status(actor, guardian))


@routes.post('/admin/comptes/<user_id:int>/export', 'admin_start')
def admin_start(user_id):
    actor = require_role('director', 'admin')
    guardian = export.subject_of(actor, user_id)
    _ask(actor, guardian, url('privacy_export.admin_page', user_id=user_id))


@routes.get('/admin/comptes/<user_id:int>/export/' + TOKEN, 'admin_download')
def admin_download(user_id, token):
    actor = require_role('director', 'admin')
    guardian = export.subject_of(actor, user_id)
    return _send(export.zip_path(actor, guardian, token), guardian)


def account_section(user):
    """The export's section of /compte for guardians (hooks.ACCOUNT_SECTION); None for others."""
    if not user.has_role('guardian'):
        return None
    return Markup(env.get_template('privacy/_export_section.html').render(
        export=export.status(user, user), csrf_token=csrf_token(), keep_hours=export.KEEP_HOURS,
        action=url('privacy_export.start'),
        link=lambda token: url('privacy_export.download', token=token)))


def register(app):
    hooks.ACCOUNT_SECTION.add(account_section)
    routes.install(app)
