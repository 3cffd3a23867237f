"""The hall's kiosk (/kiosque): sign-in by QR card or password, then big buttons to print a
child's week of homework and the notes to sign; automatic sign-out after inactivity.

Who may see each route (the rules: access.py):
- GET /kiosque, POST /kiosque (password), POST /kiosque/carte (QR card, field `jeton`): anyone on
  a school network, for a school whose kiosk is open; 403 from outside. A kiosk session is sent
  to its home.
- GET /kiosque/accueil, GET /kiosque/devoirs/<pupil>, GET /kiosque/mot/<note>/<pupil>,
  POST /kiosque/presence, POST /kiosque/sortie: a kiosk session only (a guardian: their own
  children and notes; a pupil: their own week).
- POST /kiosque/reglage/<school>, POST /kiosque/deblocage/<school> (clears the kiosk's locks,
  locks.py): the school's director, the admin.
Every answer to a kiosk session is `Cache-Control: no-store`; a kiosk session reaching any other
page is sent back to its home (the before_request hook below), and closed outside the school networks.
An ordinary session reaching a kiosk page (but the settings) is closed there, and the page answers
as to anyone at the kiosk: no full ENT session is left on the terminal for the next family.
"""
from datetime import timedelta

from bottle import HTTPError, HTTPResponse, redirect, request, response

from ..accounts import service as accounts
from ..errors import Forbidden, NotFound, ValidationError
from ..homework import service as homework
from ..i18n import _
from ..web.forms import checked, field
from ..web.guards import (
    KIOSK_COOKIE,
    SESSION_COOKIE,
    client_address,
    current_user,
    forget_session,
    require_role,
    set_cookie,
    sign_in,
)
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import access, locks, service

routes = Routes('kiosk')


def _networks():
    return request.app.config['ecole']['security.school_networks']


def _start(uai=''):
    return access.HOME + (f'?ecole={uai}' if uai else '')


def _page(template, **context):
    return render(template, kiosk_seconds=accounts.kiosk_seconds(), **context)


def _kiosk_user():
    user = current_user()
    if not access.is_kiosk_session(user):
        raise Forbidden(_('Cette page est celle de la borne du hall : ouvrez-la depuis la borne.'))
    return user


def _school(uai):
    """(None, the kiosk's school or None to pick one), or (its 403 page, None): outside the school
    networks, or the kiosk closed."""
    try:
        access.require_school_network(client_address(), _networks())
        return None, access.kiosk_school(uai)
    except Forbidden as exc:
        response.status = 403
        return _page('kiosk/closed.html', message=str(exc)), None


def _signed_in_elsewhere():
    """A kiosk session signed in already: to its home (an ordinary one was closed by confine)."""
    if access.is_kiosk_session(current_user()):
        redirect(url('kiosk.home'), 303)


@routes.get('/kiosque')
def start():
    _signed_in_elsewhere()
    uai = request.query.getunicode('ecole', '') or request.get_cookie(KIOSK_COOKIE) or ''
    refused, school = _school(uai[:20])
    if refused:
        return refused
    return _page('kiosk/start.html', school=school, schools=[] if school else access.kiosk_schools())


def _sign_in(authenticate, error_field):
    """Sign in at the kiosk with `authenticate(school, address)` (a service function returning the
    user, or ValidationError); a failure shows the form again, the login never echoed back."""
    _signed_in_elsewhere()
    uai = field('ecole')[:20]
    refused, school = _school(uai)
    if refused or school is None:
        return refused or redirect(_start(), 303)
    try:
        user = authenticate(school, client_address())
    except ValidationError as exc:
        response.status = 400
        return _page('kiosk/start.html', school=school, schools=[], errors=exc.errors,
                     failed=error_field)
    sign_in(user, kiosk=True)
    set_cookie(KIOSK_COOKIE, school.uai)
    redirect(url('kiosk.home'), 303)


@routes.post('/kiosque')
def sign_in_password():
    return _sign_in(lambda school, address: service.sign_in_password(
        school, field('login'), field('password'), address), 'login')


@routes.post('/kiosque/carte')
def sign_in_card():
    return _sign_in(lambda school, address: service.sign_in_card(
        school, field('jeton'), address, _networks()), 'jeton')


@routes.get('/kiosque/accueil', 'home')
def home():
    user = _kiosk_user()
    return _page('kiosk/home.html', children=service.home(user), today=homework.today())


def _missing(exc):
    """Not found, said on the kiosk's own page (with its countdown and « Retour »)."""
    response.status = 404
    return _page('kiosk/closed.html', message=str(exc), title=_('Page introuvable'))


@routes.get('/kiosque/devoirs/<pupil_id:int>', 'week')
def week(pupil_id):
    user = _kiosk_user()
    monday = homework.parse_week(request.query.get('semaine')) or homework.monday_of(homework.today())
    try:
        found = service.child_week(user, pupil_id, monday)
    except NotFound as exc:
        return _missing(exc)
    return _page('kiosk/week.html', week=found, monday=monday, last_day=monday + timedelta(days=6),
                 weeks=service.weeks(monday))


@routes.get('/kiosque/mot/<note_id:int>/<pupil_id:int>', 'note')
def note(note_id, pupil_id):
    try:
        note, receipt = service.note_slip(_kiosk_user(), note_id, pupil_id)
    except NotFound as exc:
        return _missing(exc)
    return _page('kiosk/note.html', note=note, pupil=receipt.pupil, local=homework.to_local)


@routes.post('/kiosque/presence', 'presence')
def presence():
    """kiosk.js says the person is still there (a tap, a key): the session's expiry slid when
    this request was let in (accounts.service.session_user)."""
    _kiosk_user()
    return HTTPResponse(status=204)


@routes.post('/kiosque/sortie', 'sign_out')
def sign_out():
    _kiosk_user()
    forget_session()
    flash(_('Vous êtes déconnecté. À bientôt !'), 'success')
    redirect(_start(request.get_cookie(KIOSK_COOKIE) or ''), 303)


@routes.post('/kiosque/reglage/<school_id:int>', 'setting')
def setting(school_id):
    enabled = checked('kiosque')
    service.set_kiosk(require_role('director', 'admin'), school_id, enabled)
    flash(_('Borne du hall activée.') if enabled else _('Borne du hall désactivée.'), 'success')
    redirect(url('admin.school', school_id=school_id) + '#borne', 303)


@routes.post('/kiosque/deblocage/<school_id:int>', 'unlock')
def unlock(school_id):
    locked = locks.unlock(require_role('director', 'admin'), school_id)
    flash(_('Borne débloquée : les familles peuvent de nouveau s’y connecter.') if locked else
          _('La borne n’était pas bloquée ; ses compteurs d’erreurs sont remis à zéro.'), 'success')
    redirect(url('admin.school', school_id=school_id) + '#borne', 303)


# --- every request of a kiosk session ---------------------------------------------------------

def confine():
    """A kiosk session reaches only the kiosk's pages, and only from a school network (a cookie
    carried elsewhere is closed). An ordinary session reaching a kiosk page is closed: the kiosk
    never hands the next family a full session of the ENT (its settings are posted from the
    school's admin page, not closed)."""
    user = current_user()
    if user is not None and not access.is_kiosk_session(user):
        if access.kiosk_path(request.path) and not access.school_setting_path(request.path):
            forget_session()
            if request.method == 'GET' and request.path != access.HOME:
                redirect(access.HOME, 303)
        return
    if user is None:
        return
    request.environ['ecole.kiosk'] = True
    try:
        access.require_school_network(client_address(), _networks())
    except Forbidden as exc:
        forget_session()            # the 403 page names no one
        refused = HTTPError(403, str(exc))
        refused.delete_cookie(SESSION_COOKIE, path='/')     # a hook's HTTPError replaces the response's cookies
        raise refused from None
    if not access.kiosk_path(request.path):
        redirect(url('kiosk.home'), 303)


def no_store():
    """Nothing a kiosk session was shown is kept by the browser (the next family at the kiosk)."""
    if request.environ.get('ecole.kiosk'):
        response.set_header('Cache-Control', 'no-store')


def register(app):
    app.add_hook('before_request', confine)
    app.add_hook('after_request', no_store)
    routes.install(app)
