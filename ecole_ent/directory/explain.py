"""The directory page in the director's words: how the school's accounts arrive, the safety rules,
what the last synchronisation did and what to do after a failure, from the real option values; and
the technical detail (option names, folders, addresses) that only the installation's admin reads."""
from ..i18n import _, lazy, ngettext

FETCHED = ('aaf1d', 'ldap')     # sources the appliance reads by itself (service.FETCHED)

SOURCE_NAMES = {'aaf1d': lazy('Annuaire académique'), 'onde': lazy('ONDE (base élèves)'),
                'ldap': lazy('Annuaire en ligne (LDAP)')}
KIND_NAMES = {'complete': lazy('liste complète'), 'delta': lazy('changements seulement')}
STATUS_NAMES = {'applied': lazy('appliquée'), 'refused': lazy('refusée par sécurité'), 'failed': lazy('échec')}


def source_name(run):
    """« Annuaire académique (changements seulement) » for a run's source and kind."""
    name = SOURCE_NAMES.get(run.source, run.source)
    return f'{name} ({KIND_NAMES[run.kind]})' if run.kind in KIND_NAMES else name


def how_accounts_arrive(config):
    """One or two sentences: where the accounts come from, and how often the ENT looks."""
    source, hours = config['directory.source'], config['directory.interval_hours']
    every = ngettext('toutes les heures', 'toutes les %(num)d heures', hours) % {'num': hours}
    if source == 'aaf1d':
        return [_('Les comptes viennent de l’annuaire académique : le rectorat dépose ses fichiers (AAF) '
                  'sur le serveur de l’ENT, qui les lit {every}.').format(every=every)]
    if source == 'ldap':
        said = [_('Les comptes viennent de l’annuaire en ligne de l’académie ou de la commune, que l’ENT '
                  'consulte {every}.').format(every=every)]
        if config['directory.ldap_write_back']:
            said.append(_('L’ENT y inscrit en retour l’identifiant et l’état de chaque compte.'))
        return said
    if source == 'onde':
        return [_('Les comptes viennent d’ONDE, la base élèves : ses exports ne se récupèrent pas seuls, '
                  'déposez-les ci-dessous à chaque changement (rentrée, arrivées, départs).')]
    return [_('Aucune synchronisation automatique n’est prévue : les comptes viennent des exports ONDE que '
              'vous déposez ci-dessous, ou sont créés à la main dans l’administration.'),
            _('Si l’école reçoit l’annuaire académique, le service informatique de la commune peut le '
              'brancher.')]


def safety_rules(config):
    """The two rules that protect the accounts, with the installation's numbers."""
    return [_('Par sécurité, une liste complète qui désactiverait plus de {limit} % des comptes d’un coup '
              'n’est pas appliquée : elle attend l’accord du service informatique.').format(
                limit=config['directory.threshold']),
            ngettext('Un compte qui disparaît de l’annuaire est désactivé, puis supprimé au bout de %(num)d jour.',
                     'Un compte qui disparaît de l’annuaire est désactivé, puis supprimé au bout de %(num)d '
                     'jours.', config['directory.grace_days']) % {'num': config['directory.grace_days']}]


def changes(run):
    """« 3 comptes créés, 1 compte désactivé » (what a run changed), or « aucun changement »."""
    counts = (
        (run.created, ngettext('%(num)d compte créé', '%(num)d comptes créés', run.created)),
        (run.updated, ngettext('%(num)d compte modifié', '%(num)d comptes modifiés', run.updated)),
        (run.moved, ngettext('%(num)d élève changé de classe', '%(num)d élèves changés de classe', run.moved)),
        (run.deactivated, ngettext('%(num)d compte désactivé', '%(num)d comptes désactivés', run.deactivated)),
        (run.reactivated, ngettext('%(num)d compte réactivé', '%(num)d comptes réactivés', run.reactivated)),
        (run.skipped, ngettext('%(num)d personne ignorée', '%(num)d personnes ignorées', run.skipped)),
        (run.purged, ngettext('%(num)d compte supprimé', '%(num)d comptes supprimés', run.purged)))
    said = [text % {'num': number} for number, text in counts if number]
    return ', '.join(said) if said else _('aucun changement')


def what_to_do(run, config):
    """After a run that did not apply: what happened, in plain words, and what to do."""
    fetched = run.source in FETCHED and config['directory.source'] == run.source
    if run.status == 'refused' and run.deactivated:
        return [_('Par sécurité, rien n’a été appliqué : cette liste aurait désactivé {n} comptes d’un coup.')
                .format(n=run.deactivated),
                _('Si elle était incomplète, la suivante corrigera. Si ces départs sont réels (fin d’année, '
                  'fermeture d’une classe), demandez au service informatique de la commune de l’appliquer.')]
    if run.status == 'refused':
        return [_('Par sécurité, rien n’a été appliqué : cette liste ne correspond pas à l’école.'),
                _('Transmettez le détail technique au service informatique de la commune.')]
    if fetched:
        return [_('Les informations reçues n’ont pas pu être lues : aucun compte n’a été modifié.'),
                _('La prochaine tentative aura lieu automatiquement. Si le problème revient, transmettez le '
                  'détail technique au service informatique de la commune.')]
    return [_('Les informations reçues n’ont pas pu être lues : aucun compte n’a été modifié.'),
            _('Vérifiez les fichiers (élèves et responsables, au format CSV, tels qu’ONDE les exporte), '
              'puis déposez-les de nouveau.')]


def technical(config, inbox):
    """(label, option, value) for the admin and the commune's IT: never shown to a director."""
    rows = [(_('Source synchronisée'), 'directory.source', config['directory.source'] or _('(aucune)')),
            (_('École (UAI)'), 'directory.school', config['directory.school'] or _('(l’unique école)')),
            (_('Intervalle, en heures'), 'directory.interval_hours', config['directory.interval_hours']),
            (_('Seuil de désactivations (%)'), 'directory.threshold', config['directory.threshold']),
            (_('Délai avant suppression (jours)'), 'directory.grace_days', config['directory.grace_days'])]
    if config['directory.source'] == 'aaf1d':
        rows.append((_('Dossier de dépôt AAF'), 'directory.aaf_inbox', str(inbox)))
    if config['directory.source'] == 'ldap':
        rows += [(_('Adresse de l’annuaire'), 'directory.ldap_url', config['directory.ldap_url']),
                 (_('Base de recherche'), 'directory.ldap_base_dn', config['directory.ldap_base_dn']),
                 (_('Compte de connexion'), 'directory.ldap_bind_dn', config['directory.ldap_bind_dn'] or
                  _('(anonyme)')),
                 (_('Écriture en retour'), 'directory.ldap_write_back',
                  _('oui') if config['directory.ldap_write_back'] else _('non'))]
    return rows


def page(config, overview, inbox, admin):
    """What the directory page adds to service.overview(): the plain words, and for the admin only
    the technical rows."""
    failure = overview['failure']
    return {'arrive': how_accounts_arrive(config), 'rules': safety_rules(config),
            'last': overview['runs'][0] if overview['runs'] else None,
            'todo': what_to_do(failure, config) if failure else [],
            'technical': technical(config, inbox) if admin else None,
            'source_name': source_name, 'changes': changes, 'status_names': STATUS_NAMES}


def run_page(run, config):
    """What one run's report adds: its source in words, and what to do when it did not apply."""
    return {'source_name': source_name(run),
            'todo': what_to_do(run, config) if run.status != 'applied' else []}


def refusal(outcome):
    """An ONDE upload refused for safety, in plain words (its raw message names a command option)."""
    plan = outcome.plan
    if plan is None or not plan.refused:
        return []
    leaving = plan.count('deactivated')
    if not leaving:
        return [_('Par sécurité, rien n’a été importé : ces fichiers ne correspondent pas à l’école.')]
    return [_('Par sécurité, rien n’a été importé : ces fichiers désactiveraient {n} comptes d’un coup, '
              'sans doute parce qu’un fichier est incomplet.').format(n=leaving),
            _('Vérifiez les exports d’ONDE. Si ces départs sont réels (fin d’année), demandez au service '
              'informatique de la commune d’appliquer l’import.')]
