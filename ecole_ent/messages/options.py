"""Messaging's options (section [messages]), registered before the configuration loads."""
from ecole_ent.config import Option, positive_int, register

register(
    Option('messages', 'per_hour', positive_int, 30,
           "Nombre maximal de messages et de mots qu'un compte peut envoyer en une heure"),
    Option('messages', 'attachment_max_mb', positive_int, 10,
           "Taille maximale d'un PDF joint à un message ou à un mot, en Mo ; les images suivent les "
           'limites des photos'),
)
