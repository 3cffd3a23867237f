"""The mail settings on the account page, and the one-click link that stops a user's mails.

Who may see what:
  /compte/courriels                    POST: every signed-in user, for their own settings (shown on
                                       /compte through hooks.ACCOUNT_SECTION, pupils excepted)
  /courriels/arret/<token>             anyone holding the token (public, web/guards.py): GET asks,
                                       POST stops the token's user's mails; the POST needs no CSRF
                                       token (RFC 8058 one-click: the mail client posts it)
"""
from bottle import redirect
from markupsafe import Markup

from .. import hooks
from ..errors import ValidationError
from ..i18n import _
from ..web.forms import checked, csrf_token, field
from ..web.guards import require_user
from ..web.render import env, flash, render, url
from ..web.routing import Routes
from . import outbox, preferences, service, unsubscribe

routes = Routes('mail')
TOKEN = r'<token:re:[0-9]{1,12}\.[A-Za-z0-9_-]{43}>'
SECTION_ROLES = ('teacher', 'director', 'staff', 'admin', 'guardian')


@routes.post('/compte/courriels', 'preferences')
def preferences_save():
    user = require_user()
    try:
        pref = preferences.save_preference(user, mode=field('mode'), hide_content=checked('hide_content'),
                                           quiet_from=field('quiet_from'), quiet_until=field('quiet_until'),
                                           actor=user)
    except ValidationError as exc:
        for message in exc.errors.values():
            flash(_('Réglages des courriels non enregistrés : %s') % message, 'error')
        redirect(url('accounts.account') + '#h-mail', 303)
    flash(_('Réglages des courriels enregistrés : %s.') % preferences.mode_label(pref.mode), 'success')
    redirect(url('accounts.account') + '#h-mail', 303)


@routes.get('/courriels/arret/' + TOKEN, 'stop_form')
def stop_form(token):
    unsubscribe.user_of(token)
    return render('mail/stop.html', done=False, action=url('mail.stop', token=token))


@routes.post('/courriels/arret/' + TOKEN, 'stop')
def stop(token):
    unsubscribe.stop(token)
    return render('mail/stop.html', done=True, action='')


def account_section(user):
    """The mail settings on /compte (hooks.ACCOUNT_SECTION); None for pupils (no notifications)."""
    if not user.has_role(*SECTION_ROLES):
        return None
    return Markup(env.get_template('mail/_preferences.html').render(
        pref=preferences.preference(user), has_email=bool(user.email), enabled=service.enabled(),
        quiet_hours=True, csrf_token=csrf_token(), action=url('mail.preferences')))


def register(app):
    hooks.ACCOUNT_SECTION.add(account_section)
    hooks.HEALTH_CHECK.add(outbox.health)
    routes.install(app)
