"""The mail feature's options (sections [smtp] and [mail]), registered before the configuration
loads."""
from ..config import Option, boolean, integer, port, positive_int, register


def address(text):
    """An e-mail address (or '' for none): one line, something@domain."""
    value = str(text).strip()
    local, at, domain = value.rpartition('@')
    if value and (not at or not local or '.' not in domain or any(c.isspace() for c in value)
                  or any(c in value for c in '<>,;"')):
        raise ValueError('attendu : une adresse de courriel comme ent@ecole-des-mimosas.fr')
    return value


register(
    Option('smtp', 'host', str, '',
           "Relais SMTP de l'école ou de la commune (vide = pas d'envoi de courriels)"),
    Option('smtp', 'port', port, 587, 'Port du relais SMTP (587 avec starttls, 465 avec tls, 25)'),
    Option('smtp', 'security', ('none', 'starttls', 'tls'), 'starttls',
           'Chiffrement vers le relais : none, starttls ou tls'),
    Option('smtp', 'user', str, '', 'Identifiant SMTP (vide = sans authentification)'),
    Option('smtp', 'password', str, '', 'Mot de passe SMTP', secret=True),
    Option('smtp', 'sender', address, '', "Adresse d'expédition des courriels (From)"),
    Option('smtp', 'timeout', positive_int, 10, "Délai d'attente du relais SMTP, en secondes"),
)


def hour(text):
    value = integer(text)
    if not 0 <= value <= 23:
        raise ValueError('attendu : une heure entre 0 et 23')
    return value


register(
    Option('mail', 'digest_hour', hour, 18,
           'Heure (locale) du résumé quotidien des nouveautés, pour qui a choisi le résumé'),
    Option('mail', 'max_attempts', positive_int, 10,
           "Tentatives d'envoi d'un courriel avant de l'abandonner (état failed) ; l'attente entre "
           'deux tentatives grandit (1 min, 5 min, 15 min, 1 h, 3 h, 6 h...)'),
    Option('mail', 'reset_minutes', positive_int, 30,
           'Durée de validité, en minutes, du lien « mot de passe oublié » envoyé par courriel'),
    Option('mail', 'hide_content', boolean, False,
           "Par défaut, les courriels disent seulement « vous avez un nouveau message » sans le "
           "titre (chacun peut changer ce réglage sur la page Mon compte)"),
    Option('mail', 'keep_days', positive_int, 7,
           "Jours pendant lesquels les notifications attendent qu'un relais SMTP soit configuré ; "
           'les courriels envoyés sont effacés après 30 jours'),
    Option('mail', 'reset_per_account', positive_int, 3,
           'Demandes de lien « mot de passe oublié » pour un même identifiant avant une attente'),
    Option('mail', 'reset_per_address', positive_int, 10,
           'Demandes de lien « mot de passe oublié » depuis une même adresse IP avant une attente'),
)
