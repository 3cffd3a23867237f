"""The 12 pictures of picture passwords: name (the form value, the file static/pictures/<name>.svg)
and the French word read as its alt text. The order is the order of the grid. Never rename one:
pupils' sequences are stored by name."""
from ..i18n import _

PICTURES = {
    'chat': _('le chat'),
    'chien': _('le chien'),
    'poisson': _('le poisson'),
    'oiseau': _('l’oiseau'),
    'soleil': _('le soleil'),
    'lune': _('la lune'),
    'arbre': _('l’arbre'),
    'fleur': _('la fleur'),
    'maison': _('la maison'),
    'voiture': _('la voiture'),
    'bateau': _('le bateau'),
    'ballon': _('le ballon'),
}
