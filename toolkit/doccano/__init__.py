"""The embedded doccano annotation server: install, start, stop, status (see ``server``)."""
