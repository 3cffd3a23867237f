"""The statistics pages (reading only: stats/pages.py builds them from stats/query.py).

Who may see what (tests/stats/test_pages.py checks every route and role, test_isolation.py two
schools):
  /admin/ecoles/<id>/statistiques   GET: the school's usage over a school year (?annee=2025-2026),
                                    charts and tables, printable. The director of that school
                                    (exact figures) and the installation's admin (counts under 5 of
                                    a profile « masqué »); anyone else 403 (another school's
                                    director, teachers, families, pupils, staff); signed out: the
                                    sign-in page.
  /admin/statistiques               GET: every school together, and the list of schools, each
                                    linking to its page. The installation's admin only; anyone
                                    else 403 (directors included).
"""
from bottle import request

from ..web.guards import require_role
from ..web.render import render
from ..web.routing import Routes
from . import pages, recorder

routes = Routes('stats')


@routes.get('/admin/ecoles/<school_id:int>/statistiques', 'school')
def school_stats(school_id):
    """Director of this school, admin: the school's statistics."""
    actor = require_role('director', 'admin')
    return render('stats/school.html', **pages.school_page(actor, school_id, request.query.getunicode('annee', '')))


@routes.get('/admin/statistiques', 'overview')
def overview():
    """Admin: every school's statistics together."""
    actor = require_role('admin')
    return render('stats/overview.html', **pages.overview_page(actor, request.query.getunicode('annee', '')))


def register(app):
    routes.install(app)
    recorder.install(app)      # recording: page views and sign-ins (stats/recorder.py, the recording helper's)
