"""The maintenance feature's options (section [backup]), registered before the configuration loads."""
import re

from ecole_ent.config import Option, positive_int, register


def clock(text):
    """'HH:MM' (24 h), or '' for none."""
    value = str(text).strip()
    if not value:
        return None
    match = re.fullmatch(r'([01]?\d|2[0-3]):([0-5]\d)', value)
    if not match:
        raise ValueError('attendu : une heure HH:MM (par exemple 02:30), ou rien')
    return int(match.group(1)), int(match.group(2))


register(
    Option('backup', 'dir', str, '', 'Dossier des sauvegardes ; vide = DONNÉES/backups'),
    Option('backup', 'keep', positive_int, 14, 'Nombre de sauvegardes gardées dans chaque destination'),
    Option('backup', 'copy_to', str, '',
           'Seconde destination (disque USB, partage monté) où chaque sauvegarde est copiée et vérifiée'),
    Option('backup', 'time', clock, '02:30',
           'Heure de la sauvegarde automatique de chaque nuit (HH:MM) ; vide = aucune'),
)
