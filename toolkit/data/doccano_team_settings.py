"""Django settings for the historians' toolkit's team doccano server.

This file is data, like ``doccano_settings.py``: the toolkit copies it into the
server's own environment as ``config/settings/historians_toolkit_team.py`` and runs
doccano with ``DJANGO_SETTINGS_MODULE=config.settings.historians_toolkit_team`` when
it is started with ``toolkit server start --database postgresql://... --broker ...``.
The toolkit itself never imports it.

Everything of the embedded settings holds (secret key, hosts, media in the data
folder, one transaction per request) except celery: a team server does NOT run its
tasks eagerly. File imports and exports go through the broker to a separate celery
worker (``doccano task``), and ``/v1/health/`` answers 200 only when that worker does.

The toolkit sets, in the server's environment only (never on a command line):
``DATABASE_URL`` (PostgreSQL; ``?sslmode=disable`` added for a local server when the
URL names no sslmode) and ``CELERY_BROKER_URL`` (``redis://`` or ``amqp://``).
"""

import hashlib
import os

from config.settings.historians_toolkit import *  # noqa: F401,F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_STORE_EAGER_RESULT = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
# A broker that goes away for a moment must not stop the web workers for good.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Tasks go to a queue of this data folder's own: two team servers on one host sharing a
# broker (one Redis, one RabbitMQ vhost) must never run each other's imports. The worker
# consumes this default queue; the health check's ping task goes through it too.
CELERY_TASK_DEFAULT_QUEUE = "historians-toolkit-" + hashlib.sha256(
    os.environ["TOOLKIT_DOCCANO_DATA"].encode("utf-8")).hexdigest()[:16]
