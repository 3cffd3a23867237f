"""The kiosk's option (section [kiosk]), registered before the configuration loads."""
from ecole_ent.config import Option, positive_int, register

register(
    Option('kiosk', 'inactivity_seconds', positive_int, 90,
           "Borne du hall : secondes sans activité avant la déconnexion automatique d'une session "
           'ouverte à la borne'),
)
