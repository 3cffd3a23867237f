"""The privacy feature's options (section [privacy]), registered before the configuration loads:
one per retention rule of rules.py, which documents each with its legal ground."""
from ecole_ent.config import Option, positive_int, register


def at_most(limit):
    """A parser of whole numbers from 1 to `limit` (a legal maximum)."""
    def parse(text):
        value = positive_int(text)
        if value > limit:
            raise ValueError(f'attendu : un entier entre 1 et {limit} (maximum légal)')
        return value
    parse.__name__ = f'at_most_{limit}'
    return parse


register(
    Option('privacy', 'leavers_days', at_most(90), 90,
           'Jours après la désactivation d’un compte (départ, annuaire ou à la main) avant l’effacement de ses '
           'données personnelles (90 au plus : trois mois, arrêté du 30 novembre 2006, article 6)'),
    Option('privacy', 'leavers_contributions', ('keep', 'delete'), 'keep',
           'Contributions au blog de classe d’un compte effacé : keep (gardées sous « Ancien élève » / '
           '« Ancien parent ») ou delete (supprimées)'),
    Option('privacy', 'liaison_years', positive_int, 1,
           'Messages et mots du cahier de liaison : gardés l’année scolaire plus ce nombre d’années'),
    Option('privacy', 'homework_years', positive_int, 1,
           'Cahier de textes (devoirs et leurs fichiers) : gardé l’année scolaire plus ce nombre d’années'),
    Option('privacy', 'connections_days', at_most(365), 365,
           'Sessions de connexion, compteurs d’échecs de connexion et journaux du serveur : jours gardés '
           '(365 au plus)'),
    Option('privacy', 'audit_days', positive_int, 365, 'Journal d’audit : jours gardés'),
    Option('privacy', 'photos_months', positive_int, 12,
           'Photos d’une année scolaire close : mois gardés après la fin de l’année (31 août), quand la '
           'direction n’a pas choisi de date'),
)

register(
    Option('privacy', 'controller', str, '',
           'Responsable du traitement nommé dans la notice et le registre (par exemple « Le directeur '
           'académique des services de l’éducation nationale de … et la commune de … ») ; vide = à renseigner'),
    Option('privacy', 'school_contact', str, '',
           'Contact de l’école pour les familles (adresse postale, courriel, téléphone), affiché dans la '
           'notice d’information ; vide = à renseigner'),
    Option('privacy', 'dpo_name', str, '', 'Délégué à la protection des données (DPD) de l’académie : nom ou service'),
    Option('privacy', 'dpo_email', str, '', 'Adresse électronique du DPD de l’académie'),
    Option('privacy', 'dpo_address', str, '', 'Adresse postale du DPD de l’académie'),
)
