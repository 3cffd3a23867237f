"""What a young pupil meets after the UX review: a refused post under its own heading with the
teacher's reason and « Recommencer » (never the adult editor); the teacher's album photos on the blog
cards, under the image-rights rule the post page applies to a pupil; the error's sad face (not the
recorder's Stop); the homework page without the families' calendar address; the home's tiles by
their routes."""
from tests.blog.conftest import send


def test_the_writing_error_shows_a_sad_face_not_the_stop_square(people, signed_in):
    page = send(signed_in(people.young), f'/petits/classe/{people.cp.id}/ecrire', {'words': ''}).text
    errors = page.split('id="young-errors"')[1].split('</div>')[0]
    assert 'pictos/triste.svg' in errors and 'pictos/stop.svg' not in errors
