"""A young pupil's own camera photo carries no pupil tags for the image-rights rule to read: the
teacher publishes its post only after confirming, on the moderation page, that none of the class's
pupils whose image rights keep their photos from families is on it (blog/moderation.py); never in a
batch; a post without such a photo, or a class without such pupils, publishes as before."""
import io

from ecole_ent.accounts.service import pupils_of
from ecole_ent.models import Post, User
from ecole_ent.young import service
from tests.blog.conftest import send, text
from tests.statements import Counted
from tests.young.conftest import VOICE, camera_jpeg


def young_post(people, photo=True):
    photos = [('IMG_0002.jpg', io.BytesIO(camera_jpeg()))] if photo else []
    return service.send_post(people.young, people.cp.id, 'La récréation', photos, [('voix.webm', io.BytesIO(VOICE))])


def restrict_one(people):
    """The class's first other pupil refuses image rights (every other one agrees): their name."""
    others = [p for p in pupils_of(people.cp) if p.id != people.young.id]
    User.update(image_rights='accepted').where(User.id.in_([p.id for p in others])).execute()
    User.update(image_rights='refused').where(User.id == others[0].id).execute()
    return others[0].display_name


def test_the_teacher_confirms_who_is_not_on_the_photo_before_it_is_published(people, signed_in):
    name = restrict_one(people)
    post = young_post(people)
    teacher = signed_in(people.teacher)
    queue = text(teacher.get(f'/blog/classe/{people.cp.id}/moderation'))
    assert 'aucun de ces élèves sans accord de droit à l’image n’y figure' in queue and name in queue
    refused = send(teacher, f'/blog/article/{post.id}/valider', {'back': f'/blog/classe/{people.cp.id}/moderation'})
    assert 'regardez sa photo et cochez la case' in text(refused.follow())
    assert Post.get_by_id(post.id).status == 'pending'
    send(teacher, f'/blog/article/{post.id}/valider', {'photo_checked': 'oui'})
    assert Post.get_by_id(post.id).status == 'published'


def test_a_batch_never_publishes_a_pupils_photo(people, signed_in):
    restrict_one(people)
    with_photo, without = young_post(people), young_post(people, photo=False)
    teacher = signed_in(people.teacher)
    page = send(teacher, f'/blog/classe/{people.cp.id}/moderation',
                {'post': [str(with_photo.id), str(without.id)], 'action': 'publish'}, status=200)
    assert 'Rien n’a été publié' in text(page) and '« La récréation »' in text(page)
    assert {Post.get_by_id(p.id).status for p in (with_photo, without)} == {'pending'}


def test_without_a_photo_or_without_restricted_pupils_nothing_more_is_asked(people, signed_in):
    restrict_one(people)
    plain = young_post(people, photo=False)
    teacher = signed_in(people.teacher)
    send(teacher, f'/blog/article/{plain.id}/valider', {})
    assert Post.get_by_id(plain.id).status == 'published'
    User.update(image_rights='accepted').where(User.roles == 'pupil').execute()
    photo = young_post(people)
    assert 'photo_checked' not in teacher.get(f'/blog/classe/{people.cp.id}/moderation').text
    send(teacher, f'/blog/article/{photo.id}/valider', {})
    assert Post.get_by_id(photo.id).status == 'published'


def test_a_pupils_camera_photo_never_leaves_the_class_even_in_a_public_post(people, signed_in, demo_app):
    """Once published and made public, the post's words and voice are on the school's public page
    and feed; its camera photo is not, and its public address answers 404 (a consent refused later
    could not hide it there). The file's name carries no first name."""
    from ecole_ent.models.blog import Attachment
    from tests.blog.conftest import UAI
    from tests.conftest import Client
    restrict_one(people)
    post = young_post(people)
    send(signed_in(people.teacher), f'/blog/article/{post.id}/valider', {'photo_checked': 'oui'})
    Post.update(visibility='public').where(Post.id == post.id).execute()
    photo, voice = (Attachment.get((Attachment.post == post.id) & (Attachment.kind == kind))
                    for kind in ('jpg', 'webm'))
    assert photo.name == 'photo.jpg'
    anyone = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    page = anyone.get(f'/public/{UAI}/article/{post.id}').text
    feed = anyone.get(f'/public/{UAI}/atom.xml').text
    assert f'/public/{UAI}/fichier/{voice.id}' in page and f'/public/{UAI}/fichier/{voice.id}' in feed
    assert f'/fichier/{photo.id}' not in page and f'/fichier/{photo.id}' not in feed and 'image/jpeg' not in feed
    assert anyone.get(f'/public/{UAI}/fichier/{photo.id}', expect_errors=True).status_int == 404
    assert anyone.get(f'/public/{UAI}/fichier/{voice.id}').content_type.startswith('audio/')
    guardian = signed_in(people.guardian_of_young)
    assert guardian.get(f'/blog/fichier/{photo.id}').content_type == 'image/jpeg'     # the class's families do


def test_only_the_writing_page_may_use_the_microphone(people, signed_in):
    pupil = signed_in(people.young)
    write = pupil.get(f'/petits/classe/{people.cp.id}/ecrire')
    assert 'microphone=(self)' in write.headers['Permissions-Policy']
    for path in ('/', f'/petits/classe/{people.cp.id}/blog', '/connexion'):
        assert 'microphone=()' in pupil.get(path).headers['Permissions-Policy'], path


def test_the_moderation_page_runs_the_same_queries_for_one_or_four_posts_with_files(people, signed_in):
    """The waiting posts' attachments (their photo and voice shown, the photo check) come in one
    query for the whole queue (blog.reading.attach_files), not one per post."""
    restrict_one(people)
    young_post(people)
    teacher = signed_in(people.teacher)
    address = f'/blog/classe/{people.cp.id}/moderation'
    counts = []
    for more in (0, 3):
        for _ in range(more):
            young_post(people)
        teacher.get(address)                       # the SQL of each query built once
        with Counted() as counted:
            page = teacher.get(address)
        counts.append(counted.count)
        assert page.text.count('name="photo_checked"') == 1 + more and page.text.count('<audio') == 1 + more
    assert counts[0] == counts[1], counts


def test_a_batch_without_a_pupils_photo_does_not_read_the_class_in_its_write_transaction(people, monkeypatch):
    """Who may not be on a photo is read only for a batch holding one: a batch of plain posts keeps
    the write lock no longer than before the photo check existed."""
    from ecole_ent.blog import moderation
    plain = [young_post(people, photo=False) for _ in range(2)]
    read = []
    monkeypatch.setattr(moderation, '_restricted_names', lambda classroom: read.append(classroom) or ['x'])
    assert moderation.moderate_many(people.teacher, people.cp.id, [p.id for p in plain], [], 'published') == (2, 0)
    assert read == []
