"""The homework notebook's pages: the families' and pupils' week (/devoirs), a class's week for its
teachers, writing entries, ticks, printing, the subject list, and the private calendar feeds."""
from .. import hooks
from ..web.routing import Routes

routes = Routes('homework')


# --- calendar feeds (feed.py) -----------------------------------------------------------------------


def register(app):
    routes.install(app)
