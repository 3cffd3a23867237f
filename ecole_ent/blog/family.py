"""What the class blogs give the guardian's family feed (hooks.FAMILY_FEED): the live posts shown
to families (Post.live and access.READS['guardian'], as the blog's pages list them: a pupil's post
waiting for approval is not there), newest first, each with its excerpt (markup.excerpt) and the
first photo of its body this guardian may see. The photos are the post page's: the references
markup.resolve_photos() finds, of the post's class's albums, kept under the post page's rule
(photos.service.visibility(), which photo_in_class() applies): in a class the guardian teaches as a
teacher every photo, elsewhere none of photos.service.hidden_from() the guardian's children, read
on every view.

Two prepared queries (db.prepared) whatever the number of classes: the posts, then the photos
their bodies name (SLOTS at a time), each flagged when hidden from this guardian."""
import functools

from peewee import Case, fn

from ..accounts import membership
from ..db import instance, prepared
from ..home.feed import Cursor, FeedItem
from ..models import Album, Photo, PhotoTag, Post, now
from ..photos import service as photos
from ..web.render import url
from . import markup
from .access import READS

SLOTS = 12                  # photo ids per query of the posts' photos (the SQL's shape is fixed)

_live_for_guardian = prepared(lambda guardian_id, at, before, below, limit: (
    Post.live(at).select(Post.id, Post.classroom, Post.title, Post.body_html, Post.publish_at)
    .where(Post.classroom.in_(membership.children_classes(guardian_id)) & Post.visibility.in_(READS['guardian'])
           & ((Post.publish_at < before) | ((Post.publish_at == before) & (Post.id < below))))
    .order_by(Post.publish_at.desc(), Post.id.desc()).limit(limit)), 5)


def _named_photos(guardian_id, *photo_ids):
    """The photos of these ids (0: none) with their album's class (class_id) and title, each with
    is_hidden: 1 when photos.hidden_from() this guardian's children."""
    hidden = fn.EXISTS(photos.hidden_from(membership.children(guardian_id)).where(PhotoTag.photo == Photo.id))
    return (Photo.select(Photo.id, Photo.album, Photo.thumb, Photo.caption, Photo.created_at,
                         Album.classroom.alias('class_id'), Album.title.alias('album_title'),
                         Case(None, [(hidden, 1)], 0).alias('is_hidden'))
            .join(Album).where(Photo.id.in_(list(photo_ids))))


_prepared = {}              # {restricted consents (a setting): the prepared query}


def items(guardian, classes, before, limit):
    rooms = {classroom.id: classroom for classroom in classes}
    if not rooms:
        return []
    at = now()
    bound = before.bound('post') if before else (at, Cursor.LAST)
    posts = [post for post in _live_for_guardian(guardian.id, at, *bound, limit) if post.classroom_id in rooms]
    first = _first_photos(guardian, posts)
    return [FeedItem(post.publish_at, 'post', post.id, url('blog.post', post_id=post.id), post.title,
                     place=rooms[post.classroom_id].name, text=markup.excerpt(post.body_html),
                     thumbs=first.get(post.id, ()))
            for post in posts]


@functools.lru_cache(maxsize=1024)
def references(body_html):
    """((photo id, alt text), ...) of a post's body, in reading order (markup.resolve_photos);
    cached by content, as markup.excerpt."""
    found = []
    markup.resolve_photos(body_html, lambda photo_id, alt: found.append((photo_id, alt)) or '')
    return tuple(found)


def _first_photos(guardian, posts):
    """{post id: ((thumbnail url, alt text),)}: the first photo of each post's body that belongs
    to its class's albums and that this guardian may see."""
    refs = {post.id: references(post.body_html) for post in posts if 'data-photo' in post.body_html}
    wanted = sorted({photo_id for found in refs.values() for photo_id, _alt in found})
    if not wanted:
        return {}
    taught = {class_id for class_id in {post.classroom_id for post in posts}
              if membership.is_teacher_of(guardian, class_id)}
    restricted = photos.restricted_consents()
    run = _prepared.get(restricted)
    if run is None:
        run = _prepared[restricted] = prepared(_named_photos, 1 + SLOTS)
    named = {}
    for start in range(0, len(wanted), SLOTS):
        chunk = wanted[start:start + SLOTS]
        named.update((photo.id, photo) for photo in run(guardian.id, *chunk, *[0] * (SLOTS - len(chunk))))
    first = {}
    for post in posts:
        for photo_id, alt in refs.get(post.id, ()):
            photo = named.get(photo_id)
            if photo is not None and photo.class_id == post.classroom_id \
                    and (not photo.is_hidden or post.classroom_id in taught):
                album = instance(Album, id=photo.album_id, title=photo.album_title, classroom=photo.class_id)
                first[post.id] = ((f'/media/{photo.thumb}.jpg', alt or photos.alt_text(photo, album)),)
                break
    return first
