"""Who may read and write what on a class blog. The roles come from accounts.membership:

  manager  the class's teachers, the school's director, the installation admin: everything
  pupil    a pupil of the class: reads every live post, writes posts that wait for approval
  guardian a guardian of a pupil of the class: reads live posts shown to families
  staff    school staff attached to the class (ATSEM): reads
A post a user may not read is reported as missing (NotFound), so its existence does not leak.
"""
from ..accounts import membership
from ..accounts import service as accounts
from ..db import prepared
from ..errors import Forbidden, NotFound, found
from ..i18n import _
from ..models import now
from ..models.blog import VISIBILITIES, Blog, Post

READS = {'manager': VISIBILITIES, 'pupil': VISIBILITIES, 'staff': VISIBILITIES,
         'guardian': ('families', 'public')}
def hidden_post():
    return _("Cet article n'existe pas ou n'est pas visible avec votre compte.")


def get_class_blog(user, classroom_id):
    """(classroom, role) if the user may read this class's blog; Forbidden otherwise."""
    return membership.class_and_role(user, classroom_id,
                                     _("Le blog de cette classe n'est pas accessible avec votre compte."))


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
        classes.update({c.id: c for c in membership.classes_of(user, 'director')})
    found_roles = [(c, membership.role_in(user, c)) for c in sorted(classes.values(), key=lambda c: c.name)]
    return [(c, role) for c, role in found_roles if role]


_settings = prepared(lambda class_id: Blog.select().where(Blog.classroom == class_id), 1)


def settings_of(classroom):
    return next(iter(_settings(classroom.id)), None) or Blog(classroom=classroom)


def can_read(user, role, post):
    if role == 'manager' or (post.author_id is not None and user is not None
                             and post.author_id == user.id):
        return True
    return (post.status == 'published' and post.publish_at is not None
            and post.publish_at <= now() and post.visibility in READS.get(role, ()))


def can_comment(user, role, post, policy):
    return (policy != 'off' and role in ('manager', 'pupil', 'guardian')
            and post.status == 'published' and post.publish_at is not None
            and post.publish_at <= now())


def get_post_for(user, post_id):
    """(post, role) if the user may read it: NotFound otherwise (also for another class's post)."""
    post = found(Post.get_or_none(Post.id == post_id), hidden_post())
    role = membership.role_in(user, post.classroom)
    if role is None or not can_read(user, role, post):
        raise NotFound(hidden_post())
    return post, role


def get_post_to_edit(user, post_id):
    """A post the user may edit: teachers any post of their class; a pupil their own post while it
    waits or was refused."""
    post = found(Post.get_or_none(Post.id == post_id), _("Cet article n'existe pas."))
    role = membership.role_in(user, post.classroom)
    if role == 'manager':
        return post, role
    if role == 'pupil' and post.author_id == user.id and post.status != 'published':
        return post, role
    if role is None:
        raise NotFound(hidden_post())
    raise Forbidden(_('Vous ne pouvez pas modifier cet article.'))


def require_manager(user, classroom):
    if membership.role_in(user, classroom) != 'manager':
        raise Forbidden(_('Seuls les enseignants de la classe peuvent faire cela.'))


def author_name(author, full=False):
    """A pupil is shown by first name only (surname only to the class's teachers)."""
    if author is None:
        return _('Compte supprimé')
    if author.has_role('pupil') and not full:
        return author.first_name
    return author.display_name
