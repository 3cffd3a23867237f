"""Privacy (RGPD): the retention rules and the job that applies them, and the erasure of an account
(by the leavers' rule or on request). See service.py for the map of the feature."""
