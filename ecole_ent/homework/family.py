"""What the homework gives the guardian's family feed (hooks.FAMILY_FEED): the published entries
due in the coming week, given to the guardian's children (their class and niveau), read by
reading.guardian_weeks(), the very function of the families' week (/devoirs); an entry given to
two children of the family is one item naming both."""
from datetime import timedelta

from ..accounts.service import as_datetime
from ..blog import markup
from ..home.feed import FeedItem, order
from ..i18n import _, date_fr
from ..web.render import url
from . import reading, service


def items(guardian, classes, before, limit):
    rooms = {classroom.id for classroom in classes}
    if not rooms:
        return []
    start = service.today() + timedelta(days=1)        # « due soon »: from tomorrow, for a week
    found = {}
    for week in reading.guardian_weeks(guardian, start, weeks=1):
        if week.classroom.id not in rooms:
            continue
        for day in week.days:
            for row in day.rows:
                seen = found.setdefault(row.entry.id, [row.entry, week.classroom, [], []])
                seen[2].append(week.child.first_name)
                seen[3].append(row.done)
    shown = []
    for entry, classroom, children, done in found.values():
        detail = _('Pour %(day)s · %(children)s') % {'day': date_fr(entry.due_on, with_year=False),
                                                     'children': ', '.join(children)}
        if all(done):
            detail += ' · ' + _('fait')
        shown.append(FeedItem(as_datetime(entry.updated_at), 'homework', entry.id,
                              url('homework.entry', homework_id=entry.id), entry.subject or _('Devoir'),
                              place=classroom.name, text=markup.excerpt(entry.body_html), detail=detail))
    shown = sorted((item for item in shown if before is None or before.admits(item)), key=order, reverse=True)
    return shown[:limit]
