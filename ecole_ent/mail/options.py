"""The mail feature's options (section [smtp]), registered before the configuration loads."""
from ..config import Option, port, positive_int, register


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
