"""Install, start, stop and report on an embedded doccano 1.8.4 server.

doccano lives in its own virtual environment (its pins clash with doccano-client's),
kept in a per-user cache folder and shared by every data folder. A data folder holds
one server's database, media, secret key, admin credentials, pid file and log.

The server is gunicorn bound to 127.0.0.1 only, one worker, with celery in eager mode
(``toolkit/data/doccano_settings.py``): file imports and exports run inside the web
process, so neither a broker nor a celery worker is needed.

A team server (``start_server(database=..., broker=...)``) runs doccano on PostgreSQL
with several gunicorn workers and a separate celery worker (``doccano task``) on Redis or
RabbitMQ (``toolkit/data/doccano_team_settings.py``), in one process group; the URLs
reach it through its environment only and are stored without their passwords.

    install_server()            -> InstallResult
    start_server(port=8765)     -> ServerStatus
    server_status()             -> ServerStatus
    stop_server()               -> bool
    read_credentials()          -> (url, username, password)
    server_log_tail(lines=50)   -> str

    paths.py     where things live (platformdirs: the XDG folders on Linux)
    install.py   the server's virtual environment
    process.py   gunicorn: start, health, status, stop (psutil: any POSIX system)
    state.py     credentials, state, secret key, logs, locks (filelock), media leftovers
    team.py      a team server's URLs (masked, checked before starting), its packages
"""

from __future__ import annotations

from toolkit.doccano.server.install import InstallResult, install_server, install_team_packages
from toolkit.doccano.server.paths import (
    ADMIN_USERNAME,
    DEFAULT_PORT,
    DOCCANO_VERSION,
    SERVER_PACKAGES,
    ServerPaths,
    server_paths,
    toolkit_data_root,
)
from toolkit.doccano.server.process import ServerStatus, server_status, start_server, stop_server
from toolkit.doccano.server.state import (
    clean_media_leftovers,
    read_credentials,
    remove_export_leftover,
    remove_upload_leftovers,
    server_log_tail,
)

__all__ = [
    "ADMIN_USERNAME",
    "DEFAULT_PORT",
    "DOCCANO_VERSION",
    "SERVER_PACKAGES",
    "InstallResult",
    "ServerPaths",
    "ServerStatus",
    "clean_media_leftovers",
    "install_server",
    "install_team_packages",
    "read_credentials",
    "remove_export_leftover",
    "remove_upload_leftovers",
    "server_log_tail",
    "server_paths",
    "server_status",
    "start_server",
    "stop_server",
    "toolkit_data_root",
]
