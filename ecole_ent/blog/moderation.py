"""Moderation of a class blog by its managers: the queue of pupils' posts and comments waiting
for approval, approving or refusing them (with a reason the author sees), deleting a comment, and
the blog's comment policy.

A pupil's own camera photo (a young pupil's post: an attachment of kind 'jpg', young/service.py)
has no pupil tags for the image-rights rule to read, so its check is the teacher's: a post with one
is published only once the teacher confirms it shows none of the class's pupils whose image rights
keep their photos from families (photo_check), one post at a time, never in a batch."""
from ..accounts.service import pupils_of
from ..db import writing
from ..errors import Forbidden, ValidationError, found
from ..i18n import _, ngettext
from ..models import now
from ..models.blog import COMMENT_POLICIES, Attachment, Blog, Comment, Post
from ..photos.service import restricted_consents
from .access import get_class_blog, require_manager
from .reading import attach_counts, attach_files

MAX_REASON = 300


def moderation_queue(user, classroom):
    """The waiting posts (each with .files, its attachments, and .photo_check: photo_check, None if
    it has no photo) and comments."""
    require_manager(user, classroom)
    posts = list(Post.waiting(classroom))
    attach_counts(posts)
    attach_files(posts)
    with_photo = {post.id for post in posts if any(a.kind == 'jpg' for a in post.files)}
    restricted = _restricted_names(classroom) if with_photo else []
    for post in posts:
        post.photo_check = restricted if post.id in with_photo else None
    return {'posts': posts, 'comments': list(Comment.waiting(classroom))}


def _with_own_photo(post_ids):
    """The ids among `post_ids` of the posts carrying a pupil's own camera photo."""
    post_ids = list(post_ids)
    return {row.post_id for row in Attachment.select(Attachment.post).where(
        Attachment.post.in_(post_ids) & (Attachment.kind == 'jpg'))} if post_ids else set()


def _restricted_names(classroom):
    """The names of the class's pupils whose image rights keep their photos from families."""
    restricted = restricted_consents()
    return [pupil.display_name for pupil in pupils_of(classroom) if pupil.image_rights in restricted]


def photo_check(post):
    """[names] the teacher must not see on the post's own camera photo before publishing it
    ([] when no pupil of the class is restricted), or None when the post has no such photo."""
    return _restricted_names(post.classroom) if _with_own_photo([post.id]) else None


def _clean_reason(reason, required=True):
    reason = ' '.join((reason or '').split())
    if not reason and required:
        raise ValidationError({'reason': _('Donnez une courte raison : l’auteur la verra.')})
    if len(reason) > MAX_REASON:
        raise ValidationError({'reason': _('La raison est trop longue (%(max)d caractères au plus).')
                               % {'max': MAX_REASON}})
    return reason


def _post_to_moderate(user, post_id):
    post = found(Post.get_or_none(Post.id == post_id), _("Cet article n'existe pas."))
    require_manager(user, post.classroom)
    return post


def _comment_to_moderate(user, comment_id):
    comment = found(Comment.get_or_none(Comment.id == comment_id), _("Ce commentaire n'existe pas."))
    require_manager(user, comment.post.classroom)
    return comment


def _decide(item, user, status, reason=''):
    """Record a manager's decision on a post or a comment; a refusal's reason is shown to its
    author."""
    with writing():
        item.status, item.reject_reason = status, reason
        item.moderated_by, item.moderated_at = user, now()
        item.save()
    return item


def _publish_at(post, at):
    """A post approved is published now, or at its date when a teacher had scheduled it later."""
    return post.publish_at if post.publish_at and post.publish_at > at else at


def approve_post(user, post_id, photo_checked=False):
    """Publish a waiting post; with a pupil's camera photo (photo_check), only `photo_checked`."""
    post = _post_to_moderate(user, post_id)
    if photo_check(post) and not photo_checked:
        raise ValidationError({'photo_checked': _(
            'Avant de publier « %(title)s », regardez sa photo et cochez la case : aucun des élèves '
            'sans accord de droit à l’image ne doit y figurer.') % {'title': post.title}})
    post.publish_at = _publish_at(post, now())
    return _decide(post, user, 'published')


def reject_post(user, post_id, reason):
    post = _post_to_moderate(user, post_id)
    return _decide(post, user, 'rejected', _clean_reason(reason))


def approve_comment(user, comment_id):
    return _decide(_comment_to_moderate(user, comment_id), user, 'published')


def reject_comment(user, comment_id, reason):
    comment = _comment_to_moderate(user, comment_id)
    return _decide(comment, user, 'rejected', _clean_reason(reason))


def set_comment_policy(user, classroom_id, policy):
    classroom, _role = get_class_blog(user, classroom_id)
    require_manager(user, classroom)
    if policy not in COMMENT_POLICIES:
        raise ValidationError({'comment_policy': _('Choisissez une règle pour les commentaires.')})
    with writing():
        if not Blog.update(comment_policy=policy).where(Blog.classroom == classroom).execute():
            Blog.create(classroom=classroom, comment_policy=policy)
    return policy


def delete_comment(user, comment_id):
    comment = _comment_to_moderate(user, comment_id)
    with writing():
        comment.delete_instance()
    return comment


DECISIONS = ('published', 'rejected')
MAX_BATCH = 500


def _ids(values):
    try:
        ids = {int(value) for value in values if value}
    except ValueError:
        raise ValidationError({'selection': _('La sélection est illisible : rechargez la page.')}) from None
    if len(ids) > MAX_BATCH:
        raise ValidationError({'selection': _('Pas plus de %(max)d à la fois.') % {'max': MAX_BATCH}})
    return ids


def moderate_many(user, classroom_id, post_ids, comment_ids, decision, reason=''):
    """Publish or refuse several of a class's posts and comments at once, in one transaction, each
    as approve_post / reject_post / approve_comment / reject_comment would, recorded the same way
    (moderated_by, moderated_at; a refusal's reason, optional here, shown to the authors).
    An item of another class (or school) refuses the whole batch: nothing changes (Forbidden).
    An item already moderated, or deleted since the page was shown, is skipped and counted, so a
    form sent twice changes nothing the second time. Returns (done, skipped)."""
    classroom, _role = get_class_blog(user, classroom_id)
    require_manager(user, classroom)
    if decision not in DECISIONS:
        raise ValidationError({'selection': _('Choisissez de publier ou de refuser la sélection.')})
    post_ids, comment_ids = _ids(post_ids), _ids(comment_ids)
    if not post_ids and not comment_ids:
        raise ValidationError({'selection': _('Cochez au moins un article ou un commentaire.')})
    reason = _clean_reason(reason, required=False) if decision == 'rejected' else ''
    done = 0
    with writing():
        posts = list(Post.select().where(Post.id.in_(post_ids))) if post_ids else []
        comments = (list(Comment.select(Comment, Post).join(Post).where(Comment.id.in_(comment_ids)))
                    if comment_ids else [])
        if any(p.classroom_id != classroom.id for p in posts) or \
                any(c.post.classroom_id != classroom.id for c in comments):
            raise Forbidden(_('Seuls les enseignants de la classe peuvent faire cela : la sélection '
                              'contient un article ou un commentaire d’une autre classe. Rien n’a été modifié.'))
        with_photo = _with_own_photo(p.id for p in posts if p.status == 'pending') if decision == 'published' else ()
        if with_photo and _restricted_names(classroom):      # the class's pupils read only when it matters
            raise ValidationError({'selection': _(
                'Rien n’a été publié : %(titles)s porte une photo prise par un élève, à publier seul après '
                'avoir vérifié qu’aucun élève sans accord de droit à l’image n’y figure.') % {
                'titles': ', '.join(f'« {p.title} »' for p in posts if p.id in with_photo)}})
        at = now()
        for model, items in ((Post, posts), (Comment, comments)):
            for item in items:
                changes = {model.status: decision, model.reject_reason: reason,
                           model.moderated_by: user.id, model.moderated_at: at}
                if model is Post and decision == 'published':
                    changes[Post.publish_at] = _publish_at(item, at)
                # the status test in the UPDATE itself: a concurrent second submit changes nothing
                done += model.update(changes).where((model.id == item.id) & (model.status == 'pending')).execute()
    return done, len(post_ids) + len(comment_ids) - done


def batch_message(decision, done, skipped, reason=''):
    """What a teacher reads after moderate_many: how many were published or refused, how many skipped."""
    if decision == 'published':
        text = ngettext('%(num)d article ou commentaire publié.', '%(num)d articles ou commentaires publiés.', done)
    elif reason.strip():
        text = ngettext('%(num)d article ou commentaire refusé : son auteur voit la raison.',
                        '%(num)d articles ou commentaires refusés : leurs auteurs voient la raison.', done)
    else:
        text = ngettext('%(num)d article ou commentaire refusé.', '%(num)d articles ou commentaires refusés.', done)
    text %= {'num': done}
    if skipped:
        text += ' ' + ngettext('%(num)d était déjà modéré ou n’existe plus : laissé tel quel.',
                               '%(num)d étaient déjà modérés ou n’existent plus : laissés tels quels.',
                               skipped) % {'num': skipped}
    return text
