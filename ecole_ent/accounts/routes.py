"""Sign-in, sign-out, activation, password and account pages. Public: /connexion, /activation,
/mot-de-passe-oublie and its links /mot-de-passe-oublie/<token> (reset.py: a token sent by mail).

The account page /compte shows the account and the e-mail form, then what features add through
hooks.ACCOUNT_SECTION (the calendar addresses of the homework, ...)."""

from bottle import redirect, request, response

from .. import hooks
from ..errors import NotFound, ValidationError
from ..i18n import LANGUAGES, _
from ..web import language, offline
from ..web.forms import field, form_fields, safe_next
from ..web.guards import SESSION_COOKIE, client_address, current_user, require_user, sign_in, terminal_allows
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import profile, reset, service, setup

routes = Routes('accounts')


@routes.get('/connexion')
def login_form():
    if current_user():
        redirect('/', 303)
    if setup.needs_setup():
        redirect('/premiere-installation', 303)
    return render('accounts/login.html', login='', next=safe_next(request.query.getunicode('next')),
                  card_login_url='/carte')


@routes.post('/connexion')
def login():
    name, target = field('login'), safe_next(field('next'))
    try:
        user = service.authenticate(name, field('password'), client_address(), allowed=terminal_allows)
    except service.LoginError as exc:
        return render('accounts/login.html', login=name[:120], next=target, errors={'form': str(exc)},
                      card_login_url='/carte')
    sign_in(user)
    redirect('/mot-de-passe' if user.must_change_password else target, 303)


@routes.post('/langue')
def language_choice():
    """The switcher (every page's footer) and the account page: the language of the pages from
    now on, kept in a cookie and, for a signed-in user, in their account ('': the browser's)."""
    chosen = field('langue')
    if chosen and chosen not in LANGUAGES:
        raise ValidationError({'langue': _('Langue inconnue.')})
    user = current_user()
    if user is not None:
        profile.set_language(user, chosen or None)
    if chosen:
        language.remember(chosen)
    else:
        response.delete_cookie(language.COOKIE, path='/')
    redirect(safe_next(field('suite')), 303)


@routes.post('/deconnexion')
def logout():
    service.close_session(request.get_cookie(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path='/')
    offline.clear_site_data()       # what the service worker kept for this user goes too
    flash(_('Vous êtes déconnecté.'))
    redirect('/connexion', 303)


@routes.get('/mot-de-passe')
def password_form():
    return render('accounts/password.html', user_must_change=require_user().must_change_password)


@routes.post('/mot-de-passe')
def password_change():
    user = require_user()
    try:
        service.change_password(user, field('current'), field('password'), field('confirm'),
                                keep_token=request.get_cookie(SESSION_COOKIE))
    except ValidationError as exc:
        return render('accounts/password.html', user_must_change=user.must_change_password,
                      errors=exc.errors)
    flash(_('Votre mot de passe a été changé.'), 'success')
    redirect('/', 303)


@routes.get('/mot-de-passe-oublie')
def forgot_form():
    return render('accounts/forgot.html', login='', sent=False, available=reset.available())


@routes.post('/mot-de-passe-oublie')
def forgot():
    """The same page whether or not an account matches (reset.request_link)."""
    asked = field('login')
    try:
        if reset.available():
            reset.request_link(asked, client_address())
    except ValidationError as exc:
        return render('accounts/forgot.html', login=asked[:120], sent=False, available=True, errors=exc.errors)
    return render('accounts/forgot.html', login='', sent=True, available=reset.available())


RESET_TOKEN = '/mot-de-passe-oublie/<token:re:[A-Za-z0-9_-]{43}>'


@routes.get(RESET_TOKEN)
def reset_form(token):
    try:
        reset.link_of(token)
    except NotFound as exc:
        return _reset_invalid(exc)
    return render('accounts/reset.html', action=url('accounts.reset_save', token=token))


@routes.post(RESET_TOKEN)
def reset_save(token):
    try:
        reset.use_link(token, field('password'), field('confirm'))
    except NotFound as exc:
        return _reset_invalid(exc)
    except ValidationError as exc:
        return render('accounts/reset.html', action=url('accounts.reset_save', token=token), errors=exc.errors)
    flash(_('Votre mot de passe est changé : connectez-vous avec lui.'), 'success')
    redirect('/connexion', 303)


def _reset_invalid(exc):
    response.status = 404
    return render('accounts/reset_invalid.html', message=str(exc))


@routes.get('/compte')
def account():
    return _account_page(require_user())


@routes.post('/compte/courriel')
def email_change():
    user = require_user()
    try:
        email = profile.change_email(user, field('email'))
    except ValidationError as exc:
        return _account_page(user, errors=exc.errors, email=field('email')[:profile.MAX_EMAIL_LENGTH + 50])
    flash(_('Votre adresse électronique est enregistrée.') if email
          else _('Votre adresse électronique est effacée.'), 'success')
    redirect('/compte', 303)


def _account_page(user, **context):
    sections = [fragment for fragment in (section(user) for section in hooks.ACCOUNT_SECTION) if fragment]
    context.setdefault('email', user.email or '')
    return render('accounts/account.html', roles=profile.role_labels(user), sections=sections,
                  manages_email=profile.manages_own_email(user), **context)


@routes.get('/activation')
def activation_form():
    return render('accounts/activation.html', login='')


@routes.post('/activation')
def activation():
    name = field('login')
    try:
        user = service.activate(name, field('code'), field('password'), field('confirm'),
                                client_address())
    except ValidationError as exc:
        return render('accounts/activation.html', login=name[:120], errors=exc.errors)
    sign_in(user)
    flash(_('Votre compte est activé. Bienvenue !'), 'success')
    redirect('/', 303)


@routes.get('/premiere-installation')
def first_run_form():
    """Public while nothing is installed; from the school's networks only (setup.first_run)."""
    if not setup.needs_setup():
        redirect('/connexion', 303)
    return render('accounts/first_run.html', form={})


@routes.post('/premiere-installation')
def first_run():
    """Installs, or runs one of the "Tester" buttons and shows the form again (no passwords)."""
    form = form_fields(*setup.FORM_FIELDS)
    test = next((name for name in setup.TESTS if field(name)), None)
    try:
        if test:
            return render('accounts/first_run.html', form=setup.shown(form), tested=test,
                          result=setup.first_run_test(test, form, client_address(), _config()))
        admin = setup.first_run(form, client_address(), _config())
    except ValidationError as exc:
        return render('accounts/first_run.html', form=setup.shown(form), errors=exc.errors)
    sign_in(admin)
    flash(_("L'ENT est installé. Bienvenue !"), 'success')
    redirect('/', 303)


def _config():
    from bottle import request as current
    return current.app.config['ecole']


def register(app):
    routes.install(app)
