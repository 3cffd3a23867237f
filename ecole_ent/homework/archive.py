"""The homework in a guardian's download of their child's year (hooks.ARCHIVE_SECTION): one page
with every entry the child was given this year (published, for the child's niveau), and the
entries' files beside it, copied from disk."""
import re
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from ..blog import markup
from ..i18n import _, date_fr
from ..media import zips
from ..models import Homework, HomeworkFile
from . import access, attachments, service

WINDOWS_REFUSES = re.compile(r'[\\/:*?"<>|]')     # in a file name once the zip is opened


def archive_section(guardian, pupil, classroom):
    """('devoirs.html', bytes) and ('devoirs/<n>-<name>', Path) for each file, or nothing."""
    if classroom is None or not access.is_guardian_of(guardian, pupil):
        return
    niveau = access.niveau_of(pupil, classroom)
    entries = [e for e in Homework.select().where((Homework.classroom == classroom.id)
                                                  & (Homework.publish_at <= service.clock()))
               .order_by(Homework.due_on, Homework.subject, Homework.id) if access.given_to(e, niveau)]
    if not entries:
        return
    by_entry = {}
    for row in HomeworkFile.select().where(HomeworkFile.homework.in_([e.id for e in entries])):
        by_entry.setdefault(row.homework_id, []).append(row)
    parts, listed = [], {}
    for entry in entries:
        for number, row in enumerate(by_entry.get(entry.id, ()), start=1):
            path = attachments.path_of(row)
            if path is not None:
                name = f'devoirs/{entry.id}-{number}-{WINDOWS_REFUSES.sub("_", row.name)}'
                parts.append((name, Path(path)))
                listed.setdefault(entry.id, []).append((name, row.name))
    yield 'devoirs.html', _page(pupil, classroom, entries, listed).encode()
    yield from parts


def _page(pupil, classroom, entries, listed):
    esc = Markup.escape
    title = _('Les devoirs de %(name)s · %(cls)s') % {'name': pupil.first_name, 'cls': classroom.name}
    items = ''.join(
        f'<article><h2>{esc(date_fr(e.due_on))} · {esc(e.subject)}</h2>'
        f'{markup.without_photos(e.body_html)}'                       # body_html: sanitised by nh3
        + ''.join(f'<p><a href="{esc(quote(path))}">{esc(name)}</a></p>' for path, name in listed.get(e.id, ()))
        + '</article>' for e in entries)
    return zips.page(title, items)

