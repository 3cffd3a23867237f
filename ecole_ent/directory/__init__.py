"""Academic directory sync: sources (AAF1D, ONDE, LDAP) -> records -> plan -> apply.

Parsing and planning (records, logins, text, aaf1d, onde, ldap, plan) never import bottle
nor the models, so they are tested on plain values; apply.py is the only writer. The
feature's options are in options.py.
"""
