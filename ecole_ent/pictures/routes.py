"""Picture passwords' pages: the pupils' sign-in with pictures, and the class's switch and sheet.

Who may see what (service.py decides; tests/pictures/test_routes.py checks every route and role):
  /images                              anyone on the school's networks (403 elsewhere, before
                                       anything else): GET the school picker when the installation
                                       has several (?ecole=UAI), the class picker (?classe=<id>),
                                       the class's pupils (first name and initial only), then
                                       (?eleve=<id>) the pupil's grid of 12 pictures, whose form
                                       alone carries the login (an id the picker does not list
                                       counts against the address: service.py, « Logins »);
                                       POST login + images (names, comma-separated):
                                       fewer than 3 pictures show the next step, 3 sign in or not.
                                       The chosen pictures travel in POST bodies only, never in a
                                       URL (access logs, history). Pupils only; a signed-in user
                                       posting is sent home. Every response no-store.
  /annuaire/classe/<id>/images         the class's teachers, its school's director, the admin:
                                       the switch, and (on) the printable sheet of every pupil's
                                       pictures (no-store); everyone else 403
  .../images (POST), /renouveler, /eleve/<id>/images   the same people: switch, renew all, renew one
"""
from bottle import redirect, request, response

from ..errors import Forbidden, NotFound, OutsideSchoolNetwork, ValidationError
from ..i18n import _, ngettext
from ..numbers import as_id
from ..web.forms import field
from ..web.guards import client_address, current_user, require_user, sign_in
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import service
from .catalogue import PICTURES

routes = Routes('pictures')


def _networks():
    return request.app.config['ecole']['security.school_networks']


def _grid(pupil, classroom, chosen=(), **context):
    return render('pictures/sign_in.html', step='grid', pupil=pupil, classroom=classroom, pictures=PICTURES,
                  chosen=list(chosen), length=service.LENGTH, **context)


def _steps(login='', chosen=()):
    """The sign-in page at the step the query (GET: ?ecole=UAI, ?classe=<id>, ?eleve=<id>) or the
    chosen pictures (POST) ask for. Only the grid's form carries the pupil's login."""
    service.require_school_network(client_address(), _networks())
    if login:
        return _grid(*service.posting_pupil(login), chosen)
    query = request.query
    if query.getunicode('eleve', ''):
        return _grid(*service.picker_pupil(as_id(query.getunicode('eleve', '')), client_address()))
    if query.getunicode('classe', ''):
        classroom = service.open_class(as_id(query.getunicode('classe', '')))
        return render('pictures/sign_in.html', step='pupils', classroom=classroom,
                      pupils=service.active_pupils(classroom), several=service.several_schools())
    several = service.several_schools()
    if query.getunicode('ecole', '') or not several:
        school = service.school_on(query.getunicode('ecole', '')) if several else None
        return render('pictures/sign_in.html', step='classes', school=school,
                      classes=service.classes_on(school))
    return render('pictures/sign_in.html', step='schools', schools=service.schools_on())


def _refused(error, login=''):
    """403 with the error's message (and a picture); after a wrong sequence, the pupil's grid again."""
    message = str(error)
    response.status = 403
    response.set_header('Cache-Control', 'no-store')
    context = {'step': 'refused'}
    if login and not isinstance(error, OutsideSchoolNetwork):
        try:
            return _grid(*service.posting_pupil(login), message=message)
        except NotFound:
            pass
    return render('pictures/sign_in.html', message=message, **context)


@routes.get('/images', 'sign_in', slow=True)    # an id the picker does not list counts a failure: writes, may wait
def sign_in_page():
    try:
        return _steps()
    except Forbidden as exc:
        return _refused(exc)


@routes.post('/images', 'submit')
def submit():
    if current_user() is not None:
        redirect('/', 303)
    login, chosen = field('login'), service.parse(field('images'))
    try:
        if chosen is not None and len(chosen) < service.LENGTH:
            return _steps(login, chosen)        # another picture to choose (no JavaScript)
        pupil = service.sign_in_user(login, field('images'), client_address(), _networks())
    except Forbidden as exc:
        return _refused(exc, login)
    sign_in(pupil)
    redirect('/', 303)


def _sheet(user, classroom, errors=None):
    response.set_header('Cache-Control', 'no-store')       # the sheet shows every pupil's pictures
    on = service.is_on(classroom)
    rows = service.sequences(classroom, user) if on else []
    return render('pictures/sheet.html', classroom=classroom, on=on, errors=errors or {},
                  sheet=[(p, service.with_alts(names)) for p, names in rows],
                  locked=service.locked_ids([p for p, _names in rows]))


@routes.get('/annuaire/classe/<class_id:int>/images', 'sheet', slow=True)    # seeds a newcomer: writes, may wait
def sheet(class_id):
    user = require_user()
    return _sheet(user, service.managed_class(user, class_id))


@routes.post('/annuaire/classe/<class_id:int>/images', 'switch')
def switch(class_id):
    user = require_user()
    classroom, on = service.managed_class(user, class_id), field('etat') == 'oui'
    service.switch(user, classroom, on)
    flash(_('Connexion par images activée pour la classe.') if on else
          _('Connexion par images désactivée pour la classe.'), 'success')
    redirect(url('pictures.sheet', class_id=class_id), 303)


@routes.post('/annuaire/classe/<class_id:int>/images/renouveler', 'renew_class')
def renew_class(class_id):
    user = require_user()
    classroom = service.managed_class(user, class_id)
    try:
        count = service.renew_class(user, classroom, field('confirmer') == 'oui')
    except ValidationError as exc:
        response.status = 400
        return _sheet(user, classroom, exc.errors)
    flash(ngettext('Nouvelles images pour %d élève : les anciennes ne fonctionnent plus.',
                   'Nouvelles images pour %d élèves : les anciennes ne fonctionnent plus.', count) % count, 'success')
    redirect(url('pictures.sheet', class_id=class_id), 303)


@routes.post('/annuaire/classe/<class_id:int>/eleve/<pupil_id:int>/images', 'renew_pupil')
def renew_pupil(class_id, pupil_id):
    user = require_user()
    classroom = service.managed_class(user, class_id)
    pupil = service.class_pupil(classroom, pupil_id)
    service.renew_pupil(user, classroom, pupil)
    flash(_('Nouvelles images pour %s : les anciennes ne fonctionnent plus.') % pupil.first_name, 'success')
    redirect(url('pictures.sheet', class_id=class_id) + f'#eleve-{pupil.id}', 303)


def no_store():
    """No page of the sign-in is kept by the browser: its steps show the pictures chosen so far
    (also its errors: 400, 403, 404, whose responses the hook still reaches)."""
    if request.path == '/images':
        response.set_header('Cache-Control', 'no-store')


def register(app):
    app.add_hook('after_request', no_store)
    routes.install(app)
