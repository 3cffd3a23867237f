"""`ecole-ent serve`: open the installation, seed the demo if asked, serve with waitress."""
import logging
import logging.handlers

from waitress import serve as waitress_serve

from . import app as webapp, features, runtime

logger = logging.getLogger(__name__)


def log_to_file(config):
    handler = logging.handlers.RotatingFileHandler(config.path('logs', 'ecole-ent.log'),
                                                   maxBytes=5 * 2**20, backupCount=5, encoding='utf-8')
    handler.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(name)s: %(message)s'))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(config['app.log_level'].upper())


def build(config, demo=False):
    """The WSGI app for this installation, database ready (used by serve and by the benches)."""
    runtime.open_database(config)
    if demo:
        from . import demo as demo_school
        if not demo_school.exists():
            demo_school.seed()
            logger.info('école de démonstration créée (mot de passe des comptes : demo)')
    return webapp.create_app(config)


def serve(config, demo=False):
    from .maintenance import service
    log_to_file(config)
    with service.holding_data_folder(config):
        application = build(config, demo)
        for module in features.modules('schedule'):     # background jobs (backup, directory sync)
            module.start(config)
        host, port = config['server.host'], config['server.port']
        logger.info('ecole-ent écoute sur http://%s:%s/', host, port)
        # X-Forwarded-* from the trusted proxy are read by web.guards, so the same rule holds in tests.
        waitress_serve(application, host=host, port=port, threads=config['server.threads'],
                       ident='ecole-ent', channel_timeout=60, max_request_body_size=200 * 2**20)
    return 0
