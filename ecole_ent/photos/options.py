"""The photos feature's options (section [photos]), registered before the configuration loads."""
from ecole_ent.config import Option, boolean, positive_int, register

register(
    Option('photos', 'unknown_consent_is_refused', boolean, True,
           "Droit à l'image : un accord « inconnu » compte comme un refus (recommandé)"),
    Option('photos', 'full_edge', positive_int, 2560,
           'Taille maximale gardée des photos, en pixels sur le grand côté'),
    Option('photos', 'max_upload_mb', positive_int, 30, "Poids maximal d'une photo envoyée, en Mo"),
    Option('photos', 'max_megapixels', positive_int, 50,
           "Nombre maximal de mégapixels d'une photo envoyée (protège des « bombes » d'images)"),
    Option('photos', 'decode_megapixels', positive_int, 16,
           'Mégapixels décodés en même temps au plus (mémoire du serveur ; une photo passe toujours)'),
)
