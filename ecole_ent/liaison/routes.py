"""The cahier de liaison's pages: a guardian's notes per child with their sign and oui / non
forms; the teacher's notes with their signature counts, the « Nouveau mot » form, a note's status
per pupil and guardian with « Relancer » and paper slips, printable slips, the CSV export.

Who may see what (access.py decides; tests/liaison/test_routes.py checks every route and role):
  /cahier-de-liaison                  guardians (their children's notes), teachers, the director,
                                      the admin (the notes of the classes they manage); a user who
                                      is both sees both; pupils and staff: 403
  /cahier-de-liaison/nouveau          whoever manages a class (teachers, the director, the admin);
                                      ?classe=ecole (school-wide, urgent) the school's director (the
                                      admin: `notes send --school-wide --school UAI`)
  /cahier-de-liaison/<id>, its files  its guardians (their receipts) and those who follow it (the
                                      class's managers; the school's director and the admin for a
                                      school-wide note); NotFound for everyone else
  /cahier-de-liaison/<id>/signer      its guardians, for their own children
  /cahier-de-liaison/<id>/papier, relancer, imprimer, export.csv
                                      those who follow it (a guardian: 403; others: 404)
"""
from bottle import redirect, request, response
from markupsafe import Markup

from .. import hooks
from ..errors import Forbidden, ValidationError
from ..home.service import Link, Todo
from ..i18n import _, date_fr, ngettext
from ..numbers import as_id
from ..web import offline
from ..web.files import send_file
from ..web.forms import csrf_token, field, field_list, form_text, uploaded_files
from ..web.guards import require_user
from ..web.render import add_nav, flash, render, url
from ..web.routing import Routes
from . import access, archive, export, family, notes, pages, receipts, service

routes = Routes('liaison')

FORM_FIELDS = ('kind', 'title', 'deadline', 'remind_days', 'when', 'publish_date', 'publish_time', 'urgent')


def _staff_side(user):
    return user.has_role('teacher', 'director', 'admin')


@routes.get('/cahier-de-liaison')
def index():
    user = require_user()
    if not user.has_role('guardian') and not _staff_side(user):
        raise Forbidden(_('Le cahier de liaison relie l’école et les familles : il n’y a rien ici pour votre compte.'))
    classes = pages.managed_classes(user) if _staff_side(user) else []
    offline.keep(user)          # a guardian's notes, readable offline
    return render('liaison/index.html', children=pages.guardian_notes(user) if user.has_role('guardian') else [],
                  classes=classes, class_names={c.id: c.name for c in classes},
                  followed=pages.followed_notes(user, classes) if _staff_side(user) else [],
                  today=service.today(), now_utc=service.clock(), local=service.to_local, is_late=receipts.is_late)


@routes.get('/cahier-de-liaison/nouveau')
def new():
    user = require_user()
    target = request.query.getunicode('classe', '')
    return _form(user, target, {'class_id': target, 'kind': 'sign', 'when': 'now', 'niveaux': [], 'pupils': []})


@routes.post('/cahier-de-liaison/nouveau')
def create():
    user = require_user()
    values = {name: form_text(name, 200) for name in FORM_FIELDS}        # too long: the form's own message
    values.update(class_id=field('class_id'), title=form_text('title', notes.MAX_TITLE + 1),
                  body=form_text('body', notes.MAX_BODY + 1),
                  niveaux=field_list('niveaux'), pupils=field_list('pupils'))
    try:
        note, warnings = notes.send(user, values, uploaded_files('files'))
    except ValidationError as exc:
        errors = dict(exc.errors)
        if any(name for name, _stream in uploaded_files('files')):
            errors.setdefault('files', _('Les fichiers choisis n’ont pas été gardés : joignez-les de nouveau.'))
        return _form(user, values['class_id'], values, errors)
    flash(_('Mot envoyé.') if note.send_at <= service.clock() else _('Mot programmé.'), 'success')
    for warning in warnings:
        flash(warning, 'warning')
    redirect(url('liaison.show', note_id=note.id), 303)


def _form(user, target, values, errors=None):
    """The « Nouveau mot » form for the class `target` (an id, or 'ecole'), or the choice of a class."""
    if target == 'ecole':
        school = access.school_to_send(user, user.school_id)
        return render('liaison/new.html', classroom=None, school=school, pupils=[], values=values,
                      errors=errors or {}, classes=[], max_mb=service.settings().max_bytes // 2**20)
    classes = pages.managed_classes(user)
    chosen = next((c for c in classes if str(c.id) == str(target)), None)
    if target and chosen is None:
        access.class_to_send(user, as_id(target) or 0)          # Forbidden: not one of the user's classes
    if chosen is None and len(classes) == 1:
        chosen = classes[0]
    if chosen is not None:
        values = dict(values, class_id=str(chosen.id))
    elif not classes and not user.has_role('director'):
        raise Forbidden(_("Seuls les enseignants d'une classe peuvent écrire un mot à ses familles."))
    return render('liaison/new.html', classroom=chosen, school=None, classes=classes, values=values,
                  pupils=pages.pupils_of(chosen) if chosen else [], errors=errors or {},
                  max_mb=service.settings().max_bytes // 2**20)


@routes.get('/cahier-de-liaison/<note_id:int>', 'show')
def show(note_id):
    user = require_user()
    note, follows, mine = access.note_for(user, note_id)
    receipts.mark_read(note, mine)
    return _show(note, follows, mine)


def _show(note, follows, mine, errors=None):
    status = pages.status_html(note, csrf_token()) if follows else ''
    return render('liaison/note.html', note=note, follows=follows, mine=mine, files=pages.files_of(note),
                  children=pages.children_named(mine), status_html=status,
                  classroom=pages.classroom_of(note), errors=errors or {},
                  now_utc=service.clock(), today=service.today(), local=service.to_local, is_late=receipts.is_late)


@routes.post('/cahier-de-liaison/<note_id:int>/signer', 'sign')
def sign(note_id):
    user = require_user()
    try:
        signed, new = receipts.sign(user, note_id, field('pupil'), field('answer') or None,
                                    form_text('comment', receipts.MAX_COMMENT + 1))
    except ValidationError as exc:
        note, follows, mine = access.note_for(user, note_id)
        return _show(note, follows, mine, exc.errors)
    done = _('Votre réponse est enregistrée.') if signed.answer else _('Votre signature est enregistrée.')
    flash(done if new else _('C’était déjà fait : rien n’a changé.'), 'success')
    redirect(url('liaison.show', note_id=note_id) + f'#enfant-{signed.pupil_id}', 303)


@routes.post('/cahier-de-liaison/<note_id:int>/papier', 'paper')
def paper(note_id):
    user = require_user()
    try:
        _signed, new = receipts.record_paper(user, note_id, field('receipt'), field('answer') or None,
                                             form_text('comment', receipts.MAX_COMMENT + 1))
    except ValidationError as exc:
        note, follows, mine = access.note_for(user, note_id)
        return _show(note, follows, mine, exc.errors)
    flash(_('Coupon papier enregistré.') if new else _('C’était déjà signé : rien n’a changé.'), 'success')
    redirect(url('liaison.show', note_id=note_id) + '#suivi', 303)


@routes.post('/cahier-de-liaison/<note_id:int>/relancer', 'remind')
def remind(note_id):
    try:
        count = receipts.remind(require_user(), note_id)
        flash(ngettext('%(num)d responsable relancé.', '%(num)d responsables relancés.', count) % {'num': count}
              if count else _('Tout le monde a signé : personne à relancer.'), 'success')
    except ValidationError as exc:
        flash(exc.errors['remind'], 'warning')
    redirect(url('liaison.show', note_id=note_id) + '#suivi', 303)


@routes.get('/cahier-de-liaison/<note_id:int>/imprimer', 'print')
def print_slips(note_id):
    """One slip per pupil (the note's text and the signature or oui / non boxes): for families
    without a device."""
    note = access.note_to_follow(require_user(), note_id)
    return render('liaison/print.html', note=note, pupils=receipts.status(note), local=service.to_local)


@routes.get('/cahier-de-liaison/<note_id:int>/export.csv', 'export')
def export_csv(note_id):
    note = access.note_to_follow(require_user(), note_id)
    response.content_type = 'text/csv; charset=utf-8'
    response.set_header('Content-Disposition', f'attachment; filename="{export.filename(note)}"')
    response.set_header('Cache-Control', 'no-store')
    return export.csv_text(note)


@routes.get('/cahier-de-liaison/fichier/<file_id:int>', 'file')
def attachment(file_id):
    return send_file(notes.file_for(require_user(), file_id), 'private, max-age=86400')


# --- the homes ---------------------------------------------------------------------------------

def home_section(user, context):
    """Each child card's FIRST line, « 1 mot à signer avant le mardi 8 décembre » (one query for
    all cards; UX.md: notes to sign come first on the card); the teacher's and director's notes
    with missing signatures, in the « À faire » band."""
    cards = context.get('cards')
    if cards:
        lines = pages.card_lines(user, cards)
        for card in cards:
            if card.pupil.id in lines:
                card.links.insert(0, Link(url('liaison.index') + f'#enfant-{card.pupil.id}', 'note',
                                          lines[card.pupil.id]))
    if user.has_role('teacher', 'director'):
        for note, missing in pages.missing_signatures(user):
            deadline = (_(' · avant le %(date)s') % {'date': date_fr(note.deadline, with_year=False)}
                        if note.deadline else '')
            context['todo'].append(Todo(url('liaison.show', note_id=note.id) + '#suivi', missing, ngettext(
                '%(num)d signature manquante', '%(num)d signatures manquantes', missing) % {'num': missing}
                + f' · {note.title}{deadline}'))


def note_body(fragment):
    """A note's stored HTML (sanitised by nh3 when saved), shown as is."""
    return Markup(fragment)


def register(app):
    hooks.TEMPLATE_FILTER.add(('note_body', note_body))
    hooks.HOME_SECTION.add(home_section)
    hooks.FAMILY_FEED.add(family.items)
    hooks.ARCHIVE_SECTION.add(archive.archive_section)
    add_nav('/cahier-de-liaison', _('Cahier de liaison'), 'note', ('guardian', 'teacher', 'director', 'admin'),
            order=18)
    routes.install(app)
