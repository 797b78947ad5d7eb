"""Who a doccano server is, however its URL is spelled, and URLs that carry no secret.

A server reached as ``http://localhost:8791`` and as ``http://127.0.0.1:8791`` is one
server: claim ids and the store's record of a project must not depend on the
spelling. `server_identity` gives the canonical origin: the scheme and host in
lower case, every loopback name (localhost, 127.0.0.1, ::1) as 127.0.0.1, the
default port of the scheme left out, no user name or password, no trailing slash.
An URL already in that form (the embedded server's ``http://127.0.0.1:8765``, a
remote ``https://doccano.example.org``) is its own identity, so the claim ids a
store already holds for it stay the same.

A URL may carry credentials (``http://admin:PW@host``): `split_userinfo` takes them
out, so that the URL kept, shown and stored never holds them, and `mask_url`
hides them in anything meant to be read.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]", "localhost.localdomain", "ip6-localhost"}
DEFAULT_PORTS = {"http": 80, "https": 443}


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """(the URL without user name and password, the user name, the password)."""
    parts = urlsplit(url.strip())
    if parts.username is None and parts.password is None:
        return url.strip().rstrip("/"), None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)).rstrip("/")
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages."""
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    masked = f"{user}:***@{host}" if parts.password is not None else f"{user}@{host}"
    return urlunsplit((parts.scheme, masked, parts.path, parts.query, parts.fragment))


def server_identity(url: str) -> str:
    """The canonical origin of a doccano server (see the module docstring)."""
    bare, _, _ = split_userinfo(url)
    parts = urlsplit(bare)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_NAMES:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
