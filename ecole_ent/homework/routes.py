"""The homework notebook's pages: the families' and pupils' week (/devoirs), a class's week for its
teachers, writing entries, ticks, printing, the subject list, and the private calendar feeds."""
from bottle import redirect, response
from markupsafe import Markup

from .. import hooks
from ..i18n import _
from ..web.forms import csrf_token, field, safe_next
from ..web.guards import require_user
from ..web.render import env, flash, public_url, url
from ..web.routing import Routes
from . import feed

routes = Routes('homework')


# --- calendar feeds (feed.py) -----------------------------------------------------------------------

@routes.get('/agenda/<token:re:[A-Za-z0-9_-]{20,100}>.ics', 'feed')
def calendar_feed(token):
    """Public (web/guards.py): the secret token is the only key, so calendar apps need no cookie."""
    base = public_url()
    ics = feed.ics(token, link=lambda entry: base + url('homework.entry', homework_id=entry.id))
    response.content_type = 'text/calendar; charset=utf-8'
    response.set_header('Cache-Control', 'private, max-age=900')
    response.set_header('Content-Disposition', f'inline; filename="{ics.filename}"')
    return ics.body


@routes.post('/compte/agenda/<child_id:int>/desactiver', 'feed_revoke')
def feed_revoke(child_id):
    child = feed.revoke(require_user(), child_id)
    flash(_("L'adresse de l'agenda des devoirs de %s est désactivée : elle ne fonctionne plus.")
          % child.first_name, 'success')
    redirect(safe_next(field('next'), '/compte'), 303)


@routes.post('/compte/agenda/<child_id:int>/renouveler', 'feed_renew')
def feed_renew(child_id):
    child = feed.renew(require_user(), child_id)
    flash(_("Nouvelle adresse pour l'agenda des devoirs de %s : ajoutez-la à votre agenda, "
            "l'ancienne ne fonctionne plus.") % child.first_name, 'success')
    redirect(safe_next(field('next'), '/compte'), 303)


def render_feeds(user, next_url='/compte'):
    """The calendar addresses of the children `user` follows (templates/homework/_feeds.html),
    their buttons coming back to `next_url`; None when the user follows no child. Creates a
    child's first address without a POST (feed.feeds_for)."""
    feeds = feed.feeds_for(user, public_url())
    if not feeds:
        return None
    return Markup(env.get_template('homework/_feeds.html').render(
        feeds=feeds, csrf_token=csrf_token(), feeds_next=next_url))


def account_section(user):
    """The account page's calendar addresses (hooks.ACCOUNT_SECTION)."""
    return render_feeds(user)


def register(app):
    hooks.ACCOUNT_SECTION.add(account_section)
    routes.install(app)
