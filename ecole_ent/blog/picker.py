"""Album photos in a blog post: which photos a class's posts may show, the editor's picker, the
check of every `![texte](photo:123)` reference at saving, and photos uploaded with a post.

A post's photo must be one every reader of the post sees: a photo of this class's albums on which
no pupil restricts the image (photos.service.safe_for_everyone, the same rule for the public page).
Any other reference (another class's photo, a deleted one, one showing a pupil without
image-rights consent) would be left out at view time for some readers, so saving refuses it and
names it instead: it is never dropped without a word. The picker offers exactly those photos, to a
teacher and to a pupil alike (a pupil's post waits for the teacher anyway).

Photos sent with a post go through the photos' own media pipeline (photos.service.media_store():
Pillow decode and re-encode, EXIF stripped, three renditions) into the class's « Blog » album,
made on first use; a teacher's only (a pupil's photo would be in the albums before the teacher read
the post). Plain functions, no bottle.
"""
import html
import re

from .. import audit
from ..errors import ValidationError
from ..i18n import _
from ..media import MediaError
from ..models import Album, Photo, now
from ..photos import service as photos
from . import markup

MAX_PHOTOS = 10            # sent with one post
PICKER_LIMIT = 120         # photos in the picker: the page stays light (thumbnails load when opened)
BLOG_ALBUM = 'Blog'        # the class album photos sent with posts go to
_REF = re.compile(r'!\[[^\]\n]*\]\(\s*photo:(\d{1,12})\s*\)')


def usable_photos(classroom_id):
    """The photos this class's posts may show (a query): in its albums, no pupil restricting them."""
    hidden = Photo.hidden_by_consent(photos.restricted_consents())
    return (Photo.select(Photo, Album).join(Album)
            .where((Album.classroom == classroom_id) & Photo.id.not_in(hidden))
            .order_by(Album.created_at.desc(), Album.id.desc(), Photo.created_at, Photo.id))


class Choice(list):
    """[(album, [(photo, its Markdown line)])] the picker shows; .more: older photos were left out
    (they stay usable by their code, shown on each photo's page)."""
    more = False


def picker_albums(classroom_id, limit=PICKER_LIMIT):
    """The editor's picker (a Choice): the class's albums, newest first, each with the photos a post
    may show (albums with none are left out), `limit` photos at most. One query."""
    albums, choice = {}, Choice()
    for number, photo in enumerate(usable_photos(classroom_id).limit(limit + 1)):
        if number == limit:
            choice.more = True
            break
        albums.setdefault(photo.album.id, (photo.album, []))[1].append((photo, reference(photo)))
    choice.extend(albums.values())
    return choice


def preview_photos(classroom_id, fragment):
    """A body's sanitised HTML with the photos a post of the class may show in place (the editor's
    preview; any other reference is refused at saving and shows as its text only)."""
    ids = markup.photo_ids(fragment)
    shown = {p.id: p for p in usable_photos(classroom_id).where(Photo.id.in_(list(ids)))} if ids else {}

    def figure(photo_id, alt):
        photo = shown.get(photo_id)
        if photo is None:
            return html.escape(alt)
        alt = html.escape(alt or photos.alt_text(photo))
        return (f'<figure class="post-photo"><img src="/media/{photo.display}.jpg" alt="{alt}">'
                f'<figcaption>{alt}</figcaption></figure>')
    return markup.resolve_photos(fragment, figure)


def reference(photo):
    """The Markdown line that shows the photo in a post, its caption as the text."""
    caption = ' '.join(re.sub(r'[\[\]\\]', '', photo.caption or '').split())
    return f'![{caption}](photo:{photo.id})'


def with_references(body, photo_list):
    """The body with a line per photo added at its end (a blank line before each: a paragraph)."""
    lines = [reference(photo) for photo in photo_list]
    return '\n\n'.join([body] + lines if body else lines)


def insert_picked(classroom_id, body, picked):
    """The body with the photos ticked in the picker (ids as sent) added at its end; refused with a
    French message when one of them may not be shown (deleted meanwhile, or hand-made)."""
    try:
        ids = [int(value) for value in picked]
    except ValueError:
        raise ValidationError({'pick': _('Cette photo n’est pas dans les albums de la classe.')}) from None
    if not ids:
        raise ValidationError({'pick': _('Cochez au moins une photo à insérer.')})
    found = {photo.id: photo for photo in usable_photos(classroom_id).where(Photo.id.in_(ids))}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({'pick': _('Ces photos ne peuvent plus être insérées : %(ids)s.')
                               % {'ids': ', '.join(missing)}})
    return with_references((body or '').rstrip(), [found[i] for i in dict.fromkeys(ids)])


def reference_problems(classroom_id, body):
    """French sentences naming each photo reference of the body (Markdown source) that a post of
    this class may not show, and why; [] when all may be shown."""
    if 'photo:' not in (body or ''):
        return []
    # What Markdown really turns into a photo (not a code in a `code span`), named as typed.
    ids = markup.photo_ids(markup.render_markdown(body))
    codes = {}
    for match in _REF.finditer(body):
        codes.setdefault(int(match.group(1)), match.group(0))
    usable = {p.id for p in usable_photos(classroom_id).where(Photo.id.in_(list(ids)))} if ids else set()
    refused = sorted(ids - usable)
    if not refused:
        return []
    in_class = {p.id for p in Photo.select(Photo.id).join(Album).where(
        Photo.id.in_(refused) & (Album.classroom == classroom_id))}
    problems = []
    for photo_id in refused:
        if photo_id in in_class:
            problems.append(_('La photo « %(code)s » montre un élève dont l’image ne peut pas être diffusée : '
                              'des lecteurs de l’article ne la verraient pas. Retirez-la du texte.')
                            % {'code': codes.get(photo_id, f'photo:{photo_id}')})
        else:
            problems.append(_('La photo « %(code)s » n’est pas dans les albums de la classe (ou a été '
                              'supprimée) : les lecteurs de l’article ne la verraient pas. Retirez-la du texte.')
                            % {'code': codes.get(photo_id, f'photo:{photo_id}')})
    return problems


# --- photos sent with a post --------------------------------------------------------------------

def store_uploads(uploads):
    """Run (file name, stream) pairs through the photos' media pipeline: [(name, StoredImage)].
    One ValidationError names every refused file and why; then nothing new stays on disk."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({'photos': _('Dix photos au plus à la fois.')})
    store, limits = photos.media_store(), photos.settings().limits
    stored, problems = [], []
    for name, stream in uploads:
        try:
            stored.append((name, store.store_image(stream, limits)))
        except MediaError as error:
            problems.append(_('« %(name)s » : %(reason)s') % {'name': name, 'reason': error.message})
    if problems:
        forget(stored)
        raise ValidationError({'photos': ' '.join(problems)})
    return stored


def forget(stored):
    """Remove the files of stored uploads that no photo row uses (an identical photo elsewhere
    keeps its files): after a refusal or a failed save."""
    store = photos.media_store()
    for _name, image in stored:
        for digest in image.digests():
            if not Photo.with_digest(digest).exists():
                store.remove(digest)


def clean_caption(text, errors):
    """The description given to the photos sent with a post (their alt text), or '' (errors gets
    the problem)."""
    text = ' '.join((text or '').split())
    if len(text) > photos.MAX_CAPTION:
        errors['photo_caption'] = (_('La description est trop longue (%d caractères au plus).')
                                   % photos.MAX_CAPTION)
    return text


def blog_album(user, classroom):
    """The class's « Blog » album, made now if it has none (call inside the post's transaction)."""
    album = (Album.select().where((Album.classroom == classroom) & (Album.title == BLOG_ALBUM))
             .order_by(Album.id).first())
    if album is None:
        album = Album.create(classroom=classroom, title=BLOG_ALBUM, created_by=user)
        audit.record(user, 'photos.album_created', f'album:{album.id}', school=classroom.school_id,
                     title=BLOG_ALBUM)
    return album


def add_to_blog_album(user, classroom, stored, caption=''):
    """Photo rows for stored uploads in the class's « Blog » album, described by `caption` (a file
    already there is reused): call inside the post's transaction, so a refused post leaves no row."""
    if not stored:
        return []
    album = blog_album(user, classroom)
    added = []
    for name, image in stored:
        photo = Photo.get_or_none((Photo.album == album) & (Photo.source_sha256 == image.source_sha256))
        if photo is not None and not photos.safe_for_everyone(photo):
            raise ValidationError({'photos': _('« %(name)s » est déjà dans l’album « Blog », où elle montre un élève '
                                               'dont l’image ne peut pas être diffusée.') % {'name': name}})
        added.append(photo or photos.create_photo(album, name, image, user, caption))
    Album.update(updated_at=now()).where(Album.id == album.id).execute()
    return added

