"""The families' week (/devoirs) is the page of school nights: each child's part of it is rendered
from templates/homework/_child_week.html, and a guardian's copy is kept by the process, keyed by
everything that part shows (the entries as last changed, the child's ticks, the days and why there
is no class, the child's name, class and niveau, today). A change to any of them is a new key, so a
kept copy is never out of date; the queries still run on every view, only the template is spared
(two thirds of the page's time, measured with bench/bench_homework.py). A pupil's own page has
forms (its session's CSRF token), so it is rendered every time.
"""
from markupsafe import Markup

from ..web.kept import Kept
from ..web.render import env

_kept = Kept(4000)          # children's weeks kept per process (a few KB each)


def child_week_html(week, is_guardian, today, csrf_token='', here=''):
    """The HTML of one child's weeks (reading.ChildWeek) on /devoirs."""
    if not is_guardian:
        return _render(week, is_guardian, today, csrf_token, here)
    key = (week.child.id, week.child.first_name, week.classroom.id, week.classroom.name, week.niveau, today,
           tuple((day.date, day.closed, tuple((row.entry.id, row.entry.updated_at, row.done) for row in day.rows))
                 for day in week.days))
    return _kept.get(key, lambda: _render(week, is_guardian, today))


def _render(week, is_guardian, today, csrf_token='', here=''):
    return Markup(env.get_template('homework/_child_week.html').render(
        week=week, is_guardian=is_guardian, today=today, csrf_token=csrf_token, here=here))
