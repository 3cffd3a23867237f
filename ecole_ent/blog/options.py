"""The blog's options (section [blog]), registered before the configuration loads."""
from ecole_ent.config import Option, positive_int, register

register(
    Option('blog', 'attachment_max_mb', positive_int, 20,
           "Taille maximale d'une pièce jointe du blog (PDF, audio), en Mo"),
)
