"""The directory feature's options (section [directory]), registered before the configuration loads."""
from ..config import Option, boolean, integer, positive_int, register


def percent(text):
    value = integer(text)
    if not 0 <= value <= 100:
        raise ValueError('attendu : un pourcentage entre 0 et 100')
    return value


OPTIONS = [
    Option('directory', 'source', ('', 'aaf1d', 'onde', 'ldap'), '',
           "Source synchronisée automatiquement (aaf1d ou ldap ; vide = aucune)"),
    Option('directory', 'school', str, '',
           "UAI de l'école synchronisée automatiquement (vide = l'unique école)"),
    Option('directory', 'interval_hours', positive_int, 6,
           'Intervalle entre deux synchronisations automatiques, en heures'),
    Option('directory', 'aaf_inbox', str, '',
           "Dossier de dépôt des fichiers AAF (vide = DONNÉES/annuaire/aaf)"),
    Option('directory', 'threshold', percent, 20,
           "Part maximale (%) des comptes actifs qu'un import complet peut désactiver sans --force"),
    Option('directory', 'grace_days', positive_int, 90,
           'Jours avant la suppression définitive des comptes désactivés par la synchronisation'),
    Option('directory', 'ldap_url', str, '', "Adresse de l'annuaire LDAP (ldap:// ou ldaps://)"),
    Option('directory', 'ldap_base_dn', str, '', "Base de recherche LDAP"),
    Option('directory', 'ldap_bind_dn', str, '', 'Compte de connexion LDAP (vide = anonyme)'),
    Option('directory', 'ldap_password', str, '', 'Mot de passe du compte LDAP', secret=True),
    Option('directory', 'ldap_people_filter', str, '(objectClass=ENTPerson)',
           'Filtre LDAP des personnes'),
    Option('directory', 'ldap_attributes', str, '',
           "Correspondances d'attributs LDAP, ex. « login=ENTPersonLogin,state=description »"),
    Option('directory', 'ldap_write_back', boolean, False,
           "Écrire dans l'annuaire LDAP l'identifiant ENT et l'état de chaque compte"),
]
register(*OPTIONS)
