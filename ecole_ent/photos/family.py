"""What the albums give the guardian's family feed (hooks.FAMILY_FEED): the albums of the
children's classes that have a photo this guardian may see, newest first (by their last addition),
each with its first three such photos and its count of them, as the album page shows them to this
guardian. The rule is the album page's own (service.visibility()): the classes the guardian teaches
as a teacher hide nothing (membership.is_teacher_of), elsewhere the photos of service.hidden_from()
(tagged with a pupil whose consent is restricted, not the guardian's child) are left out, read now,
on every view: a consent withdrawn is seen at the next one.

The guardian home is the hot page: for a guardian who teaches none of the classes (nearly every
family), it is one query whose SQL is made once per consent setting (home.feed.raw_query), with the
guardian's children as a subquery; a teacher who is also a parent gets the same query built for
the classes they teach. The items are made of its rows once (home.feed.kept).
"""
from peewee import fn

from ..accounts import membership
from ..accounts.service import as_datetime
from ..db import database, instance
from ..home.feed import Cursor, FeedItem, kept, raw_query, raw_rows
from ..i18n import ngettext
from ..models import Album, Photo, PhotoTag, now
from ..school_time import to_local
from ..web.render import url
from . import service

THUMBS = 3


def _latest(guardian_id, at, below, limit, taught=()):
    """The first THUMBS photos this guardian may see of each of their children's classes' latest
    `limit` albums before (at, below) that have one, each row with its album (album_title,
    album_at, class_id) and the count of the album's photos this guardian may see (total). The
    photos hidden from the guardian are found once, from their tags (a few), not asked of each
    photo: the albums of a year hold hundreds (measured: 3.3 ms a home with 100 photos an album,
    1.5 ms so). Each album's first photos and count are two small subqueries rather than window
    functions over its photos, which cost more than the rest of the query (measured side by side:
    0.070 ms instead of 0.094 on the demo, 0.83 instead of 1.20 with 100 photos an album).
    `taught`: the classes the guardian teaches (nothing hidden there)."""
    children = membership.children(guardian_id)
    whole = Album.classroom.in_(list(taught))
    other = Photo.alias('other')
    hidden_other = fn.EXISTS(service.hidden_from(children).where(PhotoTag.photo == other.id))
    page = (Album.select(Album.id)
            .where(Album.classroom.in_(membership.children_classes(guardian_id))
                   & ((Album.updated_at < at) | ((Album.updated_at == at) & (Album.id < below)))
                   & fn.EXISTS(other.select(other.id).where((other.album == Album.id)
                                                            & (whole | ~hidden_other))))
            .order_by(Album.updated_at.desc(), Album.id.desc()).limit(limit)).cte('page')
    tagged = Photo.alias('tagged')
    hidden = (service.hidden_from(children).switch(PhotoTag)
              .join(tagged, on=(PhotoTag.photo == tagged.id))
              .where(tagged.album.in_(page.select(page.c.id)))).cte('hidden')
    shown, counted = Photo.alias('shown'), Photo.alias('counted')
    first = (shown.select(shown.id)
             .where((shown.album == Album.id) & (whole | shown.id.not_in(hidden.select(hidden.c.photo_id))))
             .order_by(shown.created_at, shown.id).limit(THUMBS))
    total = counted.select(fn.COUNT(counted.id)).where(
        (counted.album == Album.id) & (whole | counted.id.not_in(hidden.select(hidden.c.photo_id))))
    return (Photo.select(Photo.id, Photo.album, Photo.thumb, Photo.caption, Photo.created_at,
                         Album.classroom.alias('class_id'), Album.title.alias('album_title'),
                         Album.updated_at.alias('album_at'), total.alias('total'))
            .join(Album).where(Album.id.in_(page.select(page.c.id)) & Photo.id.in_(first))
            .with_cte(page, hidden))


_queries = {}              # {restricted consents (a setting): the query, its SQL made once}


def _rows(guardian, classes, at, below, limit):
    taught = [c.id for c in classes if membership.is_teacher_of(guardian, c.id)]
    if taught:              # rare: built for these classes, as any query
        return raw_rows(database.execute(_latest(guardian.id, at, below, limit, taught)))
    restricted = service.restricted_consents()
    run = _queries.get(restricted)
    if run is None:
        run = _queries[restricted] = raw_query(_latest, 4)
    return run(guardian.id, at, below, limit)


def items(guardian, classes, before, limit):
    rooms = tuple(sorted((classroom.id, classroom.name) for classroom in classes))
    if not rooms:
        return []
    at, below = before.bound('album') if before else (now(), Cursor.LAST)
    found = _rows(guardian, classes, at, below, limit)
    # alt texts name the year of a photo of another school year than today's
    return kept(('album', found.rows, rooms, to_local(now()).date()), lambda: _items(found.of(Photo), dict(rooms)))


def _items(photos, rooms):
    albums = {}
    for photo in photos:
        if photo.class_id in rooms:
            albums.setdefault(photo.album_id, []).append(photo)
    found = []
    for photos in albums.values():
        first = photos[0]
        album = instance(Album, id=first.album_id, title=first.album_title, classroom=first.class_id)
        shown = sorted(photos, key=lambda photo: (photo.created_at, photo.id))    # each one this guardian may see
        count = first.total
        found.append(FeedItem(
            as_datetime(first.album_at), 'album', album.id, url('photos.album', album_id=album.id), album.title,
            place=rooms[first.class_id],
            thumbs=tuple((f'/media/{photo.thumb}.jpg', service.alt_text(photo, album)) for photo in shown),
            detail=ngettext('%(num)d photo', '%(num)d photos', count) % {'num': count}))
    return sorted(found, key=lambda item: (item.at, item.key), reverse=True)
