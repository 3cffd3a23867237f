"""The young pupils' space: pages made of big pictures with one short word each, for pupils who
cannot read yet (service.YOUNG_NIVEAUX: PS, MS, GS, CP). Their home (a section of `/`), their menu
(the layout's, sign-out last) and these pages; the post goes to the teacher like any pupil's.

Who may see what (service.py decides; tests/young/test_routes.py checks every route and role):
  /petits/classe/<id>/blog             the class's pupils (its live posts as picture cards, their
                                       own posts waiting); teachers, families, staff, the director,
                                       the admin: 403 (they read /blog/classe/<id>)
  /petits/classe/<id>/ecrire (GET, POST)
                                       the class's pupils (the simple post: photo, voice, words);
                                       everyone else 403; another school's class 403
"""
from bottle import redirect, request, response

from .. import hooks
from ..errors import ValidationError
from ..i18n import _
from ..numbers import page_number
from ..web.forms import field, uploaded_files
from ..web.guards import require_role
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import service

routes = Routes('young')


@routes.get('/petits/classe/<class_id:int>/blog')
def blog(class_id):
    page = service.blog_page(require_role('pupil'), class_id, page_number(request.query.get('page')))
    here = url('young.blog', class_id=class_id)
    return render('young/blog.html', page_url=lambda number: f'{here}?page={number}', **page)


MICROPHONE = 'geolocation=(), microphone=(self), camera=(self)'     # this page only (app.py: none)


@routes.get('/petits/classe/<class_id:int>/ecrire')
def write(class_id):
    classroom = service.class_to_write(require_role('pupil'), class_id)
    return _form(classroom)


@routes.post('/petits/classe/<class_id:int>/ecrire', 'send')
def send(class_id):
    user = require_role('pupil')
    try:
        service.send_post(user, class_id, field('words'), uploaded_files('photo'), uploaded_files('voice'))
    except ValidationError as exc:
        return _form(service.class_to_write(user, class_id), exc.errors, field('words'))
    flash(_('C’est envoyé ! La maîtresse ou le maître va le regarder.'), 'success')
    redirect(url('young.blog', class_id=class_id), 303)


def _form(classroom, errors=None, words=''):
    response.set_header('Permissions-Policy', MICROPHONE)
    settings = service.settings()
    return render('young/write.html', classroom=classroom, errors=errors or {}, words=words,
                  voice_seconds=settings.voice_seconds, voice_max_bytes=settings.voice_max_bytes)


def home_section(user, context):
    """A young pupil's home is made of pictures (templates/young/_home.html)."""
    if classroom := service.young_class(user):
        context['young'] = {'classroom': classroom}


def register(app):
    hooks.TEMPLATE_FILTER.add(('young_space', service.young_class))
    hooks.HOME_SECTION.add(home_section)
    routes.install(app)
