"""The young pupils' space: who gets pages made of pictures (YOUNG_NIVEAUX, the one place to change
it), the class blog as big picture cards, and the simple post: a photo taken with the device's
camera, a recorded voice, a few words. The post goes through the blog's own posting (blog/posting.py:
a pupil's post waits for the teacher's approval) and its attachments pipeline; this module only
turns the camera photo into a clean JPEG (media pipeline: decoded, re-encoded, no EXIF) and checks
the voice (an audio file by its bytes, within the size the options allow). Plain functions."""
import io
from dataclasses import dataclass

from .. import runtime
from ..accounts import membership
from ..blog import family, posting, reading
from ..blog.access import get_class_blog
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..media import Limits, MediaError, files, process_image
from ..models import Album, Enrolment, Photo
from ..photos import service as photos
from ..text import shorten
from ..web.render import url

# Pupils enrolled at one of these niveaux cannot read yet, or barely: their home, menu and class blog
# are made of pictures. Every pupil of a class may still use the simple writing page.
YOUNG_NIVEAUX = ('PS', 'MS', 'GS', 'CP')
MAX_WORDS = 500
TITLE_WORDS = 60
MARKDOWN_SIGNS = set('\\`*_{}[]()#+-.!>')


@dataclass(frozen=True)
class Settings:
    voice_seconds: int        # the recorder stops by itself after this long
    voice_max_bytes: int      # a recording heavier than this is refused
    photo_limits: Limits      # the camera photo, within the photos' limits


def read_settings(config):
    return Settings(voice_seconds=config['young.voice_seconds'], voice_max_bytes=config['young.voice_max_kb'] * 1024,
                    photo_limits=Limits(max_bytes=config['photos.max_upload_mb'] * 2**20,
                                        max_pixels=config['photos.max_megapixels'] * 1_000_000, full_edge=1600,
                                        decode_pixels=config['photos.decode_megapixels'] * 1_000_000))


def settings():
    return runtime.settings(read_settings)


_NONE = object()


def young_class(user):
    """The current class of a pupil enrolled there at a YOUNG_NIVEAUX niveau, else None. Kept on
    the user object: the layout asks on every page a pupil opens."""
    if user is None or not user.has_role('pupil'):
        return None
    found = getattr(user, 'young_classroom', _NONE)
    if found is _NONE:
        classes = {c.id: c for c in membership.classes_of(user, 'pupil')}
        row = (Enrolment.select(Enrolment.classroom).where(
            (Enrolment.pupil == user) & Enrolment.ended_on.is_null() & Enrolment.niveau.in_(YOUNG_NIVEAUX)
            & Enrolment.classroom.in_(list(classes) or [0])).order_by(Enrolment.id).first())
        found = classes[row.classroom_id] if row else None
        user.young_classroom = found
    return found


def class_to_write(user, class_id):
    """The class, if the user is one of its pupils; Forbidden otherwise (teachers use the full
    editor and moderate; families and staff do not write)."""
    classroom, role = get_class_blog(user, class_id)
    if role != 'pupil':
        raise Forbidden(_('Cette page est celle des élèves de la classe.'))
    return classroom


def blog_page(user, class_id, page=1):
    """A pupil's class blog as picture cards: the page of posts (each with .picture, (address, alt
    text) of its first photo or None, and .voice, its first recording or None), and the pupil's own
    posts not yet published."""
    classroom = class_to_write(user, class_id)
    posts = reading.list_posts(user, classroom, 'pupil', page)
    _attach_media(posts.items)
    _album_pictures(user, classroom, posts.items)
    return {'classroom': classroom, 'posts': posts, 'mine': reading.my_posts(user, classroom)}


def _attach_media(posts):
    """Each post's first camera photo (.picture) and recording (.voice) among its attachments."""
    reading.attach_files(posts)
    for post in posts:
        photo = next((a for a in post.files if a.kind == 'jpg'), None)
        post.picture = (url('blog.attachment', attachment_id=photo.id), _('La photo de l’article')) if photo else None
        post.voice = next((a for a in post.files if a.kind in files.AUDIO), None)


def _album_pictures(user, classroom, posts):
    """A post without a camera photo shows the first album photo its body names (`photo:123`, as
    the family feed finds them: blog.family.references), of the class's albums, that this reader
    may see (image rights: photos.service.visibility, the post page's rule). One query."""
    named = {post.id: [photo_id for photo_id, _alt in family.references(post.body_html)]
             for post in posts if post.picture is None and 'data-photo' in post.body_html}
    wanted = {photo_id for ids in named.values() for photo_id in ids}
    if not wanted:
        return
    query = Photo.select(Photo, Album).join(Album).where(Photo.id.in_(sorted(wanted)) & (Album.classroom == classroom))
    condition = photos.visibility(user, classroom.id)
    found = {photo.id: photo for photo in (query if condition is None else query.where(condition))}
    for post in posts:
        for photo_id, alt in family.references(post.body_html) if post.id in named else ():
            if photo := found.get(photo_id):
                post.picture = (f'/media/{photo.display}.jpg', alt or photos.alt_text(photo, photo.album))
                break


def send_post(user, class_id, words, photos=(), voices=()):
    """A young pupil's post: `words` (a few, plain text), at most one camera photo and one voice
    recording ([(file name, stream)], an empty field has no name). Every problem is named at once in
    French; nothing is stored unless all is right. The post waits for the teacher (blog.posting)."""
    class_to_write(user, class_id)
    words = ' '.join((words or '').split())
    photos, voices = [u for u in photos if u[0]], [u for u in voices if u[0]]
    errors = {}
    if len(words) > MAX_WORDS:
        errors['words'] = _('C’est trop long : %(max)d lettres au plus.') % {'max': MAX_WORDS}
    jpeg = _photo(photos, errors)
    voice = _voice(voices, errors)
    if not errors and not (words or jpeg or voice):
        errors['words'] = _('Prends une photo, enregistre ta voix ou écris quelques mots.')
    if errors:
        raise ValidationError(errors)
    data = {'title': _title(user, words, jpeg, voice), 'body': _plain(words)}
    photo_name = _('photo') + '.jpg'      # no name: the file's name travels with it
    return posting.create_post(user, class_id, data, uploads=[voice] if voice else [],
                               jpegs=[(photo_name, jpeg)] if jpeg else [])


def _photo(photos, errors):
    """The camera photo re-encoded (display size, no metadata), or None."""
    if len(photos) > 1:
        errors['photo'] = _('Une seule photo à la fois.')
        return None
    if not photos:
        return None
    stream, limits = photos[0][1], settings().photo_limits
    if _size(stream) > limits.max_bytes:      # process_image checks the pixels, not the bytes
        errors['photo'] = _('La photo est trop lourde : reprends une photo.')
        return None
    try:
        renditions = process_image(stream, limits)
    except MediaError:          # its reason is for adults (media.images): the pupil takes another
        errors['photo'] = _('La photo n’a pas pu être lue : reprends une photo.')
        return None
    return next(r.data for r in renditions if r.name == 'display')


def _size(stream):
    """The bytes left in a seekable upload, its position kept."""
    start = stream.tell()
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    return size


def _voice(voices, errors):
    """(name, stream) of the recording, checked: an audio file, not too heavy; or None."""
    if len(voices) > 1:
        errors['voice'] = _('Un seul enregistrement à la fois.')
        return None
    if not voices:
        return None
    name, stream = voices[0]
    limit = settings().voice_max_bytes
    data = stream.read(limit + 1)
    if not data:
        errors['voice'] = _('L’enregistrement est vide : enregistre ta voix encore une fois.')
    elif files.sniff(data[:files.CHUNK]) not in files.AUDIO:
        errors['voice'] = _('Ce fichier n’est pas un enregistrement de voix.')
    elif len(data) > limit:
        errors['voice'] = _('L’enregistrement est trop long : %(seconds)d secondes au plus.') % {
            'seconds': settings().voice_seconds}
    else:
        return name, io.BytesIO(data)
    return None


def _title(user, words, jpeg, voice):
    """The post's title: its first words, else what it holds and who sent it."""
    if words:
        return shorten(words, TITLE_WORDS)
    what = (_('La photo et la voix de %(name)s') if jpeg and voice else
            _('La photo de %(name)s') if jpeg else _('La voix de %(name)s'))
    return what % {'name': user.first_name}


def _plain(words):
    """The words as the blog's Markdown shows them: as typed, never as markup."""
    escaped = words.replace('&', '&amp;').replace('<', '&lt;')
    return ''.join('\\' + ch if ch in MARKDOWN_SIGNS else ch for ch in escaped)
