"""The homework notebook's options (section [homework]), registered before the configuration loads."""
from ecole_ent.config import Option, positive_int, register

register(
    Option('homework', 'attachment_max_mb', positive_int, 20,
           "Taille maximale d'un fichier joint aux devoirs (PDF, audio), en Mo ; les images suivent "
           'les limites des photos'),
)
