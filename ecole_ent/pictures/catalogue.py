"""The 12 pictures of picture passwords: name (the form value, the file static/pictures/<name>.svg)
and the French word read as its alt text. The order is the order of the grid. Never rename one:
pupils' sequences are stored by name."""
from ..i18n import lazy

PICTURES = {
    'chat': lazy('le chat'),
    'chien': lazy('le chien'),
    'poisson': lazy('le poisson'),
    'oiseau': lazy('l’oiseau'),
    'soleil': lazy('le soleil'),
    'lune': lazy('la lune'),
    'arbre': lazy('l’arbre'),
    'fleur': lazy('la fleur'),
    'maison': lazy('la maison'),
    'voiture': lazy('la voiture'),
    'bateau': lazy('le bateau'),
    'ballon': lazy('le ballon'),
}
