"""Django settings for the historians' toolkit's embedded doccano server.

This file is data: the toolkit copies it into the server's own environment as
``config/settings/historians_toolkit.py`` (inside doccano's ``backend`` package)
and runs doccano with ``DJANGO_SETTINGS_MODULE=config.settings.historians_toolkit``.
The toolkit itself never imports it.

Everything specific to one data folder comes from ``TOOLKIT_DOCCANO_DATA``; the
toolkit also sets ``DATABASE_URL``, ``MEDIA_ROOT`` and ``CELERY_BROKER_URL`` in
the server's environment, because doccano's base settings read them at import.
"""

import os
from pathlib import Path

from config.settings.production import *  # noqa: F401,F403

_DATA_DIR = Path(os.environ["TOOLKIT_DOCCANO_DATA"])

# doccano's default key is public: use the one the toolkit generated (file, mode 0600).
SECRET_KEY = (_DATA_DIR / "secret_key").read_text(encoding="ascii").strip()

DEBUG = False

# Bound to 127.0.0.1 only; refuse requests addressed to any other host name.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# Keep uploads and media in the data folder, not in the server's site-packages.
MEDIA_ROOT = str(_DATA_DIR / "media")
DJANGO_DRF_FILEPOND_FILE_STORE_PATH = MEDIA_ROOT
DJANGO_DRF_FILEPOND_UPLOAD_TMP = str(_DATA_DIR / "filepond-temp-uploads")
# Without this, django-drf-filepond answers 500 to every upload whose temporary
# folder lies outside doccano's BASE_DIR (site-packages/backend).
DJANGO_DRF_FILEPOND_ALLOW_EXTERNAL_UPLOAD_DIR = True

# No separate celery worker: imports and exports run inside the web process, and
# their results are stored so that /v1/tasks/status/<id> reports them as ready.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_BROKER_URL = "memory://"

# Each request is one transaction: with imports running inside the request, a
# server killed halfway through an import leaves none of it behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # noqa: F405
