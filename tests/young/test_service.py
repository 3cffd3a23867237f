"""Who is a young pupil (their own niveau in YOUNG_NIVEAUX, this year), and the simple post: it goes
through the blog's posting, waits for the teacher, keeps a clean photo and the voice as attachments;
every bad input is refused with a French message and nothing stored."""
import io
import os

import pytest
from PIL import Image

from ecole_ent import db
from ecole_ent.blog import service as blog
from ecole_ent.errors import Forbidden, ValidationError
from ecole_ent.media import files
from ecole_ent.models import Enrolment, Post
from ecole_ent.models.blog import Attachment
from ecole_ent.young import service
from tests.young.conftest import FILM, VOICE, camera_jpeg


def stored_files():
    root = blog.settings().media_dir
    return sorted(p for p in (os.path.join(d, f) for d, _s, fs in os.walk(root) for f in fs))


def test_a_cp_pupil_is_young_a_ce1_pupil_of_the_same_class_is_not(people):
    assert service.young_class(people.young) == people.cp
    assert service.young_class(people.older) is None
    assert service.young_class(people.teacher) is None and service.young_class(people.guardian_of_young) is None
    assert service.young_class(None) is None


def test_the_rule_follows_the_pupils_current_enrolment(people):
    Enrolment.update(niveau='CE1').where(Enrolment.pupil == people.young).execute()
    vars(people.young).pop('young_classroom', None)      # forget the one kept on the object
    assert service.young_class(people.young) is None
    assert service.young_class(people.older) is None


def test_a_voice_photo_and_words_make_a_post_waiting_for_the_teacher(people):
    post = service.send_post(people.young, people.cp.id, '  Le  *chat*  de la classe ',
                             [('IMG_0001.jpg', io.BytesIO(camera_jpeg()))], [('voix.webm', io.BytesIO(VOICE))])
    post = Post.get_by_id(post.id)
    assert post.status == 'pending' and post.author_id == people.young.id
    assert post.title == 'Le *chat* de la classe' and '<em>' not in post.body_html and '*chat*' in post.body_html
    kinds = {a.kind: a for a in Attachment.select().where(Attachment.post == post)}
    assert set(kinds) == {'jpg', 'webm'}
    with open(files.path_of(blog.settings().media_dir, kinds['webm'].sha256, 'webm'), 'rb') as voice:
        assert voice.read() == VOICE
    photo = Image.open(files.path_of(blog.settings().media_dir, kinds['jpg'].sha256, 'jpg'))
    assert photo.format == 'JPEG' and max(photo.size) <= 1600 and 0x010E not in photo.getexif()


def test_a_voice_alone_is_titled_with_the_pupils_first_name(people):
    post = service.send_post(people.young, people.cp.id, '', [], [('voix.webm', io.BytesIO(VOICE))])
    assert post.title == f'La voix de {people.young.first_name}' and post.status == 'pending'


@pytest.mark.parametrize('words, photos, voices, field, message', [
    ('', [], [], 'words', 'Prends une photo, enregistre ta voix ou écris quelques mots.'),
    ('   ', [('', io.BytesIO())], [('', io.BytesIO())], 'words', 'Prends une photo'),
    ('Bonjour', [('photo.jpg', io.BytesIO(b'\xff\xd8\xff\xe0 pas une photo'))], [], 'photo',
     'La photo n’a pas pu être lue'),
    ('Bonjour', [], [('voix.webm', io.BytesIO(FILM))], 'voice', 'Ce fichier n’est pas un enregistrement de voix.'),
    ('Bonjour', [], [('voix.webm', io.BytesIO(b'%PDF-1.4 ...'))], 'voice', 'pas un enregistrement de voix'),
    ('Bonjour', [], [('voix.webm', io.BytesIO(b''))], 'voice', 'L’enregistrement est vide'),
    ('x' * 501, [], [], 'words', 'C’est trop long'),
])
def test_bad_input_is_refused_in_french_and_nothing_is_stored(people, words, photos, voices, field, message):
    before, on_disk = Post.select().count(), stored_files()
    with pytest.raises(ValidationError) as refused:
        service.send_post(people.young, people.cp.id, words, photos, voices)
    assert message in refused.value.errors[field]
    assert Post.select().count() == before and stored_files() == on_disk


def test_a_too_long_recording_is_refused_by_its_size(people, set_option):
    set_option('young.voice_max_kb', 1)
    with pytest.raises(ValidationError) as refused:
        service.send_post(people.young, people.cp.id, 'Bonjour', [], [('voix.webm', io.BytesIO(VOICE))])
    assert refused.value.errors == {'voice': 'L’enregistrement est trop long : 60 secondes au plus.'}


def test_a_good_voice_with_a_broken_photo_stores_nothing(people):
    on_disk = stored_files()
    with pytest.raises(ValidationError) as refused:
        service.send_post(people.young, people.cp.id, '', [('photo.jpg', io.BytesIO(camera_jpeg()[:300]))],
                          [('voix.webm', io.BytesIO(VOICE))])
    assert set(refused.value.errors) == {'photo'} and stored_files() == on_disk


def test_only_the_pupils_of_the_class_write_here(people):
    for who in (people.teacher, people.director, people.guardian_of_young, people.staff, people.other_pupil):
        with pytest.raises(Forbidden):
            service.send_post(who, people.cp.id, 'Bonjour')
    assert Post.select().where(Post.title == 'Bonjour').count() == 0


class Spied(io.BytesIO):
    """An upload that notes whether a database transaction is open whenever it is read."""

    def __init__(self, data, seen, name):
        super().__init__(data)
        self.seen, self.name = seen, name

    def read(self, *args):
        self.seen.append((self.name, db.database.in_transaction()))
        return super().read(*args)


def test_the_photo_and_the_voice_are_read_and_stored_before_the_posts_write_transaction(people, monkeypatch):
    """Decoding the photo, reading the voice and writing both to disk take time: none of it may hold
    the database's write lock (db.writing()), which every other request's write waits for."""
    seen = []
    process, store = service.process_image, files.store
    monkeypatch.setattr(service, 'process_image', lambda *args: seen.append(
        ('decode', db.database.in_transaction())) or process(*args))
    monkeypatch.setattr(files, 'store', lambda *args, **kwargs: seen.append(
        ('store', db.database.in_transaction())) or store(*args, **kwargs))
    post = service.send_post(people.young, people.cp.id, 'Le potager',
                             [('IMG_1.jpg', Spied(camera_jpeg(), seen, 'photo'))],
                             [('voix.webm', Spied(VOICE, seen, 'voice'))])
    assert Attachment.select().where(Attachment.post == post).count() == 2
    assert {what for what, _open in seen} == {'decode', 'photo', 'voice', 'store'}
    assert [what for what, open_ in seen if open_] == []


def test_a_photo_heavier_than_the_photos_limit_is_refused_in_french(people, set_option):
    set_option('photos.max_upload_mb', 1)
    noise = io.BytesIO()
    Image.frombytes('RGB', (1200, 900), os.urandom(1200 * 900 * 3)).save(noise, 'JPEG', quality=95)
    assert len(noise.getvalue()) > 2**20
    before, on_disk = Post.select().count(), stored_files()
    with pytest.raises(ValidationError) as refused:
        service.send_post(people.young, people.cp.id, 'Bonjour', [('photo.jpg', io.BytesIO(noise.getvalue()))])
    assert refused.value.errors == {'photo': 'La photo est trop lourde : reprends une photo.'}
    assert Post.select().count() == before and stored_files() == on_disk
