"""What the homework gives the guardian's family feed (hooks.FAMILY_FEED): the published entries
due in the coming week, given to the guardian's children (their class and niveau), as the families'
week (/devoirs) lists them: reading.guardian_entries(), guardian_weeks() without the days, one query
(its SQL made once: home.feed.raw_query), the items made of its rows once (home.feed.kept). An
entry given to two children of the family is one item naming both."""
from datetime import timedelta

from ..accounts.service import as_datetime
from ..blog import markup
from ..home.feed import FeedItem, kept, order, raw_query
from ..i18n import _, date_fr
from ..models import Homework
from ..web.render import url
from . import reading, service

_due_soon = raw_query(reading.guardian_entries, 4)


def items(guardian, classes, before, limit):
    rooms = frozenset(classroom.id for classroom in classes)
    if not rooms:
        return []
    start = service.today() + timedelta(days=1)        # « due soon »: from tomorrow, for a week
    found = _due_soon(guardian.id, start, start + timedelta(days=6), service.clock())
    shown = [item for item in kept(('homework', found.rows, rooms), lambda: _items(found.of(Homework), rooms))
             if before is None or before.admits(item)]
    return shown[:limit]


def _items(rows, rooms):
    found = {}
    for row in sorted(rows, key=lambda row: (row.child_name, row.child_id)):    # the children as on /devoirs
        if row.classroom_id in rooms:
            seen = found.setdefault(row.id, [row, [], []])
            seen[1].append(row.child_name)
            seen[2].append(row.done_id is not None)
    shown = []
    for entry, children, done in found.values():
        detail = _('Pour %(day)s · %(children)s') % {'day': date_fr(entry.due_on, with_year=False),
                                                     'children': ', '.join(children)}
        if all(done):
            detail += ' · ' + _('fait')
        shown.append(FeedItem(as_datetime(entry.updated_at), 'homework', entry.id,
                              url('homework.entry', homework_id=entry.id), entry.subject or _('Devoir'),
                              place=entry.class_name, text=markup.excerpt(entry.body_html), detail=detail))
    return sorted(shown, key=order, reverse=True)
