"""Writing on a class blog: posts (now or scheduled; a pupil's waits for approval), their
attachments (PDF and audio files, stored by content hash; a young pupil's camera photo, re-encoded
by the media pipeline: young/service.py), and comments under the blog's policy.
Who may write is decided by access.py; which album photos a post may show, and photos sent with a
post, by picker.py."""
import contextlib
import io
import os

from markupsafe import Markup

from ..db import writing
from ..errors import Forbidden, NotFound, ValidationError, found
from ..i18n import _
from ..media import files
from ..models import now
from ..models.blog import VISIBILITIES, Attachment, Comment, Post
from ..school_time import clean_schedule
from . import markup, picker
from .access import READS, can_comment, get_class_blog_to_write, get_post_for, get_post_to_edit, settings_of
from .service import settings

MAX_TITLE = 200
MAX_BODY = 20000
MAX_COMMENT = 2000
MAX_FILES = 5


def _clean_post(role, data, has_files, classroom_id):
    """Validated fields from the form; ValidationError with every problem at once (a photo
    reference the post's readers could not see among them)."""
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
    elif problems := picker.reference_problems(classroom_id, body):
        errors['body'] = ' '.join(problems)
    clean = {'title': title, 'body': body,
             'photo_caption': picker.clean_caption(data.get('photo_caption'), errors) or title}
    if role == 'manager':
        visibility = data.get('visibility') or 'families'
        if visibility not in VISIBILITIES:
            errors['visibility'] = _('Choisissez qui peut lire l’article.')
        clean['visibility'] = visibility
        clean['publish_at'] = clean_schedule(data, errors, now())
    if errors:
        raise ValidationError(errors)
    return clean


def preview(data, classroom_id=None):
    """The sanitised HTML the body would show (for the editor's preview), safe for templates; with
    the class, its album photos show as they will (those readers could not see, not at all)."""
    html = markup.render_markdown((data.get('body') or '')[:MAX_BODY])
    return Markup(html if classroom_id is None else picker.preview_photos(classroom_id, html))


def create_post(user, classroom_id, data, uploads=(), photo_uploads=(), jpegs=()):
    """A teacher's post is published (now or at its date); a pupil's waits for approval.
    photo_uploads (a teacher's) go to the class's « Blog » album and show at the body's end;
    jpegs, (name, bytes) the media pipeline re-encoded (a young pupil's camera photo), are
    attachments of the post, seen with it once approved."""
    classroom, role = get_class_blog_to_write(user, classroom_id)
    uploads = [u for u in uploads if u[0]]      # (file name, stream): an empty field has no name
    photo_uploads = _photo_uploads(role, photo_uploads)
    clean = _clean_post(role, data, bool(uploads or photo_uploads or jpegs), classroom.id)
    _refuse_early_photos(photo_uploads, clean.get('visibility', 'families'), clean.get('publish_at'))
    with _stored(uploads, photo_uploads, jpegs) as (stored, images):
        with writing():
            body = picker.with_references(clean['body'], picker.add_to_blog_album(
                user, classroom, images, clean['photo_caption']))
            post = Post.create(classroom=classroom, author=user, title=clean['title'],
                               body_source=body, body_html=markup.render_markdown(body),
                               status='published' if role == 'manager' else 'pending',
                               visibility=clean.get('visibility', 'families'),
                               publish_at=(clean.get('publish_at') or now()) if role == 'manager' else None)
            for kind, sha, size, name in stored:
                Attachment.create(post=post, kind=kind, sha256=sha, size=size, name=name)
    return post


def update_post(user, post_id, data, uploads=(), remove=(), photo_uploads=()):
    """Edit a post. A pupil's edit sends it back to the teacher; a teacher may also reschedule."""
    post, role = get_post_to_edit(user, post_id)
    uploads = [u for u in uploads if u[0]]
    photo_uploads = _photo_uploads(role, photo_uploads)
    kept = [a for a in post.attachments if str(a.id) not in set(map(str, remove))]
    clean = _clean_post(role, data, bool(uploads or kept or photo_uploads), post.classroom_id)
    if len(kept) + len(uploads) > MAX_FILES:
        raise ValidationError({'attachments': _('Cinq pièces jointes au plus par article.')})
    now_wanted = data.get('when') == 'now' or post.status != 'published'
    _refuse_early_photos(photo_uploads, clean.get('visibility', post.visibility),
                         clean.get('publish_at') or (None if now_wanted else post.publish_at))
    with _stored(uploads, photo_uploads) as (stored, images), writing():
        body = picker.with_references(clean['body'], picker.add_to_blog_album(
            user, post.classroom, images, clean['photo_caption']))
        post.title, post.body_source = clean['title'], body
        post.body_html = markup.render_markdown(body)
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


# --- attachments ------------------------------------------------------------------------------------

def _photo_uploads(role, photo_uploads):
    """The photo files sent (an empty field has no name); a teacher's only."""
    photo_uploads = [u for u in photo_uploads if u[0]]
    if photo_uploads and role != 'manager':
        raise ValidationError({'photos': _('Seuls les enseignants ajoutent des photos aux albums : '
                                           'choisis une photo déjà dans les albums de la classe.')})
    return photo_uploads


def _refuse_early_photos(photo_uploads, visibility, publish_at):
    """Photos sent with a post join the class's « Blog » album at once, where families see them:
    only with a post families read from now on (not one for the class alone, nor one to come)."""
    if photo_uploads and (visibility not in READS['guardian'] or (publish_at and publish_at > now())):
        raise ValidationError({'photos': _('Les photos envoyées avec un article vont tout de suite dans l’album '
                                           '« Blog », que les familles voient : envoyez-les avec un article '
                                           'publié maintenant pour les familles, pas avec un article programmé '
                                           'ou réservé à la classe.')})


@contextlib.contextmanager
def _stored(uploads, photo_uploads, jpegs=()):
    """Store the attachments and the photos sent, yield (attachments, images) for the post's
    transaction; if anything is refused or the save fails, no new file stays on disk."""
    images = picker.store_uploads(photo_uploads)
    try:
        stored = _store_uploads(uploads, jpegs)
    except ValidationError:
        picker.forget(images)
        raise
    try:
        yield stored, images
    except BaseException:
        _forget_files([Attachment(kind=k, sha256=s) for k, s, _size, _n in stored])
        picker.forget(images)
        raise


def _store_uploads(uploads, jpegs=()):
    """Store (file name, stream) pairs, and (file name, bytes) of re-encoded JPEG images; one
    ValidationError names every refused file and why. On refusal nothing new stays on disk."""
    if len(uploads) + len(jpegs) > MAX_FILES:
        raise ValidationError({'attachments': _('Cinq pièces jointes au plus par article.')})
    stored, problems = [], []
    for filename, data in jpegs:
        kind, sha, size = files.store(io.BytesIO(data), settings().media_dir, len(data), kind='jpg')
        stored.append((kind, sha, size, files.clean_name(filename, kind)))
    for filename, stream in uploads:
        try:
            kind, sha, size = files.store(stream, settings().media_dir, settings().max_bytes)
        except files.UnknownType:
            problems.append(_('« %(name)s » n’est ni un PDF ni un fichier audio (mp3, m4a, ogg, webm).')
                            % {'name': filename})
            continue
        except files.TooLarge:
            problems.append(_('« %(name)s » dépasse %(max)d Mo.')
                            % {'name': filename, 'max': settings().max_bytes // 2**20})
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
            path = files.path_of(settings().media_dir, attachment.sha256, attachment.kind)
            if os.path.exists(path):
                os.unlink(path)


def attachment_file(attachment):
    path = files.path_of(settings().media_dir, attachment.sha256, attachment.kind)
    if not os.path.exists(path):
        raise NotFound(_('Ce fichier est introuvable sur le serveur.'))
    _extension, content_type, inline = files.KINDS[attachment.kind]
    return {'path': path, 'content_type': content_type, 'name': attachment.name, 'inline': inline}


def get_attachment_for(user, attachment_id):
    """The file of an attachment, if the user may read its post."""
    attachment = found(Attachment.get_or_none(Attachment.id == attachment_id),
                       _("Ce fichier n'existe pas."))
    get_post_for(user, attachment.post_id)
    return attachment_file(attachment)


