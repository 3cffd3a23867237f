"""A family's data export (RGPD articles 15 and 20): one zip per guardian with their account, their
children's accounts and enrolments, what they and their children wrote (blog posts, comments,
messages of the family's threads (none with a member of another family), notes received with their
receipts and answers, homework ticks) and the photos of their children's current classes their
children are tagged on that a family may see (photos.service's own rule, the one of the album pages;
a parent who also teaches gets no more), at display size. A director exports only the guardians
their school registered. data.json (UTF-8, accents as they are) + index.html (escaped,
no external asset) + photos/.

Built off the request path: request_export() records the request (audited, at most one per hour per
requester and family) and hands the build to a worker thread, which writes DATA/exports/<requester
id>/.<guardian id>-<token>.part and renames it to <guardian id>-<token>.zip once complete: a killed
process leaves only a .part, never offered (and removed once stale). A zip is offered for
KEEP_HOURS, then deleted. The requester is the guardian (from /compte) or the director of the
family's school (a request on paper, from the guardian's admin page); each downloads only the zips
in their own folder. No bottle here."""
import json
import logging
import os
import re
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import audit, db, paths, runtime
from ..accounts import membership
from ..errors import NotFound, ValidationError
from ..i18n import _, datetime_fr, direction, language
from ..messages import access
from ..models import AuditEvent, Classroom, Comment, Enrolment, GuardianLink, Homework, HomeworkDone, Post, User, now
from ..models.messaging import Message, Note, NoteReceipt, Thread, ThreadMember
from ..models.photos import Album, Photo, PhotoTag
from ..photos import service as photos
from ..school_time import to_local

logger = logging.getLogger(__name__)

KEEP_HOURS = 24            # a finished zip is offered this long, then deleted
EVERY_MINUTES = 60         # one export per requester and family in this time
STALE_PART_SECONDS = 3600  # a .part older than this was left by a process that died
PHOTO_SIZE = 'display'     # the photos' size in the zip: display (at most the screen size), not the original
TOKEN = re.compile(r'^[0-9a-f]{32}$')
ACTION = 'privacy.export'


def read_folder(config):
    return Path(config.data_dir) / 'exports'


def exports_dir():
    return runtime.settings(read_folder)


def _folder(requester):
    return exports_dir() / str(requester.id)


def _iso(value):
    return value.isoformat(sep=' ', timespec='minutes') if isinstance(value, datetime) else \
        (value.isoformat() if value else None)


# --- what the zip holds ---------------------------------------------------------------------------

def _person(user):
    return {'identifiant': user.login, 'prénom': user.first_name, 'nom': user.last_name,
            'rôles': user.roles.split(','), 'courriel': user.email, 'langue': user.language,
            'statut': user.status,
            'école': user.school.name if user.school_id else None, 'créé_le': _iso(user.created_at),
            'dernière_connexion': _iso(user.last_login_at)}


def _child(pupil):
    enrolments = (Enrolment.select(Enrolment, Classroom).join(Classroom)
                  .where(Enrolment.pupil == pupil.id).order_by(Enrolment.started_on, Enrolment.id))
    return {**_person(pupil), 'droit_à_l_image': pupil.image_rights,
            'inscriptions': [{'classe': e.classroom.name, 'année': e.classroom.year.label, 'niveau': e.niveau,
                              'début': _iso(e.started_on), 'fin': _iso(e.ended_on)} for e in enrolments]}


def _writings(family_ids, names):
    posts = Post.select().where(Post.author.in_(family_ids)).order_by(Post.created_at, Post.id)
    comments = (Comment.select(Comment, Post).join(Post).where(Comment.author.in_(family_ids))
                .order_by(Comment.created_at, Comment.id))
    return ([{'auteur': names[p.author_id], 'classe': p.classroom.name, 'titre': p.title, 'texte': p.body_source,
              'état': p.status, 'écrit_le': _iso(p.created_at)} for p in posts],
            [{'auteur': names[c.author_id], 'article': c.post.title, 'texte': c.body, 'état': c.status,
              'écrit_le': _iso(c.created_at)} for c in comments])


def _family_ids(guardian, child_ids):
    """The family from this guardian's side: the guardian, their children and the children's other
    legal guardians."""
    others = GuardianLink.select(GuardianLink.guardian).where(GuardianLink.pupil.in_(child_ids))
    return {guardian.id, *child_ids, *(link.guardian_id for link in others)}


def _threads(guardian, family_ids, at):
    """The threads of the family: those of the guardian whose every member is of the family or on
    the staff (messages.access.STAFF_ROLES); a thread with someone of another family (a teacher who is
    also a parent: the other families' threads of their work) is not theirs to export."""
    family = _family_ids(guardian, family_ids)
    threads = (Thread.select().join(ThreadMember).where(ThreadMember.user == guardian.id)
               .order_by(Thread.id))
    result = []
    for thread in threads:
        if any(member.id not in family and not member.has_role(*access.STAFF_ROLES)
               for member in access.members_of(thread)):
            continue
        messages = (Message.select().where((Message.thread == thread) & (Message.send_at <= at)
                                           & (Message.recalled_at.is_null() | Message.author.in_(family_ids)))
                    .order_by(Message.send_at, Message.id))
        result.append({'sujet': thread.subject, 'messages': [
            {'auteur': m.author.display_name if m.author_id else _('Compte supprimé'), 'texte': m.body,
             'envoyé_le': _iso(m.send_at)} for m in messages]})
    return result


def _notes(guardian, child_ids, names, at):
    receipts = (NoteReceipt.select(NoteReceipt, Note).join(Note)
                .where(NoteReceipt.pupil.in_(child_ids) & (Note.send_at <= at)
                       & (NoteReceipt.guardian.is_null() | (NoteReceipt.guardian == guardian.id)))
                .order_by(Note.send_at, NoteReceipt.id))
    return [{'titre': r.note.title, 'texte': r.note.body_source, 'type': r.note.kind,
             'de': r.note.author.display_name if r.note.author_id else None, 'envoyé_le': _iso(r.note.send_at),
             'échéance': _iso(r.note.deadline), 'enfant': names[r.pupil_id], 'lu_le': _iso(r.read_at),
             'signé_le': _iso(r.signed_at), 'réponse': r.answer, 'commentaire': r.comment}
            for r in receipts]


def _ticks(child_ids, names):
    ticks = (HomeworkDone.select(HomeworkDone, Homework).join(Homework)
             .where(HomeworkDone.pupil.in_(child_ids)).order_by(Homework.due_on, HomeworkDone.id))
    return [{'enfant': names[t.pupil_id], 'matière': t.homework.subject, 'pour_le': _iso(t.homework.due_on),
             'consigne': t.homework.body_source, 'fait_le': _iso(t.created_at)} for t in ticks]


def visible_tagged_photos(guardian, child_ids):
    """The photos a child of this guardian is tagged on that the guardian may see AS A FAMILY: the
    albums of the children's current classes (membership.children_classes, as the album pages and
    photos.files.media_path), through photos.service.visible_photos() with the families' image-rights
    rule (hidden_from their own children), never a copy of it. A parent who also teaches the class
    gets no more than any family: the zip is the family's data, not the class's."""
    tagged = PhotoTag.select(PhotoTag.photo).where(PhotoTag.pupil.in_(child_ids))
    albums = Album.select().where(Album.id.in_(Photo.select(Photo.album).where(Photo.id.in_(tagged)))
                                  & Album.classroom.in_(membership.children_classes(guardian.id)))
    condition = Photo.id.not_in(photos.hidden_from(photos.own_children(guardian)))
    for album in albums.order_by(Album.id):
        yield from ((album, photo) for photo in
                    photos.visible_photos(guardian, album, condition).where(Photo.id.in_(tagged)))


def collect(guardian):
    """(data for data.json, [(path in the zip, file on disk)]) of this guardian's family."""
    at = now()
    children = list(User.select().join(GuardianLink, on=(GuardianLink.pupil == User.id))
                    .where(GuardianLink.guardian == guardian.id).order_by(User.first_name, User.id))
    child_ids = [c.id for c in children]
    names = {u.id: u.display_name for u in [guardian, *children]}
    posts, comments = _writings(list(names), names)
    store, photo_rows, files = photos.media_store(), [], []
    own = set(child_ids)
    for album, photo in visible_tagged_photos(guardian, child_ids):
        path = store.path(getattr(photo, PHOTO_SIZE))
        name = f'photos/{photo.id:06d}.jpg'
        if path:
            files.append((name, Path(path)))
        tagged = [names[t.pupil_id] for t in photo.tags if t.pupil_id in own]
        photo_rows.append({'fichier': name if path else None, 'album': album.title, 'classe': album.classroom.name,
                           'légende': photo.caption, 'enfants': tagged, 'ajoutée_le': _iso(photo.created_at)})
    data = {'export': {'créé_le': _iso(at), 'taille_des_photos': _('affichage (au plus la taille d’un écran)')},
            'compte': _person(guardian), 'enfants': [_child(c) for c in children],
            'articles': posts, 'commentaires': comments, 'conversations': _threads(guardian, list(names), at),
            'mots': _notes(guardian, child_ids, names, at), 'devoirs_faits': _ticks(child_ids, names),
            'photos': photo_rows}
    return data, files


def _index_html(data):
    env = Environment(loader=FileSystemLoader(str(paths.resource_dir('templates'))),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template('privacy/export_index.html').render(data=data, _=_, language=language, direction=direction)


def write_zip(guardian, target):
    """Write the family's zip to `target` through `target`.part renamed once complete."""
    import zipfile  # by an export, not by every serving process at start
    data, files = collect(guardian)
    part = target.with_name(f'.{target.name}.part')
    try:
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT, 0o600))    # children's data: the owner reads it only
        os.chmod(part, 0o600)
        with zipfile.ZipFile(part, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('data.json', json.dumps(data, ensure_ascii=False, indent=2))
            archive.writestr('index.html', _index_html(data))
            for name, path in files:
                archive.write(path, name, compress_type=zipfile.ZIP_STORED)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target


# --- requests, state, downloads -----------------------------------------------------------------

def subject_of(actor, user_id):
    """The guardian a director (or the admin) exports for: Forbidden outside their school."""
    from ..admin.accounts import get_account  # late: admin.accounts imports this feature's pages
    from ..admin.service import require_school_admin
    user = get_account(actor, user_id)
    # a director administers a guardian registered by another school (whose child is here), but
    # their family's data (the other school's child) is not theirs: only the guardian's school's
    require_school_admin(actor, user.school_id)
    if not user.has_role('guardian'):
        raise ValidationError({'export': _('L’export des données de la famille concerne un compte de parent.')})
    return user


def _recent_request(requester, guardian):
    since = now() - timedelta(minutes=EVERY_MINUTES)
    return (AuditEvent.select().where((AuditEvent.action == ACTION) & (AuditEvent.target == str(guardian.id))
                                      & (AuditEvent.actor == requester.id) & (AuditEvent.created_at >= since))
            .exists())


def request_export(requester, guardian):
    """Start building the family's zip (a worker thread); ValidationError in French when one was
    asked less than an hour ago. Returns the token of the zip to come."""
    if _recent_request(requester, guardian):
        raise ValidationError({'export': _('Vous avez déjà demandé un export il y a moins d’une heure : '
                                           'réessayez plus tard.')})
    token = secrets.token_hex(16)
    folder = _folder(requester)
    folder.mkdir(parents=True, exist_ok=True)
    with db.writing():
        audit.record(requester, ACTION, guardian.id, school=guardian.school_id, guardian=guardian.login)
    target = folder / f'{guardian.id}-{token}.zip'
    (folder / f'.{target.name}.part').touch()        # "en préparation" from now on
    launch(lambda: _build(guardian.id, target))
    return token


def launch(work):
    """Run `work` off the request: a daemon thread (tests replace this to hold it back)."""
    threading.Thread(target=work, name='ecole-ent-export', daemon=True).start()


def _build(guardian_id, target):
    try:
        write_zip(User.get_by_id(guardian_id), target)
    except Exception:
        logger.exception('export RGPD : construction impossible (%s)', target.name)
    finally:
        db.close()


def status(requester, guardian):
    """{'state': 'none' | 'building' | 'ready', 'token', 'until'} of the newest export of this family
    that `requester` asked for; expired zips and stale .part files are deleted on the way."""
    folder, state = _folder(requester), {'state': 'none', 'token': None, 'until': None}
    if not folder.is_dir():
        return state
    newest = 0
    for entry in os.scandir(folder):
        mtime = _mtime(entry)
        if mtime is None or _expire(entry, mtime) is not False:
            continue
        name = entry.name.lstrip('.').removesuffix('.part')
        subject, _dash, rest = name.partition('-')
        if subject != str(guardian.id) or mtime < newest:
            continue
        newest = mtime
        ready = not entry.name.endswith('.part')
        until = datetime.fromtimestamp(newest, UTC).replace(tzinfo=None) + timedelta(hours=KEEP_HOURS)
        state = {'state': 'ready' if ready else 'building', 'token': rest.removesuffix('.zip'),
                 'until': datetime_fr(to_local(until))}
    return state


def _mtime(entry):
    """The entry's mtime; None when the file is gone since the listing (renamed by the worker,
    deleted by a purge at the same moment)."""
    try:
        return entry.stat().st_mtime
    except FileNotFoundError:
        return None


def _expire(entry, mtime):
    """Delete a zip past KEEP_HOURS or a .part a dead process left: True when deleted here, None
    when someone else removed it first, False when kept."""
    if time.time() - mtime <= (STALE_PART_SECONDS if entry.name.endswith('.part') else KEEP_HOURS * 3600):
        return False
    try:
        os.unlink(entry.path)
    except FileNotFoundError:
        return None
    return True


def _gone(entry):
    """True when this run deleted the entry (expired); a file already gone is not counted."""
    mtime = _mtime(entry)
    return mtime is not None and _expire(entry, mtime) is True


def purge():
    """Delete every expired zip and stale .part (the hourly job: a requester who never comes back
    leaves nothing behind); the number deleted."""
    root, deleted = exports_dir(), 0
    for folder in (os.scandir(root) if root.is_dir() else ()):
        if folder.is_dir():
            deleted += sum(_gone(entry) for entry in os.scandir(folder.path) if entry.is_file())
    return deleted


def zip_path(requester, guardian, token):
    """The finished zip `token` of this family in the requester's own folder; NotFound otherwise
    (someone else's token, one expired, one still being built)."""
    missing = _('Cet export n’existe pas ou n’est plus disponible : demandez-en un nouveau.')
    if not TOKEN.match(token or ''):
        raise NotFound(missing)
    path = _folder(requester) / f'{guardian.id}-{token}.zip'
    try:
        fresh = path.is_file() and time.time() - path.stat().st_mtime <= KEEP_HOURS * 3600
    except FileNotFoundError:         # purged between the two calls
        fresh = False
    if not fresh:
        raise NotFound(missing)
    return path


def download_name(guardian):
    return f'donnees-famille-{guardian.id}.zip'
