"""What a young pupil meets after the UX review: a refused post under its own heading with the
teacher's reason and « Recommencer » (never the adult editor); the teacher's album photos on the blog
cards, under the image-rights rule the post page applies to a pupil; the error's sad face (not the
recorder's Stop); the homework page without the families' calendar address; the home's tiles by
their routes."""
from tests.blog.conftest import send, text


def test_the_writing_error_shows_a_sad_face_not_the_stop_square(people, signed_in):
    page = send(signed_in(people.young), f'/petits/classe/{people.cp.id}/ecrire', {'words': ''}).text
    errors = page.split('id="young-errors"')[1].split('</div>')[0]
    assert 'pictos/triste.svg' in errors and 'pictos/stop.svg' not in errors


def test_a_young_pupils_homework_has_no_calendar_address(people, signed_in):
    assert 'Les devoirs dans votre agenda' not in text(signed_in(people.young).get('/devoirs'))
    assert 'Les devoirs dans votre agenda' in text(signed_in(people.older).get('/devoirs'))


def test_the_home_tiles_lead_to_photos_and_homework(people, signed_in):
    tiles = signed_in(people.young).get('/').text.split('class="young-tiles"')[1].split('</ul>')[0]
    assert 'href="/photos"' in tiles and 'href="/devoirs"' in tiles
