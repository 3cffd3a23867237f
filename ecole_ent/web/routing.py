"""A feature's routes, declared beside each handler (bottle-style decorators) and installed on the
app by the feature's register(app), in declaration order; every route is named 'feature.action'.

    routes = Routes('blog')

    @routes.get('/blog/article/<post_id:int>', 'post')     # the route blog.post
    def show(post_id):
        ...

    def register(app):
        routes.install(app)

Declaration order is the order bottle tries the routes of one method in: where two rules could
match one path, the one declared first wins. The handlers stay plain functions (the decorators
return them unchanged), so a handler may still call another one.
"""


class Routes:
    """A feature's routes, declared beside each handler and installed by register(app)."""

    def __init__(self, feature):
        self.feature = feature
        self.table = []         # (path, method, handler, name, options), in declaration order

    def add(self, path, method, handler, name=None, **options):
        """Declare `method path` answered by `handler`, named 'feature.name' (by default the
        handler's own name); options go to bottle's route config (slow=True: see lanes.py)."""
        name = f'{self.feature}.{name or handler.__name__}'
        assert name not in {row[3] for row in self.table}, f'route declared twice: {name}'
        self.table.append((path, method, handler, name, options))

    def route(self, method, path, name=None, **options):
        """Decorator form of add()."""
        def declare(handler):
            self.add(path, method, handler, name, **options)
            return handler
        return declare

    def get(self, path, name=None, **options):
        return self.route('GET', path, name, **options)

    def post(self, path, name=None, **options):
        return self.route('POST', path, name, **options)

    def install(self, app):
        """Add every route to the app (one Bottle per app built: the table itself never changes)."""
        for path, method, handler, name, options in self.table:
            app.route(path, method, handler, name=name, **options)
