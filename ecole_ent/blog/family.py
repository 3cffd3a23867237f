"""What the class blogs give the guardian's family feed (hooks.FAMILY_FEED): the live posts shown
to families (Post.live and access.READS['guardian'], as the blog's pages list them: a pupil's post
waiting for approval is not there), newest first, each with its excerpt (markup.excerpt) and the
first photo of its body this guardian may see. The photos are the post page's: the references
markup.resolve_photos() finds, of the post's class's albums, kept under the post page's rule
(photos.service.visibility(), which photo_in_class() applies): in a class the guardian teaches as a
teacher every photo, elsewhere none of photos.service.hidden_from() the guardian's children, read
on every view.

Two queries whatever the number of classes, their SQL made once (home.feed.raw_query): the posts,
then the photos their bodies name (SLOTS at a time), each flagged when hidden from this guardian;
the items are made of their rows once (home.feed.kept)."""
import functools

from peewee import Case, fn

from ..accounts import membership
from ..db import instance
from ..home.feed import Cursor, FeedItem, Rows, kept, raw_query
from ..models import Album, Photo, PhotoTag, Post, now
from ..photos import service as photos
from ..school_time import to_local
from ..web.render import url
from . import markup
from .access import READS

SLOTS = 12                  # photo ids per query of the posts' photos (the SQL's shape is fixed)

_live_for_guardian = raw_query(lambda guardian_id, at, before, below, limit: (
    Post.live(at).select(Post.id, Post.classroom, Post.title, Post.body_html, Post.publish_at)
    .where(Post.classroom.in_(membership.children_classes(guardian_id)) & Post.visibility.in_(READS['guardian'])
           & ((Post.publish_at < before) | ((Post.publish_at == before) & (Post.id < below))))
    .order_by(Post.publish_at.desc(), Post.id.desc()).limit(limit)), 5)
CLASS, BODY = 1, 3          # the class's and the body's places in its rows


def _named_photos(guardian_id, *photo_ids):
    """The photos of these ids (0: none) with their album's class (class_id) and title, each with
    is_hidden: 1 when photos.hidden_from() this guardian's children."""
    hidden = fn.EXISTS(photos.hidden_from(membership.children(guardian_id)).where(PhotoTag.photo == Photo.id))
    return (Photo.select(Photo.id, Photo.album, Photo.thumb, Photo.caption, Photo.created_at,
                         Album.classroom.alias('class_id'), Album.title.alias('album_title'),
                         Case(None, [(hidden, 1)], 0).alias('is_hidden'))
            .join(Album).where(Photo.id.in_(list(photo_ids))))


_queries = {}              # {restricted consents (a setting): the photos' query, its SQL made once}


def items(guardian, classes, before, limit):
    rooms = tuple(sorted((classroom.id, classroom.name) for classroom in classes))
    if not rooms:
        return []
    at = now()
    bound = before.bound('post') if before else (at, Cursor.LAST)
    posts = _live_for_guardian(guardian.id, at, *bound, limit)
    named = _named(guardian, posts)
    taught = frozenset(class_id for class_id in ({row[CLASS] for row in posts.rows} if named.rows else ())
                       if membership.is_teacher_of(guardian, class_id))
    return kept(('post', posts.rows, named.rows, rooms, taught, to_local(at).date()),    # the alt texts' year
                lambda: _items(posts.of(Post), named.of(Photo), dict(rooms), taught))


def _named(guardian, posts):
    """Rows of the photos the posts' bodies name (_named_photos), SLOTS at a time."""
    wanted = sorted({photo_id for row in posts.rows if 'data-photo' in row[BODY]
                     for photo_id, _alt in references(row[BODY])})
    restricted = photos.restricted_consents()
    run = _queries.get(restricted)
    if run is None:
        run = _queries[restricted] = raw_query(_named_photos, 1 + SLOTS)
    found, description = [], ()
    for start in range(0, len(wanted), SLOTS):
        chunk = wanted[start:start + SLOTS]
        part = run(guardian.id, *chunk, *[0] * (SLOTS - len(chunk)))
        found += part.rows
        description = part.description
    return Rows(tuple(found), description)


def _items(posts, named, rooms, taught):
    posts = [post for post in posts if post.classroom_id in rooms]
    first = _first_photos(posts, {photo.id: photo for photo in named}, taught)
    return [FeedItem(post.publish_at, 'post', post.id, url('blog.post', post_id=post.id), post.title,
                     place=rooms[post.classroom_id], text=markup.excerpt(post.body_html),
                     thumbs=first.get(post.id, ()))
            for post in posts]


@functools.lru_cache(maxsize=1024)
def references(body_html):
    """((photo id, alt text), ...) of a post's body, in reading order (markup.resolve_photos);
    cached by content, as markup.excerpt."""
    found = []
    markup.resolve_photos(body_html, lambda photo_id, alt: found.append((photo_id, alt)) or '')
    return tuple(found)


def _first_photos(posts, named, taught):
    """{post id: ((thumbnail url, alt text),)}: the first photo of each post's body that belongs
    to its class's albums and that this guardian may see (not hidden from them, or in a class they
    teach)."""
    first = {}
    for post in posts:
        for photo_id, alt in references(post.body_html) if 'data-photo' in post.body_html else ():
            photo = named.get(photo_id)
            if photo is not None and photo.class_id == post.classroom_id \
                    and (not photo.is_hidden or post.classroom_id in taught):
                album = instance(Album, id=photo.album_id, title=photo.album_title, classroom=photo.class_id)
                first[post.id] = ((f'/media/{photo.thumb}.jpg', alt or photos.alt_text(photo, album)),)
                break
    return first
