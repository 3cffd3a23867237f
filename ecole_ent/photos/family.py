"""What the albums give the guardian's family feed (hooks.FAMILY_FEED): the albums of the
children's classes, newest first (by their last addition), each with its first three photos and
its count of photos as the album page shows them to this guardian: the condition is
service.visibility(), the album page's own image-rights rule, evaluated now, on every view.

The guardian home is the hot page, and building the photos' query's SQL with peewee cost more
than running it (profiled: 0.4 ms a class). So its SQL is kept under the exact content of the
visibility condition (shape_of: every operator, column and value in it, such as the consent values
and the family's children) and the number of albums; only the albums' ids are put in on each view.
A condition that differs in anything is another key: no family ever gets another's query."""
from peewee import SQL, Field, Node, fn

from ..accounts import membership
from ..db import database, hydrate, hydration_plan, prepared
from ..home.feed import Cursor, FeedItem
from ..i18n import ngettext
from ..models import Album, Photo, now
from ..web.render import url
from . import service

THUMBS = 3
KEEP = 2000                 # SQL texts kept per process (one per shape of condition and count of albums)

_albums = prepared(lambda guardian_id, at, below, limit: (
    Album.select(Album.id, Album.classroom, Album.title, Album.updated_at)
    .where(Album.classroom.in_(membership.children_classes(guardian_id))
           & ((Album.updated_at < at) | ((Album.updated_at == at) & (Album.id < below))))
    .order_by(Album.updated_at.desc(), Album.id.desc()).limit(limit)), 4)


def items(guardian, classes, before, limit):
    rooms = {classroom.id: classroom for classroom in classes}
    if not rooms:
        return []
    at, below = before.bound('album') if before else (now(), Cursor.LAST)
    albums = [album for album in _albums(guardian.id, at, below, limit) if album.classroom_id in rooms]
    shown, groups = {}, {}
    for class_id in {album.classroom_id for album in albums}:     # classes under the same condition: one query
        condition = service.visibility(guardian, class_id)
        shape = shape_of(condition)
        group = groups.setdefault(('class', class_id) if shape is UNKNOWN else shape, (condition, shape, []))
        group[2].extend(album.id for album in albums if album.classroom_id == class_id)
    for condition, shape, album_ids in groups.values():
        for photo in _first_photos(album_ids, condition, shape):
            shown.setdefault(photo.album_id, []).append(photo)
    found = []
    for album in albums:
        photos = sorted(shown.get(album.id, ()), key=lambda photo: photo.place)
        if not photos:                 # nothing this guardian may see: no news for them
            continue
        count = photos[0].visible
        found.append(FeedItem(
            album.updated_at, 'album', album.id, url('photos.album', album_id=album.id), album.title,
            place=rooms[album.classroom_id].name,
            thumbs=tuple((f'/media/{photo.thumb}.jpg', service.alt_text(photo, album)) for photo in photos),
            detail=ngettext('%(num)d photo', '%(num)d photos', count) % {'num': count}))
    return found


_kept = {}


def _first_photos(album_ids, condition, shape):
    """The first THUMBS photos of each album under `condition` (whose shape_of is `shape`), in
    album order, each with .place and the album's count of such photos as .visible: one query."""
    if shape is UNKNOWN:           # something shape_of cannot read: build the query as it is
        return list(_ranked(album_ids, condition))
    key = (type(database.obj), len(album_ids), shape)
    state = _kept.get(key)
    if state is None:
        if len(_kept) >= KEEP:
            _kept.clear()
        markers = [f'album-{n}-7f3a' for n in range(len(album_ids))]
        sql, params = _ranked(markers, condition).sql()
        state = _kept[key] = (sql, params, [markers.index(p) if isinstance(p, str) and p in markers else None
                                            for p in params], [None])
    sql, params, slots, plan = state
    cursor = database.execute_sql(sql, [album_ids[slot] if slot is not None else value
                                        for slot, value in zip(slots, params)])
    if plan[0] is None:
        plan[0] = hydration_plan(Photo, cursor.description)
    return hydrate(Photo, plan[0], cursor.fetchall())


def _ranked(album_ids, condition):
    place = fn.ROW_NUMBER().over(partition_by=[Photo.album], order_by=[Photo.created_at, Photo.id])
    visible = fn.COUNT(Photo.id).over(partition_by=[Photo.album])
    ranked = Photo.select(Photo.id, Photo.album, Photo.thumb, Photo.caption, Photo.created_at, place.alias('place'),
                          visible.alias('visible')).where(Photo.album.in_(album_ids))
    ranked = (ranked if condition is None else ranked.where(condition)).alias('ranked')
    return Photo.select(SQL('ranked.*')).from_(ranked).where(ranked.c.place <= THUMBS)


UNKNOWN = object()
_SKIPPED = {'_hash', '_database', '_cursor_wrapper'}      # not part of the SQL (peewee 4)


def shape_of(node):
    """A hashable copy of a peewee expression or query: its node types, operators, columns and
    values, all of them (two expressions of the same shape make the same SQL with the same
    parameters); UNKNOWN when it holds anything else than peewee nodes, fields, models and plain
    values (then it is not kept)."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, (list, tuple)):
        parts = tuple(shape_of(part) for part in node)
        return UNKNOWN if UNKNOWN in parts else (type(node).__name__, parts)
    if isinstance(node, dict):
        parts = tuple((shape_of(k), shape_of(v)) for k, v in node.items())
        return UNKNOWN if any(UNKNOWN in pair for pair in parts) else ('dict', parts)
    if isinstance(node, type):
        return ('model', node.__module__, node.__qualname__)
    if isinstance(node, Field):
        return ('field', node.model.__qualname__, node.name, node.column_name)
    if isinstance(node, Node):
        parts = tuple((name, shape_of(value)) for name, value in sorted(vars(node).items()) if name not in _SKIPPED)
        return UNKNOWN if any(value is UNKNOWN for _name, value in parts) else (type(node).__name__, parts)
    return UNKNOWN
