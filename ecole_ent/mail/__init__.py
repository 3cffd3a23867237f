"""E-mail through the school's SMTP relay: settings ([smtp]), sending, and the relay test."""
