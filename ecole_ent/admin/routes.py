"""Administration pages, all under /admin/.

Who: a director administers their own school, the installation's admin every school (and alone
creates schools). Every other role (teacher, staff, guardian, pupil) gets 403 on every page and
action here: admin() below refuses them, and the service refuses a director anything of another
school (require_school_admin).
"""
from bottle import redirect, request, response

from ..errors import ValidationError
from ..i18n import _
from ..maintenance import page as backups
from ..models import NIVEAUX
from ..web.forms import checked, field, form_fields
from ..web.guards import require_role
from ..web.render import add_nav, flash, public_url, render, url
from ..web.routing import Routes
from . import accounts, classes, service

LABELS = {'roles': accounts.ROLE_LABELS, 'relations': accounts.RELATIONS,
          'consents': accounts.CONSENT_LABELS, 'statuses': accounts.STATUS_LABELS,
          'actions': service.ACTION_LABELS}

routes = Routes('admin')


def admin():
    return require_role('director', 'admin')


def page(template, **context):
    return render(template, labels=LABELS, niveaux=NIVEAUX, **context)


def secret_page(template, **context):
    """A page showing a code or password once: kept out of every cache."""
    response.set_header('Cache-Control', 'no-store')
    return page(template, public_url=public_url(), **context)


def done(message, target):
    flash(message, 'success')
    redirect(target, 303)


def ticked_niveaux():
    return [n for n in NIVEAUX if checked(f'niveau-{n}')]


# --- schools ----------------------------------------------------------------------------------

@routes.get('/admin')
def index():
    """Director: straight to their school. Admin: every school and the form to add one."""
    actor = admin()
    schools = service.schools_for(actor)
    if not actor.has_role('admin') and len(schools) == 1:
        redirect(url('admin.school', school_id=schools[0].id), 303)
    return page('admin/index.html', schools=schools, form={})


@routes.post('/admin/ecoles')
def school_create():
    """Admin only (the service refuses directors): a new school with its current year."""
    actor = admin()
    try:
        school = service.create_school(actor, field('uai'), field('name'))
    except ValidationError as exc:
        return page('admin/index.html', schools=service.schools_for(actor), errors=exc.errors,
                    form=form_fields('uai', 'name'))
    done(_('École créée.'), url('admin.school', school_id=school.id))


@routes.get('/admin/ecoles/<school_id:int>', 'school')
def school_page(school_id, errors=None, form=None):
    """Director of this school, admin: its classes this year and the form to add one."""
    user = admin()
    school = service.get_school(user, school_id)
    return page('admin/school.html', school=school, classes=classes.list_classes(school),
                archived=classes.list_classes(school, archived=True), backups=backups.may_see(user),
                errors=errors or {}, form=form or {'niveaux': []})


@routes.post('/admin/ecoles/<school_id:int>/classes')
def class_create(school_id):
    """Director of this school, admin: create a class of the current year."""
    actor = admin()
    try:
        classroom = classes.create_class(actor, service.get_school(actor, school_id), field('name'),
                                         ticked_niveaux())
    except ValidationError as exc:
        return school_page(school_id, exc.errors, {'name': field('name'), 'niveaux': ticked_niveaux()})
    done(_('Classe « %s » créée.') % classroom.name, url('admin.classroom', class_id=classroom.id))


# --- classes ----------------------------------------------------------------------------------

@routes.get('/admin/classes/<class_id:int>', 'classroom')
def class_page(class_id, errors=None):
    """Director of the class's school, admin: rename, niveaux, teachers, consent checklist."""
    return page('admin/classroom.html', errors=errors or {}, **classes.class_page(admin(), class_id))


def class_action(class_id, action, message):
    """Run action(actor, classroom) and go back to the class page, or show the page with errors.
    message: the flash text, or a function of the action's result."""
    actor = admin()
    try:
        result = action(actor, classes.get_class(actor, class_id))
    except ValidationError as exc:
        return class_page(class_id, exc.errors)
    done(message(result) if callable(message) else message, url('admin.classroom', class_id=class_id))


@routes.post('/admin/classes/<class_id:int>')
def class_update(class_id):
    """Director of the class's school, admin: rename the class and set its niveaux."""
    name, niveaux = field('name'), ticked_niveaux()
    return class_action(class_id, lambda a, c: classes.update_class(a, c, name, niveaux),
                        _('Classe enregistrée.'))


@routes.post('/admin/classes/<class_id:int>/archiver')
def class_archive(class_id):
    """Director of the class's school, admin: archive the class (it leaves every home page)."""
    return class_action(class_id, lambda a, c: classes.archive_class(a, c, checked('confirm')),
                        _('Classe archivée.'))


def teacher_change(class_id, change, message):
    """change(actor, classroom, teacher) with the teacher whose login the form names."""
    return class_action(class_id, lambda a, c: change(
        a, c, accounts.account_by_login(a, field('teacher'), 'teacher')), message)


@routes.post('/admin/classes/<class_id:int>/enseignants')
def teacher_assign(class_id):
    """Director of the class's school, admin: give the class one more teacher."""
    return teacher_change(class_id, classes.assign_teacher, _('Enseignant·e affecté·e.'))


@routes.post('/admin/classes/<class_id:int>/enseignants/retirer')
def teacher_remove(class_id):
    """Director of the class's school, admin: take a teacher off the class."""
    return teacher_change(class_id, classes.remove_teacher, _('Enseignant·e retiré·e de la classe.'))


@routes.post('/admin/classes/<class_id:int>/droit-image')
def class_consent(class_id):
    """Director of the class's school, admin: one image-rights answer for the ticked pupils."""
    value = field('consent')
    return class_action(class_id, lambda a, c: accounts.set_class_consent(
        a, c, [p.id for p in classes.class_pupils(c) if checked(f'eleve-{p.id}')], value),
        lambda count: _("Droit à l'image enregistré pour %d élève(s).") % count)


# --- accounts ---------------------------------------------------------------------------------

@routes.get('/admin/ecoles/<school_id:int>/comptes', 'accounts')
def account_search(school_id):
    """Director of this school, admin: search the school's accounts (accents and case ignored)."""
    school = service.get_school(admin(), school_id)
    query, role = request.query.getunicode('q', ''), request.query.getunicode('role', '')
    found, total = accounts.search_accounts(school, query, role)
    return page('admin/accounts.html', school=school, found=found, total=total, q=query, role=role)


@routes.get('/admin/ecoles/<school_id:int>/comptes/nouveau')
def account_new(school_id, errors=None, form=None):
    """Director of this school, admin: the form for a local account (a person no directory has)."""
    actor = admin()
    school = service.get_school(actor, school_id)
    return page('admin/account_new.html', school=school, errors=errors or {}, form=form or {},
                role_options=[(r, LABELS['roles'][r]) for r in accounts.creatable_roles(actor)],
                class_options=[(str(c.id), c.name) for c in classes.list_classes(school)])


@routes.post('/admin/ecoles/<school_id:int>/comptes')
def account_create(school_id):
    """Director of this school, admin: create the local account, then show its page."""
    actor = admin()
    data = form_fields('first_name', 'last_name', 'role', 'email', 'login', 'class_id', 'niveau')
    try:
        user = accounts.create_account(actor, service.get_school(actor, school_id), data)
    except ValidationError as exc:
        return account_new(school_id, exc.errors, data)
    done(_('Compte créé : %s. Imprimez son courrier d’activation.') % user.login,
         url('admin.account', user_id=user.id))


@routes.get('/admin/comptes/<user_id:int>', 'account')
def account_page(user_id, errors=None, form=None):
    """Director of the account's school, admin: the account, its links, consent and recovery."""
    return page('admin/account.html', errors=errors or {}, form=form or {},
                **accounts.account_page(admin(), user_id))


def account_action(user_id, action, message, form=None):
    """Run action(actor, account) and go back to the account page, or show it with errors
    (and the form as it was sent)."""
    actor = admin()
    try:
        action(actor, accounts.get_account(actor, user_id))
    except ValidationError as exc:
        return account_page(user_id, exc.errors, form)
    done(message, url('admin.account', user_id=user_id))


@routes.post('/admin/comptes/<user_id:int>')
def account_edit(user_id):
    """Director of the account's school, admin: name and e-mail of a local account."""
    data = form_fields('first_name', 'last_name', 'email')
    return account_action(user_id, lambda a, u: accounts.edit_account(a, u, data),
                          _('Compte enregistré.'), data)


@routes.post('/admin/comptes/<user_id:int>/desactiver')
def account_disable(user_id):
    """Director of the account's school, admin: no more sign-in; open sessions end now."""
    return account_action(user_id, accounts.disable_account,
                          _('Compte désactivé ; ses sessions ouvertes sont fermées.'))


@routes.post('/admin/comptes/<user_id:int>/reactiver')
def account_enable(user_id):
    """Director of the account's school, admin: the account may sign in again."""
    return account_action(user_id, accounts.enable_account, _('Compte réactivé.'))


@routes.post('/admin/comptes/<user_id:int>/liens')
def link_add(user_id):
    """Director of the school, admin: link this guardian to a pupil, or this pupil to a guardian."""
    other, relation, legal = field('other'), field('relation'), checked('legal_authority')
    return account_action(user_id, lambda a, u: accounts.link_accounts(a, u, other, relation, legal),
                          _('Lien enregistré.'), {'other': other, 'relation': relation})


@routes.post('/admin/comptes/<user_id:int>/liens/retirer')
def link_remove(user_id):
    """Director of the school, admin: remove a guardian–pupil link."""
    return account_action(user_id, lambda a, u: accounts.unlink_accounts(a, u, field('other')),
                          _('Lien retiré.'))


@routes.post('/admin/comptes/<user_id:int>/droit-image')
def account_consent(user_id):
    """Director of the pupil's school, admin: the family's image-rights answer for this pupil."""
    return account_action(user_id, lambda a, u: accounts.set_consent(a, u, field('consent')),
                          _("Droit à l'image enregistré."))


def secret_action(user_id, issue, template, name):
    """Run issue(actor, account) and show the secret it returns once, as `name` in template (only
    its hash is kept, so this page is the POST's answer), or the account page with the errors."""
    actor = admin()
    user = accounts.get_account(actor, user_id)
    try:
        secret = issue(actor, user)
    except ValidationError as exc:
        return account_page(user_id, exc.errors)
    # read again: the letter shows the new code's expiry
    return secret_page(template, account=accounts.get_account(actor, user_id), **{name: secret})


@routes.post('/admin/comptes/<user_id:int>/courrier')
def letter(user_id):
    """Director of the account's school, admin: a new activation code on a letter to print."""
    return secret_action(user_id, accounts.reissue_code, 'admin/letter.html', 'code')


@routes.post('/admin/comptes/<user_id:int>/mot-de-passe')
def password(user_id):
    """Director of the account's school, admin: a one-time password, shown once."""
    return secret_action(user_id, accounts.one_time_password, 'admin/password.html', 'password')


@routes.post('/admin/comptes/<user_id:int>/sessions')
def sessions_revoke(user_id):
    """Director of the account's school, admin: sign the account out everywhere."""
    return account_action(user_id, accounts.revoke_all_sessions,
                          _('Toutes les sessions de ce compte sont fermées.'))


# --- audit log --------------------------------------------------------------------------------

@routes.get('/admin/journal', 'audit')
def audit_log():
    """Director (events of their school), admin (every event): the audit log, filtered."""
    actor = admin()
    filters = {name: request.query.getunicode(name, '').strip()
               for name in ('action', 'person', 'start', 'end')}
    try:
        events, errors = service.audit_log(actor, **filters), {}
    except ValidationError as exc:
        events, errors = [], exc.errors
    return page('admin/audit.html', events=events, filters=filters, errors=errors,
                limit=service.AUDIT_LIMIT)


def register(app):
    add_nav('/admin', _('Administration'), 'settings', ('director', 'admin'), order=90)
    routes.install(app)
