"""The backups page, and the backups' state in /healthz.

Who may see what (page.py decides; tests/maintenance/test_page.py checks every route and role):
  /admin/sauvegardes                   the installation's admin; the director of a one-school
                                       installation, read only (no start button, no download);
                                       everyone else, and a director when there are several
                                       schools: 403
  POST /admin/sauvegardes              the admin: starts one backup in a worker thread (refused in
                                       French while one runs); the director: 403
  /admin/sauvegardes/<name>            the admin: downloads a listed archive (audited); a name not
                                       listed: 404; the director: 403
  POST /admin/sauvegardes/<name>/verifier
                                       the admin: reads a listed archive back and checks it, in a
                                       worker thread; a name not listed: 404; the director: 403
"""
from bottle import redirect, request, response

from .. import app as webapp
from .. import hooks
from ..errors import Busy
from ..home.service import Todo
from ..i18n import _, ngettext
from ..web.files import send_file
from ..web.guards import require_user
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import health, page
from .errors import BackupError

routes = Routes('maintenance')


def _config():
    return request.app.config['ecole']


@routes.get('/admin/sauvegardes', 'backups')
def backups():
    manager = page.may_manage(require_user())
    response.set_header('Cache-Control', 'no-store')
    return render('maintenance/backups.html', manager=manager, **page.overview(_config()))


@routes.post('/admin/sauvegardes', 'start')
def start():
    try:
        page.start_backup(_config(), require_user())
        flash(_('Sauvegarde lancée : elle apparaîtra dans la liste quand elle sera écrite et vérifiée.'), 'success')
    except (Busy, BackupError) as exc:
        flash(str(exc), 'error')
    redirect(url('maintenance.backups'), 303)


@routes.post('/admin/sauvegardes/<archive:re:[A-Za-z0-9._-]{1,100}>/verifier', 'verify')
def verify(archive):
    try:
        page.start_verify(_config(), require_user(), archive)
        flash(_('Vérification lancée : son résultat s’affichera sur cette page.'), 'success')
    except Busy as exc:
        flash(str(exc), 'error')
    redirect(url('maintenance.backups'), 303)


@routes.get('/admin/sauvegardes/<archive:re:[A-Za-z0-9._-]{1,100}>', 'download', slow=True)   # writes the audit line
def download(archive):
    return send_file(page.archive_to_send(_config(), require_user(), archive), 'no-store')


def backup_check(report):
    status, warnings = health.backup_status(webapp.HEALTH_CONTEXT['config'])
    if status is not None:
        report['backup'] = status
    report['warnings'].extend(warnings)


def home_section(user, context):
    """The « À faire » band of the admin's home (and the one-school director's): the backups need a look."""
    count = page.needs_a_look(_config(), user)
    if count:
        context['todo'].append(Todo(url('maintenance.backups'), count, ngettext(
            'point à vérifier dans les sauvegardes', 'points à vérifier dans les sauvegardes', count)))


def register(app):
    hooks.HEALTH_CHECK.add(backup_check)
    hooks.HOME_SECTION.add(home_section)
    routes.install(app)
