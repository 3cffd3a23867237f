"""Class blog pages, moderation, attachments, and the school's public page and Atom feed."""

from bottle import redirect, request, response

from .. import hooks
from ..accounts import membership
from ..errors import ValidationError
from ..home import service as home
from ..home import visits
from ..i18n import _, ngettext
from ..numbers import page_number
from ..web import offline
from ..web.files import send_file, send_jpeg
from ..web.forms import field, field_list, form_fields, safe_next, uploaded_files
from ..web.guards import require_user
from ..web.render import add_nav, flash, public_url, render, url
from ..web.routing import Routes
from . import access, family, markup, picker, posting, public, reading, service
from . import moderation as moderating  # `moderation` is the queue page's route below

POST_FIELDS = ('title', 'body', 'visibility', 'when', 'publish_date', 'publish_time', 'photo_caption')

routes = Routes('blog')


def _page():
    return page_number(request.query.get('page'))


def _page_url(base):
    return lambda number: f'{base}?page={number}'


def _context(**extra):
    return dict(local=service.to_local, author_name=access.author_name, page_url=_page_url,
                max_mb=service.settings().max_bytes // 2**20, **extra)


# --- reading ----------------------------------------------------------------------------------------

@routes.get('/blog')
def index():
    classes = access.blog_classes(require_user())
    if len(classes) == 1:
        redirect(url('blog.classroom', class_id=classes[0][0].id), 303)
    return render('blog/choose.html', classes=classes)


@routes.get('/blog/classe/<class_id:int>')
def classroom(class_id):
    user = require_user()
    room, role = access.get_class_blog(user, class_id)
    posts = reading.list_posts(user, room, role, _page())
    newest = posts.items[0].publish_at if posts.items and posts.number == 1 and role != 'manager' else None
    seen = visits.note_visit(user, room, 'blog', newest)
    if not request.query_string:
        offline.keep(user)      # the class blog's newest posts (the home's cards link it)
    return render('blog/classroom.html', **_context(
        classroom=room, role=role, posts=posts, seen=seen,
        mine=reading.my_posts(user, room) if role == 'pupil' else [],
        waiting=reading.waiting_count(room) if role == 'manager' else 0))


@routes.get('/blog/article/<post_id:int>', 'post')
def show(post_id):
    user = require_user()
    post, role = access.get_post_for(user, post_id)
    offline.keep(user)          # a post a guardian reads (from the home's feed or the class blog)
    return _show(user, post, role)


def _show(user, post, role, errors=None, comment=''):
    policy = access.settings_of(post.classroom).comment_policy
    return render('blog/post.html', **_context(
        post=post, role=role, classroom=post.classroom, comments=reading.comments_for(user, role, post),
        can_comment=access.can_comment(user, role, post, policy), policy=policy,
        attachments=list(post.attachments), errors=errors or {}, comment=comment,
        attachment_url=lambda a: url('blog.attachment', attachment_id=a.id)))


@routes.get('/blog/fichier/<attachment_id:int>')
def attachment(attachment_id):
    return send_file(posting.get_attachment_for(require_user(), attachment_id), 'private, max-age=86400')


# --- writing ----------------------------------------------------------------------------------------

@routes.get('/blog/classe/<class_id:int>/nouveau')
def new(class_id):
    room, role = access.get_class_blog_to_write(require_user(), class_id)
    return render('blog/edit.html', **_context(classroom=room, role=role, post=None,
                                               values={'visibility': 'families', 'when': 'now'},
                                               albums=picker.picker_albums(room.id)))


@routes.post('/blog/classe/<class_id:int>/nouveau')
def create(class_id):
    user = require_user()
    room, role = access.get_class_blog_to_write(user, class_id)
    return _submit(room, role, None,
                   lambda values: posting.create_post(user, class_id, values, uploaded_files('attachments'),
                                                      photo_uploads=uploaded_files('photos')),
                   lambda post: (_('Ton article est envoyé : l’enseignant va le lire avant de le publier.')
                                 if post.status == 'pending' else _('Article programmé.') if post.is_scheduled
                                 else _('Article publié.')))


@routes.get('/blog/article/<post_id:int>/modifier')
def edit(post_id):
    post, role = access.get_post_to_edit(require_user(), post_id)
    local = service.to_local(post.publish_at) if post.is_scheduled else None
    values = {'title': post.title, 'body': post.body_source, 'visibility': post.visibility,
              'when': 'later' if local else 'now',
              'publish_date': f'{local:%Y-%m-%d}' if local else '',
              'publish_time': f'{local:%H:%M}' if local else ''}
    return render('blog/edit.html', **_context(classroom=post.classroom, role=role, post=post,
                                               values=values, albums=picker.picker_albums(post.classroom_id)))


@routes.post('/blog/article/<post_id:int>/modifier')
def update(post_id):
    user = require_user()
    post, role = access.get_post_to_edit(user, post_id)
    return _submit(post.classroom, role, post,
                   lambda values: posting.update_post(user, post_id, values, uploaded_files('attachments'),
                                                      field_list('remove'), uploaded_files('photos')),
                   lambda saved: (_('Article envoyé à l’enseignant : il le lira avant de le publier.')
                                  if saved.status == 'pending' else _('Article enregistré.')))


def _submit(room, role, post, save, done):
    """The editor sent, for a new post (post None) or an edited one: the preview button shows the
    form again with the post as it will read; otherwise save(values) gives the saved post, and
    done(saved) the message to show on its page; refused, the form shows again with its errors."""
    values = form_fields(*POST_FIELDS)

    def form(**extra):      # a browser never sends chosen files again: the page says so
        dropped = any(name for name, _stream in uploaded_files('attachments') + uploaded_files('photos'))
        return render('blog/edit.html', **_context(classroom=room, role=role, post=post, values=values,
                                                   albums=picker.picker_albums(room.id), files_dropped=dropped,
                                                   **extra))
    picked = field_list('pick')           # photos ticked in the picker join the text, whatever the button
    if picked or field('action') == 'insert':
        try:
            values['body'] = picker.insert_picked(room.id, values['body'], picked)
        except ValidationError as exc:
            return form(errors=exc.errors, picking=True)
        if field('action') == 'insert':   # the picker without JavaScript: the form comes back
            return form(inserted=True)
    if field('action') == 'preview':
        return form(preview=posting.preview(values, room.id))
    try:
        saved = save(values)
    except ValidationError as exc:
        return form(errors=exc.errors)
    flash(done(saved), 'success')
    redirect(url('blog.post', post_id=saved.id), 303)


@routes.post('/blog/article/<post_id:int>/supprimer')
def delete(post_id):
    post = posting.delete_post(require_user(), post_id)
    flash(_('Article supprimé.'), 'success')
    redirect(url('blog.classroom', class_id=post.classroom_id), 303)


@routes.post('/blog/article/<post_id:int>/commentaires')
def comment(post_id):
    user = require_user()
    try:
        added = posting.add_comment(user, post_id, field('comment'))
    except ValidationError as exc:
        post, role = access.get_post_for(user, post_id)
        return _show(user, post, role, errors=exc.errors, comment=field('comment'))
    flash(_('Commentaire publié.') if added.status == 'published'
          else _('Merci ! Le commentaire sera visible après validation par l’enseignant.'), 'success')
    redirect(url('blog.post', post_id=post_id) + '#commentaires', 303)


# --- moderation -------------------------------------------------------------------------------------

@routes.get('/blog/classe/<class_id:int>/moderation')
def moderation(class_id):
    return _moderation_page(require_user(), class_id, select_all=request.query.get('tout') == '1')


def _moderation_page(user, class_id, select_all=False, **form):
    """The queue; `form` brings back a refused batch (errors, the ticked ids, the reason)."""
    room, _role = access.get_class_blog(user, class_id)
    return render('blog/moderation.html', **_context(
        classroom=room, policy=access.settings_of(room).comment_policy, select_all=select_all, form=form,
        **moderating.moderation_queue(user, room)))


@routes.post('/blog/classe/<class_id:int>/moderation', 'moderate_many')
def moderate_many(class_id):
    """The ticked posts and comments published or refused together; « Tout publier »: every one the
    page showed (not those sent since)."""
    user, action, reason = require_user(), field('action'), field('reason')
    prefix, decision = 'shown_' if action == 'publish_all' else '', 'rejected' if action == 'reject' else 'published'
    posts, comments = field_list(prefix + 'post'), field_list(prefix + 'comment')
    try:
        done, skipped = moderating.moderate_many(user, class_id, posts, comments, decision, reason)
    except ValidationError as exc:
        return _moderation_page(user, class_id, errors=exc.errors, posts=posts, comments=comments, reason=reason)
    flash(moderating.batch_message(decision, done, skipped, reason), 'success')
    redirect(url('blog.moderation', class_id=class_id), 303)


def _back(message, kind='success'):
    """Moderation forms come from the queue or a post page and carry `back`: return there."""
    flash(message, kind)
    back = safe_next(field('back'), fallback='')
    redirect(back if back.startswith('/blog/') else url('blog.index'), 303)


def _moderate(action, item_id, done, *args):
    """Run a moderation action as the signed-in user and go back with `done`, or with the
    problem of the refusal's reason."""
    try:
        action(require_user(), item_id, *args)
    except ValidationError as exc:
        _back(' '.join(exc.errors.values()), 'error')
    _back(done)


@routes.post('/blog/article/<post_id:int>/valider', 'approve')
def approve_post(post_id):
    _moderate(moderating.approve_post, post_id, _('Article publié.'), field('photo_checked') == 'oui')


@routes.post('/blog/article/<post_id:int>/refuser', 'reject')
def reject_post(post_id):
    _moderate(moderating.reject_post, post_id, _('Article refusé : son auteur voit la raison.'),
              field('reason'))


@routes.post('/blog/commentaire/<comment_id:int>/valider')
def approve_comment(comment_id):
    _moderate(moderating.approve_comment, comment_id, _('Commentaire publié.'))


@routes.post('/blog/commentaire/<comment_id:int>/supprimer')
def delete_comment(comment_id):
    _moderate(moderating.delete_comment, comment_id, _('Commentaire supprimé.'))


@routes.post('/blog/commentaire/<comment_id:int>/refuser')
def reject_comment(comment_id):
    _moderate(moderating.reject_comment, comment_id, _('Commentaire refusé : son auteur voit la raison.'),
              field('reason'))


@routes.post('/blog/classe/<class_id:int>/reglages', 'settings')
def blog_settings(class_id):
    moderating.set_comment_policy(require_user(), class_id, field('comment_policy'))
    flash(_('Règle des commentaires enregistrée.'), 'success')
    redirect(url('blog.moderation', class_id=class_id), 303)


# --- public -----------------------------------------------------------------------------------------

@routes.get('/public/<uai>/')
def public_index(uai):
    school = public.public_school(uai)
    posts = public.public_posts(school, _page())
    return render('blog/public_index.html', **_context(
        school=school, posts=posts))


@routes.get('/public/<uai>')
def public_index_slash(uai):
    """The public page's address without its final slash: a permanent redirect to it."""
    redirect(url('blog.public_index', uai=uai), 301)


@routes.get('/public/<uai>/article/<post_id:int>')
def public_post(uai, post_id):
    school = public.public_school(uai)
    post = public.get_public_post(school, post_id)
    return render('blog/public_post.html', **_context(
        school=school, post=post, attachments=public.public_attachments(post),
        classes=public.classroom_names([post]),
        attachment_url=lambda a: url('blog.public_attachment', uai=school.uai, attachment_id=a.id)))


@routes.get('/public/<uai>/atom.xml')
def public_feed(uai):
    school = public.public_school(uai)
    posts = public.public_feed(school)
    response.content_type = 'application/atom+xml; charset=utf-8'
    return render('blog/atom.xml', **_context(school=school, posts=posts, base=public_url()))


# Public photos and attachments (a pupil's voice) are revalidated on every view (no-cache: a
# browser or proxy may keep the bytes but must ask again, with If-None-Match, before using them):
# the check of the post and of every tagged pupil's consent runs each time, a 304 costs a few
# queries and no bytes, and a consent withdrawn or a post taken down hides the file at the next
# view, even for a visitor or a proxy that saw it before. A long max-age would keep showing it.
PUBLIC_CACHE = 'no-cache'


@routes.get('/public/<uai>/photo/<photo_id:int>/<size:re:display|thumb>.jpg')
def public_photo(uai, photo_id, size):
    path, digest = public.get_public_photo_file(public.public_school(uai), photo_id, size)
    return send_jpeg(path, digest, PUBLIC_CACHE)


def _public_photo_url(school, base=''):
    return lambda photo_id: base + url('blog.public_photo', uai=school.uai, photo_id=photo_id,
                                       size='display')


@routes.get('/public/<uai>/fichier/<attachment_id:int>')
def public_attachment(uai, attachment_id):
    school = public.public_school(uai)
    return send_file(public.get_public_attachment(school, attachment_id), PUBLIC_CACHE)


def home_section(user, context):
    """What the blog adds to the home: new posts on each child's card, the teacher's posts and
    comments to moderate, the pupil's tiles. A few cheap queries (the guardian home is hot)."""
    if context.get('cards'):
        fresh = reading.new_posts_by_class(user)
        for card in context['cards']:
            if card.classroom:
                n = fresh.get(card.classroom.id, 0)
                label = (ngettext('%(num)d nouvel article sur le blog',
                                  '%(num)d nouveaux articles sur le blog', n) % {'num': n}
                         if n else _('Le blog de la classe'))
                card.links.append(home.Link(url('blog.classroom', class_id=card.classroom.id),
                                            'blog', label))
    if user.has_role('teacher', 'director'):
        for classroom in membership.current_classes_of(user):
            if waiting := reading.waiting_count(classroom):
                context['todo'].append(home.Todo(url('blog.moderation', class_id=classroom.id), waiting, ngettext(
                    '%(num)d article ou commentaire à modérer', '%(num)d articles ou commentaires à modérer',
                    waiting) % {'num': waiting} + f' · {classroom.name}'))
    if user.has_role('pupil'):
        context['blog'] = {'pupil_classes': membership.current_classes_of(user)}


def register(app):
    hooks.TEMPLATE_FILTER.add(('post_body', lambda post, reader: reading.post_body(reader, post)))
    hooks.TEMPLATE_FILTER.add(('public_body', lambda post, school, base='': public.public_body(
        post, _public_photo_url(school, base))))
    hooks.TEMPLATE_FILTER.add(('feed_html', str))    # Markup to text: the feed escapes it into <content>
    hooks.TEMPLATE_FILTER.add(('excerpt', markup.excerpt))
    hooks.HOME_SECTION.add(home_section)
    hooks.FAMILY_FEED.add(family.items)
    hooks.ARCHIVE_SECTION.add(reading.archive_section)
    add_nav('/blog', _('Le blog'), 'blog', ('pupil', 'guardian', 'teacher', 'director', 'staff'), order=20)
    routes.install(app)
