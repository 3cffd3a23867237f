"""The class blog through the real app: publishing, scheduling, pupils' posts and moderation,
comments and their policy, attachments, previews, pagination, "new since your last visit"."""
import re
from datetime import timedelta

import pytest

from ecole_ent.blog import moderation, posting, reading, service
from ecole_ent.home import visits
from ecole_ent.models import Post, now
from ecole_ent.models.blog import Attachment, Blog, Comment
from ecole_ent.models.visits import Visit
from tests.blog.conftest import MP3, PDF, send, text
from tests.conftest import redirected_to, with_config


def blog_url(people):
    return f'/blog/classe/{people.cp.id}'


def publish(client, people, title, body='Un texte.', **fields):
    response = send(client, blog_url(people) + '/nouveau',
                    {'title': title, 'body': body, 'visibility': 'families', 'when': 'now', **fields})
    assert response.status_int == 303, text(response)[:2000]
    post = Post.get(Post.title == title)
    assert redirected_to(response) == f'/blog/article/{post.id}'
    message = ('Ton article est envoyé : l’enseignant va le lire avant de le publier.'
               if post.status == 'pending' else 'Article programmé.' if post.is_scheduled
               else 'Article publié.')
    assert message in text(response.follow())
    return post


def moderate(client, path, fields, message):
    """A moderation form sent from `back`: the author is taken back there and told what was done."""
    response = send(client, path, fields, status=303)
    assert redirected_to(response) == fields['back']
    assert message in text(response.follow())
    return response


def test_a_teacher_post_is_published_at_once_for_the_class_and_families(people, as_user):
    teacher = as_user(people.teacher)
    post = publish(teacher, people, 'Sortie au musée', 'Nous partirons à **9 h**.')
    assert post.status == 'published' and post.publish_at <= now()
    guardian = as_user(people.guardian)
    assert 'Sortie au musée' in text(guardian.get(blog_url(people)))
    page = guardian.get(f'/blog/article/{post.id}')
    assert '<strong>9 h</strong>' in page.text


def test_a_class_only_post_is_hidden_from_families(people, as_user):
    post = publish(as_user(people.teacher), people, 'Mots de la semaine', visibility='class')
    guardian = as_user(people.guardian)
    assert 'Mots de la semaine' not in text(guardian.get(blog_url(people)))
    guardian.get(f'/blog/article/{post.id}', status=404)
    assert 'Mots de la semaine' in text(as_user(people.pupil).get(f'/blog/article/{post.id}'))


def test_a_scheduled_post_appears_only_when_its_time_has_come(people, as_user):
    teacher = as_user(people.teacher)
    day = (service.to_local(now()) + timedelta(days=2)).date().isoformat()
    post = publish(teacher, people, 'Le marché de Noël', when='later', publish_date=day,
                   publish_time='08:30')
    assert post.is_scheduled
    assert service.to_local(post.publish_at).strftime('%Y-%m-%d %H:%M') == f'{day} 08:30'
    page = text(teacher.get(f'/blog/article/{post.id}'))
    assert 'Cet article paraîtra le' in page and 'à 08:30' in page
    guardian = as_user(people.guardian)
    assert 'Le marché de Noël' not in text(guardian.get(blog_url(people)))
    guardian.get(f'/blog/article/{post.id}', status=404)
    Post.update(publish_at=now() - timedelta(minutes=1)).where(Post.id == post.id).execute()
    assert 'Le marché de Noël' in text(guardian.get(blog_url(people)))
    assert 'Le marché de Noël' in text(guardian.get(f'/blog/article/{post.id}'))


@pytest.mark.parametrize('day, hour', [('2020-01-01', '08:00'), ('31/12/2030', ''), ('', ''),
                                       ('2030-02-30', '10:00'), ('2030-01-01', '25:00')])
def test_a_bad_or_past_schedule_is_refused_in_french_and_the_text_is_kept(people, as_user, day, hour):
    response = send(as_user(people.teacher), blog_url(people) + '/nouveau',
                    {'title': 'Plus tard', 'body': 'Texte gardé', 'when': 'later',
                     'publish_date': day, 'publish_time': hour}, status=200)
    page = text(response)
    assert 'date' in page and ('passée' in page or 'valides' in page)
    assert 'value="Plus tard"' in page and 'Texte gardé' in page
    assert not Post.select().where(Post.title == 'Plus tard').exists()


def test_a_post_needs_a_title_and_a_text_or_a_file(people, as_user):
    page = text(send(as_user(people.teacher), blog_url(people) + '/nouveau',
                     {'title': '  ', 'body': ''}, status=200))
    assert 'Donnez un titre' in page and 'Écrivez un texte ou joignez un fichier' in page
    assert 'Le formulaire contient 2 erreurs' in page


def test_pupil_post_waits_for_approval_then_appears(people, as_user):
    pupil = as_user(people.pupil)
    post = publish(pupil, people, 'Mon lapin', 'Il mange des carottes.')
    assert post.status == 'pending' and post.publish_at is None
    assert 'attend la validation' in text(pupil.get(f'/blog/article/{post.id}'))
    assert 'Mon lapin' in text(pupil.get(blog_url(people)))          # in "Mes articles"
    guardian = as_user(people.guardian)
    guardian.get(f'/blog/article/{post.id}', status=404)
    as_user(people.pupil2).get(f'/blog/article/{post.id}', status=404)
    teacher = as_user(people.teacher)
    queue = text(teacher.get(blog_url(people) + '/moderation'))
    assert 'Mon lapin' in queue and people.pupil.last_name in queue
    moderate(teacher, f'/blog/article/{post.id}/valider', {'back': blog_url(people) + '/moderation'},
             'Article publié.')
    assert Post.get_by_id(post.id).status == 'published'
    assert 'Mon lapin' in text(guardian.get(blog_url(people)))
    main = text(as_user(people.pupil2).get(f'/blog/article/{post.id}')).split('<main')[1]
    assert people.pupil.first_name in main and people.pupil.last_name not in main


def test_a_refusal_needs_a_reason_and_the_pupil_sees_it_and_can_resubmit(people, as_user):
    pupil = as_user(people.pupil)
    post = publish(pupil, people, 'Le foot', 'On a gagné')
    teacher = as_user(people.teacher)
    back = blog_url(people) + '/moderation'
    moderate(teacher, f'/blog/article/{post.id}/refuser', {'reason': ' ', 'back': back},
             'Donnez une courte raison')
    assert Post.get_by_id(post.id).status == 'pending'
    moderate(teacher, f'/blog/article/{post.id}/refuser', {'reason': 'Relis ton texte.', 'back': back},
             'Article refusé : son auteur voit la raison.')
    assert Post.get_by_id(post.id).status == 'rejected'
    page = text(pupil.get(f'/blog/article/{post.id}'))
    assert 'Article refusé' in page and 'Relis ton texte.' in page
    resubmitted = send(pupil, f'/blog/article/{post.id}/modifier',
                       {'title': 'Le foot', 'body': 'On a gagné 3 à 1.'}, status=303)
    assert redirected_to(resubmitted) == f'/blog/article/{post.id}'
    assert 'Article envoyé à l’enseignant : il le lira avant de le publier.' in text(resubmitted.follow())
    post = Post.get_by_id(post.id)
    assert post.status == 'pending' and post.reject_reason == '' and '3 à 1' in post.body_html


@pytest.mark.parametrize('back', ['/blog/\r\nSet-Cookie: x=1', '//evil.example/blog/', '/blog/\\x'])
def test_a_moderation_form_never_goes_back_anywhere_but_the_blog(people, as_user, back):
    post = publish(as_user(people.pupil), people, 'Mon lapin', 'Il mange des carottes.')
    response = send(as_user(people.teacher), f'/blog/article/{post.id}/valider', {'back': back},
                    status=303)
    assert redirected_to(response) == '/blog'
    assert 'Article publié.' in text(response.maybe_follow())


def test_a_pupil_cannot_edit_a_published_post_nor_choose_visibility(people, as_user):
    pupil = as_user(people.pupil)
    post = publish(pupil, people, 'Mon dessin', visibility='public', when='later',
                   publish_date='2031-01-01')
    assert post.visibility == 'families' and post.status == 'pending'
    moderation.approve_post(people.teacher, post.id)
    pupil.get(f'/blog/article/{post.id}/modifier', status=403)
    send(pupil, f'/blog/article/{post.id}/modifier', {'title': 'Changé', 'body': 'x'}, status=403)
    assert Post.get_by_id(post.id).title == 'Mon dessin'


def test_the_teacher_edits_a_pupil_post_before_approving_it(people, as_user):
    post = publish(as_user(people.pupil), people, 'Ma fete', 'Texte avec une faute')
    teacher = as_user(people.teacher)
    form_page = text(teacher.get(f'/blog/article/{post.id}/modifier'))
    assert 'Texte avec une faute' in form_page
    edited = send(teacher, f'/blog/article/{post.id}/modifier',
                  {'title': 'Ma fête', 'body': 'Texte corrigé', 'visibility': 'public', 'when': 'now'},
                  status=303)
    assert redirected_to(edited) == f'/blog/article/{post.id}'
    post = Post.get_by_id(post.id)
    assert post.title == 'Ma fête' and post.visibility == 'public' and post.status == 'pending'


def test_preview_renders_without_saving(people, as_user):
    page = send(as_user(people.teacher), blog_url(people) + '/nouveau',
                {'title': 'Essai', 'body': '## Titre\n\n*penché*', 'action': 'preview'}, status=200)
    assert 'Aperçu' in page.text and '<h2>Titre</h2>' in page.text and '<em>penché</em>' in page.text
    assert not Post.select().where(Post.title == 'Essai').exists()


def test_deleting_a_post_needs_the_teacher(people, as_user):
    post = publish(as_user(people.teacher), people, 'À effacer')
    send(as_user(people.guardian), f'/blog/article/{post.id}/supprimer', {}, status=403)
    send(as_user(people.pupil), f'/blog/article/{post.id}/supprimer', {}, status=403)
    deleted = send(as_user(people.teacher), f'/blog/article/{post.id}/supprimer', {}, status=303)
    assert redirected_to(deleted) == blog_url(people)
    assert 'Article supprimé.' in text(deleted.follow())
    assert not Post.select().where(Post.id == post.id).exists()


# --- comments ---------------------------------------------------------------------------------------

def comment(client, post, body, status=303):
    response = send(client, f'/blog/article/{post.id}/commentaires', {'comment': body}, status=status)
    if status == 303:
        assert redirected_to(response) == f'/blog/article/{post.id}'
    return response


def test_moderated_comments_wait_and_their_author_sees_the_state(people, as_user):
    post = publish(as_user(people.teacher), people, 'Les citrouilles')
    guardian = as_user(people.guardian)
    sent = comment(guardian, post, 'Bravo les enfants !')
    assert 'Merci ! Le commentaire sera visible après validation par l’enseignant.' in text(sent.follow())
    mine = text(guardian.get(f'/blog/article/{post.id}'))
    assert 'Bravo les enfants !' in mine and 'En attente de validation' in mine
    other = as_user(people.pupil2)
    assert 'Bravo les enfants !' not in text(other.get(f'/blog/article/{post.id}'))
    teacher = as_user(people.teacher)
    pending = Comment.get(Comment.body == 'Bravo les enfants !')
    assert 'Bravo les enfants !' in text(teacher.get(blog_url(people) + '/moderation'))
    moderate(teacher, f'/blog/commentaire/{pending.id}/valider', {'back': f'/blog/article/{post.id}'},
             'Commentaire publié.')
    assert 'Bravo les enfants !' in text(other.get(f'/blog/article/{post.id}'))


def test_a_refused_comment_shows_its_reason_to_its_author_only(people, as_user):
    post = publish(as_user(people.teacher), people, 'La chorale')
    pupil = as_user(people.pupil)
    comment(pupil, post, 'nul')
    pending = Comment.get(Comment.body == 'nul')
    moderate(as_user(people.teacher), f'/blog/commentaire/{pending.id}/refuser',
             {'reason': 'Sois gentil.', 'back': blog_url(people) + '/moderation'},
             'Commentaire refusé : son auteur voit la raison.')
    page = text(pupil.get(f'/blog/article/{post.id}'))
    assert 'Refusé' in page and 'Sois gentil.' in page
    assert 'nul' not in text(as_user(people.guardian).get(f'/blog/article/{post.id}'))


def test_immediate_policy_publishes_and_off_closes_comments(people, as_user):
    teacher = as_user(people.teacher)
    post = publish(teacher, people, 'Le loto')
    saved = send(teacher, blog_url(people) + '/reglages', {'comment_policy': 'immediate'}, status=303)
    assert redirected_to(saved) == blog_url(people) + '/moderation'
    assert 'Règle des commentaires enregistrée.' in text(saved.follow())
    guardian = as_user(people.guardian)
    assert 'Commentaire publié.' in text(comment(guardian, post, 'Nous viendrons.').follow())
    assert Comment.get(Comment.body == 'Nous viendrons.').status == 'published'
    saved = send(teacher, blog_url(people) + '/reglages', {'comment_policy': 'off'}, status=303)
    assert redirected_to(saved) == blog_url(people) + '/moderation'
    assert Blog.get(Blog.classroom == people.cp).comment_policy == 'off'
    page = text(guardian.get(f'/blog/article/{post.id}'))
    assert 'Les commentaires sont fermés' in page and 'Votre commentaire' not in page
    comment(guardian, post, 'Encore un', status=403)
    send(guardian, blog_url(people) + '/reglages', {'comment_policy': 'immediate'}, status=403)


def test_a_post_a_little_too_long_comes_back_in_the_form(people, as_user):
    teacher = as_user(people.teacher)
    body = 'Une ligne de plus.\r\n' * 1100          # 22,000 characters sent, line breaks included
    page = text(send(teacher, blog_url(people) + '/nouveau',
                     {'title': 'Très long', 'body': body, 'visibility': 'families', 'when': 'now'},
                     status=200))
    assert 'trop long' in page and page.count('Une ligne de plus.') >= 1000
    assert not Post.select().where(Post.title == 'Très long').exists()


def test_an_empty_or_huge_comment_is_refused_and_kept_in_the_form(people, as_user):
    post = publish(as_user(people.teacher), people, 'Le cross')
    guardian = as_user(people.guardian)
    assert 'Écrivez votre commentaire' in text(comment(guardian, post, '   ', status=200))
    page = text(comment(guardian, post, 'Très ' * 500, status=200))
    assert 'trop long' in page and 'Très Très' in page
    assert not Comment.select().where(Comment.post == post).exists()


def test_the_teacher_comments_without_moderation(people, as_user):
    post = publish(as_user(people.teacher), people, 'Le potager')
    comment(as_user(people.teacher), post, 'Merci à tous.')
    assert Comment.get(Comment.body == 'Merci à tous.').status == 'published'


# --- attachments ------------------------------------------------------------------------------------

def test_pdf_and_audio_attachments_are_stored_and_served_to_readers(people, as_user, config):
    teacher = as_user(people.teacher)
    sent = send(teacher, blog_url(people) + '/nouveau', {'title': 'Lecture à voix haute', 'body': ''},
                files=[('attachments', 'Léa lit.mp3', MP3), ('attachments', 'Fournitures.pdf', PDF)],
                status=303)
    post = Post.get(Post.title == 'Lecture à voix haute')
    assert redirected_to(sent) == f'/blog/article/{post.id}'
    assert {a.kind for a in post.attachments} == {'mp3', 'pdf'}
    audio = next(a for a in post.attachments if a.kind == 'mp3')
    pdf = next(a for a in post.attachments if a.kind == 'pdf')
    guardian = as_user(people.guardian)
    page = guardian.get(f'/blog/article/{post.id}')
    assert f'<audio controls preload="none" src="/blog/fichier/{audio.id}"></audio>' in page.text
    served = guardian.get(f'/blog/fichier/{pdf.id}')
    assert served.body == PDF and served.content_type == 'application/pdf'
    assert served.headers['Content-Disposition'].startswith('attachment;')
    sound = guardian.get(f'/blog/fichier/{audio.id}')
    assert sound.body == MP3 and sound.content_type == 'audio/mpeg'
    assert "filename*=UTF-8''L%C3%A9a%20lit.mp3" in sound.headers['Content-Disposition']
    assert 'private' in sound.headers['Cache-Control']
    assert len(list((config.data_dir / 'media' / 'blog').rglob('*.*'))) == 2


def test_a_file_that_is_not_pdf_or_audio_is_refused_with_its_name_and_nothing_is_saved(
        people, as_user, config):
    response = send(as_user(people.teacher), blog_url(people) + '/nouveau',
                    {'title': 'Devoirs', 'body': 'Voir le fichier'},
                    files=[('attachments', 'devoirs.pdf', b'<html>pas un pdf</html>'),
                           ('attachments', 'ok.pdf', PDF)], status=200)
    page = text(response)
    assert '« devoirs.pdf » n’est ni un PDF ni un fichier audio' in page
    assert 'value="Devoirs"' in page and 'Voir le fichier' in page
    assert not Post.select().where(Post.title == 'Devoirs').exists()
    media = config.data_dir / 'media' / 'blog'
    assert not media.exists() or [p for p in media.rglob('*') if p.is_file()] == []


def test_removing_an_attachment_deletes_its_file(people, as_user, config):
    teacher = as_user(people.teacher)
    sent = send(teacher, blog_url(people) + '/nouveau', {'title': 'Avec PDF', 'body': 'x'},
                files=[('attachments', 'a.pdf', PDF)], status=303)
    post = Post.get(Post.title == 'Avec PDF')
    assert redirected_to(sent) == f'/blog/article/{post.id}'
    attachment = post.attachments[0]
    edited = send(teacher, f'/blog/article/{post.id}/modifier',
                  {'title': 'Avec PDF', 'body': 'x', 'visibility': 'families', 'remove': str(attachment.id)},
                  status=303)
    assert redirected_to(edited) == f'/blog/article/{post.id}'
    assert 'Article enregistré.' in text(edited.follow())
    assert not Attachment.select().where(Attachment.post == post).exists()
    assert [p for p in (config.data_dir / 'media' / 'blog').rglob('*') if p.is_file()] == []


@with_config(blog_attachment_max_mb=1)
def test_a_too_large_attachment_is_refused(people, as_user):
    page = text(send(as_user(people.teacher), blog_url(people) + '/nouveau',
                     {'title': 'Gros', 'body': 'x'},
                     files=[('attachments', 'gros.pdf', PDF + b' ' * 2**20)], status=200))
    assert '« gros.pdf » dépasse' in page


# --- lists ------------------------------------------------------------------------------------------

def test_the_class_blog_is_paginated(people, as_user):
    teacher = as_user(people.teacher)
    for number in range(25):
        posting.create_post(people.teacher, people.cp.id, {'title': f'Billet {number:02d}', 'body': 'x'})
    first = teacher.get(blog_url(people))
    assert 'Billet 24' in first.text and 'Billet 14' not in first.text
    assert 'aria-label="Pagination"' in first.text
    last = text(teacher.get(blog_url(people) + '?page=99'))
    assert 'aria-current="page"' in last and 'Billet 24' not in last
    assert 'Billet 24' in teacher.get(blog_url(people) + '?page=abc').text       # the first page


def test_a_guardian_sees_what_is_new_since_the_last_visit(people, as_user):
    guardian = as_user(people.guardian)
    Visit.delete().where(Visit.user == people.guardian).execute()
    guardian.get(blog_url(people))                                # first visit: nothing marked
    seen = visits.last_visit(people.guardian, people.cp, 'blog')
    assert seen is not None
    assert reading.count_new_posts(people.guardian, people.cp) == 0
    Visit.update(seen_at=seen - timedelta(seconds=5)).execute()
    publish(as_user(people.teacher), people, 'Tout nouveau')
    assert reading.count_new_posts(people.guardian, people.cp) == 1
    page = guardian.get(blog_url(people)).text
    assert re.search(r'Tout nouveau</a>\s*<span class="new-marker">Nouveau</span>', page)
    assert page.count('new-marker') == 1
    assert reading.count_new_posts(people.guardian, people.cp) == 0
    assert 'new-marker' not in guardian.get(blog_url(people)).text


def test_reading_the_blog_writes_nothing_when_nothing_is_new(people, as_user):
    guardian = as_user(people.guardian)
    guardian.get(blog_url(people))
    before = Visit.get((Visit.user == people.guardian) & (Visit.classroom == people.cp)
                       & (Visit.area == 'blog')).seen_at
    guardian.get(blog_url(people))
    after = Visit.get((Visit.user == people.guardian) & (Visit.classroom == people.cp)
                       & (Visit.area == 'blog')).seen_at
    assert before == after


def test_blog_index_leads_to_the_only_class_or_lists_them(people, as_user, demo):
    assert as_user(people.teacher).get('/blog').headers['Location'].endswith(blog_url(people))
    two = demo.guardian_with_children_in_two_classes()
    page = as_user(two).get('/blog')
    assert page.status_int == 200 and page.text.count('class="tile"') >= 2


def test_demo_blog_is_lived_in(people):
    posts = Post.select().where(Post.classroom == people.cp)
    assert posts.count() >= 6 and Post.select().where(Post.status == 'pending').exists()
    weeks = {p.publish_at.isocalendar()[1] for p in posts if p.publish_at}
    assert len(weeks) >= 4 and any(p.is_scheduled for p in posts)
    assert Comment.select().where(Comment.status == 'published').count() >= 5
    assert Comment.select().where(Comment.status == 'pending').exists()


# --- homes ------------------------------------------------------------------------------------------

def test_homes_show_the_blog_news_and_the_teacher_to_do(people, as_user):
    Visit.update(seen_at=now() - timedelta(days=5)).where(Visit.user == people.guardian).execute()
    fresh = reading.count_new_posts(people.guardian, people.cp)
    guardian_home = text(as_user(people.guardian).get('/'))
    expected = f'{fresh} nouvel article sur le blog' if fresh == 1 else f'{fresh} nouveaux articles sur le blog'
    assert fresh >= 1 and expected in guardian_home
    waiting = reading.waiting_count(people.cp)
    teacher_home = text(as_user(people.teacher).get('/'))
    assert 'À faire' in teacher_home and f'{waiting} articles ou commentaires à modérer · CP-CE1' in teacher_home
    pupil_home = text(as_user(people.pupil).get('/'))
    assert 'Le blog de la classe' in pupil_home and 'J’écris un article' in pupil_home


def test_a_teacher_with_nothing_to_moderate_gets_no_badge(people, as_user):
    for post in Post.waiting(people.cp):
        moderation.approve_post(people.teacher, post.id)
    for comment in Comment.waiting(people.cp):
        moderation.approve_comment(people.teacher, comment.id)
    page = as_user(people.teacher).get('/').text
    assert 'à modérer' not in page and f'/blog/classe/{people.cp.id}/moderation' not in page
    assert page.count('id="h-todo"') == 1       # the one band: the demo's notes still want signatures


def test_an_album_photo_inline_shows_only_to_readers_who_may_see_it(people, as_user):
    from ecole_ent.blog import picker
    from ecole_ent.models import PhotoTag
    photo = picker.usable_photos(people.cp.id).first()        # one a post may show (no restricting tag)
    assert photo is not None, 'the demo CP-CE1 class has no album photo every reader may see'
    post = publish(as_user(people.teacher), people, 'Notre sortie',
                   f'Regardez !\n\n![La classe au parc](photo:{photo.id})\n\n![x](https://evil.example/a.png)')
    assert 'evil.example' not in post.body_html and f'data-photo="{photo.id}"' in post.body_html
    PhotoTag.delete().where(PhotoTag.photo == photo).execute()
    page = as_user(people.guardian).get(f'/blog/article/{post.id}')
    assert f'src="/media/{photo.display}.jpg"' in page.text and 'La classe au parc' in page.text
    assert as_user(people.guardian).get(f'/media/{photo.display}.jpg').content_type == 'image/jpeg'
    # A pupil of the class whose guardians refused image rights is tagged: other families lose it.
    refused = next(p for p in (people.pupil2,) if p.id != people.pupil.id)
    refused.image_rights = 'refused'
    refused.save()
    PhotoTag.create(photo=photo, pupil=refused)
    page = as_user(people.guardian).get(f'/blog/article/{post.id}')
    assert f'/media/{photo.display}.jpg' not in page.text and 'Regardez' in page.text
    assert f'/media/{photo.display}.jpg' in as_user(people.teacher).get(f'/blog/article/{post.id}').text
