"""One TLS context for every client of a pool, instead of one per client.

aiobotocore's HTTP session builds an ``ssl.SSLContext`` for each client and loads the whole CA
bundle into it: ~30 ms of CPU (on a thread, but holding the GIL for most of it) and a few hundred
KB of certificate store per client, for ~16 identical contexts. A context is safe to share
between connections and threads once built, so the session class made here builds it once per
(verify, client certificate, proxy) and hands the same one to every client of the pool.

aiobotocore is imported inside the function only: importing this module is free.
"""

from __future__ import annotations

import threading
from typing import Any


def shared_tls_session_class() -> type[Any]:
    """An ``AIOHTTPSession`` subclass (for ``AioConfig(http_session_cls=...)``) whose instances
    share their TLS contexts; each call makes a class with a cache of its own (one per pool)."""
    from aiobotocore.httpsession import AIOHTTPSession

    built: dict[tuple[Any, ...], Any] = {}
    lock = threading.Lock()  # aiobotocore builds contexts on worker threads

    class SharedTlsSession(AIOHTTPSession):  # type: ignore[misc]
        def _build_ssl_contexts(self, proxy_url: Any) -> Any:
            # Everything the upstream method reads; a difference means a context of its own.
            key = (
                repr(getattr(self, "_verify", None)),
                getattr(self, "_cert_file", None),
                getattr(self, "_key_file", None),
                proxy_url,
                repr(sorted((getattr(getattr(self, "_proxy_config", None), "settings", None) or {}).items())),
            )
            with lock:
                found = built.get(key)
                if found is None:
                    found = built[key] = super()._build_ssl_contexts(proxy_url)
                return found

    return SharedTlsSession
