"""Backups, restores, health and logs: what keeps the appliance safe to run and upgrade."""
