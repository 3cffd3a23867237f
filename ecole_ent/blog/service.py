"""Class blogs: who may read and write what, posts (now or scheduled), pupils' posts waiting for
approval, comments and their policy, the moderation queue, attachments, the public page and feed,
and "new since your last visit". Plain functions, no bottle.

Rights, per class (see membership.role_in()):
  manager  the class's teachers, the school's director, the installation admin: everything
  pupil    a pupil of the class: reads every live post, writes posts that wait for approval
  guardian a guardian of a pupil of the class: reads live posts shown to families
  staff    school staff attached to the class (ATSEM): reads
A post a user may not read is reported as missing (NotFound), so its existence does not leak.
"""
import math
import os
from dataclasses import dataclass
from datetime import datetime, time as dtime, timezone
from zoneinfo import ZoneInfo

from markupsafe import Markup
from peewee import JOIN, fn

from ..accounts import membership, service as accounts
from ..db import instance, prepared, writing
from ..errors import Forbidden, NotFound, ValidationError
from ..home import visits
from ..i18n import _, date_fr
from ..models import Classroom, School, User, Visit, now
from ..models.blog import (COMMENT_POLICIES, VISIBILITIES, Attachment, Blog, Comment,
                           Post)
from . import files, markup

PER_PAGE = 10
FEED_SIZE = 20
MAX_TITLE = 200
MAX_BODY = 20000
MAX_COMMENT = 2000
MAX_REASON = 300
MAX_FILES = 5
READS = {'manager': VISIBILITIES, 'pupil': VISIBILITIES, 'staff': VISIBILITIES,
         'guardian': ('families', 'public')}


class Settings:
    media_dir = None          # DATA/media/blog
    max_bytes = 20 * 2**20
    zone = ZoneInfo('Europe/Paris')


settings = Settings()


def configure(config):
    settings.media_dir = str(config.path('media', 'blog'))
    settings.max_bytes = config['blog.attachment_max_mb'] * 2**20
    settings.zone = ZoneInfo(config['app.timezone'])


# --- time: stored as naive UTC, entered and shown in the school's time zone -------------------

def to_local(moment):
    """Naive UTC -> naive local time of the school, for display."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(settings.zone).replace(tzinfo=None)


def from_local(moment):
    return moment.replace(tzinfo=settings.zone).astimezone(timezone.utc).replace(tzinfo=None)


# --- who may do what ----------------------------------------------------------------------------

def get_class_blog(user, classroom_id):
    """(classroom, role) if the user may read this class's blog; Forbidden otherwise."""
    classroom = membership.classroom(classroom_id)
    role = membership.role_in(user, classroom) if classroom else None
    if role is None:
        raise Forbidden(_("Le blog de cette classe n'est pas accessible avec votre compte."))
    return classroom, role


def get_class_blog_to_write(user, classroom_id):
    """(classroom, role) if the user may write on this class's blog (its teachers, its pupils);
    Forbidden otherwise: families and staff read it."""
    classroom, role = get_class_blog(user, classroom_id)
    if role not in membership.WRITERS:
        raise Forbidden(_('Vous ne pouvez pas écrire sur ce blog.'))
    return classroom, role


def blog_classes(user):
    """The current classes whose blog the user reads, with the role: [(classroom, role)]."""
    classes = {c.id: c for c in membership.current_classes_of(user)}
    if user.has_role('guardian'):
        classes.update({c.id: c for _p, c in accounts.children_of(user) if c is not None})
    if user.has_role('director') and user.school_id:
        year = user.school.current_year()
        classes.update({c.id: c for c in Classroom.of_year(year)} if year else {})
    found = [(c, membership.role_in(user, c)) for c in sorted(classes.values(), key=lambda c: c.name)]
    return [(c, role) for c, role in found if role]


_settings = prepared(lambda class_id: Blog.select().where(Blog.classroom == class_id), 1)


def settings_of(classroom):
    return next(iter(_settings(classroom.id)), None) or Blog(classroom=classroom)


def can_read(user, role, post):
    if role == 'manager' or (post.author_id is not None and user is not None
                             and post.author_id == user.id):
        return True
    return (post.status == 'published' and post.publish_at is not None
            and post.publish_at <= now() and post.visibility in READS.get(role, ()))


def get_post_for(user, post_id):
    """(post, role) if the user may read it: NotFound otherwise (also for another class's post)."""
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise NotFound(_("Cet article n'existe pas ou n'est pas visible avec votre compte."))
    role = membership.role_in(user, post.classroom)
    if role is None or not can_read(user, role, post):
        raise NotFound(_("Cet article n'existe pas ou n'est pas visible avec votre compte."))
    return post, role


def _require_manager(user, classroom):
    if membership.role_in(user, classroom) != 'manager':
        raise Forbidden(_('Seuls les enseignants de la classe peuvent faire cela.'))


# --- names shown to readers -----------------------------------------------------------------------

def author_name(author, full=False):
    """A pupil is shown by first name only (surname only to the class's teachers)."""
    if author is None:
        return _('Compte supprimé')
    if author.has_role('pupil') and not full:
        return author.first_name
    return author.display_name


# --- lists ----------------------------------------------------------------------------------------

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


def _run_list(kind, key, page, size=PER_PAGE):
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
    return _run_list(kind, classroom.id, page)


def _attach_counts(posts):
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


def moderation_queue(user, classroom):
    _require_manager(user, classroom)
    posts = list(Post.waiting(classroom))
    _attach_counts(posts)
    return {'posts': posts, 'comments': list(Comment.waiting(classroom))}


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


_new_for_guardian = prepared(lambda guardian_id, at, since: (
    Post.select(Post.classroom, fn.COUNT(Post.id).alias('n'))
    .join(Visit, JOIN.LEFT_OUTER,
          on=((Visit.classroom == Post.classroom) & (Visit.user == guardian_id) & (Visit.area == 'blog')))
    .where(Post.classroom.in_(membership.children_classes(guardian_id)) & (Post.status == 'published')
           & Post.visibility.in_(READS['guardian']) & (Post.publish_at <= at)
           & (Post.publish_at > fn.COALESCE(Visit.seen_at, since)))
    .group_by(Post.classroom)), 3)


def new_posts_by_class(user):
    """{class id: live posts a guardian has not seen} for their children's classes: since the
    last visit, else the last two weeks. One prepared query (the guardian home is hot)."""
    at = now()
    return {row.classroom_id: row.n
            for row in _new_for_guardian(user.id, at, visits.seen_since(None, at))}


# --- writing posts ----------------------------------------------------------------------------------

def _clean_post(role, data, has_files):
    """Validated fields from the form; ValidationError with every problem at once."""
    errors = {}
    title = ' '.join((data.get('title') or '').split())
    body = (data.get('body') or '').replace('\r\n', '\n').strip()
    if not title:
        errors['title'] = _('Donnez un titre à l’article.')
    elif len(title) > MAX_TITLE:
        errors['title'] = _('Le titre est trop long (%(max)d caractères au plus).') % {'max': MAX_TITLE}
    if len(body) > MAX_BODY:
        errors['body'] = _('Le texte est trop long (%(max)d caractères au plus).') % {'max': MAX_BODY}
    elif not body and not has_files:
        errors['body'] = _('Écrivez un texte ou joignez un fichier.')
    clean = {'title': title, 'body': body}
    if role == 'manager':
        visibility = data.get('visibility') or 'families'
        if visibility not in VISIBILITIES:
            errors['visibility'] = _('Choisissez qui peut lire l’article.')
        clean['visibility'] = visibility
        clean['publish_at'] = _clean_schedule(data, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_schedule(data, errors):
    """None for "now", else the UTC time of a future local date and time."""
    if data.get('when') != 'later':
        return None
    day, hour = (data.get('publish_date') or '').strip(), (data.get('publish_time') or '').strip()
    try:
        moment = datetime.combine(datetime.strptime(day, '%Y-%m-%d').date(),
                                  datetime.strptime(hour, '%H:%M').time() if hour else dtime(8, 0))
    except ValueError:
        errors['publish_date'] = _('Indiquez une date (et une heure) de publication valides, '
                                   'par exemple 2026-12-03 et 08:00.')
        return None
    moment = from_local(moment)
    if moment <= now():
        errors['publish_date'] = _('Cette date est déjà passée : choisissez une date à venir, '
                                   'ou « Publier maintenant ».')
        return None
    return moment


def preview(data):
    """The sanitised HTML the body would show (for the editor's preview), safe for templates."""
    return Markup(markup.render_markdown((data.get('body') or '')[:MAX_BODY]))


def create_post(user, classroom_id, data, uploads=()):
    """A teacher's post is published (now or at its date); a pupil's waits for approval."""
    classroom, role = get_class_blog_to_write(user, classroom_id)
    uploads = [u for u in uploads if u[0]]      # (file name, stream): an empty field has no name
    clean = _clean_post(role, data, bool(uploads))
    stored = _store_uploads(uploads)
    with writing():
        post = Post.create(classroom=classroom, author=user, title=clean['title'],
                           body_source=clean['body'], body_html=markup.render_markdown(clean['body']),
                           status='published' if role == 'manager' else 'pending',
                           visibility=clean.get('visibility', 'families'),
                           publish_at=(clean.get('publish_at') or now()) if role == 'manager' else None)
        for kind, sha, size, name in stored:
            Attachment.create(post=post, kind=kind, sha256=sha, size=size, name=name)
    return post


def get_post_to_edit(user, post_id):
    """A post the user may edit: teachers any post of their class; a pupil their own post while it
    waits or was refused."""
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise NotFound(_("Cet article n'existe pas."))
    role = membership.role_in(user, post.classroom)
    if role == 'manager':
        return post, role
    if role == 'pupil' and post.author_id == user.id and post.status != 'published':
        return post, role
    if role is None:
        raise NotFound(_("Cet article n'existe pas ou n'est pas visible avec votre compte."))
    raise Forbidden(_('Vous ne pouvez pas modifier cet article.'))


def update_post(user, post_id, data, uploads=(), remove=()):
    """Edit a post. A pupil's edit sends it back to the teacher; a teacher may also reschedule."""
    post, role = get_post_to_edit(user, post_id)
    uploads = [u for u in uploads if u[0]]
    kept = [a for a in post.attachments if str(a.id) not in set(map(str, remove))]
    clean = _clean_post(role, data, bool(uploads or kept))
    if len(kept) + len(uploads) > MAX_FILES:
        raise ValidationError({'attachments': _('Cinq pièces jointes au plus par article.')})
    stored = _store_uploads(uploads)
    with writing():
        post.title, post.body_source = clean['title'], clean['body']
        post.body_html = markup.render_markdown(clean['body'])
        post.updated_at = now()
        if role == 'manager':
            post.visibility = clean['visibility']
            if clean['publish_at'] is not None:
                post.publish_at = clean['publish_at']
            elif post.status == 'published' and post.is_scheduled and data.get('when') == 'now':
                post.publish_at = now()
        else:
            post.status, post.reject_reason = 'pending', ''
        post.save()
        removed = [a for a in post.attachments if a not in kept]
        for attachment in removed:
            attachment.delete_instance()
        for kind, sha, size, name in stored:
            Attachment.create(post=post, kind=kind, sha256=sha, size=size, name=name)
    _forget_files(removed)
    return post


def delete_post(user, post_id):
    post, _role = get_post_to_edit(user, post_id)
    attachments = list(post.attachments)
    with writing():
        post.delete_instance(recursive=True)
    _forget_files(attachments)
    return post


# --- moderation -------------------------------------------------------------------------------------

def _clean_reason(reason):
    reason = ' '.join((reason or '').split())
    if not reason:
        raise ValidationError({'reason': _('Donnez une courte raison : l’auteur la verra.')})
    if len(reason) > MAX_REASON:
        raise ValidationError({'reason': _('La raison est trop longue (%(max)d caractères au plus).')
                               % {'max': MAX_REASON}})
    return reason


def approve_post(user, post_id):
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise NotFound(_("Cet article n'existe pas."))
    _require_manager(user, post.classroom)
    with writing():
        post.status, post.reject_reason = 'published', ''
        post.publish_at = post.publish_at if post.publish_at and post.publish_at > now() else now()
        post.moderated_by, post.moderated_at = user, now()
        post.save()
    return post


def reject_post(user, post_id, reason):
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise NotFound(_("Cet article n'existe pas."))
    _require_manager(user, post.classroom)
    reason = _clean_reason(reason)
    with writing():
        post.status, post.reject_reason = 'rejected', reason
        post.moderated_by, post.moderated_at = user, now()
        post.save()
    return post


def _comment_to_moderate(user, comment_id):
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None:
        raise NotFound(_("Ce commentaire n'existe pas."))
    _require_manager(user, comment.post.classroom)
    return comment


def approve_comment(user, comment_id):
    comment = _comment_to_moderate(user, comment_id)
    with writing():
        comment.status, comment.reject_reason = 'published', ''
        comment.moderated_by, comment.moderated_at = user, now()
        comment.save()
    return comment


def reject_comment(user, comment_id, reason):
    comment = _comment_to_moderate(user, comment_id)
    reason = _clean_reason(reason)
    with writing():
        comment.status, comment.reject_reason = 'rejected', reason
        comment.moderated_by, comment.moderated_at = user, now()
        comment.save()
    return comment


def set_comment_policy(user, classroom_id, policy):
    classroom, _role = get_class_blog(user, classroom_id)
    _require_manager(user, classroom)
    if policy not in COMMENT_POLICIES:
        raise ValidationError({'comment_policy': _('Choisissez une règle pour les commentaires.')})
    with writing():
        if not Blog.update(comment_policy=policy).where(Blog.classroom == classroom).execute():
            Blog.create(classroom=classroom, comment_policy=policy)
    return policy


# --- comments ---------------------------------------------------------------------------------------

def can_comment(user, role, post, policy):
    return (policy != 'off' and role in ('manager', 'pupil', 'guardian')
            and post.status == 'published' and post.publish_at is not None
            and post.publish_at <= now())


def add_comment(user, post_id, body):
    """A teacher's comment shows at once; others follow the blog's policy."""
    post, role = get_post_for(user, post_id)
    policy = settings_of(post.classroom).comment_policy
    if not can_comment(user, role, post, policy):
        raise Forbidden(_('Les commentaires sont fermés pour cet article.'))
    body = (body or '').replace('\r\n', '\n').strip()
    if not body:
        raise ValidationError({'comment': _('Écrivez votre commentaire avant de l’envoyer.')})
    if len(body) > MAX_COMMENT:
        raise ValidationError({'comment': _('Le commentaire est trop long (%(max)d caractères au plus).')
                               % {'max': MAX_COMMENT}})
    status = 'published' if role == 'manager' or policy == 'immediate' else 'pending'
    with writing():
        return Comment.create(post=post, author=user, body=body, status=status)


def delete_comment(user, comment_id):
    comment = _comment_to_moderate(user, comment_id)
    with writing():
        comment.delete_instance()
    return comment


# --- attachments ------------------------------------------------------------------------------------

def _store_uploads(uploads):
    """Store (file name, stream) pairs; one ValidationError names every refused file and why.
    On refusal nothing new stays on disk."""
    if len(uploads) > MAX_FILES:
        raise ValidationError({'attachments': _('Cinq pièces jointes au plus par article.')})
    stored, problems = [], []
    for filename, stream in uploads:
        try:
            kind, sha, size = files.store(stream, settings.media_dir, settings.max_bytes)
        except files.UnknownType:
            problems.append(_('« %(name)s » n’est ni un PDF ni un fichier audio (mp3, m4a, ogg).')
                            % {'name': filename})
            continue
        except files.TooLarge:
            problems.append(_('« %(name)s » dépasse %(max)d Mo.')
                            % {'name': filename, 'max': settings.max_bytes // 2**20})
            continue
        stored.append((kind, sha, size, files.clean_name(filename, kind)))
    if problems:
        _forget_files([Attachment(kind=k, sha256=s) for k, s, _size, _n in stored])
        raise ValidationError({'attachments': ' '.join(problems)})
    return stored


def _forget_files(attachments):
    """Delete stored files that no attachment refers to any more."""
    for attachment in attachments:
        if not Attachment.select().where(Attachment.sha256 == attachment.sha256).exists():
            path = files.path_of(settings.media_dir, attachment.sha256, attachment.kind)
            if os.path.exists(path):
                os.unlink(path)


def _attachment_file(attachment):
    path = files.path_of(settings.media_dir, attachment.sha256, attachment.kind)
    if not os.path.exists(path):
        raise NotFound(_('Ce fichier est introuvable sur le serveur.'))
    extension, content_type, is_audio = files.KINDS[attachment.kind]
    return {'path': path, 'content_type': content_type, 'name': attachment.name,
            'inline': is_audio}


def get_attachment_for(user, attachment_id):
    """The file of an attachment, if the user may read its post."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None:
        raise NotFound(_("Ce fichier n'existe pas."))
    get_post_for(user, attachment.post_id)
    return _attachment_file(attachment)


# --- public page and feed ---------------------------------------------------------------------------

def public_school(uai):
    school = School.get_or_none(School.uai == (uai or '').upper())
    if school is None:
        raise NotFound(_('Aucune école ne porte ce code.'))
    return school


def public_posts(school, page=1):
    return _run_list('public', school.id, page)


def public_feed(school):
    return _run_list('public', school.id, 1, FEED_SIZE).items


def get_public_post(school, post_id):
    post = Post.public_of_school(school).where(Post.id == post_id).first()
    if post is None:
        raise NotFound(_("Cet article n'existe pas ou n'est pas public."))
    _attach_counts([post])
    return post


def get_public_attachment(school, attachment_id):
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None:
        raise NotFound(_("Ce fichier n'existe pas."))
    get_public_post(school, attachment.post_id)
    return _attachment_file(attachment)


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
        title = Markup.escape(photos.public_caption(photo, alt or photo.caption))
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


# --- the guardian's year archive (directory/archive.py) ----------------------------------------

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
    title = esc(_('Le blog de la classe %(name)s') % {'name': classroom.name})
    articles = ''.join(
        f'<article><h2>{esc(post.title)}</h2><p><small>{esc(date_fr(to_local(post.publish_at)))}'
        f'</small></p>{post.body_html}</article>' for post in posts)   # body_html: sanitised by nh3
    yield 'blog.html', (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}'
                        f'</title></head><body><h1>{title}</h1>{articles}</body></html>').encode()


def post_body(user, post):
    """The post's HTML for this reader. Album photos it references appear only when the reader may
    see them (image rights); with no reader they are left out (the public page and feed use
    public_body)."""
    from ..photos import service as photos

    def figure(photo_id, alt):
        photo = photos.photo_in_class(user, post.classroom_id, photo_id) if user else None
        if photo is None:
            return ''
        alt = Markup.escape(alt or photo.caption)
        return (f'<figure class="post-photo"><img src="/media/{photo.display}.jpg" alt="{alt}" '
                f'loading="lazy"><figcaption>{alt}</figcaption></figure>')
    return Markup(markup.resolve_photos(post.body_html, figure))
