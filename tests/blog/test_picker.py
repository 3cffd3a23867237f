"""Photos in a blog post: the editor's picker offers the class's photos every reader may see and
works without JavaScript; photos sent with a post go through the media pipeline into the class's
« Blog » album; any photo reference the post's readers could not see is refused at saving, by name,
with the post kept in its form, for a teacher and a pupil, on creating and on editing."""
import html
import io
import re

import pytest
from PIL import Image

from ecole_ent.blog import picker, posting
from ecole_ent.errors import ValidationError
from ecole_ent.models import Album, AuditEvent, Photo, Post
from ecole_ent.photos import service as photos
from ecole_ent.web.render import static
from tests.blog.conftest import PDF, csrf_of, send, text
from tests.conftest import jpeg


def exif_jpeg(color=(200, 120, 40)):
    """A JPEG carrying EXIF (camera model and GPS position), as phones send them."""
    image = Image.new('RGB', (800, 600), color)
    exif = Image.Exif()
    exif[0x0110] = 'Telephone-De-Test'                     # Model
    exif[0x8825] = {1: 'N', 2: (43.0, 42.0, 0.0)}          # GPSInfo
    out = io.BytesIO()
    image.save(out, 'JPEG', exif=exif.tobytes())
    assert b'Telephone-De-Test' in out.getvalue()
    return out.getvalue()


def other_class_photo(scene):
    album = photos.create_album(scene.people['admin'], scene.other_class.id, 'Autre classe')
    (photo,), _refused = photos.add_photos(scene.people['admin'], album, [('autre.jpg', io.BytesIO(jpeg((9, 9, 9))))])
    return photo


def form_values(page):
    """(title, body) as the editor shows them again."""
    title = re.search(r'id="f-title" name="title" value="([^"]*)"', page.text).group(1)
    body = re.search(r'<textarea id="f-body" name="body"[^>]*>(.*?)</textarea>', page.text, re.S).group(1)
    return html.unescape(title), html.unescape(body)


def stored_files():
    return set(photos.media_store().files())


@pytest.fixture
def teacher(scene, demo_app):
    return scene.client(demo_app, 'teacher')


# --- references refused at saving ---------------------------------------------------------------

def test_a_photo_of_another_class_is_refused_by_name_and_the_post_stays_in_its_form(scene, teacher):
    other = other_class_photo(scene)
    before = Post.select().count()
    body = f'Notre sortie.\n\n![Emprunt](photo:{other.id})'
    page = send(teacher, f'/blog/classe/{scene.classroom.id}/nouveau',
                {'title': 'Sortie au musée', 'body': body, 'visibility': 'families', 'when': 'now',
                 'action': 'save'}, status=200)
    assert f'« ![Emprunt](photo:{other.id}) » n’est pas dans les albums de la classe' in text(page)
    assert form_values(page) == ('Sortie au musée', body)
    assert 'value="families" checked' in page.text
    assert Post.select().count() == before


def test_unseeable_references_are_refused_on_create_and_update_for_teacher_and_pupil(scene):
    teacher, pupil = scene.people['teacher'], scene.people['pupil']
    other = other_class_photo(scene)
    gone = Photo.create(album=scene.album, full='0' * 64, display='1' * 64, thumb='2' * 64, width=1, height=1,
                        source_sha256='3' * 64)
    gone_id = gone.id
    gone.delete_instance()
    kept = posting.create_post(teacher, scene.classroom.id, {'title': 'Bien', 'body': 'Texte.',
                                                             'visibility': 'class'})
    mine = posting.create_post(pupil, scene.classroom.id, {'title': 'À moi', 'body': 'Texte.'})
    cases = {other.id: 'n’est pas dans les albums de la classe', gone_id: 'n’est pas dans les albums de la classe',
             scene.refused.id: 'dont l’image ne peut pas être diffusée',
             scene.unknown.id: 'dont l’image ne peut pas être diffusée'}
    for photo_id, why in cases.items():
        body = f'Regardez :\n\n![Vue](photo:{photo_id})'
        for visibility in ('class', 'families', 'public'):
            data = {'title': 'Essai', 'body': body, 'visibility': visibility}
            for save, user, target in ((posting.create_post, teacher, scene.classroom.id),
                                       (posting.update_post, teacher, kept.id),
                                       (posting.create_post, pupil, scene.classroom.id),
                                       (posting.update_post, pupil, mine.id)):
                with pytest.raises(ValidationError) as refused:
                    save(user, target, data)
                assert f'![Vue](photo:{photo_id})' in refused.value.errors['body'] and why in \
                    refused.value.errors['body']
    assert Post.get_by_id(kept.id).body_source == 'Texte.' and Post.get_by_id(mine.id).body_source == 'Texte.'
    # A code shown as code is no photo; the class's photo everyone may see is accepted.
    fine = posting.create_post(teacher, scene.classroom.id, {
        'title': 'Ok', 'body': f'`![x](photo:{other.id})`\n\n![Au parc](photo:{scene.open.id})',
        'visibility': 'public'})
    assert f'data-photo="{scene.open.id}"' in fine.body_html


# --- the picker without JavaScript --------------------------------------------------------------

def test_the_picker_offers_only_the_class_photos_every_reader_may_see(scene, teacher, demo_app):
    other = other_class_photo(scene)
    for client in (teacher, scene.client(demo_app, 'pupil')):
        page = client.get(f'/blog/classe/{scene.classroom.id}/nouveau')
        offered = {int(i) for i in re.findall(r'name="pick" value="(\d+)"', page.text)}
        assert scene.open.id in offered
        assert not offered & {scene.refused.id, scene.unknown.id, other.id}
        assert f'/media/{scene.open.thumb}.jpg' in page.text
        assert f'data-ref="![Au parc](photo:{scene.open.id})"' in page.text
    assert 'name="photos"' in teacher.get(f'/blog/classe/{scene.classroom.id}/nouveau').text
    assert 'name="photos"' not in scene.client(demo_app, 'pupil').get(f'/blog/classe/{scene.classroom.id}/nouveau').text


def test_the_picker_without_javascript_adds_the_photos_and_keeps_the_whole_form(scene, teacher, demo_app):
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    fields = {'title': 'Au parc', 'body': 'Une belle journée.', 'visibility': 'public', 'when': 'later',
              'publish_date': '2026-12-10', 'publish_time': '08:30', 'action': 'insert', 'pick': str(scene.open.id)}
    page = send(teacher, path, fields, status=200)
    title, body = form_values(page)
    assert title == 'Au parc' and body == f'Une belle journée.\n\n![Au parc](photo:{scene.open.id})'
    assert 'value="public" checked' in page.text and 'value="2026-12-10"' in page.text and 'value="08:30"' in page.text
    assert 'Les photos cochées sont ajoutées à la fin du texte : relisez-le, puis publiez.' in text(page)
    assert Post.select().where(Post.title == 'Au parc').count() == 0          # nothing saved yet
    assert 'n’ont pas été gardés' not in text(page)
    with_files = send(teacher, path, fields, files=[('photos', 'tomates.jpg', jpeg((200, 30, 30))),
                                                    ('attachments', 'menu.pdf', PDF)], status=200)
    assert 'Les fichiers choisis (photos, pièces jointes) n’ont pas été gardés' in text(with_files)
    # A photo that may not be shown cannot be ticked in by hand either.
    refused = send(teacher, path, dict(fields, pick=str(scene.refused.id)), status=200)
    assert 'ne peuvent plus être insérées' in text(refused) and form_values(refused)[1] == 'Une belle journée.'
    nothing = send(teacher, path, {k: v for k, v in fields.items() if k != 'pick'}, status=200)
    assert 'Cochez au moins une photo à insérer.' in text(nothing)
    # Then saved: the photo shows in the post, for its teacher and a family allowed to see it.
    saved = send(teacher, path, dict(fields, body=body, action='save', when='now'), status=303)
    post = Post.get(Post.title == 'Au parc')
    assert saved.headers['Location'].endswith(f'/blog/article/{post.id}')
    for who in ('teacher', 'guardian'):
        shown = scene.client(demo_app, who).get(f'/blog/article/{post.id}').text
        assert f'<img src="/media/{scene.open.display}.jpg" alt="Au parc"' in shown


def test_a_pupil_inserts_a_class_photo_and_the_post_waits(scene, demo_app):
    pupil = scene.client(demo_app, 'pupil')
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    page = send(pupil, path, {'title': 'Mon parc', 'body': 'Regardez.', 'action': 'insert',
                              'pick': str(scene.open.id)}, status=200)
    body = form_values(page)[1]
    send(pupil, path, {'title': 'Mon parc', 'body': body, 'action': 'save'}, status=303)
    post = Post.get(Post.title == 'Mon parc')
    assert post.status == 'pending' and f'data-photo="{scene.open.id}"' in post.body_html
    refused = send(pupil, path, {'title': 'Mes photos', 'body': 'x', 'action': 'save'},
                   files=[('photos', 'a.jpg', jpeg((1, 2, 3)))], status=200)
    assert 'Seuls les enseignants ajoutent des photos' in text(refused)
    assert Post.select().where(Post.title == 'Mes photos').count() == 0


# --- photos sent with a post --------------------------------------------------------------------

def test_photos_sent_with_a_post_land_in_the_class_blog_album_without_exif(scene, teacher, demo_app):
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    assert not Album.select().where((Album.classroom == scene.classroom) & (Album.title == 'Blog')).exists()
    send(teacher, path, {'title': 'Le potager', 'body': 'Nos tomates.', 'visibility': 'families', 'when': 'now',
                         'photo_caption': 'Les tomates du potager', 'action': 'save'},
         files=[('photos', 'tomates.jpg', exif_jpeg())], status=303)
    post = Post.get(Post.title == 'Le potager')
    album = Album.get((Album.classroom == scene.classroom) & (Album.title == 'Blog'))
    (photo,) = Photo.select().where(Photo.album == album)
    assert photo.original_name == 'tomates.jpg' and photo.uploaded_by_id == scene.people['teacher'].id
    assert photo.caption == 'Les tomates du potager'                  # the alt text asked for
    assert post.body_source == f'Nos tomates.\n\n![Les tomates du potager](photo:{photo.id})'
    store = photos.media_store()
    for digest in photo.digests():
        data = open(store.path(digest), 'rb').read()
        assert b'Telephone-De-Test' not in data and not Image.open(io.BytesIO(data)).getexif()
    shown = scene.client(demo_app, 'guardian').get(f'/blog/article/{post.id}').text
    assert f'<img src="/media/{photo.display}.jpg" alt="Les tomates du potager"' in shown
    # A second post with a photo: the same album; editing a post may add photos too.
    other = send(teacher, path, {'title': 'Le potager 2', 'body': '', 'visibility': 'public', 'when': 'now',
                                 'action': 'save'}, files=[('photos', 'radis.jpg', jpeg((10, 160, 40)))],
                 status=303)
    assert other.status_int == 303
    edit = f'/blog/article/{post.id}/modifier'
    send(teacher, edit, {'title': 'Le potager', 'body': post.body_source, 'visibility': 'families', 'when': 'now',
                         'action': 'save'}, files=[('photos', 'salade.jpg', jpeg((90, 200, 90)))], status=303)
    assert Album.select().where((Album.classroom == scene.classroom) & (Album.title == 'Blog')).count() == 1
    assert Photo.select().where(Photo.album == album).count() == 3
    salad = Photo.get((Photo.album == album) & (Photo.original_name == 'salade.jpg'))
    assert Post.get_by_id(post.id).body_source.endswith(f'![Le potager](photo:{salad.id})')   # no caption: the title
    assert AuditEvent.select().where(AuditEvent.action == 'photos.album_created',
                                     AuditEvent.target == f'album:{album.id}').count() == 1


@pytest.mark.parametrize('when', [{'visibility': 'class', 'when': 'now'},
                                  {'visibility': 'families', 'when': 'later', 'publish_date': '2099-06-01'}])
def test_photos_are_not_sent_with_a_post_families_may_not_read_now(scene, teacher, demo_app, when):
    """The « Blog » album shows its photos to families at once: not with a class-only post, nor
    one scheduled for later (the surprise would be out before the post)."""
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    counts, files = (Post.select().count(), Photo.select().count(), Album.select().count()), stored_files()
    page = send(teacher, path, {'title': 'La surprise', 'body': 'Pour la fête des mères.', 'action': 'save', **when},
                files=[('photos', 'cadeau.jpg', jpeg((200, 20, 90)))], status=200)
    assert 'vont tout de suite dans l’album « Blog », que les familles voient' in text(page)
    assert form_values(page) == ('La surprise', 'Pour la fête des mères.')
    assert (Post.select().count(), Photo.select().count(), Album.select().count()) == counts
    assert stored_files() == files
    send(teacher, path, {'title': 'La surprise', 'body': 'Pour la fête des mères.', 'action': 'save', **when},
         status=303)                                     # without the photos, the post goes as asked
    post = Post.get(Post.title == 'La surprise')
    edit = f'/blog/article/{post.id}/modifier'
    page = send(teacher, edit, {'title': 'La surprise', 'body': post.body_source, 'action': 'save', **when},
                files=[('photos', 'cadeau.jpg', jpeg((200, 20, 90)))], status=200)
    assert 'que les familles voient' in text(page) and Photo.select().count() == counts[1]


def test_a_corrupt_photo_is_refused_in_french_and_nothing_is_saved(scene, teacher):
    path = f'/blog/classe/{scene.classroom.id}/nouveau'
    counts = (Post.select().count(), Photo.select().count(), Album.select().count())
    files = stored_files()
    page = send(teacher, path, {'title': 'Kermesse', 'body': 'Le stand des crêpes.', 'visibility': 'public',
                                'when': 'now', 'action': 'save'},
                files=[('photos', 'bonne.jpg', jpeg((250, 10, 10))), ('photos', 'cassée.jpg', b'\xff\xd8\xff garbage')],
                status=200)
    assert '« cassée.jpg » :' in text(page) and 'bonne.jpg' not in re.sub(r'<input[^>]*>', '', text(page))
    assert form_values(page) == ('Kermesse', 'Le stand des crêpes.')
    assert (Post.select().count(), Photo.select().count(), Album.select().count()) == counts
    assert stored_files() == files                       # the good photo's renditions are gone too
    # A good photo with a post refused for another reason (no title): nothing stays either.
    send(teacher, path, {'title': '', 'body': 'x', 'action': 'save'},
         files=[('photos', 'bonne.jpg', jpeg((250, 10, 10)))], status=200)
    assert stored_files() == files and Photo.select().count() == counts[1]


def test_a_save_that_fails_leaves_no_photo_row_nor_file(scene, monkeypatch):
    files, count = stored_files(), Photo.select().count()

    def broken(*args, **kwargs):
        raise RuntimeError('disk full')
    monkeypatch.setattr(posting.markup, 'render_markdown', broken)
    with pytest.raises(RuntimeError):
        posting.create_post(scene.people['teacher'], scene.classroom.id, {'title': 'Panne', 'body': 'x'},
                            photo_uploads=[('p.jpg', io.BytesIO(jpeg((5, 99, 5))))])
    assert stored_files() == files and Photo.select().count() == count
    assert not Album.select().where(Album.title == picker.BLOG_ALBUM).exists()


def test_the_editor_form_carries_the_picker_script_and_no_inline_code(scene, teacher):
    page = teacher.get(f'/blog/classe/{scene.classroom.id}/nouveau')
    assert f'<script src="{static("blog/editor.js")}' in page.text and 'style="' not in page.text
    assert csrf_of(page)


def test_the_preview_shows_the_photos_a_post_may_show_and_only_those(scene, teacher):
    body = f'![Au parc](photo:{scene.open.id})\n\n![Le toboggan](photo:{scene.refused.id})'
    page = send(teacher, f'/blog/classe/{scene.classroom.id}/nouveau',
                {'title': 'Essai', 'body': body, 'action': 'preview'}, status=200)
    preview = page.text.split('id="h-preview"')[1].split('</section>')[0]
    assert f'<img src="/media/{scene.open.display}.jpg" alt="Au parc">' in preview
    assert scene.refused.display not in preview and 'Le toboggan' in preview    # its text only


def test_the_picker_lists_the_newest_photos_up_to_its_limit(scene):
    newer = photos.create_album(scene.people['teacher'], scene.classroom.id, 'Plus récent')
    photos.add_photos(scene.people['teacher'], newer, [('n.jpg', io.BytesIO(jpeg((1, 1, 250))))])
    everything = picker.picker_albums(scene.classroom.id, limit=1000)
    assert not everything.more and everything[0][0].id == newer.id
    shown = picker.picker_albums(scene.classroom.id, limit=1)
    assert shown.more and [(album.id, len(items)) for album, items in shown] == [(newer.id, 1)]


def test_a_description_too_long_for_the_photos_keeps_the_form_and_saves_nothing(scene, teacher):
    files, count = stored_files(), Photo.select().count()
    page = send(teacher, f'/blog/classe/{scene.classroom.id}/nouveau',
                {'title': 'Potager', 'body': 'Texte.', 'photo_caption': 'x' * 501, 'action': 'save'},
                files=[('photos', 'p.jpg', jpeg((3, 3, 3)))], status=200)
    assert 'La description est trop longue (500 caractères au plus).' in text(page)
    assert form_values(page) == ('Potager', 'Texte.')
    assert stored_files() == files and Photo.select().count() == count


def test_the_picker_without_javascript_works_when_editing_a_post(scene, teacher):
    post = posting.create_post(scene.people['teacher'], scene.classroom.id,
                               {'title': 'Déjà là', 'body': 'Premier jet.', 'visibility': 'class'})
    path = f'/blog/article/{post.id}/modifier'
    assert f'id="f-pick-{scene.open.id}"' in teacher.get(path).text
    page = send(teacher, path, {'title': 'Déjà là', 'body': 'Premier jet.', 'visibility': 'class', 'when': 'now',
                                'action': 'insert', 'pick': str(scene.open.id)}, status=200)
    assert form_values(page) == ('Déjà là', f'Premier jet.\n\n![Au parc](photo:{scene.open.id})')
    assert 'value="class" checked' in page.text
    assert Post.get_by_id(post.id).body_source == 'Premier jet.'                  # saved only on « Enregistrer »


def test_photos_ticked_then_published_without_insert_are_in_the_post(scene, teacher):
    send(teacher, f'/blog/classe/{scene.classroom.id}/nouveau',
         {'title': 'Cochées', 'body': 'Texte.', 'visibility': 'class', 'when': 'now', 'action': 'save',
          'pick': str(scene.open.id)}, status=303)
    assert Post.get(Post.title == 'Cochées').body_source == f'Texte.\n\n![Au parc](photo:{scene.open.id})'
