"""The statistics' options (section [stats]), registered before the configuration loads."""
from ecole_ent.config import Option, boolean, positive_int, register

register(
    Option('stats', 'enabled', boolean, True,
           'Statistiques d’usage anonymes (connexions et pages vues par profil, service, heure, appareil) : '
           'false pour ne rien enregistrer'),
    Option('stats', 'keep_months', positive_int, 25,
           'Statistiques agrégées : mois gardés (les événements bruts du jour sont effacés chaque nuit)'),
)
