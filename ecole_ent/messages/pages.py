"""The inbox's list of threads is the page families open most: its HTML is rendered from
templates/messages/_lines.html and kept by the process, keyed by everything it shows (each line's
thread, subject, last moment, unread count, excerpt and other party; the page and whether there is
a next one). A new message, a read one, a recalled one make a new key, so a kept copy is never out
of date; the query still runs on every view, only the template is spared (as homework/pages.py)."""
from markupsafe import Markup

from ..web.kept import Kept
from ..web.render import env

_kept = Kept(4000)          # inbox pages kept per process (a few KB each)


def lines_html(lines, page, more):
    return _kept.get((tuple(lines), page, more), lambda: Markup(
        env.get_template('messages/_lines.html').render(lines=lines, page=page, more=more)))
