"""Homes. `/`: every signed-in user, their role's home. `/classe/<id>`: members of the class
(its pupils, their guardians, its teachers), the school's director, the admin; others get 403.
`/ecole`: directors (their school) and the admin."""
from bottle import request

from ..i18n import _
from ..models import ROLES
from ..web import offline
from ..web.guards import require_role, require_user
from ..web.render import add_nav, render
from ..web.routing import Routes
from . import feed, service

routes = Routes('home')
# What a guardian's worker fetches ahead from the home (web/offline.py): pages with no effect on
# reading (not a blog's page: its visit marks the posts seen, nor a note: opening it marks it read).
AHEAD = ('/devoirs', '/cahier-de-liaison')


@routes.get('/')
def index():
    user = require_user()
    before = feed.parse_cursor(request.query.get(feed.CURSOR))
    context = service.home_context(user, before)
    if not request.query_string:    # the home itself: readable offline, with the week and the notes
        offline.keep(user, follow=AHEAD)
    return render('home/index.html', **context)


@routes.get('/classe/<class_id:int>')
def classroom(class_id):
    return render('home/classroom.html', **service.class_page(require_user(), class_id))


@routes.get('/ecole')
def school():
    user = require_role('director', 'admin')
    schools = [user.school] if user.school_id else []
    return render('home/school.html', overviews=[service.school_overview(s) for s in schools])


def register(app):
    add_nav('/', _('Accueil'), 'home', ROLES, order=0)
    routes.install(app)
