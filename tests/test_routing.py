"""Routes are declared by each feature folder beside their handlers (ecole_ent/web/routing.py) and
named 'feature.action' after that folder; the app serves exactly the declared tables, in order,
and building it again adds no route twice."""
import re
from collections import Counter

import bottle
import pytest

from ecole_ent import features
from ecole_ent.app import create_app
from ecole_ent.web.routing import Routes

APP_ROUTES = {'static', 'healthz'}      # declared by app.py itself, not by a feature


def served(app):
    return [(route.method, route.rule, route.name) for route in app.bottle.routes]


def test_a_route_is_declared_beside_its_handler_and_installed_in_declaration_order():
    routes = Routes('demo')

    @routes.get('/demo/<item_id:int>', slow=True)
    def show(item_id):
        return f'item {item_id}'

    @routes.post('/demo', 'create')
    def made():
        return 'made'

    assert show(3) == 'item 3' and show.__name__ == 'show'      # the handler is left as it was
    app = bottle.Bottle()
    routes.install(app)
    assert [(r.method, r.rule, r.name, r.callback) for r in app.routes] == [
        ('GET', '/demo/<item_id:int>', 'demo.show', show), ('POST', '/demo', 'demo.create', made)]
    assert app.routes[0].config['slow'] is True and 'slow' not in app.routes[1].config
    with pytest.raises(AssertionError, match='demo.create'):
        routes.add('/demo/again', 'POST', made, 'create')


def test_every_route_is_named_after_the_feature_folder_that_declares_it(app):
    for route in app.bottle.routes:
        if route.name in APP_ROUTES:
            assert route.callback.__module__ == 'ecole_ent.app'
            continue
        match = re.fullmatch(r'([a-z_]+)\.([a-z_]+)', route.name or '')
        assert match and match.group(1) in features.FEATURES, f'{route.method} {route.rule}: {route.name!r}'
        assert route.callback.__module__ == f'ecole_ent.{match.group(1)}.routes', route.name


def test_the_app_serves_the_features_route_tables_in_order(app):
    declared = [(method, path, name) for module in features.modules('routes')
                if hasattr(module, 'routes') for path, method, _handler, name, _options in module.routes.table]
    assert [row for row in served(app) if row[2] not in APP_ROUTES] == declared and len(declared) > 80


def test_building_the_app_again_adds_no_route_twice(app, config):
    first = served(app)
    again = served(create_app(config))
    assert again == first
    assert [key for key, n in Counter((method, rule) for method, rule, _name in again).items() if n > 1] == []
