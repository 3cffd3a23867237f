"""The homework notebook's pages: the families' and pupils' week (/devoirs), a class's week for its
teachers, writing entries, ticks, printing, the subject list, and the private calendar feeds.

Who may see what (access.py decides; tests/homework/test_routes.py checks every route and role):
  /devoirs                             pupils (their own), guardians (each child); teachers, the
                                       director and staff are sent to their classes' weeks
  /devoirs/imprimer                    pupils and guardians (others: 403)
  /devoirs/<id>, its files             whoever reads the entry (NotFound otherwise)
  /devoirs/<id>/fait                   the pupils the entry is given to
  /classe/<id>/devoirs                 the class's teachers, its school's director, the admin; its
                                       staff read what is published; pupils and families are sent
                                       to /devoirs
  /classe/<id>/devoirs/imprimer, nouveau, /devoirs/<id>/modifier, supprimer, copier
                                       the class's teachers, its school's director, the admin
  /devoirs/matieres                    the school's director, the admin (?ecole=UAI)
  /agenda/<token>.ics                  anyone holding the token (a calendar application)
  /compte/agenda/<child>/...           the guardian (or the pupil) the address belongs to
"""
from datetime import timedelta

from bottle import redirect, request, response
from markupsafe import Markup

from .. import hooks
from ..accounts import membership
from ..admin import service as admin
from ..blog import markup
from ..errors import Forbidden, ValidationError, found
from ..home.service import Link
from ..i18n import _, date_fr, day_name, ngettext
from ..models import NIVEAUX
from ..school_calendar.service import days as school_days
from ..web import offline
from ..web.files import send_file
from ..web.forms import csrf_token, field, field_list, form_text, safe_next, uploaded_files
from ..web.guards import require_user
from ..web.render import add_nav, env, flash, public_url, render, url
from ..web.routing import Routes
from . import access, archive, entries, family, feed, pages, reading, service, subjects

routes = Routes('homework')

ENTRY_FIELDS = ('subject', 'due_on', 'given_on', 'body', 'links', 'when', 'publish_date', 'publish_time',
                'repeat_until')
LIST_FIELDS = ('niveaux', 'repeat_weekdays')


def _monday():
    """The Monday of ?semaine=YYYY-Www, else of this week."""
    return service.parse_week(request.query.get('semaine')) or service.monday_of(service.today())


def _weeks_context(monday, weeks):
    here = request.path + (f'?{request.query_string}' if request.query_string else '')
    return dict(monday=monday, weeks=weeks, today=service.today(), week_label=service.week_label, here=here,
                last_day=monday + timedelta(days=7 * weeks - 1), now_utc=service.clock(), local=service.to_local,
                previous=service.week_label(monday - timedelta(days=7)),
                next=service.week_label(monday + timedelta(days=7)))


# --- families and pupils ---------------------------------------------------------------------------

@routes.get('/devoirs')
def index():
    user = require_user()
    if not user.has_role('pupil', 'guardian'):
        return _teacher_index(user)
    monday, guardian = _monday(), not user.has_role('pupil')
    weeks, context = _children_weeks(user, monday, 2), _weeks_context(monday, 2)
    sections = [pages.child_week_html(week, guardian, context['today'], csrf_token(), context['here'])
                for week in weeks]
    offline.keep(user)          # the current week, readable offline (a guardian's)
    return render('homework/week.html', children=weeks, sections=sections, **context,
                  feeds=feed.feeds_for(user, public_url(), [week.child for week in weeks]),
                  classes=reading.managed_classes(user) if user.has_role('teacher', 'director', 'admin') else [])


@routes.get('/devoirs/imprimer')
def print_week():
    user = require_user()
    if not user.has_role('pupil', 'guardian'):
        raise Forbidden(_('Cette page imprime les devoirs d’un élève : ouvrez celle de votre classe.'))
    monday = _monday()
    return render('homework/print.html', sheets=_children_weeks(user, monday, 1), **_weeks_context(monday, 1))


def _children_weeks(user, monday, weeks):
    if user.has_role('pupil'):
        own = reading.pupil_weeks(user, monday, weeks)
        return [own] if own else []
    return reading.guardian_weeks(user, monday, weeks)


def _teacher_index(user):
    """The teachers' and directors' classes (staff: those they work in): one goes straight to it."""
    classes = reading.managed_classes(user) or membership.classes_of(user, 'teacher')
    if len(classes) == 1:
        redirect(url('homework.classroom', class_id=classes[0].id), 303)
    return render('homework/choose.html', classes=classes)


# --- an entry ----------------------------------------------------------------------------------------

@routes.get('/devoirs/<homework_id:int>', 'entry')
def show(homework_id):
    user = require_user()
    entry, role = access.entry_for(user, homework_id)
    return _show(user, entry, role)


def _show(user, entry, role, copy_errors=None, copy_chosen=None):
    classes = reading.managed_classes(user) if role == 'manager' else []
    niveaux = {niveau for c in classes for niveau in c.niveau_list}
    return render('homework/entry.html', entry=entry, role=role, files=list(entry.files),
                  done=role == 'pupil' and reading.is_done(user, entry), classroom=entry.classroom,
                  ticks=reading.ticks_of(entry) if role == 'manager' else [],
                  copy_classes=[(c.id, c.name) for c in classes],
                  copy_niveaux=[(n, n) for n in NIVEAUX if n in niveaux],
                  copy_errors=copy_errors or {}, local=service.to_local, now_utc=service.clock(),
                  copy_chosen=copy_chosen or {'class_id': entry.classroom_id, 'niveaux': []})


@routes.get('/devoirs/fichier/<file_id:int>', 'file')
def attachment(file_id):
    found = entries.file_for(require_user(), file_id)
    return send_file(found, 'private, max-age=86400')


@routes.post('/devoirs/<homework_id:int>/fait')
def tick(homework_id):
    done = field('done', '1') == '1'
    entries.set_done(require_user(), homework_id, done)
    flash(_('Bravo, c’est noté : fait !') if done else _('D’accord : pas encore fait.'), 'success')
    redirect(safe_next(field('next'), fallback=url('homework.index')), 303)


# --- a class's week, for its teachers ---------------------------------------------------------------

@routes.get('/classe/<class_id:int>/devoirs')
def classroom(class_id):
    user = require_user()
    room, role = access.class_to_read(user, class_id)
    if role not in ('manager', 'staff'):
        redirect(url('homework.index'), 303)
    monday = _monday()
    return render('homework/classroom.html', classroom=room, role=role,      # staff read what is published
                  days=reading.class_days(room, monday, monday + timedelta(days=13), role == 'staff'),
                  **_weeks_context(monday, 2))


@routes.get('/classe/<class_id:int>/devoirs/imprimer')
def print_class(class_id):
    """The week of every pupil of the class, one sheet each: for families without a device."""
    room = access.class_to_write(require_user(), class_id)
    monday = _monday()
    return render('homework/print.html', sheets=reading.class_sheets(room, monday), classroom=room,
                  **_weeks_context(monday, 1))


@routes.get('/classe/<class_id:int>/devoirs/nouveau')
def new(class_id):
    room = access.class_to_write(require_user(), class_id)
    day = _due_default(room)
    return _form(room, None, {'niveaux': [], 'due_on': day.isoformat(), 'when': 'now',
                              'given_on': service.today().isoformat()})


def _due_default(room):
    return school_days(room.school_id).next_school_day(service.today())


@routes.post('/classe/<class_id:int>/devoirs/nouveau')
def create(class_id):
    user = require_user()
    return _submit(access.class_to_write(user, class_id), None,
                   lambda values: entries.create(user, class_id, values, uploaded_files('files')),
                   lambda made: (ngettext('Devoirs enregistrés.', '%(num)d devoirs enregistrés (répétition chaque '
                                          'semaine).', len(made)) % {'num': len(made)},
                                 url('homework.classroom', class_id=class_id)
                                 + f'?semaine={service.week_label(made[0].due_on)}'))


@routes.get('/devoirs/<homework_id:int>/modifier')
def edit(homework_id):
    entry = access.entry_to_write(require_user(), homework_id)
    local = service.to_local(entry.publish_at)
    later = entry.publish_at > service.clock()
    return _form(entry.classroom, entry, {
        'niveaux': entry.niveau_list, 'subject': entry.subject, 'due_on': entry.due_on.isoformat(),
        'given_on': entry.given_on.isoformat(), 'body': entry.body_source, 'links': entry.links,
        'when': 'later' if later else 'now', 'publish_date': f'{local:%Y-%m-%d}' if later else '',
        'publish_time': f'{local:%H:%M}' if later else ''})


@routes.post('/devoirs/<homework_id:int>/modifier')
def update(homework_id):
    user = require_user()
    entry = access.entry_to_write(user, homework_id)
    return _submit(entry.classroom, entry,
                   lambda values: entries.update(user, homework_id, values, uploaded_files('files'),
                                                 field_list('remove')),
                   lambda saved: (_('Devoirs enregistrés.'), url('homework.entry', homework_id=saved.id)))


def _submit(room, entry, save, done):
    """The editor sent (a new entry, or `entry` changed): save(values) gives (saved, warnings),
    done(saved) the message and the page to go to; refused, the form comes back with its errors."""
    values = _values()
    try:
        saved, warnings = save(values)
    except ValidationError as exc:
        errors = dict(exc.errors)
        if any(name for name, _stream in uploaded_files('files')):     # a browser cannot send them again
            errors.setdefault('files', _('Les fichiers choisis n’ont pas été gardés : joignez-les de nouveau.'))
        return _form(room, entry, dict(values, remove=field_list('remove')), errors)
    message, where = done(saved)
    flash(message, 'success')
    for warning in warnings:
        flash(warning, 'warning')
    redirect(where, 303)


@routes.post('/devoirs/<homework_id:int>/supprimer')
def delete(homework_id):
    entry = entries.delete(require_user(), homework_id, series=field('series') == '1')
    flash(_('Devoirs supprimés.'), 'success')
    redirect(url('homework.classroom', class_id=entry.classroom_id), 303)


@routes.post('/devoirs/<homework_id:int>/copier')
def copy(homework_id):
    user = require_user()
    chosen = {'class_id': field('class_id'), 'niveaux': field_list('niveaux')}
    try:
        made = entries.copy(user, homework_id, chosen['class_id'], chosen['niveaux'])
    except ValidationError as exc:
        entry, role = access.entry_for(user, homework_id)
        return _show(user, entry, role, copy_errors=exc.errors, copy_chosen=chosen)
    flash(_('Devoirs copiés.'), 'success')
    redirect(url('homework.entry', homework_id=made.id), 303)


def _values():
    """The editor's fields; a text far too long comes back cut, with the editor's own message."""
    values = {name: form_text(name, entries.MAX_BODY + 1) for name in ENTRY_FIELDS}
    values.update({name: field_list(name) for name in LIST_FIELDS})
    return values


def _form(room, entry, values, errors=None):
    return render('homework/edit.html', classroom=room, entry=entry, values=values, errors=errors or {},
                  subject_choices=[(name, name) for name in _subjects(room, entry)],
                  niveau_choices=[(niveau, niveau) for niveau in room.niveau_list],
                  weekday_choices=[(str(number), day_name(number)) for number in range(6)],
                  max_mb=service.settings().max_bytes // 2**20)


def _subjects(room, entry):
    """The school's list, and an edited entry's own subject if it has left the list since."""
    names = subjects.of_school(room.school_id)
    return names + [entry.subject] if entry is not None and entry.subject not in names else names


# --- the school's subjects -------------------------------------------------------------------------

@routes.get('/devoirs/matieres')
def subjects_form():
    school = _school_to_set(request.query.getunicode('ecole', ''))
    return render('homework/subjects.html', school=school, text='\n'.join(subjects.of_school(school.id)),
                  errors={})


@routes.post('/devoirs/matieres')
def subjects_save():
    user = require_user()
    school = _school_to_set(field('ecole'))
    text = field('subjects')
    try:
        subjects.save(user, school.id, text)
    except ValidationError as exc:
        return render('homework/subjects.html', school=school, text=text, errors=exc.errors)
    flash(_('Liste des matières enregistrée.'), 'success')
    redirect(url('homework.subjects_form') + f'?ecole={school.uai}', 303)


def _school_to_set(uai):
    """The director's school, or the one the admin names (?ecole=UAI)."""
    return found(admin.school_to_administer(require_user(), uai),
                 _('Choisissez une école : ajoutez ?ecole=UAI à l’adresse.'))


# --- calendar feeds (feed.py) -----------------------------------------------------------------------

@routes.get('/agenda/<token:re:[A-Za-z0-9_-]{20,100}>.ics', 'feed')
def calendar_feed(token):
    """Public (web/guards.py): the secret token is the only key, so calendar apps need no cookie."""
    base = public_url()
    ics = feed.ics(token, link=lambda entry: base + url('homework.entry', homework_id=entry.id))
    response.content_type = 'text/calendar; charset=utf-8'
    response.set_header('Cache-Control', 'private, max-age=900')
    response.set_header('Content-Disposition', f'inline; filename="{ics.filename}"')
    return ics.body


@routes.post('/compte/agenda/<child_id:int>/desactiver', 'feed_revoke')
def feed_revoke(child_id):
    child = feed.revoke(require_user(), child_id)
    flash(_("L'adresse de l'agenda des devoirs de %s est désactivée : elle ne fonctionne plus.")
          % child.first_name, 'success')
    redirect(safe_next(field('next'), '/compte'), 303)


@routes.post('/compte/agenda/<child_id:int>/renouveler', 'feed_renew')
def feed_renew(child_id):
    child = feed.renew(require_user(), child_id)
    flash(_("Nouvelle adresse pour l'agenda des devoirs de %s : ajoutez-la à votre agenda, "
            "l'ancienne ne fonctionne plus.") % child.first_name, 'success')
    redirect(safe_next(field('next'), '/compte'), 303)


def account_section(user):
    """The account page's calendar addresses, with their buttons (hooks.ACCOUNT_SECTION); None
    when the user follows no child. Creates a child's first address without a POST."""
    feeds = feed.feeds_for(user, public_url())
    if not feeds:
        return None
    return Markup(env.get_template('homework/_feeds.html').render(
        feeds=feeds, manage=True, csrf_token=csrf_token(), feeds_next=url('accounts.account')))


# --- the homes -------------------------------------------------------------------------------------

def home_section(user, context):
    """Each child card's « 2 devoirs pour demain » (one query for all children), the teacher's
    homework of the next school day in each of their classes."""
    cards = [card for card in context.get('cards', ()) if card.classroom is not None]
    if cards:
        counts = reading.next_day_counts(user, [(card.pupil, card.classroom) for card in cards])
        today = service.today()
        for card in cards:
            day, due, done = counts.get(card.pupil.id, (None, 0, 0))
            card.links.insert(0, Link(url('homework.index') + f'#enfant-{card.pupil.id}', 'homework',
                                      _due_label(day, due, done, today)))
    if user.has_role('teacher'):
        classes = membership.classes_of(user, 'teacher')
        if classes:
            found = reading.next_day_entries(classes)
            context['homework'] = [(c, *found[c.id]) for c in classes]
    if user.has_role('pupil'):
        context['homework_tile'] = True


def _due_label(day, due, done, today):
    """« 2 devoirs pour demain », « pour lundi », or with the date after a week or more."""
    if not due:
        return _('Le cahier de textes')
    when = (_('demain') if day == today + timedelta(days=1) else day_name(day.weekday())
            if day < today + timedelta(days=7) else date_fr(day, with_year=False))
    label = ngettext('%(num)d devoir pour %(day)s', '%(num)d devoirs pour %(day)s', due) % {'num': due, 'day': when}
    return label + (' ' + _('(%(done)d sur %(num)d faits)') % {'done': done, 'num': due} if done else '')


def homework_body(fragment):
    """An entry's stored HTML (sanitised by nh3 when saved), shown as is: album photos are not
    resolved in homework, their references are dropped."""
    return Markup(markup.without_photos(fragment) if 'data-photo' in fragment else fragment)


def register(app):
    hooks.TEMPLATE_FILTER.add(('homework_body', homework_body))
    hooks.HOME_SECTION.add(home_section)
    hooks.FAMILY_FEED.add(family.items)
    hooks.ARCHIVE_SECTION.add(archive.archive_section)
    hooks.ACCOUNT_SECTION.add(account_section)
    add_nav('/devoirs', _('Les devoirs'), 'homework', ('pupil', 'guardian', 'teacher', 'director', 'staff'),
            order=15)
    routes.install(app)
