"""Writing messages: starting threads (to people chosen one by one, or to every family of a class or
of some of its niveaux, after a confirmation), replies, files, scheduled sending, recall.

Before any write: the school's read-only switch and the sender's rate limit (safety.py). A refused
form saves nothing: every field and file is checked first, files are stored before the write
transaction and removed again if anything is refused or the transaction fails (_saving).

A form sent twice (a double click, a reload after a slow answer) starts no second thread: the new
message form carries a random token, written as the Thread.batch of every thread it starts; a
second send with the same token finds them and goes to them. A reply has no such token: the same
text by the same author in the same thread within DUPLICATE_WINDOW is taken as the same reply.

Files of a message to a whole class are stored when the confirmation page is shown and come back
with the confirmation as signed references (security.keyed_hash); a confirmation never given
leaves them on disk, unreferenced (content-addressed: the next message with the same file uses it).
"""
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from .. import security
from ..db import writing
from ..errors import Forbidden, NotFound, ValidationError, found
from ..i18n import _, date_fr, ngettext
from ..mail import notify
from ..models import Message, MessageFile, MessageReceipt, Notification, Thread, ThreadMember, User
from ..numbers import as_id
from ..school_calendar.service import days as school_days
from ..school_time import clean_schedule
from . import access, attachments, safety, service

MAX_BODY = 10_000
MAX_SUBJECT = 200
RECALL_WINDOW = timedelta(minutes=60)
DUPLICATE_WINDOW = timedelta(seconds=30)
MAX_RECIPIENTS = 500


@dataclass
class Outcome:
    """What a send did: the threads written (or found again, for a form sent twice), the French
    notices for the sender; confirm: for a message to a whole class not yet confirmed, what the
    confirmation page shows ({'families', 'guardians', 'kept'})."""
    threads: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    confirm: dict = None
    duplicate: bool = False


def new_token():
    return secrets.token_hex(16)


# --- a new thread ---------------------------------------------------------------------------------------

def start(sender, values, uploads=(), confirm=False):
    """Start a thread (or one per family): values are the form's strings (recipients, niveaux and
    kept are lists). Returns an Outcome; ValidationError names every problem of the form."""
    if not access.may_message(sender):
        raise Forbidden(_('La messagerie n’est pas ouverte aux élèves.'))
    uploads = attachments.named(uploads)
    errors = {}
    subject = ' '.join((values.get('subject') or '').split())
    if not subject:
        errors['subject'] = _('Indiquez l’objet du message.')
    elif len(subject) > MAX_SUBJECT:
        errors['subject'] = _('L’objet est trop long (%(max)d caractères au plus).') % {'max': MAX_SUBJECT}
    body = _body(values.get('body'), errors)
    recipients, whole_class, families = _recipients(sender, values, errors)
    send_at = clean_schedule(values, errors, service.clock())
    kept = _kept(values.get('kept') or (), errors)
    token = (values.get('token') or '').strip()[:32] or new_token()
    again = list(Thread.select().where((Thread.batch == token) & (Thread.created_by == sender.id)))
    if again:
        return Outcome(threads=again, duplicate=True)
    if errors:
        raise ValidationError(errors)
    for school_id in _schools(sender, recipients):
        safety.refuse_if_read_only(school_id)
    stored = attachments.store(uploads, errors, already=len(kept))
    attachments.refuse(errors, stored)
    files = kept + stored
    if whole_class is not None and not confirm:
        return Outcome(confirm={'families': whole_class, 'guardians': len(families),
                                'kept': [sign(ref) for ref in files]})
    safety.check_rate(sender)
    with attachments.saving(stored):
        threads = _write_threads(sender, subject, body, recipients, families, send_at, token, files)
    return Outcome(threads=threads, notices=notices(sender, recipients, send_at))


def _body(text, errors):
    body = (text or '').replace('\r\n', '\n').strip()
    if not body:
        errors['body'] = _('Écrivez votre message : il est vide.')
    elif len(body) > MAX_BODY:
        errors['body'] = (_('Le message est trop long : %(max)s caractères au plus. Raccourcissez-le ou '
                            'joignez un PDF.') % {'max': '10 000'})
    return body


def _recipients(sender, values, errors):
    """(the recipients, the number of families when sent to a whole class or some of its niveaux
    else None, the ids of those written to as a family). Everyone must pass access.may_write. A
    guardian of the class is written to as a family, even one who also works at the school (a
    teacher whose child is in the class): their own thread, never in copy of the others'."""
    chosen, whole_class, families = [], None, set()
    ids = {as_id(str(value)) for value in values.get('recipients') or () if str(value).strip()}
    if None in ids or len(ids) > MAX_RECIPIENTS:
        errors['recipients'] = _('Choisissez les destinataires dans la liste.')
        return [], None, set()
    if ids:
        chosen = list(User.select().where(User.id.in_(sorted(ids))))
        refused = [user for user in chosen if not access.may_write(sender, user)] + [None] * (len(ids) - len(chosen))
        if refused:
            errors['recipients'] = ngettext('Vous ne pouvez pas écrire à une des personnes choisies.',
                                            'Vous ne pouvez pas écrire à %(num)d des personnes choisies.',
                                            len(refused)) % {'num': len(refused)}
            return [], None, set()
    class_id = (values.get('class_id') or '').strip()
    if class_id:
        classroom = access.class_to_address(sender, class_id)
        niveaux = [n for n in values.get('niveaux') or () if n]
        if classroom is None:
            errors['class_id'] = _('Choisissez une de vos classes.')
        elif set(niveaux) - set(classroom.niveau_list):
            errors['niveaux'] = _('Choisissez des niveaux de la classe %s.') % classroom.name
        else:
            found_ = [(g, ids_) for g, _names, ids_ in access.class_guardians(classroom, niveaux)
                      if access.may_write(sender, g)]
            whole_class = access.families_of([(g.id, ids_) for g, ids_ in found_])
            chosen = [u for u in chosen if u.id not in {g.id for g, _ids in found_}] + [g for g, _ids in found_]
            families = {g.id for g, _ids in found_}
            if not found_:
                errors['class_id'] = _('Aucun responsable de cette classe (ou de ces niveaux) n’a de compte.')
    if not chosen and not errors:
        errors['recipients'] = _('Choisissez au moins un destinataire.')
    return chosen, whole_class, families | {user.id for user in chosen if access.is_family(user)}


def _schools(sender, recipients):
    staff = [user for user in [sender, *recipients] if not access.is_family(user)]
    return sorted({user.school_id for user in staff if user.school_id})


def _write_threads(sender, subject, body, recipients, family_ids, send_at, token, files):
    """One thread for the sender and staff recipients, or one per family recipient (with the staff
    recipients in each): a thread never holds two families."""
    families = [user for user in recipients if user.id in family_ids]
    team = [user for user in recipients if user.id not in family_ids]
    groups = [team + [family] for family in families] or [team]
    schools = _schools(sender, recipients)
    threads = []
    for group in groups:
        school_id = sender.school_id or next((u.school_id for u in group if u.school_id), None) or schools[0]
        thread = Thread.create(school=school_id, subject=subject, created_by=sender.id, batch=token,
                               last_message_at=send_at or service.clock())
        ThreadMember.insert_many([{'thread': thread.id, 'user': user.id} for user in [sender, *group]]).execute()
        _write_message(thread, sender, body, group, send_at, files)
        threads.append(thread)
    return threads


def _write_message(thread, author, body, recipients, send_at, files):
    moment = send_at or service.clock()
    message = Message.create(thread=thread.id, author=author.id, body=body, send_at=moment)
    for kind, sha, size, name in files:
        MessageFile.create(message=message, kind=kind, name=name, sha256=sha, size=size)
    readers = [user for user in recipients if user.is_active and user.id != author.id]
    if readers:
        MessageReceipt.insert_many([{'message': message.id, 'user': user.id} for user in readers]).execute()
        notify.notify(readers, 'message', thread.subject, f'/messages/{thread.id}', at=send_at)
    return message


def notices(sender, recipients, send_at=None):
    """For a family writing when a staff recipient rests (quiet hours, or a day without class):
    « Julien Roux lira votre message le prochain jour de classe, lundi 7 décembre. »"""
    if not access.is_family(sender):
        return []
    moment = send_at or service.clock()
    said = []
    for user in recipients:
        if access.is_family(user) or not user.school_id:
            continue
        calendar, quiet = school_days(user.school_id), notify.quiet_until(user, moment)
        day = service.to_local(quiet or moment).date()
        if quiet is None and calendar.is_school_day(day):
            continue
        when = day if quiet is not None and calendar.is_school_day(day) else calendar.next_school_day(day)
        said.append(_('%(name)s lira votre message le prochain jour de classe, %(day)s.')
                    % {'name': user.display_name, 'day': date_fr(when, with_year=False)})
    return said


# --- replies ----------------------------------------------------------------------------------------------

def reply(user, thread_id, values, uploads=()):
    """Answer a thread one is a member of (NotFound otherwise), to every other member; the user must
    still be allowed to write to its creator (access.reply_refusal). Returns (message, notices)."""
    thread = access.thread_for(user, thread_id)
    members = access.members_of(thread)
    refusal = access.reply_refusal(user, members, thread.created_by_id)
    if refusal:
        raise Forbidden(refusal)
    uploads = attachments.named(uploads)
    errors = {}
    body = _body(values.get('body'), errors)
    send_at = clean_schedule(values, errors, service.clock())
    if errors:
        raise ValidationError(errors)
    same = (Message.select().where((Message.thread == thread.id) & (Message.author == user.id)
                                   & (Message.body == body) & Message.recalled_at.is_null()
                                   & (Message.created_at > service.clock() - DUPLICATE_WINDOW)).first())
    if same is not None:
        return same, []
    safety.refuse_if_read_only(thread.school_id)
    stored = attachments.store(uploads, errors)
    attachments.refuse(errors, stored)
    safety.check_rate(user)
    others = [m for m in members if m.id != user.id]
    with attachments.saving(stored):
        message = _write_message(thread, user, body, others, send_at, stored)
        moment = send_at or service.clock()
        Thread.update(last_message_at=moment).where((Thread.id == thread.id)
                                                    & (Thread.last_message_at < moment)).execute()
    return message, notices(user, others, send_at)


# --- recall -------------------------------------------------------------------------------------------------

def recall(user, message_id):
    """Take back one's message within RECALL_WINDOW of its sending while no recipient has read it
    (a scheduled one until then too); its unmailed notifications go with it. ValidationError in
    French otherwise; NotFound for a message of a thread one is not in."""
    message = found(Message.get_or_none(Message.id == message_id), access.hidden())
    access.thread_for(user, message.thread_id)
    if message.author_id != user.id:
        raise Forbidden(_('Seul l’auteur d’un message peut le retirer.'))
    if message.recalled_at is not None:
        return message
    if service.clock() > message.send_at + RECALL_WINDOW:
        raise ValidationError({'recall': _('Ce message ne peut plus être retiré : il a été envoyé il y a plus '
                                           'd’une heure.')})
    with writing():
        reader = (User.select().join(MessageReceipt, on=(MessageReceipt.user == User.id))
                  .where((MessageReceipt.message == message.id) & MessageReceipt.read_at.is_null(False)).first())
        if reader is not None:
            raise ValidationError({'recall': _('%(name)s a déjà lu ce message : il ne peut plus être retiré.')
                                             % {'name': reader.display_name}})
        message.recalled_at = service.clock()
        message.save(only=[Message.recalled_at])
        # mail.notify.withdraw(url, users) would also forget an earlier message of the thread
        # not mailed yet (a digest's): only the notifications made for this one go (notify()
        # dates them when the message appears: its send_at)
        readers = MessageReceipt.select(MessageReceipt.user).where(MessageReceipt.message == message.id)
        (Notification.delete().where((Notification.url == f'/messages/{message.thread_id}')
                                     & Notification.user.in_(readers) & Notification.mailed_at.is_null()
                                     & (Notification.created_at >= message.send_at - timedelta(seconds=1)))
         .execute())
    return message


# --- files ---------------------------------------------------------------------------------------------------

def sign(ref):
    """A stored file (kind, sha256, size, name) as a form value the confirmation page sends back."""
    text = '{}:{}:{}:{}'.format(*ref)
    return f'{security.keyed_hash(text, "messages-kept")[:32]}:{text}'


def _kept(values, errors):
    refs = []
    for value in values:
        signature, _sep, text = value.partition(':')
        parts = text.split(':', 3)
        if (len(parts) != 4 or not parts[2].isdigit()
                or not security.same(signature, security.keyed_hash(text, 'messages-kept')[:32])):
            errors['files'] = _('Les fichiers joints n’ont pas été retrouvés : joignez-les de nouveau.')
            return []
        refs.append((parts[0], parts[1], int(parts[2]), parts[3]))
    return refs


def file_for(user, file_id):
    """What the web layer sends for a file of a message the user reads; NotFound otherwise."""
    from .reading import visible_to
    row = found(MessageFile.get_or_none(MessageFile.id == file_id), _("Ce fichier n'existe pas."))
    message = Message.get_by_id(row.message_id)
    access.thread_for(user, message.thread_id)
    if not visible_to(user, message):
        raise NotFound(_("Ce fichier n'existe pas."))
    return attachments.to_send(row)
