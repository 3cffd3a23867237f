"""What the class blogs give the guardian's family feed (hooks.FAMILY_FEED): the live posts shown
to families (Post.live and access.READS['guardian'], as the blog's pages list them: a pupil's post
waiting for approval is not there), newest first, each with its excerpt (markup.excerpt) and the
first photo of its body this guardian may see. The photos are the post page's: the references
markup.resolve_photos() finds, kept when photos.service.visibility(), the rule the post page
applies through photo_in_class(), lets this guardian see them now."""
from ..accounts import membership
from ..db import prepared
from ..home.feed import Cursor, FeedItem
from ..models import Album, Photo, Post, now
from ..photos import service as photos
from ..web.render import url
from . import markup
from .access import READS

_live_for_guardian = prepared(lambda guardian_id, at, before, below, limit: (
    Post.live(at).select(Post.id, Post.classroom, Post.title, Post.body_html, Post.publish_at)
    .where(Post.classroom.in_(membership.children_classes(guardian_id)) & Post.visibility.in_(READS['guardian'])
           & ((Post.publish_at < before) | ((Post.publish_at == before) & (Post.id < below))))
    .order_by(Post.publish_at.desc(), Post.id.desc()).limit(limit)), 5)


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


def _references(post):
    """[(photo id, alt text)] of the post's body, in reading order (markup.resolve_photos)."""
    found = []
    markup.resolve_photos(post.body_html, lambda photo_id, alt: found.append((photo_id, alt)) or '')
    return found


def _first_photos(guardian, posts):
    """{post id: ((thumbnail url, alt text),)}: the first photo of each post's body that belongs
    to its class's albums and that this guardian may see (one query per class with photos)."""
    refs = {post.id: _references(post) for post in posts if 'data-photo' in post.body_html}
    first = {}
    for class_id in {post.classroom_id for post in posts if refs.get(post.id)}:
        mine = [post for post in posts if post.classroom_id == class_id and refs.get(post.id)]
        wanted = {photo_id for post in mine for photo_id, _alt in refs[post.id]}
        query = (Photo.select(Photo.id, Photo.thumb, Photo.caption, Photo.created_at, Album.title).join(Album)
                 .where(Photo.id.in_(sorted(wanted)) & (Album.classroom == class_id)))
        condition = photos.visibility(guardian, class_id)
        visible = {photo.id: photo for photo in (query if condition is None else query.where(condition))}
        for post in mine:
            photo_id, alt = next(((i, alt) for i, alt in refs[post.id] if i in visible), (None, ''))
            if photo_id is not None:
                first[post.id] = ((f'/media/{visible[photo_id].thumb}.jpg', alt or photos.alt_text(visible[photo_id])),)
    return first
