"""First installation: a school and the installation's administrator, by hand or from a file."""
import configparser
import re

from .. import audit
from ..errors import ValidationError
from ..i18n import _
from ..models import User
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
