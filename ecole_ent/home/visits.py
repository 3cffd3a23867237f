""""New since your last visit": when a reader last opened an area of a class (its blog, its
albums). Read on every visit with one prepared query; written only when something new was there,
never on a plain page view, and without making the page wait for the write lock (db.write_soon)."""
from datetime import timedelta

from ..accounts.service import as_datetime
from ..db import prepared, write_soon
from ..models import now
from ..models.visits import AREAS, Visit

# Without a visit on record (a new account), what came in the last two weeks counts as new.
NEW_WINDOW = timedelta(days=14)

_visit = prepared(lambda user_id, class_id, area: Visit.select(Visit.seen_at).where(
    (Visit.user == user_id) & (Visit.classroom == class_id) & (Visit.area == area)), 3)


def last_visit(user, classroom, area):
    assert area in AREAS, area
    visit = next(iter(_visit(user.id, classroom.id, area)), None)
    return as_datetime(visit.seen_at) if visit else None


def note_visit(user, classroom, area, newest):
    """Remember this visit when `newest` (the date of the newest item shown) is after the last
    one; returns the previous visit (None for a first one)."""
    previous = last_visit(user, classroom, area)
    if newest is not None and (previous is None or newest > previous):
        at = now()                  # the moment of the visit, even if it is written later
        write_soon(lambda: _record_visit(user.id, classroom.id, area, at))
    return previous


def _record_visit(user_id, class_id, area, at):
    """One statement (two tabs at once cannot both insert), and never backwards (a visit written
    late, after the lock, does not undo a newer one)."""
    (Visit.insert(user=user_id, classroom=class_id, area=area, seen_at=at)
     .on_conflict(conflict_target=[Visit.user, Visit.classroom, Visit.area],
                  update={Visit.seen_at: at}, where=(Visit.seen_at < at))
     .execute())


def seen_since(visit_at, at):
    """The date from which items count as new for a reader last seen at visit_at (or never)."""
    return visit_at if visit_at is not None else at - NEW_WINDOW
