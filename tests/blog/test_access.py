"""Authorization: people outside a class are refused every post, comment, attachment and action
of that class's blog; inside the class, each role gets only its rights. Anonymous visitors are
refused every route by the crawl of tests/test_route_access.py; here they see the public page."""
import pytest

from ecole_ent.blog import moderation, posting
from ecole_ent.models import Post
from ecole_ent.models.blog import Attachment, Comment
from tests.blog.conftest import PDF, UAI, send, text
from tests.conftest import Client, redirected_to

REFUSED = (403, 404)


@pytest.fixture
def cp_blog(people, config):
    """Every kind of thing on the CP-CE1 blog, each with an attachment and a comment."""
    import io
    made = []
    for title, visibility, author in [('Classe seule', 'class', people.teacher),
                                      ('Familles', 'families', people.teacher),
                                      ('Publique', 'public', people.teacher),
                                      ('Élève en attente', 'families', people.pupil)]:
        post = posting.create_post(author, people.cp.id, {'title': title, 'body': 'x',
                                                          'visibility': visibility},
                                   [(f'{title}.pdf', io.BytesIO(PDF + title.encode()))])
        if post.status == 'published':
            posting.add_comment(people.pupil, post.id, f'Commentaire sur {title}')
        made.append(post)
    made.append(posting.create_post(people.teacher, people.cp.id, {
        'title': 'Programmé', 'body': 'x', 'when': 'later', 'publish_date': '2099-01-01'}))
    return made


def everything(posts):
    """(method, path) of every read and action on these posts, comments and attachments."""
    routes = []
    for post in posts:
        routes += [('GET', f'/blog/article/{post.id}'), ('GET', f'/blog/article/{post.id}/modifier'),
                   ('POST', f'/blog/article/{post.id}/modifier'),
                   ('POST', f'/blog/article/{post.id}/commentaires'),
                   ('POST', f'/blog/article/{post.id}/valider'),
                   ('POST', f'/blog/article/{post.id}/refuser'),
                   ('POST', f'/blog/article/{post.id}/supprimer')]
        for attachment in Attachment.select().where(Attachment.post == post):
            routes.append(('GET', f'/blog/fichier/{attachment.id}'))
        for comment in Comment.select().where(Comment.post == post):
            routes += [('POST', f'/blog/commentaire/{comment.id}/valider'),
                       ('POST', f'/blog/commentaire/{comment.id}/refuser'),
                       ('POST', f'/blog/commentaire/{comment.id}/supprimer')]
    return routes


def class_routes(people):
    base = f'/blog/classe/{people.cp.id}'
    return [('GET', base), ('GET', base + '/nouveau'), ('POST', base + '/nouveau'),
            ('GET', base + '/moderation'), ('POST', base + '/moderation'), ('POST', base + '/reglages')]


def snapshot():
    return ([(p.id, p.title, p.status, p.publish_at) for p in Post.select().order_by(Post.id)],
            [(c.id, c.status, c.body) for c in Comment.select().order_by(Comment.id)],
            Attachment.select().count())


def attempt(client, method, path):
    fields = {'title': 'Piraté', 'body': 'Piraté', 'comment': 'Piraté', 'reason': 'Piraté',
              'comment_policy': 'immediate', 'visibility': 'public', 'action': 'publish',
              'post': [str(p.id) for p in Post.select()],
              'shown_post': [str(p.id) for p in Post.select()]}
    if method == 'GET':
        return client.get(path, expect_errors=True)
    return send(client, path, fields, status='*')


@pytest.mark.parametrize('outsider', ['other_pupil', 'other_guardian', 'other_teacher', 'staff'])
def test_people_of_other_classes_are_refused_everything(people, as_user, cp_blog, outsider):
    client = as_user(getattr(people, outsider))
    before = snapshot()
    for method, path in everything(cp_blog) + class_routes(people):
        response = attempt(client, method, path)
        assert response.status_int in REFUSED, (outsider, method, path, response.status)
        assert 'Piraté' not in response.text and 'Commentaire sur' not in response.text
    assert snapshot() == before


def test_anonymous_visitors_see_only_public_posts_on_the_public_page(people, demo_app, cp_blog):
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    public = next(p for p in cp_blog if p.title == 'Publique')
    for post in cp_blog:
        status = 200 if post is public else 404
        client.get(f'/public/{UAI}/article/{post.id}', status=status)
        for attachment in Attachment.select().where(Attachment.post == post):
            assert client.get(f'/public/{UAI}/fichier/{attachment.id}',
                              expect_errors=True).status_int == status
    page = client.get(f'/public/{UAI}/')
    assert 'Publique' in page.text and 'Familles' not in page.text and 'Classe seule' not in page.text
    assert "<h1>Le blog de l&#39;École des Mimosas</h1>" in page.text     # the article before the name
    assert 'Commentaire sur' not in client.get(f'/public/{UAI}/article/{public.id}').text
    client.get('/public/0000000X/', status=404)


def test_a_public_post_is_not_public_for_another_school(people, demo_app, cp_blog):
    from ecole_ent.accounts import service as accounts
    accounts.ensure_school('0069999Z', 'École du Port')
    public = next(p for p in cp_blog if p.title == 'Publique')
    Client(demo_app).get(f'/public/0069999Z/article/{public.id}', status=404)


def test_inside_the_class_each_role_gets_only_its_rights(people, as_user, cp_blog):
    by_title = {p.title: p for p in cp_blog}
    guardian, pupil2 = as_user(people.guardian), as_user(people.pupil2)
    assert 'Familles' in text(guardian.get(f'/blog/article/{by_title["Familles"].id}'))
    for title in ('Classe seule', 'Élève en attente', 'Programmé'):
        guardian.get(f'/blog/article/{by_title[title].id}', status=404)
    assert 'Classe seule' in text(pupil2.get(f'/blog/article/{by_title["Classe seule"].id}'))
    for title in ('Élève en attente', 'Programmé'):
        pupil2.get(f'/blog/article/{by_title[title].id}', status=404)
    pending = by_title['Élève en attente']
    for client in (guardian, pupil2, as_user(people.pupil)):
        send(client, f'/blog/article/{pending.id}/valider', {}, status=403)
        send(client, f'/blog/classe/{people.cp.id}/reglages', {'comment_policy': 'off'}, status=403)
        client.get(f'/blog/classe/{people.cp.id}/moderation', status=403)
    send(guardian, f'/blog/classe/{people.cp.id}/nouveau', {'title': 'Parent', 'body': 'x'}, status=403)
    guardian.get(f'/blog/classe/{people.cp.id}/nouveau', status=403)       # no form to fill in vain
    send(guardian, f'/blog/classe/{people.cp.id}/nouveau',
         {'title': 'Parent', 'body': 'x', 'action': 'preview'}, status=403)
    attachment = Attachment.get(Attachment.post == pending)
    guardian.get(f'/blog/fichier/{attachment.id}', status=404)
    served = as_user(people.pupil).get(f'/blog/fichier/{attachment.id}')     # its author
    assert served.content_type == 'application/pdf' and served.body == PDF + 'Élève en attente'.encode()
    assert Post.get_by_id(pending.id).status == 'pending'


def test_the_director_moderates_every_class_of_the_school(people, as_user, cp_blog):
    pending = next(p for p in cp_blog if p.status == 'pending')
    director = as_user(people.director)
    assert 'Élève en attente' in text(director.get(f'/blog/classe/{people.cp.id}/moderation'))
    approved = send(director, f'/blog/article/{pending.id}/valider', {'back': '/blog/'}, status=303)
    assert redirected_to(approved) == '/blog/'
    assert Post.get_by_id(pending.id).status == 'published'


def test_a_pupil_who_left_the_class_loses_access(people, as_user, cp_blog):
    from datetime import date

    from ecole_ent.models import Enrolment
    client = as_user(people.pupil2)
    familles = next(p for p in cp_blog if p.title == 'Familles')
    assert 'Familles' in text(client.get(f'/blog/article/{familles.id}'))
    Enrolment.update(ended_on=date.today()).where(Enrolment.pupil == people.pupil2).execute()
    client.get(f'/blog/article/{familles.id}', status=404)
    client.get(f'/blog/classe/{people.cp.id}', status=403)


def test_a_pupil_surname_never_reaches_the_public_page_nor_the_feed(people, demo_app, as_user, config):
    post = posting.create_post(people.pupil, people.cp.id, {'title': 'Notre potager', 'body': 'Des radis.'})
    posting.update_post(people.teacher, post.id, {'title': 'Notre potager', 'body': 'Des radis.',
                                                  'visibility': 'public', 'when': 'now'})
    moderation.approve_post(people.teacher, post.id)
    anonymous = Client(demo_app)
    pages = [anonymous.get(f'/public/{UAI}/'), anonymous.get(f'/public/{UAI}/article/{post.id}'),
             anonymous.get(f'/public/{UAI}/atom.xml')]
    for page in pages:
        assert 'Notre potager' in page.text and people.pupil.first_name in page.text
        assert people.pupil.last_name not in page.text, page.request.path
        assert people.teacher.last_name not in page.text               # adults are not named either
    assert 'Classe CP-CE1' in pages[1].text


def test_staff_of_a_class_read_its_blog_but_do_not_write(people, as_user, config):
    nursery = people.staff_class
    post = posting.create_post(people.other_teacher, nursery.id, {'title': 'Les bulbes', 'body': 'x',
                                                                  'visibility': 'class'})
    staff = as_user(people.staff)
    assert 'Les bulbes' in text(staff.get(f'/blog/article/{post.id}'))
    page = staff.get(f'/blog/classe/{nursery.id}')
    assert 'Les bulbes' in page.text and 'Publier un article' not in page.text
    send(staff, f'/blog/classe/{nursery.id}/nouveau', {'title': 'ATSEM', 'body': 'x'}, status=403)
    staff.get(f'/blog/classe/{nursery.id}/nouveau', status=403)
    send(staff, f'/blog/article/{post.id}/commentaires', {'comment': 'Bravo'}, status=403)
    send(staff, f'/blog/article/{post.id}/valider', {}, status=403)
