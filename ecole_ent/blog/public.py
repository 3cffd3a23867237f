"""The school's public page and Atom feed, without login: live public posts, their attachments,
and the album photos they show when every tagged pupil's image-rights consent allows it."""
from markupsafe import Markup

from ..errors import NotFound, found
from ..i18n import _
from ..media import files
from ..models import Classroom, School
from ..models.blog import Attachment, Post
from . import markup
from .posting import attachment_file
from .reading import attach_counts, run_list

FEED_SIZE = 20


def public_school(uai):
    return found(School.get_or_none(School.uai == (uai or '').upper()),
                 _('Aucune école ne porte ce code.'))


# A pupil's own camera photo (young/service.py) has no pupil tags for the image-rights rule to read
# again when a consent changes: it never leaves the class (not on the public page, in the feed, nor
# by its public address), whatever the post's visibility.
CLASS_ONLY_KINDS = ('jpg',)


def public_attachments(post):
    """The post's attachments anyone may fetch from the public page."""
    return [a for a in post.attachments if a.kind not in CLASS_ONLY_KINDS]


def public_posts(school, page=1):
    return run_list('public', school.id, page)


def public_feed(school):
    """The feed's latest public posts, each with post.enclosures: its attachments as (id, content
    type, size in bytes, name), served to anyone by get_public_attachment (the same rule as the
    post's public page). One query for all the posts' attachments."""
    posts = run_list('public', school.id, 1, FEED_SIZE).items
    enclosures = {post.id: [] for post in posts}
    if posts:
        for attachment in (Attachment.select().where(Attachment.post.in_(list(enclosures))
                                                     & Attachment.kind.not_in(CLASS_ONLY_KINDS))
                           .order_by(Attachment.id)):
            enclosures[attachment.post_id].append(
                (attachment.id, files.KINDS[attachment.kind][1], attachment.size, attachment.name))
    for post in posts:
        post.enclosures = enclosures[post.id]
    return posts


def get_public_post(school, post_id):
    post = found(Post.public_of_school(school).where(Post.id == post_id).first(),
                 _("Cet article n'existe pas ou n'est pas public."))
    attach_counts([post])
    return post


def get_public_attachment(school, attachment_id):
    attachment = found(Attachment.get_or_none((Attachment.id == attachment_id)
                                              & Attachment.kind.not_in(CLASS_ONLY_KINDS)),
                       _("Ce fichier n'existe pas."))
    get_public_post(school, attachment.post_id)
    return attachment_file(attachment)


PUBLIC_PHOTO_SIZES = ('display', 'thumb')


def get_public_photo_file(school, photo_id, size):
    """(path, digest) of a photo's display size or thumbnail for anyone, without login: only when a
    live public post of this school shows it inline (a photo of the post's own class, as on the
    page) and every pupil tagged on it has image-rights consent (photos.safe_for_everyone, with
    the "unknown counts as refused" setting). Decided on each request, so a consent withdrawn or a
    post taken down applies at once. NotFound otherwise: a hidden photo does not exist."""
    from ..photos import service as photos
    if size in PUBLIC_PHOTO_SIZES:
        posts = (Post.public_of_school(school).select(Post.id, Post.classroom, Post.body_html)
                 .where(Post.body_html.contains(f'data-photo="{int(photo_id)}"')))
        for post in posts:
            if photo_id not in markup.photo_ids(post.body_html):
                continue
            photo = photos.public_photo_in_class(post.classroom_id, photo_id)
            path = photos.media_store().path(getattr(photo, size)) if photo else None
            if path:
                return path, getattr(photo, size)
    raise NotFound(_("Cette photo n'existe pas."))


def public_body(post, photo_url):
    """The HTML of a public post for anyone: its album photos that every tagged pupil's consent
    allows appear, at photo_url(photo id) (the public photo route; absolute in the feed); the
    others are left out without a trace. Titles lose any pupil's surname."""
    from ..photos import service as photos
    if post.visibility != 'public':          # never reached by the public pages; stated anyway
        return Markup(markup.without_photos(post.body_html))

    def figure(photo_id, alt):
        photo = photos.public_photo_in_class(post.classroom_id, photo_id)
        if photo is None:
            return ''
        title = Markup.escape(photos.public_caption(photo, alt or photos.alt_text(photo)))
        src = Markup.escape(photo_url(photo.id))
        width, height = photo.fitted(1600)
        caption = f'<figcaption>{title}</figcaption>' if title else ''
        return (f'<figure class="post-photo"><img src="{src}" alt="{title}" width="{width}" '
                f'height="{height}" loading="lazy">{caption}</figure>')
    return Markup(markup.resolve_photos(post.body_html, figure))


def classroom_names(posts):
    """{classroom id: name} for the posts' classes (public pages name the class, not the author)."""
    ids = {p.classroom_id for p in posts}
    return dict(Classroom.select(Classroom.id, Classroom.name).where(Classroom.id.in_(ids)).tuples()) \
        if ids else {}
