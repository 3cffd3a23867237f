"""First installation: a school and the installation's administrator, by hand or from a file."""
import configparser
import re

from .. import audit, security
from ..db import writing
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..models import School, User
from . import service

UAI_PATTERN = re.compile(r'^[0-9]{7}[A-Z]$')   # the check letter is not verified (sources disagree)


def check_uai(uai):
    if not UAI_PATTERN.match(uai or ''):
        raise ValidationError({'uai': _('Code UAI invalide : %s (7 chiffres puis une lettre '
                                        'majuscule, par exemple 0061234A)') % uai})
    return uai


def initialise(uai, name, admin_login, password):
    check_uai(uai)
    if not (name or '').strip():
        raise ValidationError({'name': _("Le nom de l'école est obligatoire.")})
    service.check_new_password(password, password)
    with writing():
        school = service.ensure_school(uai, name.strip())
        admin = User.get_or_none(User.login == admin_login.lower())
        if admin is None:
            admin = service.create_user(admin_login, 'Administrateur', name.strip(), ['admin'],
                                        password=password)
            audit.record(admin, 'install.initialised', school.uai)
    return school, admin


def provision(path):
    """Unattended first run from an INI file: [school] uai, name; [admin] login, password."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding='utf-8'):
            raise ValidationError({'file': _('Fichier introuvable : %s') % path})
        school, admin = parser['school'], parser['admin']
        return initialise(school['uai'].strip(), school['name'], admin['login'].strip(),
                          admin['password'])
    except (KeyError, configparser.Error) as exc:
        raise ValidationError({'file': _('%(path)s : section ou clé manquante (%(error)s)')
                               % {'path': path, 'error': exc}}) from None


def needs_setup():
    """True on a fresh installation: no school and no administrator yet."""
    return not School.select().exists() and not User.with_role('admin').exists()


def first_run(form, remote_addr, networks):
    """The web form of the first run (when nothing was provisioned): only from the school's
    networks, only while nothing is installed. Returns the new administrator."""
    if not needs_setup():
        raise Forbidden(_("L'ENT est déjà installé."))
    if not security.in_networks(remote_addr, networks):
        raise Forbidden(_("La première installation se fait depuis le réseau de l'école."))
    errors = {}
    for check in (lambda: check_uai(form['uai'].upper()),
                  lambda: service.check_new_password(form['password'], form['confirm'])):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if not form['name'].strip():
        errors['name'] = _("Le nom de l'école est obligatoire.")
    if form['password'] != form['confirm']:
        errors['confirm'] = _('Les deux mots de passe ne sont pas identiques.')
    if not form['login'] or not re.fullmatch(r'[a-z0-9][a-z0-9._-]{1,60}', form['login'].lower()):
        errors['login'] = _('Identifiant : des lettres sans accent, chiffres, points ou tirets.')
    if errors:
        raise ValidationError(errors)
    return initialise(form['uai'].upper(), form['name'], form['login'], form['password'])[1]
