"""The messaging pages: the inbox, writing (with the confirmation before a whole class), a thread
with its replies, receipts and recall, files, and the school's read-only switch.

Who may see what (access.py decides; tests/messages/test_routes.py checks every route and role):
  /messages, /messages/nouveau (GET, POST)
                              guardians, teachers, the director, staff, the admin; pupils: 403
  /messages/<id>, its files, /messages/<id>/repondre
                              the thread's members only; anyone else: 404 (existence does not leak);
                              a member who may no longer write to the others: 403 on reply
  /messages/message/<id>/retirer
                              the message's author (other members: 403, others: 404)
  /messages/lecture-seule     the school's director and the admin (others: 403)
"""
from bottle import redirect, request

from .. import hooks
from ..errors import Forbidden, ValidationError
from ..home.service import Link, Todo
from ..i18n import _, date_fr, ngettext, of_name
from ..models import NIVEAUX, Message, School
from ..numbers import as_id, page_number
from ..web.files import send_file
from ..web.forms import field, field_list, form_text, uploaded_files
from ..web.guards import require_user
from ..web.render import add_nav, flash, render, url
from ..web.routing import Routes
from . import access, pages, reading, safety, service, threads

routes = Routes('messages')

FIELDS = ('subject', 'when', 'publish_date', 'publish_time', 'class_id', 'token')


def _messaging_user():
    user = require_user()
    if not access.may_message(user):
        raise Forbidden(_('La messagerie n’est pas ouverte aux élèves.'))
    return user


@routes.get('/messages')
def inbox():
    user = _messaging_user()
    page = page_number(request.query.get('page'))
    lines, more = reading.inbox(user, page)
    return render('messages/inbox.html', lines_html=pages.lines_html(lines, page, more), switches=_switches(user),
                  read_only=_read_only_schools(user))


@routes.post('/messages/lecture-seule', 'switch')
def switch():
    user = _messaging_user()
    school = School.get_or_none(School.id == as_id(field('school'))) or user.school
    if school is None:
        raise Forbidden(_("Seuls la direction de l'école et l'administrateur peuvent changer ce réglage."))
    safety.set_read_only(user, school, field('on') == '1')
    flash(_('La messagerie %s est en lecture seule.') % of_name(school.name) if field('on') == '1'
          else _('La messagerie %s est de nouveau ouverte.') % of_name(school.name), 'success')
    redirect(url('messages.inbox'), 303)


@routes.get('/messages/nouveau', 'new')
def new():
    user = _messaging_user()
    return _form(user, {'recipients': request.query.getall('a'), 'token': threads.new_token()})


@routes.post('/messages/nouveau', 'create')
def create():
    user = _messaging_user()
    values = _values()
    try:
        outcome = threads.start(user, values, uploaded_files('files'), confirm=field('confirm') == '1')
    except ValidationError as exc:
        return _form(user, values, exc.errors)
    if outcome.confirm:
        return render('messages/confirm.html', values=values, confirm=outcome.confirm,
                      classroom=access.class_to_address(user, values['class_id']))
    _sent(outcome.notices, len(outcome.threads), outcome.duplicate)
    first = outcome.threads[0]
    redirect(url('messages.thread', thread_id=first.id) if len(outcome.threads) == 1 else url('messages.inbox'), 303)


def _values():
    values = {name: field(name) for name in FIELDS}
    values.update(body=form_text('body', threads.MAX_BODY + 1), recipients=field_list('recipients'),
                  niveaux=field_list('niveaux'), kept=field_list('kept'))
    return values


def _sent(notices, count, duplicate):
    if duplicate:
        flash(_('Ce message était déjà parti : il n’a pas été envoyé une seconde fois.'), 'info')
        return
    flash(ngettext('Message envoyé.', 'Message envoyé à %(num)d familles (une conversation chacune).', count)
          % {'num': count}, 'success')
    for notice in notices:
        flash(notice, 'info')


def _form(user, values, errors=None):
    chosen = {str(v) for v in values.get('recipients') or ()}
    groups = [(label, people, len(people) <= 6 or any(str(u.id) in chosen for u, _name in people))
              for label, people in access.recipients_for(user).items()]
    classes = access.classes_to_address(user)
    niveaux = [n for n in NIVEAUX if any(n in c.niveau_list for c in classes)]
    return render('messages/new.html', values=values, errors=errors or {}, groups=groups, classes=classes,
                  class_choices=[('', _('Aucune'))] + [(str(c.id), c.name) for c in classes], all_niveaux=niveaux,
                  chosen=chosen, read_only=_read_only_schools(user), max_mb=service.settings().max_bytes // 2**20)


@routes.get('/messages/<thread_id:int>', 'thread')
def show(thread_id, errors=None, body=''):
    user = _messaging_user()
    view = reading.open_thread(user, thread_id)
    return render('messages/thread.html', view=view, errors=errors or {}, body=body, local=service.to_local,
                  now_utc=service.clock(), read_only=safety.read_only(view.thread.school_id))


@routes.post('/messages/<thread_id:int>/repondre', 'reply')
def reply(thread_id):
    user = _messaging_user()
    values = {name: field(name) for name in ('when', 'publish_date', 'publish_time')}
    values['body'] = form_text('body', threads.MAX_BODY + 1)
    try:
        _message, notices = threads.reply(user, thread_id, values, uploaded_files('files'))
    except ValidationError as exc:
        return show(thread_id, exc.errors, values['body'])
    _sent(notices, 1, False)
    redirect(url('messages.thread', thread_id=thread_id) + '#dernier', 303)


@routes.post('/messages/message/<message_id:int>/retirer', 'recall')
def recall(message_id):
    user = _messaging_user()
    try:
        message = threads.recall(user, message_id)
        flash(_('Message retiré : les destinataires ne le verront pas.'), 'success')
    except ValidationError as exc:
        flash(exc.errors['recall'], 'error')
        message = Message.get_by_id(message_id)
    redirect(url('messages.thread', thread_id=message.thread_id), 303)


@routes.get('/messages/fichier/<file_id:int>', 'file')
def attachment(file_id):
    return send_file(threads.file_for(_messaging_user(), file_id), 'private, max-age=86400')


def _switches(user):
    """The schools whose read-only switch the user holds: [(school, read_only)]."""
    if user.has_role('admin'):
        schools = list(School.select().order_by(School.name))
    elif user.has_role('director') and user.school_id:
        schools = [user.school]
    else:
        return []
    return [(school, safety.read_only(school.id)) for school in schools]


def _read_only_schools(user):
    return bool(user.school_id and safety.read_only(user.school_id))


# --- the homes ---------------------------------------------------------------------------------------

def home_section(user, context):
    """« 2 messages non lus » on each child card (the messages of its class's teachers; the others
    on the first card) and the « Écrire à l'enseignant » buttons; the staff's unread messages in
    their « À faire » band. One prepared query."""
    if not access.may_message(user):
        return
    cards = [card for card in context.get('cards', ()) if card.classroom is not None]
    if cards:
        by_author = reading.unread_by_author(user)
        for card in cards:
            count = sum(by_author.pop(teacher.id, 0) for teacher in card.teachers)
            if card is cards[0]:
                count += sum(by_author.values())
            if count:
                card.links.append(Link(url('messages.inbox'), 'message', ngettext(
                    '%(num)d message non lu', '%(num)d messages non lus', count) % {'num': count}))
        context['messages_write'] = url('messages.new')
    if user.has_role('teacher', 'director', 'staff', 'admin') and (unread := reading.unread_count(user)):
        context['todo'].append(Todo(url('messages.inbox'), unread, ngettext(
            '%(num)d message non lu', '%(num)d messages non lus', unread) % {'num': unread}))


def message_time(moment):
    """« jeudi 3 décembre à 18 h 02 », in the school's time."""
    local = service.to_local(moment)
    return _('%(day)s à %(hour)d h %(minute)02d') % {'day': date_fr(local, with_year=False), 'hour': local.hour,
                                                      'minute': local.minute}


def register(app):
    hooks.TEMPLATE_FILTER.add(('message_time', message_time))
    hooks.HOME_SECTION.add(home_section)
    add_nav('/messages', _('Messages'), 'message', ('guardian', 'teacher', 'director', 'staff', 'admin'), order=20)
    routes.install(app)
