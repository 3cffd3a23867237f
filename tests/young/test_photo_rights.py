"""A young pupil's own camera photo carries no pupil tags for the image-rights rule to read: the
teacher publishes its post only after confirming, on the moderation page, that none of the class's
pupils whose image rights keep their photos from families is on it (blog/moderation.py); never in a
batch; a post without such a photo, or a class without such pupils, publishes as before."""
import io

from ecole_ent.accounts.service import pupils_of
from ecole_ent.models import Post, User
from ecole_ent.young import service
from tests.blog.conftest import send, text
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
