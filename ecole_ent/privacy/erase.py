"""Erasing an account: the leavers' rule (retention.py) and the director's erasure on request.

The User row stays, under neutral names (« Ancien élève », « Ancien parent »…), so that the
contributions kept (blog posts and comments, messages until their own rule deletes them) keep an
author; everything else that names or reaches the person goes: names, e-mail, login, password,
directory id and record, sessions, reset links, notifications and mails waiting, calendar feeds,
guardian links, enrolments and teaching, homework ticks, consent history, QR card, the receipts of
messages and notes (a guardian's comment on a note is blanked), password-reset throttles; the audit
log's events about the old login name the neutral login instead. A pupil's photo tags go only when
their consent allowed diffusion: a tag of a pupil whose consent is restricted is what hides the photo
from other families and public pages, so it stays, on the neutral row whose consent is 'refused'.
An ErasedAccount row keeps the trace, and the directory's id unless the directory itself dropped the
person (DirectoryRecord.absent): the next sync then reports the person (skip_erased) instead of
creating the account again. Every erasure is audited ('account.erased').
"""
from dataclasses import replace

from .. import audit
from ..accounts.logins import fold
from ..admin.accounts import get_account
from ..admin.service import require_school_admin
from ..db import is_sqlite, writing
from ..errors import ValidationError
from ..i18n import _, date_fr
from ..models import (
    AuditEvent,
    CalendarFeed,
    Comment,
    DirectoryRecord,
    Enrolment,
    ErasedAccount,
    GuardianLink,
    HomeworkDone,
    LoginSession,
    MailPreference,
    MessageReceipt,
    NoteReceipt,
    Notification,
    OutboxMail,
    PasswordReset,
    PhotoTag,
    Post,
    PupilCard,
    SyncLine,
    Teaching,
    ThreadMember,
    Throttle,
    User,
    Visit,
)
from ..models.pictures import PicturePassword
from ..models.privacy import ConsentChange
from . import service

# The neutral names of an erased account, by its main role (first name, last name).
NEUTRAL = {'pupil': ('Ancien', 'élève'), 'guardian': ('Ancien', 'parent')}
NEUTRAL_OTHER = ('Ancien', 'membre de l’équipe')
ROLE_ORDER = ('pupil', 'guardian', 'teacher', 'director', 'staff', 'admin')


def main_role(user):
    return next((role for role in ROLE_ORDER if user.has_role(role)), 'staff')


def neutral_name(user):
    """« Ancien élève », « Ancien parent » or « Ancien membre de l’équipe »."""
    first, last = NEUTRAL.get(main_role(user), NEUTRAL_OTHER)
    return f'{first} {last}'


def is_erased(user):
    return ErasedAccount.select().where(ErasedAccount.user == user.id).exists()


def check_erasable(actor, user):
    """ValidationError (French, nothing changed) when `user` may not be erased by `actor`; inside the
    erasure's transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the admin rows locked)."""
    if actor is not None:
        require_school_admin(actor, user.school_id)
        if actor.id == user.id:
            raise ValidationError({'form': _('Vous ne pouvez pas effacer votre propre compte.')})
    if is_erased(user):
        raise ValidationError({'form': _('Ce compte est déjà effacé.')})
    if user.has_role('admin'):
        admins = User.with_role('admin').select(User.id, User.status).order_by(User.id)
        if not is_sqlite():      # every admin row locked: two admins erasing each other wait in turn
            admins = admins.for_update()
        others = any(admin_id != user.id and status == 'active' for admin_id, status in admins.tuples())
        if not others:
            raise ValidationError({'form': _('C’est le dernier compte administrateur de l’installation : '
                                             'créez-en un autre avant de l’effacer. Rien n’a été effacé.')})


def erase_account(actor, user, keep_contributions=True, reason='request'):
    """Erase `user`'s personal data (see the module's docstring); returns the ErasedAccount row.
    `actor` None: the retention job (or the command line). Contributions to the class blog stay
    under the neutral name, or are deleted with keep_contributions=False."""
    first, last = NEUTRAL.get(main_role(user), NEUTRAL_OTHER)
    with writing():
        check_erasable(actor, user)          # inside the transaction: two admins erasing each other
        posts = [] if keep_contributions else list(Post.select().where(Post.author == user.id))
        files = [a for post in posts for a in post.attachments]
        keep_id = user.external_id if reason == 'request' or not _dropped_by_directory(user) else None
        _remove_traces(user)
        if not keep_contributions:
            Comment.delete().where(Comment.author == user.id).execute()
            for post in posts:
                post.delete_instance(recursive=True)
        login = _neutral_login(user)
        User.update(login=login, first_name=first, last_name=last, email=None, external_id=None,
                    password_hash=None, must_change_password=False, activation_hash=None,
                    activation_expires=None, image_rights='refused' if user.has_role('pupil') else None,
                    image_rights_by=None, image_rights_at=None, last_login_at=None, status='disabled',
                    disabled_at=user.disabled_at or service.clock(),
                    updated_at=service.clock()).where(User.id == user.id).execute()
        lines = SyncLine.user == user.id
        if user.external_id:
            lines |= (SyncLine.external_id == user.external_id)
        SyncLine.update(name=f'{first} {last}', login=login).where(lines).execute()
        AuditEvent.update(target=login).where(AuditEvent.target == user.login).execute()
        erased = ErasedAccount.create(   # the directory's id unless it dropped the person: see skip_erased
            user=user.id, school=user.school_id, source=user.source, external_id=keep_id,
            role=main_role(user), reason=reason, contributions='kept' if keep_contributions else 'deleted',
            actor=actor, disabled_at=user.disabled_at, erased_at=service.clock())
        audit.record(actor, 'account.erased', login, school=user.school_id, reason=reason,
                     role=erased.role, contributions=erased.contributions, posts_deleted=len(posts))
    if files:
        from ..blog.posting import _forget_files  # the blog's own rule for shared stored files
        _forget_files(files)
    return erased


def _dropped_by_directory(user):
    """True when the directory sync disabled the account because the feed no longer has the person
    (not a director by hand): if they come back, they are a new arrival."""
    return DirectoryRecord.select().where((DirectoryRecord.user == user.id) & DirectoryRecord.absent).exists()


def _consent_restricted(user):
    """True when the pupil's consent, as stored now, hides the photos they are tagged on."""
    from ..photos.service import restricted_consents
    return User.select(User.image_rights).where(User.id == user.id).scalar() in restricted_consents()


def _remove_traces(user):
    """Every row that names or reaches the person, except the contributions (inside a transaction)."""
    LoginSession.delete().where(LoginSession.user == user.id).execute()
    Throttle.delete().where(Throttle.key.startswith(f'login:{user.login}@')).execute()
    Throttle.delete().where(Throttle.key == f'pictures:{user.login}').execute()    # pictures/service.py
    asked = [user.login] + ([user.email.strip().lower()] if user.email else [])     # accounts/reset.py's keys
    Throttle.delete().where(Throttle.key.in_(['reset:' + text[:120] for text in asked])).execute()
    # A restricted pupil's tags stay: they hide the photo (the neutral row's consent is 'refused').
    if not (user.has_role('pupil') and _consent_restricted(user)):
        PhotoTag.delete().where(PhotoTag.pupil == user.id).execute()
    NoteReceipt.delete().where(NoteReceipt.pupil == user.id).execute()      # the notes about the pupil
    NoteReceipt.update(comment='').where(NoteReceipt.guardian == user.id).execute()   # a signature, no words
    MessageReceipt.delete().where(MessageReceipt.user == user.id).execute()
    for model, column in ((PasswordReset, PasswordReset.user), (Notification, Notification.user),
                          (MailPreference, MailPreference.user), (ThreadMember, ThreadMember.user),
                          (Visit, Visit.user), (DirectoryRecord, DirectoryRecord.user),
                          (PupilCard, PupilCard.pupil), (PicturePassword, PicturePassword.pupil),
                          (HomeworkDone, HomeworkDone.pupil), (ConsentChange, ConsentChange.pupil),
                          (Enrolment, Enrolment.pupil), (Teaching, Teaching.teacher),
                          (GuardianLink, GuardianLink.pupil), (GuardianLink, GuardianLink.guardian),
                          (CalendarFeed, CalendarFeed.owner), (CalendarFeed, CalendarFeed.child)):
        model.delete().where(column == user.id).execute()
    mails = OutboxMail.user == user.id
    if user.email:
        mails |= OutboxMail.to == user.email
    OutboxMail.delete().where(mails).execute()


def _neutral_login(user):
    """efface-<id>, unique whatever logins exist (a suffix if an account was named so by hand)."""
    login, number = f'efface-{user.id}', 1
    while User.select().where((User.login == login) & (User.id != user.id)).exists():
        number += 1
        login = f'efface-{user.id}-{number}'
    return login


def same_name(typed, user):
    """True when `typed` is the account's full name, whatever the case, accents and order of the
    first and last names (the director's second confirmation)."""
    words = sorted(fold(w) for w in (typed or '').replace('-', ' ').split())
    wanted = sorted(fold(w) for w in f'{user.first_name} {user.last_name}'.replace('-', ' ').split())
    return bool(words) and words == wanted


# --- the director's erasure on request (routes.py) ---------------------------------------------

def erasure_page(actor, user_id):
    """What the confirmation page shows: the account (Forbidden outside the actor's school), whether
    it is already erased, and what it holds (its contributions, links and photo tags)."""
    user = get_account(actor, user_id)
    return {'account': user, 'school': user.school,
            'erased': ErasedAccount.get_or_none(ErasedAccount.user == user.id),
            'posts': Post.select().where(Post.author == user.id).count(),
            'comments': Comment.select().where(Comment.author == user.id).count(),
            'links': GuardianLink.select().where((GuardianLink.pupil == user.id)
                                                 | (GuardianLink.guardian == user.id)).count(),
            'tags': PhotoTag.select().where(PhotoTag.pupil == user.id).count(),
            'tags_kept': user.has_role('pupil') and _consent_restricted(user),
            'neutral': neutral_name(user), 'default_contributions': service.settings().leavers_contributions}


def erase_on_request(actor, user_id, typed_name, contributions):
    """The director's erasure, confirmed a second time by typing the account's full name;
    ValidationError (nothing changed) when the name or the choice is missing or wrong."""
    user = get_account(actor, user_id)
    errors = {}
    if contributions not in ('keep', 'delete'):
        errors['contributions'] = _('Choisissez ce que deviennent ses contributions au blog de classe.')
    if not same_name(typed_name, user):
        errors['confirm_name'] = _('Tapez le nom complet du compte, « {name} », pour confirmer l’effacement.'
                                   ).format(name=user.display_name)
    if errors:
        raise ValidationError(errors)
    return erase_account(actor, user, keep_contributions=contributions == 'keep', reason='request')


# --- the directory sync -----------------------------------------------------------------------

def skip_erased(plan):
    """The plan with each account it would create for a person erased on request turned into a
    'skipped' line with the reason (directory/apply.py calls it): such an account never comes back
    silently; the director sees it in the sync report and may create a new account by hand. So is a
    leaver the director disabled by hand while the directory still lists them. A leaver the directory
    itself dropped, erased by the retention rule, who comes back later is a new arrival: the sync
    creates a new account (their ErasedAccount row keeps no directory id)."""
    ids = [c.external_id for c in plan.changes if c.action == 'created' and c.external_id]
    if not ids:
        return plan
    erased = {}
    for start in range(0, len(ids), 500):
        erased.update(ErasedAccount.select(ErasedAccount.external_id, ErasedAccount.erased_at).where(
            (ErasedAccount.source == plan.source) & ErasedAccount.external_id.in_(ids[start:start + 500]))
            .tuples())
    if not erased:
        return plan
    kept = [c for c in plan.changes if not (c.action == 'created' and c.external_id in erased)]
    skipped = [replace(c, action='skipped', login='', reason=_(
        'compte effacé le {day} (RGPD) : non recréé ; créez un nouveau compte à la main si la personne '
        'revient.').format(day=date_fr(erased[c.external_id])))
        for c in plan.changes if c.action == 'created' and c.external_id in erased]
    plan.changes = kept + skipped
    return plan
