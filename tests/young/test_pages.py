"""What a young pupil meets after the UX review: a refused post under its own heading with the
teacher's reason and « Recommencer » (never the adult editor); the teacher's album photos on the blog
cards, under the image-rights rule the post page applies to a pupil; the error's sad face (not the
recorder's Stop); the homework page without the families' calendar address; the home's tiles by
their routes."""
import io
import re

from ecole_ent.blog import markup, posting
from ecole_ent.models import Post, User
from ecole_ent.photos import service as photos
from ecole_ent.web.render import static
from tests.blog.conftest import send, text
from tests.conftest import jpeg


def test_the_writing_error_shows_a_sad_face_not_the_stop_square(people, signed_in):
    page = send(signed_in(people.young), f'/petits/classe/{people.cp.id}/ecrire', {'words': ''}).text
    errors = page.split('id="young-errors"')[1].split('</div>')[0]
    assert static('pictos/triste.svg') in errors and static('pictos/stop.svg') not in errors


def test_a_young_pupils_homework_has_no_calendar_address(people, signed_in):
    assert 'Les devoirs dans votre agenda' not in text(signed_in(people.young).get('/devoirs'))
    assert 'Les devoirs dans votre agenda' in text(signed_in(people.older).get('/devoirs'))


def test_the_home_tiles_lead_to_photos_and_homework(people, signed_in):
    tiles = signed_in(people.young).get('/').text.split('class="young-tiles"')[1].split('</ul>')[0]
    assert 'href="/photos"' in tiles and 'href="/devoirs"' in tiles


def card_of(page, title):
    """The HTML of the young blog card titled `title`."""
    return next(card for card in page.split('<li class="young-card') if f'>{title}<' in card)


def teacher_post(scene, title, body):
    """A live post of the class naming album photos, as saved before any consent changed (saving
    refuses a photo some readers could not see: the rule at view time is what is checked)."""
    saved = posting.create_post(scene.people['teacher'], scene.classroom.id,
                                {'title': title, 'body': 'Texte.', 'visibility': 'class'})
    Post.update(body_source=body, body_html=markup.render_markdown(body)).where(Post.id == saved.id).execute()
    assert Post.get_by_id(saved.id).status == 'published'


def test_the_cards_show_the_first_album_photo_the_pupil_may_see(scene, people, signed_in):
    """The post page's rule for a pupil: no photo on which a pupil without image rights is tagged."""
    teacher_post(scene, 'Au parc', f'![](photo:{scene.refused.id})\n\n![Le parc](photo:{scene.open.id})')
    teacher_post(scene, 'Les jeux', f'![](photo:{scene.refused.id}) ![](photo:{scene.unknown.id})')
    page = signed_in(people.young).get(f'/petits/classe/{people.cp.id}/blog').text
    park, games = card_of(page, 'Au parc'), card_of(page, 'Les jeux')
    assert re.search(rf'<img class="young-card-photo" src="/media/{scene.open.display}.jpg" alt="Le parc"', park)
    assert scene.refused.display not in page and scene.unknown.display not in page and 'young-card-photo' not in games
    # The same rule as the post page the card opens.
    post_page = signed_in(people.young).get(f'/blog/article/{Post.get(Post.title == "Au parc").id}').text
    assert scene.open.display in post_page and scene.refused.display not in post_page
    # Consent given: the photo shows at once.
    User.update(image_rights='granted').where(User.id == scene.pupils['refused'].id).execute()
    page = signed_in(people.young).get(f'/petits/classe/{people.cp.id}/blog').text
    assert f'src="/media/{scene.refused.display}.jpg"' in card_of(page, 'Au parc')


def test_a_photo_of_another_class_never_shows_on_the_cards(scene, people, signed_in):
    director = scene.people['director']             # teaches CE2-CM1-CM2
    album = photos.create_album(director, scene.other_class.id, 'Ailleurs')
    (elsewhere,), _refused = photos.add_photos(director, album, [('a.jpg', io.BytesIO(jpeg((90, 90, 90))))])
    teacher_post(scene, 'Emprunt', f'![](photo:{elsewhere.id})')
    page = signed_in(people.young).get(f'/petits/classe/{people.cp.id}/blog').text
    assert 'young-card-photo' not in card_of(page, 'Emprunt') and elsewhere.display not in page


def test_a_refused_post_shows_the_reason_and_a_way_to_start_again_not_the_editor(people, signed_in):
    young, teacher = signed_in(people.young), signed_in(people.teacher)
    send(young, f'/petits/classe/{people.cp.id}/ecrire', {'words': 'Mon chat dort'})
    send(young, f'/petits/classe/{people.cp.id}/ecrire', {'words': 'Le goûter'})
    refused, waiting = Post.get(Post.title == 'Mon chat dort'), Post.get(Post.title == 'Le goûter')
    send(teacher, f'/blog/article/{refused.id}/refuser', {'back': '/', 'reason': 'Ajoute une photo de ton chat.'})
    assert Post.get_by_id(refused.id).status == 'rejected'

    page = young.get(f'/petits/classe/{people.cp.id}/blog').text
    again, waits = page.split('id="h-refused"')[1].split('id="h-mine"')
    assert 'À refaire' in text(young.get(f'/petits/classe/{people.cp.id}/blog'))
    assert 'Mon chat dort' in again and 'Ajoute une photo de ton chat.' in again and 'Recommencer' in again
    assert f'href="/petits/classe/{people.cp.id}/ecrire"' in again and static('pictos/triste.svg') in page
    assert 'Mon chat dort' not in waits and 'Le goûter' in waits and 'Refusé' not in page
    for post in (refused, waiting):         # the adult editor is not offered to a young pupil
        assert f'/blog/article/{post.id}/modifier' not in young.get(f'/blog/article/{post.id}').text


def test_an_older_pupil_still_edits_their_waiting_post(people, signed_in):
    older = signed_in(people.older)
    send(older, f'/petits/classe/{people.cp.id}/ecrire', {'words': 'La piscine'})
    post = Post.get(Post.title == 'La piscine')
    assert f'/blog/article/{post.id}/modifier' in older.get(f'/blog/article/{post.id}').text


def test_a_post_read_from_the_young_blog_leads_back_to_it_and_speaks_to_the_pupil(people, signed_in):
    post = Post.select().where((Post.classroom == people.cp) & (Post.status == 'published')).first()
    young = text(signed_in(people.young).get(f'/blog/article/{post.id}'))
    assert f'href="/petits/classe/{people.cp.id}/blog"' in young and 'Mon commentaire' in young
    assert 'Votre commentaire' not in young
    older = text(signed_in(people.older).get(f'/blog/article/{post.id}'))
    assert f'href="/blog/classe/{people.cp.id}"' in older and 'Votre commentaire' in older
