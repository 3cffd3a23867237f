"""The feature folders, in order; adding a feature is one line here. What a feature folder may
hold (routes, commands, options, jobs, demo, service) and the hooks it may plug into are declared
in ecole_ent/hooks.py."""
import importlib

from . import hooks

FEATURES = ['accounts', 'home', 'admin', 'maintenance', 'directory', 'photos', 'blog', 'mail',
            'school_calendar', 'homework', 'messages', 'liaison', 'privacy', 'young', 'kiosk', 'pictures', 'stats',
            'pwa']


def modules(kind):
    """The `kind` submodule (one of hooks.FEATURE_MODULES) of every feature that has one."""
    assert kind in hooks.FEATURE_MODULES, f'undeclared feature module: {kind}'
    found = []
    for name in FEATURES:
        try:
            found.append(importlib.import_module(f'ecole_ent.{name}.{kind}'))
        except ModuleNotFoundError as exc:
            if exc.name != f'ecole_ent.{name}.{kind}':
                raise
    return found


def register(app):
    """Every feature's routes.register(app): routes, and what it plugs into the hooks."""
    for module in modules('routes'):
        module.register(app)
