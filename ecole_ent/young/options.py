"""The young pupils' space options (section [young]), registered before the configuration loads."""
from ecole_ent.config import Option, positive_int, register

register(
    Option('young', 'voice_seconds', positive_int, 60,
           "Durée maximale d'un enregistrement de voix d'un jeune élève, en secondes"),
    Option('young', 'voice_max_kb', positive_int, 2048,
           "Taille maximale d'un enregistrement de voix d'un jeune élève, en Ko"),
)
