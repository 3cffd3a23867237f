"""Photo albums of a class. Every page checks the class (service.get_album / accounts), every
photo and media file the image-rights rule (service.visible_photos); files are served only here."""
from bottle import HTTPError, redirect, request

from .. import hooks
from ..accounts import service as accounts
from ..errors import ValidationError
from ..home import service as home
from ..i18n import _, ngettext
from ..web.files import send_jpeg, send_zip
from ..web.forms import checked, field, field_list, uploaded_files
from ..web.guards import require_user
from ..web.render import add_nav, flash, render, url
from ..web.routing import Routes
from . import family, files, service

CACHE_FOREVER = 'private, max-age=31536000, immutable'   # a file's name is its content's hash
SEND_BOUND_IN_PHOTOS = 10     # one send weighs at most ten maximal photos (many phone photos fit)

routes = Routes('photos')


@routes.get('/photos')
def index():
    user = require_user()
    classes = service.overview(user)
    for classroom, _albums in classes:
        service.note_visit(user, classroom)
    return render('photos/index.html', classes=classes)


@routes.get('/classe/<class_id:int>/photos')
def albums(class_id):
    user = require_user()
    classroom, items = service.list_albums(user, class_id)
    service.note_visit(user, classroom)
    return render('photos/albums.html', classroom=classroom, albums=items,
                  can_manage=service.can_manage(user, classroom))


@routes.post('/classe/<class_id:int>/photos')
def album_create(class_id):
    user = require_user()
    try:
        album = service.create_album(user, class_id, field('title'))
    except ValidationError as exc:
        classroom, items = service.list_albums(user, class_id)
        return render('photos/albums.html', classroom=classroom, albums=items, can_manage=True,
                      errors=exc.errors, title=field('title'))
    redirect(url('photos.album', album_id=album.id), 303)


@routes.get('/photos/album/<album_id:int>')
def album(album_id):
    user = require_user()
    album = service.get_album(user, album_id)
    return render('photos/album.html', album=album, photos=list(service.visible_photos(user, album)),
                  can_manage=service.can_manage(user, album.classroom))


@routes.post('/photos/album/<album_id:int>/titre')
def album_rename(album_id):
    try:
        service.rename_album(require_user(), album_id, field('title'))
    except ValidationError as exc:
        flash(str(exc), 'error')
    redirect(url('photos.album', album_id=album_id), 303)


@routes.post('/photos/album/<album_id:int>/supprimer')
def album_delete(album_id):
    try:
        class_id = service.delete_album(require_user(), album_id, confirmed=checked('confirm'))
    except ValidationError as exc:
        flash(str(exc), 'error')
        redirect(url('photos.album', album_id=album_id), 303)
    flash(_('Album supprimé.'))
    redirect(url('photos.albums', class_id=class_id), 303)


@routes.post('/photos/album/<album_id:int>/envoi')
def upload(album_id):
    user = require_user()
    album = service.get_album(user, album_id)
    if request.content_length > service.settings().limits.max_bytes * SEND_BOUND_IN_PHOTOS:
        raise HTTPError(413, _('Envoi trop volumineux : envoyez les photos en plusieurs fois.'))
    enhanced = request.headers.get('Accept', '').startswith('application/json')
    try:
        added, refused = service.add_photos(user, album, uploaded_files('photos'), field('caption'))
    except ValidationError as exc:
        if enhanced:
            return {'added': 0, 'refused': [], 'error': str(exc)}
        flash(str(exc), 'error')
        redirect(url('photos.album', album_id=album.id), 303)
    report = {'added': len(added), 'refused': [{'name': n, 'reason': r} for n, r in refused]}
    if enhanced:
        return report
    if added:
        flash(ngettext('%(num)d photo ajoutée.', '%(num)d photos ajoutées.', len(added))
              % {'num': len(added)})
    for name, reason in refused:
        flash(_('« %(name)s » refusée : %(reason)s') % {'name': name, 'reason': reason}, 'error')
    if not added and not refused:
        flash(_('Choisissez au moins une photo.'), 'error')
    redirect(url('photos.album', album_id=album.id), 303)


@routes.get('/photos/<photo_id:int>')
def photo(photo_id):
    user = require_user()
    item = service.get_photo(user, photo_id)
    manage = service.can_manage(user, item.album.classroom)
    previous, following = service.neighbours(user, item)
    return render('photos/photo.html', photo=item, album=item.album, can_manage=manage,
                  previous=previous, following=following, default_alt=service.default_alt(item, item.album),
                  pupils=accounts.pupils_of(item.album.classroom) if manage else [],
                  tagged=service.tagged_pupil_ids(item) if manage else set())


@routes.post('/photos/<photo_id:int>')
def photo_update(photo_id):
    try:
        service.update_photo(require_user(), photo_id, field('caption'),
                             field_list('pupils'))
        flash(_('Photo enregistrée.'))
    except ValidationError as exc:
        flash(str(exc), 'error')
    redirect(url('photos.photo', photo_id=photo_id), 303)


@routes.post('/photos/<photo_id:int>/supprimer')
def photo_delete(photo_id):
    album_id = service.delete_photo(require_user(), photo_id)
    flash(_('Photo supprimée.'))
    redirect(url('photos.album', album_id=album_id), 303)


@routes.get('/media/<digest:re:[0-9a-f]{64}>.jpg')
def media(digest):
    return send_jpeg(files.media_path(require_user(), digest), digest, CACHE_FOREVER)


@routes.get('/photos/album/<album_id:int>/album.zip', 'zip', slow=True)    # builds a zip (see ecole_ent.lanes)
def album_zip(album_id):
    return send_zip(*files.album_zip(require_user(), album_id))


def home_section(user, context):
    """On each child card of the guardian's home: the class's photos, and how many are new."""
    if context.get('cards'):
        fresh = service.new_photos_by_class(user)
        for card in context['cards']:
            if card.classroom:
                n = fresh.get(card.classroom.id, 0)
                label = (ngettext('%(num)d nouvelle photo', '%(num)d nouvelles photos', n) % {'num': n}
                         if n else _('Les photos de la classe'))
                card.links.append(home.Link(url('photos.albums', class_id=card.classroom.id),
                                            'photos', label))


def register(app):
    hooks.ARCHIVE_SECTION.add(files.archive_section)
    hooks.HOME_SECTION.add(home_section)
    hooks.TEMPLATE_FILTER.add(('photo_alt', service.alt_text))     # {{ photo | photo_alt(album) }}
    hooks.FAMILY_FEED.add(family.items)
    add_nav('/photos', _('Photos'), 'photos', ('pupil', 'guardian', 'teacher', 'director', 'staff'), order=40)
    routes.install(app)
