"""Moderation of a class blog by its managers: the queue of pupils' posts and comments waiting
for approval, approving or refusing them (with a reason the author sees), deleting a comment, and
the blog's comment policy."""
from ..db import writing
from ..errors import ValidationError, found
from ..i18n import _
from ..models import now
from ..models.blog import COMMENT_POLICIES, Blog, Comment, Post
from .access import get_class_blog, require_manager
from .reading import attach_counts

MAX_REASON = 300


def moderation_queue(user, classroom):
    require_manager(user, classroom)
    posts = list(Post.waiting(classroom))
    attach_counts(posts)
    return {'posts': posts, 'comments': list(Comment.waiting(classroom))}


def _clean_reason(reason):
    reason = ' '.join((reason or '').split())
    if not reason:
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


def approve_post(user, post_id):
    """Published now, or at its date when a teacher had scheduled it later."""
    post = _post_to_moderate(user, post_id)
    post.publish_at = post.publish_at if post.publish_at and post.publish_at > now() else now()
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
