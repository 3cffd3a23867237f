"""What a reader sees on a class blog: pages of posts (and the public page's, see public.py), a
post's comments and body, the teacher's waiting count, "new since your last visit", and the
guardian's year archive. Access is checked by the callers (access.py)."""
import math
from dataclasses import dataclass

from markupsafe import Markup
from peewee import JOIN, fn

from ..accounts import membership
from ..db import instance, prepared
from ..home import visits
from ..i18n import _, date_fr
from ..media import zips
from ..models import Classroom, User, Visit, now
from ..models.blog import VISIBILITIES, Attachment, Comment, Post
from . import markup
from .access import READS
from .service import to_local

PER_PAGE = 10


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int


def _listing(where):
    """Prepared (count, rows) for a list of posts: where(query, *params) adds the conditions.
    Rows carry their author's names, the number of published comments (no query per post) and
    the number of posts in the whole list (`total`, a window function: no count query to page)."""
    def rows(a, b, c, limit, offset):
        comments = (Comment.select(fn.COUNT(Comment.id)).where(
            (Comment.post == Post.id) & (Comment.status == 'published')))
        query = (Post.select(Post.id, Post.classroom, Post.author, Post.title, Post.body_html,
                             Post.status, Post.visibility, Post.publish_at,
                             User.first_name.alias('author_first'), User.last_name.alias('author_last'),
                             User.roles.alias('author_roles'), Classroom.name.alias('class_name'),
                             comments.alias('comment_count'), fn.COUNT(Post.id).over().alias('total'))
                 .join(User, JOIN.LEFT_OUTER, on=(Post.author == User.id))
                 .join_from(Post, Classroom))
        return where(query, a, b, c).order_by(Post.publish_at.desc(), Post.id.desc()) \
            .limit(limit).offset(offset)

    def count(a, b, c):
        return where(Post.select(fn.COUNT(Post.id).alias('n')).join(Classroom), a, b, c)
    return prepared(count, 3), prepared(rows, 5)


def _live(query, visibilities, at):
    return query.where((Post.status == 'published') & (Post.publish_at <= at)
                       & Post.visibility.in_(visibilities))


_LISTS = {
    # a class's posts as its teachers see them: published ones, scheduled included
    'manager': _listing(lambda q, class_id, _b, _c: q.where(
        (Post.classroom == class_id) & (Post.status == 'published'))),
    # a class's live posts for readers (two shapes: everything, or what families may see)
    'all': _listing(lambda q, class_id, at, _c: _live(q, VISIBILITIES, at).where(Post.classroom == class_id)),
    'families': _listing(lambda q, class_id, at, _c: _live(q, READS['guardian'], at).where(
        Post.classroom == class_id)),
    # a school's public page
    'public': _listing(lambda q, school_id, at, _c: _live(q, ('public',), at).where(
        Classroom.school == school_id)),
}


def run_list(kind, key, page, size=PER_PAGE):
    """A Page of the list `kind` (see _LISTS) for `key` (a class id, or a school id for 'public')."""
    count, rows = _LISTS[kind]
    at = now()
    number = max(1, page)
    posts = rows(key, at, None, size, (number - 1) * size)
    total = posts[0].total if posts else next(iter(count(key, at, None))).n
    pages = max(1, math.ceil(total / size))
    if number > pages:               # past the last page: show the last one
        number = pages
        posts = rows(key, at, None, size, (number - 1) * size)
    for post in posts:
        post.author = instance(User, id=post.author_id, first_name=post.author_first,
                               last_name=post.author_last, roles=post.author_roles or '') \
            if post.author_id else None
    return Page(posts, number, pages, total)


def list_posts(user, classroom, role, page=1):
    """The class's posts this reader sees, newest first; teachers also see scheduled ones."""
    kind = 'manager' if role == 'manager' else 'all' if 'class' in READS[role] else 'families'
    return run_list(kind, classroom.id, page)


def attach_counts(posts):
    """post.comment_count (published comments) and post.author loaded, in two queries."""
    ids = [p.id for p in posts]
    counts = {}
    if ids:
        counts = dict(Comment.select(Comment.post, fn.COUNT(Comment.id))
                      .where(Comment.post.in_(ids) & (Comment.status == 'published'))
                      .group_by(Comment.post).tuples())
        authors = {u.id: u for u in User.select().where(
            User.id.in_([p.author_id for p in posts if p.author_id]))}
        for post in posts:
            post.author = authors.get(post.author_id)
    for post in posts:
        post.comment_count = counts.get(post.id, 0)


def attach_files(posts):
    """post.files, each post's attachments in the order they were added, in one query."""
    by_post = {post.id: post for post in posts}
    for post in posts:
        post.files = []
    if by_post:
        for attachment in Attachment.select().where(Attachment.post.in_(list(by_post))).order_by(Attachment.id):
            by_post[attachment.post_id].files.append(attachment)


def my_posts(user, classroom):
    """A pupil's own posts that are not published yet (waiting or refused), newest first."""
    return list(Post.select().where((Post.classroom == classroom) & (Post.author == user)
                                    & (Post.status != 'published'))
                .order_by(Post.created_at.desc()))


def comments_for(user, role, post):
    """Published comments, plus the reader's own waiting or refused ones; all for managers."""
    query = Comment.select(Comment, User).join(User, JOIN.LEFT_OUTER, on=Comment.author) \
        .where(Comment.post == post)
    if role != 'manager':
        mine = (Comment.author == user.id) if user else False
        query = query.where((Comment.status == 'published') | mine)
    return list(query.order_by(Comment.created_at, Comment.id))


def waiting_count(classroom):
    """Posts and comments waiting for the teacher (the one badge the teacher's home shows)."""
    return Post.waiting(classroom).count() + Comment.waiting(classroom).count()


# --- "new since your last visit" ------------------------------------------------------------------

def count_new_posts(user, classroom, role=None):
    """Live posts this reader has not seen yet on this class's blog."""
    role = role or membership.role_in(user, classroom)
    if role is None:
        return 0
    query = Post.of_class(classroom, READS[role])
    seen = visits.last_visit(user, classroom, 'blog')
    return query.where(Post.publish_at > seen).count() if seen else query.count()


def _new_for_guardian(guardian_id, at, since):
    """Per class of a guardian's children, the live posts published since their last visit of its
    blog (else since `since`). The last visit is a value of each class, not a join: the posts since
    then are a range of the index post(classroom_id, status, publish_at) (joined, every post of the
    year was read: 0.17 ms a home after a school year, 0.014 ms so)."""
    seen = (Visit.select(Visit.seen_at)
            .where((Visit.classroom == Classroom.id) & (Visit.user == guardian_id) & (Visit.area == 'blog')))
    unseen = (Post.select(fn.COUNT(Post.id))
              .where((Post.classroom == Classroom.id) & (Post.status == 'published')
                     & Post.visibility.in_(READS['guardian']) & (Post.publish_at <= at)
                     & (Post.publish_at > fn.COALESCE(seen, since))))
    return (Classroom.select(Classroom.id, unseen.alias('n'))
            .where(Classroom.id.in_(membership.children_classes(guardian_id))))


_new_posts = prepared(_new_for_guardian, 3)


def new_posts_by_class(user):
    """{class id: live posts a guardian has not seen} for their children's classes: since the
    last visit, else the last two weeks. One prepared query (the guardian home is hot)."""
    at = now()
    return {row.id: row.n for row in _new_posts(user.id, at, visits.seen_since(None, at)) if row.n}


# --- a post's body, and the guardian's year archive (directory/archive.py) ----------------------

def post_body(user, post):
    """The post's HTML for this reader. Album photos it references appear only when the reader may
    see them (image rights); with no reader they are left out (the public page and feed use
    public.public_body)."""
    from ..photos import service as photos

    def figure(photo_id, alt):
        photo = photos.photo_in_class(user, post.classroom_id, photo_id) if user else None
        if photo is None:
            return ''
        alt = Markup.escape(alt or photos.alt_text(photo))     # the caption, else album and day
        return (f'<figure class="post-photo"><img src="/media/{photo.display}.jpg" alt="{alt}" '
                f'loading="lazy"><figcaption>{alt}</figcaption></figure>')
    return Markup(markup.resolve_photos(post.body_html, figure))


def archive_section(guardian, pupil, classroom):
    """('blog.html', bytes): the class blog's posts this guardian may read, as one page."""
    role = membership.role_in(guardian, classroom) if classroom is not None else None
    if role is None:
        return
    posts, page = [], 1
    while True:
        listing = list_posts(guardian, classroom, role, page)
        posts += listing.items
        if page >= listing.pages:
            break
        page += 1
    if not posts:
        return
    esc = Markup.escape
    title = _('Le blog de la classe %(name)s') % {'name': classroom.name}
    articles = ''.join(
        f'<article><h2>{esc(post.title)}</h2><p><small>{esc(date_fr(to_local(post.publish_at)))}'
        f'</small></p>{post.body_html}</article>' for post in posts)   # body_html: sanitised by nh3
    yield 'blog.html', zips.page(title, articles).encode()
