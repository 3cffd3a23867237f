"""The demo school's young pupils' space is lived in: zoe.dubois (the README's pupil, in the
maternelle) finds a classmate's post with a photo of the class's album on her young blog, and the
class's teacher finds another young pupil's words waiting for her."""
from ecole_ent.models import Photo, Post, User
from ecole_ent.young import demo as young_demo
from tests.blog.conftest import text


def test_zoe_sees_a_classmates_picture_card_and_the_teacher_has_words_to_moderate(demo, signed_in):
    zoe, teacher = User.get(User.login == 'zoe.dubois'), User.get(User.login == 'claire.fontaine')
    carnival, waiting = Post.get(Post.title == young_demo.CARNIVAL), Post.get(Post.title == young_demo.WAITING)
    assert carnival.status == 'published' and waiting.status == 'pending'
    assert {carnival.classroom_id, waiting.classroom_id} == {zoe.enrolments[0].classroom_id}
    assert zoe.id not in (carnival.author_id, waiting.author_id) and carnival.author_id != waiting.author_id
    blog = signed_in(zoe).get(f'/petits/classe/{carnival.classroom_id}/blog').text
    photo = Photo.get_by_id(int(carnival.body_source.split('photo:')[1].rstrip(')')))
    assert young_demo.CARNIVAL in blog and f'src="/media/{photo.display}.jpg"' in blog
    queue = text(signed_in(teacher).get(f'/blog/classe/{waiting.classroom_id}/moderation'))
    assert young_demo.WAITING in queue
