"""Directory pages: sync reports and ONDE upload (director, admin), login cards and letters
(the class's teachers, the director), and the pupils' card sign-in (public, school networks)."""
import tempfile

from bottle import redirect, request, response

from .. import hooks
from ..accounts import membership
from ..errors import Forbidden, NotFound, ValidationError, found
from ..i18n import _
from ..models import User
from ..pictures import service as picture_passwords
from ..web.files import send_zip
from ..web.forms import field
from ..web.guards import client_address, current_user, require_role, sign_in
from ..web.render import add_nav, flash, public_url, render
from ..web.routing import Routes
from . import archive, cards, explain, schedule, service

ACTIONS = ('created', 'updated', 'moved', 'deactivated', 'reactivated', 'skipped', 'purged')

routes = Routes('directory')


def _config():
    return request.app.config['ecole']


def _school(user):
    return found(user.school or service.default_school(), _('Aucune école.'))


@routes.get('/annuaire')
def index():
    user = require_role('director', 'admin')
    overview, config = service.overview(_school(user), _config()), _config()
    return render('directory/index.html', **overview,
                  **explain.page(config, overview, service.inbox(config), admin=user.has_role('admin')))


@routes.get('/annuaire/import/<run_id:int>', 'run')
def run_detail(run_id):
    user = require_role('director', 'admin')
    run = service.get_run(_school(user), run_id)
    action, search = request.query.getunicode('action', ''), request.query.getunicode('q', '')
    return render('directory/run.html', run=run, lines=service.run_lines(run, action, search),
                  action=action if action in ACTIONS else '', search=search, actions=ACTIONS,
                  admin=user.has_role('admin'), **explain.run_page(run, _config()))


@routes.post('/annuaire/synchroniser')
def sync_now():
    user = require_role('director', 'admin')
    ran, message = schedule.run_once(_config(), trigger='admin', actor=user)
    flash(message, 'success' if ran else 'error')
    redirect('/annuaire', 303)


@routes.post('/annuaire/onde', 'onde')
def onde_upload():
    user = require_role('director', 'admin')
    school = _school(user)
    with tempfile.TemporaryDirectory() as folder:
        paths = service.save_uploads(folder, {name: request.files.get(name) for name in
                                              ('eleves', 'responsables', 'enseignants')})
        outcome = service.sync_onde(*paths, _config(), school=school.uai, trigger='admin',
                                    actor=user, dry_run=field('mode') != 'importer')
    return render('directory/result.html', outcome=outcome, school=school, refusal=explain.refusal(outcome))


@routes.get('/annuaire/cartes')
def card_classes():
    user = require_role('teacher', 'director', 'admin')
    return render('directory/card_classes.html', classes=service.card_classes(user))


@routes.get('/annuaire/classe/<class_id:int>')
def classroom(class_id):
    user = require_role('teacher', 'director', 'admin')
    return render('directory/classroom.html', **_class_page(user, class_id))


def _class_page(user, class_id):
    """The class (Forbidden unless the user teaches or directs it), its pupils and their cards."""
    page = service.class_cards(user, class_id)
    page['states'] = cards.card_states([pupil for pupil, _has in page['pupils']])
    return page


def _pupil(page, pupil_id):
    pupil = User.get_or_none(User.id == pupil_id)
    absent = pupil is None or not membership.enrolled(pupil, page['classroom'])
    if absent or ('states' in page and pupil.id not in page['states']):     # a disabled account: no card
        raise NotFound(_('Élève introuvable dans cette classe.'))
    return pupil


def _secret():
    """Cards and letters show codes: keep them out of every cache."""
    response.set_header('Cache-Control', 'no-store')


def _printed(user, classroom, printed, **context):
    """The printable page: eight cards per A4 sheet, each with its QR code and its typed code. The
    QR code holds /carte#jeton=…: a fragment is never sent to a server, a proxy or a log; the page's
    script posts it (static/cards/scan.js). Cards printed with ?jeton= keep working (card_form)."""
    _secret()
    return render('directory/cards.html', classroom=classroom, **context,
                  pictures=picture_passwords.class_pictures(classroom, user),
                  cards=[(p, printable(t), cards.qr_svg(card_url(t)), new)
                         for p, t, new in printed])


@routes.post('/annuaire/classe/<class_id:int>/cartes', 'cards')
def print_cards(class_id):
    user = require_role('teacher', 'director', 'admin')
    classroom, renew = service.class_cards(user, class_id)['classroom'], field('renouveler') == 'toutes'
    return _printed(user, classroom, cards.print_class(classroom, user, renew=renew), renew=renew, single=None)


@routes.get('/annuaire/classe/<class_id:int>/cartes/renouveler', 'renew')
def confirm_renew(class_id):
    page = _class_page(require_role('teacher', 'director', 'admin'), class_id)
    return render('directory/card_renew.html', **page)


@routes.get('/annuaire/classe/<class_id:int>/eleve/<pupil_id:int>/carte', 'card')
def card_choice(class_id, pupil_id):
    page = _class_page(require_role('teacher', 'director', 'admin'), class_id)
    pupil = _pupil(page, pupil_id)
    return render('directory/card_reprint.html', pupil=pupil, state=page['states'][pupil.id], errors={},
                  **page)


@routes.post('/annuaire/classe/<class_id:int>/eleve/<pupil_id:int>/carte', 'reprint')
def reprint_card(class_id, pupil_id):
    user = require_role('teacher', 'director', 'admin')
    page = _class_page(user, class_id)
    pupil, choice = _pupil(page, pupil_id), field('code')
    try:
        token, new = cards.reprinted_card(pupil, user, choice)
    except ValidationError as exc:
        response.status = 400
        return render('directory/card_reprint.html', pupil=pupil, state=page['states'][pupil.id],
                      errors=exc.errors, **page)
    return _printed(user, page['classroom'], [(pupil, token, new)], renew=False, single=choice)


@routes.post('/annuaire/classe/<class_id:int>/lettres', 'letters')
def print_letters(class_id):
    user = require_role('teacher', 'director', 'admin')
    page = service.class_cards(user, class_id)
    _secret()
    return render('directory/letters.html', public_url=public_url(), title=page['classroom'].name,
                  letters=cards.issue_letters(page['classroom'], user))


@routes.post('/annuaire/personnel/lettres', 'staff_letters')
def print_staff_letters():
    user = require_role('director', 'admin')
    _secret()
    return render('directory/letters.html', public_url=public_url(), title=_('Personnel'),
                  letters=cards.issue_staff_letters(_school(user), user))


@routes.post('/annuaire/classe/<class_id:int>/eleve/<pupil_id:int>/revoquer')
def revoke(pupil_id, class_id):
    user = require_role('teacher', 'director', 'admin')
    pupil = _pupil(service.class_cards(user, class_id), pupil_id)
    cards.revoke_card(pupil, user)
    flash(_('Carte de {name} désactivée : elle ne fonctionne plus.').format(name=pupil.first_name), 'success')
    redirect(f'/annuaire/classe/{class_id}', 303)


@routes.get('/annuaire/archives')
def archives():
    user = require_role('guardian')
    return render('directory/archives.html', children=archive.children(user))


@routes.get('/annuaire/archives/<pupil_id:int>', 'archive', slow=True)    # builds a zip (see ecole_ent.lanes)
def archive_download(pupil_id):
    name, out, size = archive.build(require_role('guardian'), pupil_id, _config().data_dir)
    return send_zip(name, out, size)


@routes.get('/carte', slow=True)     # ?jeton= (cards printed before #jeton=) signs in: writes, may wait
def card_form():
    response.set_header('Referrer-Policy', 'no-referrer')     # an old card's ?jeton= never leaves in a Referer
    token = request.query.getunicode('jeton', '')
    if token:
        return _card_sign_in(token)
    return render('directory/card_login.html', errors={})


@routes.post('/carte')
def card_submit():
    return _card_sign_in(field('code'))


def _card_sign_in(token):
    if current_user() is not None:
        redirect('/', 303)
    try:
        pupil = cards.card_user(token, client_address(), _config()['security.school_networks'])
    except Forbidden as exc:
        response.status = 403
        return render('directory/card_login.html', errors={'code': str(exc)})
    sign_in(pupil)
    redirect('/', 303)


def printable(token):
    return cards.printable(token)


def card_url(token):
    """What a card's QR code holds: the sign-in page, the token in its fragment."""
    return f'{public_url()}/carte#jeton={token}'


def home_section(user, context):
    """The admin home shows a sync that did not apply until one does (hooks.HOME_SECTION)."""
    if user.has_role('director', 'admin'):
        school = user.school or service.default_school()
        failure = service.last_failure(school) if school else None
        if failure:
            context['directory_failure'] = failure
            context['directory_todo'] = explain.what_to_do(failure, _config())


def register(app):
    hooks.HOME_SECTION.add(home_section)
    hooks.HEALTH_CHECK.add(service.health)
    add_nav('/annuaire/cartes', _('Cartes de connexion'), 'card', ('teacher', 'director', 'admin'),
            order=80)
    add_nav('/annuaire', _('Annuaire'), 'printer', ('director', 'admin'), order=85)
    add_nav('/annuaire/archives', _('Archives de l’année'), 'photos', ('guardian',), order=88)
    routes.install(app)

