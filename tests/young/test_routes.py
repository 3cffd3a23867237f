"""The young pupils' pages through the app: who may reach each route (every role of the demo
school), the picture home and menu (sign-out last) for a CP pupil and not for a CE1 pupil, and the
writing form with good and bad input (French errors, the words kept, nothing half-saved, no 500).
Another school: test_isolation.py."""
import re

import pytest

from ecole_ent.models import Post
from ecole_ent.models.blog import Attachment
from ecole_ent.web.render import static
from tests.blog.conftest import send, text
from tests.conftest import declared_routes, redirected_to
from tests.young.conftest import FILM, VOICE, camera_jpeg

WHO = ('young', 'older', 'other_pupil', 'teacher', 'director', 'admin', 'guardian', 'staff')
MATRIX = {
    ('GET', '/petits/classe/{cls}/blog'): (200, 200, 403, 403, 403, 403, 403, 403),
    ('GET', '/petits/classe/{cls}/ecrire'): (200, 200, 403, 403, 403, 403, 403, 403),
    ('POST', '/petits/classe/{cls}/ecrire'): (303, 303, 403, 403, 403, 403, 403, 403),
}


@pytest.fixture
def who(people):
    from ecole_ent.models import User
    people.admin = User.get(User.login == 'admin')
    return {'young': people.young, 'older': people.older, 'other_pupil': people.other_pupil,
            'teacher': people.teacher, 'director': people.director, 'admin': people.admin,
            'guardian': people.guardian_of_young, 'staff': people.staff}


def test_every_young_route_is_in_the_matrix(demo_app):
    declared = declared_routes(demo_app, 'young.')
    assert declared == {(m, p.replace('{cls}', '{class_id}')) for m, p in MATRIX}


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_young_route(people, who, signed_in, method, path):
    address = path.format(cls=people.cp.id)
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = signed_in(who[role])
        before = Post.select().count()
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            response = send(client, address, {'words': f'Bonjour de {role}'}, status='*')
        assert response.status_int == expected, (role, method, address, response.status_int)
        assert Post.select().count() == before + (1 if expected == 303 else 0)
        if expected == 303:
            assert redirected_to(response) == f'/petits/classe/{people.cp.id}/blog'


def test_a_young_pupils_home_and_menu_are_pictures_with_sign_out_last(people, signed_in):
    page = signed_in(people.young).get('/')
    body = page.text
    assert static('young/young.css') in body and 'class="young-tiles"' in body
    assert 'Se déconnecter' not in body and 'J’écris un article' not in body
    nav = body[body.index('class="young-nav"'):body.index('</nav>', body.index('class="young-nav"'))]
    words = re.findall(r'<span>([^<]+)</span>', nav)
    assert words == ['Accueil', 'Blog', 'Écrire', 'Sortir']
    assert nav.rindex(static('pictos/sortir.svg')) > nav.rindex(static('pictos/ecrire.svg'))
    assert 'method="post"' in nav.split(static('pictos/ecrire.svg'))[1]
    for picto in ('blog', 'ecrire', 'photos', 'devoirs'):
        assert static(f'pictos/{picto}.svg') in body


def test_an_older_pupil_keeps_the_usual_home(people, signed_in):
    body = signed_in(people.older).get('/').text
    assert 'young-tiles' not in body and 'young-nav' not in body and 'Se déconnecter' in body


def test_the_sign_out_picture_signs_out(people, signed_in):
    client = signed_in(people.young)
    page = client.get('/')
    form = next(f for f in page.forms.values() if 'young-nav-link' in str(f.html))
    form.submit()
    assert client.get('/', expect_errors=True).status_int == 303


def test_the_writing_page_has_no_markup_help_and_a_camera(people, signed_in):
    body = signed_in(people.young).get(f'/petits/classe/{people.cp.id}/ecrire').text
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert '**gras**' not in body and 'photo:' not in body
    assert 'il faut JavaScript' in body and static('young/record.js') in body


def test_a_post_with_voice_and_photo_reaches_the_moderation_queue(people, signed_in):
    client = signed_in(people.young)
    response = send(client, f'/petits/classe/{people.cp.id}/ecrire', {'words': 'Notre potager'},
                    files=[('photo', 'IMG_1.jpg', camera_jpeg()), ('voice', 'voix.webm', VOICE)])
    assert redirected_to(response) == f'/petits/classe/{people.cp.id}/blog'
    post = Post.get(Post.title == 'Notre potager')
    assert post.status == 'pending'
    assert 'C’est envoyé' in text(client.get(f'/petits/classe/{people.cp.id}/blog'))
    queue = signed_in(people.teacher).get(f'/blog/classe/{people.cp.id}/moderation').text
    ids = [a.id for a in Attachment.select().where(Attachment.post == post).order_by(Attachment.kind)]
    assert 'Notre potager' in queue and all(f'/blog/fichier/{i}' in queue for i in ids) and '<audio' in queue
    teacher = signed_in(people.teacher)
    voice = next(a for a in Attachment.select().where(Attachment.post == post) if a.kind == 'webm')
    served = teacher.get(f'/blog/fichier/{voice.id}')
    assert served.content_type == 'audio/webm' and served.body == VOICE
    assert signed_in(people.guardian_of_young).get(f'/blog/fichier/{voice.id}', expect_errors=True).status_int == 404


@pytest.mark.parametrize('fields, files, message', [
    ({'words': ''}, [], 'Prends une photo, enregistre ta voix ou écris quelques mots.'),
    ({'words': 'Mon dessin'}, [('voice', 'voix.webm', FILM)], 'Ce fichier n’est pas un enregistrement de voix.'),
    ({'words': 'Mon dessin'}, [('photo', 'photo.jpg', b'\xff\xd8\xff\xe0 abimee')], 'La photo n’a pas pu être lue'),
    ({'words': 'Mon dessin'}, [('photo', 'photo.jpg', camera_jpeg()[:400])], 'La photo n’a pas pu être lue'),
])
def test_a_bad_post_comes_back_with_a_french_error_and_the_words(people, signed_in, fields, files, message):
    before = Post.select().count()
    page = send(signed_in(people.young), f'/petits/classe/{people.cp.id}/ecrire', fields, files=files)
    assert page.status_int == 200 and Post.select().count() == before
    body = text(page)
    assert message in body and 'young-errors' in body
    if fields['words']:
        assert f'>{fields["words"]}</textarea>' in body


def test_the_young_blog_shows_photos_and_voices_of_published_posts_and_mine_waiting(people, signed_in):
    client = signed_in(people.young)
    send(client, f'/petits/classe/{people.cp.id}/ecrire', {'words': 'Le loto'},
         files=[('voice', 'voix.webm', VOICE), ('photo', 'p.jpg', camera_jpeg())])
    post = Post.get(Post.title == 'Le loto')
    body = text(client.get(f'/petits/classe/{people.cp.id}/blog'))
    assert 'J’attends' in body and 'Le loto' in body and '<audio' not in body.split('J’attends')[0]
    teacher = signed_in(people.teacher)
    send(teacher, f'/blog/article/{post.id}/valider', {'back': '/', 'photo_checked': 'oui'})
    assert Post.get_by_id(post.id).status == 'published'
    body = client.get(f'/petits/classe/{people.cp.id}/blog').text
    photo, voice = (Attachment.get((Attachment.post == post) & (Attachment.kind == k)) for k in ('jpg', 'webm'))
    assert f'src="/blog/fichier/{photo.id}"' in body and f'src="/blog/fichier/{voice.id}"' in body
    assert static('pictos/lire.svg') in body
    shown = client.get(f'/blog/article/{post.id}').text
    assert f'/blog/fichier/{photo.id}' in shown and 'Photo envoyée avec l’article' in shown


@pytest.mark.parametrize('class_id, status', [('999999', 403), (str(2**64), 404)])
def test_a_class_that_does_not_exist_is_refused_as_the_blog_refuses_it(people, signed_in, class_id, status):
    """403 like /blog/classe/<id> (saying nothing of whether it exists); 404 past what a database holds."""
    client = signed_in(people.young)
    assert client.get(f'/blog/classe/{class_id}', expect_errors=True).status_int == status
    for path in ('blog', 'ecrire'):
        assert client.get(f'/petits/classe/{class_id}/{path}', expect_errors=True).status_int == status
    assert send(client, f'/petits/classe/{class_id}/ecrire', {'words': 'Bonjour'}, status='*').status_int == status
