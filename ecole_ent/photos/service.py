"""Albums and photos of a class, and who may see which photo.

Who sees a class's albums: whoever may read the class (accounts.membership). Who sees a
photo tagged with a pupil whose image-rights consent is not granted: only the class's teachers
(membership.is_teacher_of) and guardians of every such pupil on it; for anyone else the
photo does not exist (absent from pages, the zip and the media route). The rule is evaluated on
every request from the pupils' current consent, so a change applies at once. Teachers of the
class, its school's director and the admin manage albums (membership.teaches).
"""
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from peewee import SQL, IntegrityError, Value, fn

from .. import audit, runtime
from ..accounts import membership
from ..accounts import service as accounts
from ..db import prepared, writing
from ..errors import Forbidden, NotFound, ValidationError, found
from ..home import visits
from ..i18n import _, date_fr
from ..media import Limits, MediaError, MediaStore
from ..models import Album, Classroom, Photo, PhotoTag, SchoolYear, User, Visit, now
from ..school_time import to_local

MAX_TITLE = 200
MAX_CAPTION = 500


@dataclass(frozen=True)
class Settings:
    """What the photos' services read from the configuration (options: photos/options.py)."""
    unknown_consent_is_refused: bool
    limits: Limits
    store: MediaStore         # DATA/media (its folders made once)


def read_settings(config):
    return Settings(unknown_consent_is_refused=config['photos.unknown_consent_is_refused'],
                    limits=Limits(max_bytes=config['photos.max_upload_mb'] * 1024 * 1024,
                                  max_pixels=config['photos.max_megapixels'] * 1_000_000,
                                  full_edge=config['photos.full_edge'],
                                  decode_pixels=config['photos.decode_megapixels'] * 1_000_000),
                    store=MediaStore(Path(config.data_dir) / 'media'))


def settings():
    return runtime.settings(read_settings)


def media_store():
    return settings().store


# --- who sees what ------------------------------------------------------------------------------

def restricted_consents():
    """Consent values that hide a photo from families (None: never set, counted as unknown)."""
    return ('refused', 'unknown', None) if settings().unknown_consent_is_refused else ('refused',)


def own_children(user):
    """The pupils whose photos the user may always see: a guardian's children (a subquery), else none."""
    return membership.children(user.id) if user.has_role('guardian') else []


def hidden_from(children):
    """The ids of the photos image rights hide from a reader who is not a teacher of their class:
    tagged with a pupil whose consent is restricted, other than the reader's own `children`
    (own_children(), or membership.children(a prepared query's parameter): the family feed).
    The one rule: visibility() is its negation, outside the classes the user teaches."""
    return Photo.hidden_by_consent(restricted_consents()).where(User.id.not_in(children))


def visibility(user, classroom_id):
    """The condition on Photo for what user may see in that class (None: everything)."""
    if membership.is_teacher_of(user, classroom_id):
        return None
    return Photo.id.not_in(hidden_from(own_children(user)))


_COMPUTE = object()


def visible_photos(user, album, condition=_COMPUTE):
    """The album's photos this user may see (a query, in album order); `condition`, when the
    caller already has visibility(user, class), saves its queries."""
    condition = visibility(user, album.classroom_id) if condition is _COMPUTE else condition
    query = Photo.in_album(album)
    return query if condition is None else query.where(condition)


def safe_for_everyone(photo):
    """True when no pupil on the photo restricts it: the only photos a public page, a feed or any
    page beyond the class may show (for the blog's public posts)."""
    hidden = Photo.hidden_by_consent(restricted_consents())
    return not hidden.where(PhotoTag.photo == photo).exists()


def can_manage(user, classroom):
    return membership.teaches(user, classroom)


def _require_manager(user, classroom):
    if not can_manage(user, classroom):
        raise Forbidden(_('Seuls les enseignants de la classe peuvent modifier ses albums.'))


# --- "new since your last visit" ------------------------------------------------------------------

def _new_for_guardian(guardian_id, since, refused, unknown, hide_never_set):
    """Per class of a guardian's children: photos added since their last visit of its albums
    (else since `since`) that this guardian may see (the consent rule of visibility(), with the
    restricted consents as parameters: the SQL is prepared once, the setting may change)."""
    own_children = membership.children(guardian_id)
    hidden = (PhotoTag.select(PhotoTag.id).join(User, on=(PhotoTag.pupil == User.id))
              .where((PhotoTag.photo == Photo.id)
                     & (User.image_rights.in_([refused, unknown])
                        | (User.image_rights.is_null() & (Value(hide_never_set) == 1)))
                     & User.id.not_in(own_children)))
    # The last visit as a value of each album's class, not a join: the photos since then are then
    # a range of the index photo(album_id, created_at), and only they are checked for consent
    # (joined, every photo of the year was: 1.7 ms a home after a school year, 0.14 ms so).
    seen = (Visit.select(Visit.seen_at)
            .where((Visit.classroom == Album.classroom) & (Visit.user == guardian_id)
                   & (Visit.area == 'photos')))
    return (Photo.select(Album.classroom.alias('class_id'), fn.COUNT(Photo.id).alias('n'))
            .join(Album)
            .where(Album.classroom.in_(membership.children_classes(guardian_id))
                   & (Photo.created_at > fn.COALESCE(seen, since))
                   & ~fn.EXISTS(hidden))
            .group_by(Album.classroom))


_new_photos = prepared(_new_for_guardian, 5)


def new_photos_by_class(user):
    """{class id: photos a guardian may see and has not seen} for their children's classes: one
    prepared query (the guardian home is hot)."""
    restricted = restricted_consents()
    refused, unknown = 'refused', 'unknown' if 'unknown' in restricted else 'refused'
    since = visits.seen_since(None, now())
    return {row.class_id: row.n
            for row in _new_photos(user.id, since, refused, unknown, 1 if None in restricted else 0)}


def note_visit(user, classroom):
    """A reader opened the class's albums: what was added so far is no longer new to them."""
    if not membership.is_teacher_of(user, classroom.id):
        newest = (Photo.select(fn.MAX(Photo.created_at)).join(Album)
                  .where(Album.classroom == classroom.id).scalar())
        visits.note_visit(user, classroom, 'photos', newest)


# --- albums -------------------------------------------------------------------------------------

def list_albums(user, classroom_id):
    """(classroom, [{'album', 'count', 'cover'}]) for a class the user may see; Forbidden otherwise.
    count and cover are of the photos this user may see."""
    classroom = membership.get_class(user, classroom_id)
    albums = list(Album.of_class(classroom))
    covers = {photo.album_id: photo for photo in _covers(albums, visibility(user, classroom.id))}
    return classroom, [{'album': album, 'count': covers[album.id].visible if album.id in covers else 0,
                        'cover': covers.get(album.id)} for album in albums]


def _covers(albums, condition):
    """Each album's first photo under `condition`, with the album's count of such photos as
    .visible: one query for the whole list (window functions), not two per album."""
    if not albums:
        return []
    place = fn.ROW_NUMBER().over(partition_by=[Photo.album], order_by=[Photo.created_at, Photo.id])
    visible = fn.COUNT(Photo.id).over(partition_by=[Photo.album])
    ranked = Photo.select(Photo, place.alias('place'), visible.alias('visible')).where(
        Photo.album.in_([album.id for album in albums]))
    ranked = (ranked if condition is None else ranked.where(condition)).alias('ranked')
    return Photo.select(SQL('ranked.*')).from_(ranked).where(ranked.c.place == 1)


def overview(user):
    """[(classroom, albums as in list_albums)] for the user's current classes (a guardian: their
    children's; a director: the school's): the menu's « Photos » page."""
    ids = membership.class_ids(user)
    classrooms = (Classroom.select().join(SchoolYear)
                  .where(Classroom.id.in_(list(ids)) & SchoolYear.current & ~Classroom.archived)
                  .order_by(Classroom.name)) if ids else []
    return [list_albums(user, classroom.id) for classroom in classrooms]


def get_album(user, album_id):
    album = found(Album.get_or_none(Album.id == album_id), _('Cet album n’existe pas.'))
    membership.get_class(user, album.classroom_id)     # Forbidden outside the class
    return album


def clean_title(title):
    title = (title or '').strip()
    if not title:
        raise ValidationError({'title': _("Donnez un titre à l'album.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({'title': _('Le titre est trop long (%d caractères au plus).') % MAX_TITLE})
    return title


def create_album(user, classroom_id, title, quiet=False):
    classroom = membership.get_class(user, classroom_id) if user else Classroom.get_by_id(classroom_id)
    if user:
        _require_manager(user, classroom)
    title = clean_title(title)
    with writing():
        album = Album.create(classroom=classroom, title=title, created_by=user)
    if not quiet:
        audit.record(user, 'photos.album_created', f'album:{album.id}', school=classroom.school_id,
                     title=title)
    return album


def rename_album(user, album_id, title):
    album = get_album(user, album_id)
    _require_manager(user, album.classroom)
    album.title = clean_title(title)
    album.updated_at = now()
    with writing():
        album.save()
    return album


def delete_album(user, album_id, confirmed=False):
    album = get_album(user, album_id)
    _require_manager(user, album.classroom)
    if not confirmed:
        raise ValidationError({'confirm': _("Cochez la case de confirmation pour supprimer l'album.")})
    digests = {d for photo in Photo.in_album(album) for d in photo.digests()}
    with writing():
        album.delete_instance(recursive=True)
    _remove_unreferenced(digests)
    audit.record(user, 'photos.album_deleted', f'album:{album.id}', school=album.classroom.school_id,
                 title=album.title)
    return album.classroom_id


# --- photos -------------------------------------------------------------------------------------

def add_photos(user, album, uploads, caption=''):
    """Run each (file name, binary stream) through the media pipeline into the album, each with
    `caption` (optional: the teacher may describe a send's photos at once, then one by one).

    Returns (added photos, [(file name, French reason)]): one bad file never stops the others.
    An identical file already in the album is skipped (reported as such).
    """
    if user is not None:
        _require_manager(user, album.classroom)
    caption = clean_caption(caption)
    store = media_store()
    added, refused = [], []
    for name, stream in uploads:
        name = _clean_name(name)
        try:
            stored = store.store_image(stream, settings().limits)
        except MediaError as error:
            refused.append((name, str(error)))
            continue
        try:
            with writing():
                added.append(create_photo(album, name, stored, user, caption))
        except IntegrityError:
            refused.append((name, _('Cette photo est déjà dans l’album.')))
    if added:
        with writing():
            Album.update(updated_at=now()).where(Album.id == album.id).execute()
    return added, refused


def create_photo(album, name, stored, user, caption=''):
    """The Photo row of an image the media pipeline stored (media.store), in the caller's
    transaction: the album's uploads and the photos sent with a blog post."""
    return Photo.create(album=album, caption=caption, original_name=_clean_name(name), full=stored.full,
                        display=stored.display, thumb=stored.thumb, width=stored.width, height=stored.height,
                        source_sha256=stored.source_sha256, uploaded_by=user)


def _clean_name(name):
    """The uploaded file's own name, for display only (never used as a path)."""
    name = re.split(r'[\\/]', name or '')[-1]
    name = ''.join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or _('(sans nom)')


def get_photo(user, photo_id):
    """A photo the user may see; NotFound when hidden by consent, Forbidden outside the class."""
    photo = found(Photo.get_or_none(Photo.id == photo_id), _('Cette photo n’existe pas.'))
    album = get_album(user, photo.album_id)
    if not visible_photos(user, album).where(Photo.id == photo.id).exists():
        raise NotFound(_('Cette photo n’existe pas.'))
    return photo


def neighbours(user, photo):
    """(previous, next) photo of the album the user may see, or None."""
    ids = [p.id for p in visible_photos(user, photo.album).select(Photo.id)]
    i = ids.index(photo.id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)


def clean_caption(caption):
    caption = ' '.join((caption or '').split())
    if len(caption) > MAX_CAPTION:
        raise ValidationError({'caption': _('La description est trop longue (%d caractères au plus).')
                               % MAX_CAPTION})
    return caption


def alt_text(photo, album=None):
    """What stands for the photo wherever it is shown (alt text, title, the viewer's caption): the
    teacher's caption, else « <album title>, <day the photo was added> » (« Sortie au musée,
    3 décembre »). The year is left out when that day falls in the current school year (from
    August, as accounts.school_year_label counts), so last year's photos say which year."""
    return (photo.caption or '').strip() or default_alt(photo, album)


def default_alt(photo, album=None):
    """« <album title>, <day the photo was added> »: what alt_text says of a photo without caption."""
    album = album or photo.album
    day = to_local(photo.created_at).date()                 # the school's day, not UTC's
    this_year = accounts.school_year_label(day) == accounts.school_year_label(to_local(now()).date())
    return _('%(album)s, %(date)s') % {'album': album.title,
                                       'date': date_fr(day, with_day=False, with_year=not this_year)}


def tagged_pupil_ids(photo):
    return {tag.pupil_id for tag in PhotoTag.select(PhotoTag.pupil).where(PhotoTag.photo == photo)}


def update_photo(user, photo_id, caption, pupil_ids):
    """Set the caption (alt text) and the pupils tagged, from the class's current pupils."""
    photo = get_photo(user, photo_id)
    classroom = photo.album.classroom
    _require_manager(user, classroom)
    caption = clean_caption(caption)
    allowed = {p.id for p in accounts.pupils_of(classroom)}
    wanted = set()
    for value in pupil_ids:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            raise ValidationError({'tags': _('Élève inconnu.')}) from None
    if not wanted <= allowed:
        raise ValidationError({'tags': _("On ne peut identifier que des élèves de la classe.")})
    with writing():
        photo.caption = caption
        photo.save()
        # Only the class's current pupils are offered on the form: a tag of a pupil who has left
        # the class stays (removing it would show the photo against that pupil's consent).
        PhotoTag.delete().where((PhotoTag.photo == photo) & PhotoTag.pupil.in_(allowed)).execute()
        for pupil_id in sorted(wanted):
            PhotoTag.create(photo=photo, pupil=pupil_id)
    return photo


def delete_photo(user, photo_id):
    photo = get_photo(user, photo_id)
    _require_manager(user, photo.album.classroom)
    with writing():
        photo.delete_instance(recursive=True)
    _remove_unreferenced(set(photo.digests()))
    return photo.album_id


def _remove_unreferenced(digests):
    """Delete stored files no photo points to any more (identical files are shared)."""
    store = media_store()
    for digest in digests:
        if not Photo.with_digest(digest).exists():
            store.remove(digest)


# --- what a class's blog posts may show ----------------------------------------------------------

def photo_in_class(user, classroom_id, photo_id):
    """The photo if it belongs to this class's albums and this user may see it, else None
    (a blog post shows it inline: the same rule as the album pages)."""
    photo = Photo.select(Photo, Album).join(Album).where(
        (Photo.id == photo_id) & (Album.classroom == classroom_id)).first()
    if photo is None or not visible_photos(user, photo.album).where(Photo.id == photo.id).exists():
        return None
    return photo


def public_photo_in_class(classroom_id, photo_id):
    """The photo if it belongs to this class's albums and is safe_for_everyone, else None: what a
    public post of the class may show to anyone (decided now, from the pupils' current consent)."""
    photo = Photo.select(Photo, Album).join(Album).where(
        (Photo.id == photo_id) & (Album.classroom == classroom_id)).first()
    return photo if photo is not None and safe_for_everyone(photo) else None


def public_caption(photo, text):
    """`text` (a photo's title or caption) for a public page: without the surname of any pupil of
    the photo's class or tagged on it, since anyone outside the school names a pupil by first name
    only. Matched as whole words, ignoring case and accents; each part of a compound name too."""
    text = unicodedata.normalize('NFC', text or '').strip()
    if not text:
        return text
    pupils = list(User.select(User.last_name).join(PhotoTag, on=(PhotoTag.pupil == User.id))
                  .where(PhotoTag.photo == photo)) + accounts.pupils_of(photo.album.classroom)
    names = set()
    for pupil in pupils:
        surname = _fold(unicodedata.normalize('NFC', pupil.last_name or '').strip())
        if surname:
            names.add(surname)
            names.update(part for part in re.split(r"[\s'’-]+", surname) if len(part) >= 3)
    if not names:
        return text
    pattern = re.compile(r'(?<!\w)(?:%s)(?!\w)' % '|'.join(
        re.escape(name) for name in sorted(names, key=len, reverse=True)))
    folded = _fold(text)            # same length as text: spans found there are cut from text
    kept, start = [], 0
    for match in pattern.finditer(folded):
        kept.append(text[start:match.start()])
        start = match.end()
    kept.append(text[start:])
    return re.sub(r'\s+([,.)])', r'\1', ' '.join(''.join(kept).split()))


def _fold(text):
    """Lower case without accents, one character for one (so positions match the original)."""
    return ''.join((unicodedata.normalize('NFKD', ch)[:1] or ch).lower()[:1] or ch for ch in text)

