"""ecole-ent: a lightweight primary-school ENT shipped as one self-contained server."""
__version__ = '0.1.0'
