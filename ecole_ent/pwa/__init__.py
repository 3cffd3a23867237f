"""The installable app (issue 20): the web app manifest, the service worker, the offline page."""
