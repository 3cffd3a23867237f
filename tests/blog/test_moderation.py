"""Moderating several posts and comments at once: the class's teacher publishes or refuses the
ticked ones, or « Tout publier », in one transaction, each recorded as the one-item action records
it; an item of another class or school refuses the batch with nothing changed; an item already
moderated or gone is skipped and counted (a form sent twice changes nothing); other roles are
refused; and in Debian's Chromium at 390x844 the page passes axe-core and fits the phone."""
import re
from datetime import timedelta

import pytest

from ecole_ent import security
from ecole_ent.accounts import service as accounts
from ecole_ent.blog import moderation, posting
from ecole_ent.models import Classroom, Post, Teaching, User, now
from ecole_ent.models.blog import Comment
from tests.blog.conftest import send, text
from tests.conftest import Client, axe_violations, browser_sign_in, redirected_to, screenshot


@pytest.fixture
def queue(people):
    """Two pupils' posts waiting, two comments waiting (on a teacher's post), all in CP-CE1."""
    moderation.set_comment_policy(people.teacher, people.cp.id, 'moderated')
    posts = [posting.create_post(pupil, people.cp.id, {'title': title, 'body': 'Mon texte.'})
             for pupil, title in ((people.pupil, 'Le hérisson'), (people.pupil2, 'La piscine'))]
    host = posting.create_post(people.teacher, people.cp.id, {'title': 'Sortie', 'body': 'x',
                                                              'visibility': 'families'})
    comments = [posting.add_comment(author, host.id, body)
                for author, body in ((people.pupil, 'Super !'), (people.guardian, 'Merci.'))]
    assert {p.status for p in posts} == {c.status for c in comments} == {'pending'}
    return posts, comments


def page(people):
    return f'/blog/classe/{people.cp.id}/moderation'


def snapshot():
    return ([(p.id, p.status, p.reject_reason, p.moderated_at, p.publish_at) for p in Post.select().order_by(Post.id)],
            [(c.id, c.status, c.reject_reason, c.moderated_at) for c in Comment.select().order_by(Comment.id)])


def bulk(client, people, action, posts=(), comments=(), reason='', status=303, **extra):
    fields = {'action': action, 'reason': reason, 'post': [str(p.id) for p in posts],
              'comment': [str(c.id) for c in comments], **extra}
    return send(client, page(people), fields, status=status)


def fresh(item):
    return type(item).get_by_id(item.id)


def test_the_teacher_publishes_the_ticked_posts_and_comments_at_once(people, as_user, queue):
    posts, comments = queue
    teacher = as_user(people.teacher)
    response = bulk(teacher, people, 'publish', posts, comments)
    assert redirected_to(response) == page(people)
    assert '4 articles ou commentaires publiés.' in text(response.follow())
    for item in [*posts, *comments]:
        item = fresh(item)
        assert item.status == 'published' and item.moderated_by_id == people.teacher.id
        assert item.moderated_at is not None                 # recorded as the one-item action does
    assert all(fresh(p).publish_at <= now() for p in posts)
    guardian = as_user(people.guardian)
    assert 'Le hérisson' in text(guardian.get(f'/blog/classe/{people.cp.id}'))
    left = text(teacher.get(page(people)))
    assert 'Le hérisson' not in left and 'Super !' not in left


def test_the_teacher_refuses_the_ticked_ones_with_one_reason_or_none(people, as_user, queue):
    posts, comments = queue
    teacher = as_user(people.teacher)
    response = bulk(teacher, people, 'reject', posts[:1], comments[:1], reason='  Relis   ton texte. ')
    assert '2 articles ou commentaires refusés : leurs auteurs voient la raison.' in text(response.follow())
    assert [(fresh(i).status, fresh(i).reject_reason) for i in (posts[0], comments[0])] == [
        ('rejected', 'Relis ton texte.')] * 2
    assert (fresh(posts[1]).status, fresh(comments[1]).status) == ('pending', 'pending')   # not ticked
    response = bulk(teacher, people, 'reject', posts[1:], reason='')
    assert '1 article ou commentaire refusé.' in text(response.follow())
    assert (fresh(posts[1]).status, fresh(posts[1]).reject_reason) == ('rejected', '')
    own = as_user(people.pupil)
    assert 'Relis ton texte.' in text(own.get(f'/blog/article/{posts[0].id}'))


def waiting(people):
    """The class's posts and comments waiting now (the demo's own included)."""
    return (list(Post.waiting(people.cp)), list(Comment.waiting(people.cp)))


def test_publish_all_publishes_what_the_page_showed_not_what_came_after(people, as_user, queue):
    teacher = as_user(people.teacher)
    posts, comments = waiting(people)
    shown = teacher.get(page(people))
    fields = {'shown_post': re.findall(r'name="shown_post" value="(\d+)"', shown.text),
              'shown_comment': re.findall(r'name="shown_comment" value="(\d+)"', shown.text)}
    assert sorted(map(int, fields['shown_post'])) == sorted(p.id for p in posts)
    assert sorted(map(int, fields['shown_comment'])) == sorted(c.id for c in comments)
    total = len(posts) + len(comments)
    assert total >= 4 and f'Tout publier ({total})' in text(shown)
    late = posting.create_post(people.pupil, people.cp.id, {'title': 'Arrivé après', 'body': 'x'})
    response = send(teacher, page(people), {'action': 'publish_all', **fields}, status=303)
    assert f'{total} articles ou commentaires publiés.' in text(response.follow())
    assert waiting(people) == ([fresh(late)], [])


def test_a_batch_sent_twice_changes_nothing_the_second_time(people, as_user, queue):
    posts, comments = queue
    teacher = as_user(people.teacher)
    bulk(teacher, people, 'publish', posts, comments[:1])
    before = snapshot()
    response = bulk(teacher, people, 'publish', posts, comments[:1])
    assert ('0 article ou commentaire publié. 3 étaient déjà modérés ou n’existent plus : laissés tels quels.'
            in text(response.follow()))
    assert snapshot() == before
    response = bulk(teacher, people, 'reject', posts, reason='Trop tard')            # nor a refusal after
    assert '2 étaient déjà modérés' in text(response.follow()) and snapshot() == before


def test_an_item_gone_since_the_page_was_shown_is_skipped_and_counted(people, as_user, queue):
    posts, comments = queue
    gone = posts[1].id
    posts[1].delete_instance()
    response = send(as_user(people.teacher), page(people),
                    {'action': 'publish', 'post': [str(posts[0].id), str(gone)]}, status=303)
    assert ('1 article ou commentaire publié. 1 était déjà modéré ou n’existe plus : laissé tel quel.'
            in text(response.follow()))
    assert fresh(posts[0]).status == 'published'


def other_school_post():
    school = accounts.ensure_school('0069999Z', 'École du Port')
    room = Classroom.create(school=school, year=school.current_year(), name='CP du Port', niveaux='CP')
    return Post.create(classroom=room, title='Au port', body_source='x', body_html='<p>x</p>', status='pending')


@pytest.mark.parametrize('where', ['another class', 'another school'])
@pytest.mark.parametrize('kind', ['post', 'comment'])
def test_an_item_of_another_class_or_school_refuses_the_whole_batch(people, as_user, queue, where, kind):
    posts, comments = queue
    if where == 'another class':
        foreign = posting.create_post(people.other_pupil, people.big.id, {'title': 'Ailleurs', 'body': 'x'})
    else:
        foreign = other_school_post()
    if kind == 'comment':
        foreign = Comment.create(post=foreign, author=None, body='Intrus', status='pending')
    before = snapshot()
    ids = {'post': [str(p.id) for p in posts], 'comment': [str(c.id) for c in comments]}
    ids[kind].append(str(foreign.id))
    for action in ('publish', 'reject'):
        response = send(as_user(people.teacher), page(people), {'action': action, 'reason': 'x', **ids}, status=403)
        assert 'Rien n’a été modifié.' in text(response)
        assert snapshot() == before


ROLES = {'teacher': 303, 'director': 303, 'pupil': 403, 'pupil2': 403, 'guardian': 403,
         'staff': 403, 'other_teacher': 403, 'other_pupil': 403, 'other_guardian': 403}


@pytest.mark.parametrize('role, status', ROLES.items())
def test_who_may_moderate_several_at_once(people, as_user, queue, demo_app, role, status):
    posts, comments = queue
    before = snapshot()
    client = as_user(getattr(people, role))
    for action in ('reject', 'publish', 'publish_all'):
        response = send(client, page(people), {'action': action, 'reason': 'x', 'post': [str(posts[0].id)],
                                               'shown_post': [str(posts[1].id)]}, status='*')
        if status != 303:
            assert response.status_int == status and snapshot() == before
    if status == 303:
        assert response.status_int == 303 and fresh(posts[0]).status == 'rejected'
        assert fresh(posts[1]).status == 'published'
    anonymous = Client(demo_app)
    token = anonymous.csrf('/connexion')
    refused = anonymous.post(page(people), {'csrf_token': token, 'action': 'publish',
                                            'post': str(posts[0].id)}, expect_errors=True)
    assert refused.status_int == 403 and 'Connexion requise.' in refused.text


def test_a_teacher_and_a_director_of_another_school_are_refused(people, as_user, queue):
    """Each moderates their own class only: neither this class's page nor its items in a batch."""
    posts, comments = queue
    room = other_school_post().classroom
    before = snapshot()
    for roles in ('teacher', 'teacher,director'):
        user = User.create(login=f'port.{roles[-4:]}', first_name='Jean', last_name='Port', roles=roles,
                           school=room.school, password_hash=security.hash_password('demo'))
        Teaching.create(teacher=user, classroom=room)
        client = as_user(user)
        client.get(page(people), status=403)
        send(client, page(people), {'action': 'publish', 'post': [str(posts[0].id)]}, status=403)
        send(client, f'/blog/classe/{room.id}/moderation', {'action': 'publish', 'post': [str(posts[0].id)],
                                                            'comment': [str(comments[0].id)]}, status=403)
    assert snapshot() == before


def test_without_a_valid_csrf_token_nothing_is_moderated(people, as_user, queue):
    posts, _comments = queue
    teacher = as_user(people.teacher)
    before = snapshot()
    response = teacher.post(page(people), {'action': 'publish', 'post': str(posts[0].id), 'csrf_token': 'faux'},
                            expect_errors=True)
    assert response.status_int in (400, 403) and snapshot() == before


def test_a_bad_batch_shows_the_page_again_in_french_with_the_choices_kept(people, as_user, queue):
    posts, _comments = queue
    teacher = as_user(people.teacher)
    before = snapshot()
    response = bulk(teacher, people, 'publish', status=200)
    assert 'Cochez au moins un article ou un commentaire.' in text(response)
    response = bulk(teacher, people, 'reject', posts[:1], reason='r' * 301, status=200)
    assert 'La raison est trop longue (300 caractères au plus).' in text(response)
    assert re.search(r'id="pick-post-%d"[^>]*checked' % posts[0].id, response.text)
    assert not re.search(r'id="pick-post-%d"[^>]*checked' % posts[1].id, response.text)
    assert 'r' * 301 in response.text
    response = bulk(teacher, people, 'publish', reason='', status=200, post=['abc'])
    assert 'La sélection est illisible' in text(response)
    assert snapshot() == before


def test_select_all_without_javascript_ticks_every_box(people, as_user, queue):
    teacher = as_user(people.teacher)
    total = sum(map(len, waiting(people)))
    plain = teacher.get(page(people)).text
    assert len(re.findall(r'<input type="checkbox" id="pick-[^>]*form="bulk"', plain)) == total
    assert not re.search(r'id="pick-[^>]*checked', plain)
    ticked = teacher.get(page(people) + '?tout=1').text
    assert len(re.findall(r'id="pick-[^>]*form="bulk" checked', ticked)) == total
    assert 'Tout désélectionner' in ticked


def test_a_scheduled_post_sent_back_for_approval_keeps_its_date(people, as_user, queue):
    posts, _comments = queue
    later = now() + timedelta(days=3)
    Post.update(publish_at=later).where(Post.id == posts[0].id).execute()
    bulk(as_user(people.teacher), people, 'publish', posts[:1])
    assert fresh(posts[0]).publish_at == later and fresh(posts[0]).is_scheduled


@pytest.mark.browser
def test_on_a_phone_the_teacher_ticks_two_and_publishes_them(chromium, live_server, people, queue):
    posts, comments = queue
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True)
    page_ = context.new_page()
    page_.base = live_server
    browser_sign_in(page_, people.teacher.login)
    page_.goto(f'{live_server}/blog/classe/{people.cp.id}/moderation')
    assert page_.evaluate('document.documentElement.scrollWidth') <= 390
    assert axe_violations(page_) == []
    screenshot(page_, 'blog-moderation-phone')
    page_.get_by_label('Sélectionner l’article « Le hérisson »').check()
    page_.get_by_label(f'Sélectionner le commentaire de {people.pupil.display_name} sur « Sortie »').check()
    page_.get_by_role('button', name='Publier la sélection').click()
    page_.wait_for_load_state()
    assert '2 articles ou commentaires publiés.' in page_.locator('.flashes').inner_text()
    assert fresh(posts[0]).status == 'published' and fresh(comments[0]).status == 'published'
    assert fresh(posts[1]).status == 'pending' and fresh(comments[1]).status == 'pending'
    assert page_.evaluate('document.documentElement.scrollWidth') <= 390
    assert axe_violations(page_) == []
    toggle = page_.get_by_role('link', name='Tout sélectionner')       # JavaScript ticks in place
    toggle.click()
    assert page_.url.endswith('/moderation')
    assert page_.locator('input[form=bulk]:checked').count() == sum(map(len, waiting(people))) >= 2
    assert page_.get_by_role('link', name='Tout désélectionner').is_visible()
    context.close()


@pytest.mark.browser
def test_without_javascript_select_all_then_refuse_the_selection(chromium, live_server, people, queue):
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True,
                                   java_script_enabled=False)
    page_ = context.new_page()
    page_.base = live_server
    browser_sign_in(page_, people.teacher.login)
    page_.goto(f'{live_server}/blog/classe/{people.cp.id}/moderation')
    page_.get_by_role('link', name='Tout sélectionner').click()          # the page again, all ticked
    page_.wait_for_load_state()
    total = sum(map(len, waiting(people)))
    assert '?tout=1' in page_.url and page_.locator('input[form=bulk]:checked').count() == total
    page_.get_by_label('Raison du refus (facultative', exact=False).fill('Hors sujet')
    page_.get_by_role('button', name='Refuser la sélection').click()
    page_.wait_for_load_state()
    assert f'{total} articles ou commentaires refusés' in page_.locator('.flashes').inner_text()
    assert waiting(people) == ([], [])
    assert {fresh(item).reject_reason for item in [*queue[0], *queue[1]]} == {'Hors sujet'}
    context.close()
