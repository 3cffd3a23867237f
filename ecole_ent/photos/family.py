"""What the albums give the guardian's family feed (hooks.FAMILY_FEED): the albums of the
children's classes, newest first (by their last addition), each with its first three photos and
its count of photos as the album page shows them to this guardian: the condition is
service.visibility(), the album page's own image-rights rule, evaluated now."""
from peewee import SQL, fn

from ..home.feed import Cursor, FeedItem
from ..i18n import ngettext
from ..models import Album, Photo, now
from ..web.render import url
from . import service

THUMBS = 3


def items(guardian, classes, before, limit):
    rooms = {classroom.id: classroom for classroom in classes}
    if not rooms:
        return []
    at, below = before.bound('album') if before else (now(), Cursor.LAST)
    albums = list(Album.select().where(Album.classroom.in_(list(rooms)) & (
        (Album.updated_at < at) | ((Album.updated_at == at) & (Album.id < below))))
        .order_by(Album.updated_at.desc(), Album.id.desc()).limit(limit))
    shown = {}
    for class_id in {album.classroom_id for album in albums}:
        mine = [album for album in albums if album.classroom_id == class_id]
        for photo in _first_photos(mine, service.visibility(guardian, class_id)):
            shown.setdefault(photo.album_id, []).append(photo)
    found = []
    for album in albums:
        photos = shown.get(album.id)
        if not photos:                 # nothing this guardian may see: no news for them
            continue
        count = photos[0].visible
        found.append(FeedItem(
            album.updated_at, 'album', album.id, url('photos.album', album_id=album.id), album.title,
            place=rooms[album.classroom_id].name,
            thumbs=tuple((f'/media/{photo.thumb}.jpg', photo.caption or album.title) for photo in photos),
            detail=ngettext('%(num)d photo', '%(num)d photos', count) % {'num': count}))
    return found


def _first_photos(albums, condition):
    """The first THUMBS photos of each album under `condition` (in album order), each with the
    album's count of such photos as .visible: one query for the albums of a class."""
    place = fn.ROW_NUMBER().over(partition_by=[Photo.album], order_by=[Photo.created_at, Photo.id])
    visible = fn.COUNT(Photo.id).over(partition_by=[Photo.album])
    ranked = Photo.select(Photo.id, Photo.album, Photo.thumb, Photo.caption, Photo.created_at,
                          place.alias('place'), visible.alias('visible')).where(
        Photo.album.in_([album.id for album in albums]))
    ranked = (ranked if condition is None else ranked.where(condition)).alias('ranked')
    return Photo.select(SQL('ranked.*')).from_(ranked).where(ranked.c.place <= THUMBS) \
        .order_by(ranked.c.album_id, ranked.c.place)
