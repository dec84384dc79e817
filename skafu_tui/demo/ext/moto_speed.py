"""Cut moto's first-use costs inside the server process (no change to any answer).

moto rebuilds botocore data it has already loaded, over and over, the first time each backend
is used (measured on moto 5.2.5; the skafu seed touches ~18 backends):

- ``moto.core.utils`` makes a fresh botocore ``Loader`` per service model it loads, and each new
  loader lists the ~400 service directories again (~10 ms a model);
- ``moto.ec2``'s import asks three brand-new boto3 sessions for EC2's regions, each loading and
  decoding EC2's service model and the endpoint tables (~0.3 s of the import);
- every URL rule moto registers with werkzeug (~800 for the seeded services) gets two URL
  *builder* functions generated as Python source and compiled (~0.3 ms a rule), though only
  ``url_for`` uses them and moto never builds URLs;
- ACM's ImportCertificate loads the private key with OpenSSL's full RSA consistency check
  (~50 ms for RSA-2048) on every import, even of a key it has already checked.

One shared loader, region lists computed once per (service, partition), builders compiled on
first use and private keys checked once per distinct PEM give the same answers. :func:`install`
applies all four; it is idempotent and must run before moto's service backends are first used
(importing ``moto.ec2`` already asks for regions).

:func:`warm` does ahead of time what the first request to each service would do (import the
backend, create it for an account and region, build the Flask app moto dispatches to, load the
service model and its URL router), so a scenario's seeding does not wait for it.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterable
from typing import Any, cast

_LOCK = threading.Lock()
_INSTALLED = False


@functools.cache
def _shared_loader() -> Any:
    from moto.core.loaders import create_loader

    return create_loader()


def install() -> None:
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        import botocore.session
        import moto.core.utils

        # The loader caches per instance (service list, models): share one. It is only read.
        moto.core.utils.create_loader = _shared_loader  # type: ignore[attr-defined]

        original = botocore.session.Session.get_available_regions
        sessions: list[Any] = []

        @functools.cache
        def regions(service_name: str, partition_name: str, allow_non_regional: bool) -> tuple[str, ...]:
            if not sessions:
                session = botocore.session.get_session()
                session.register_component("data_loader", _shared_loader())
                sessions.append(session)
            return tuple(original(sessions[0], service_name, partition_name, allow_non_regional))

        def get_available_regions(
            self: Any, service_name: str, partition_name: str = "aws", allow_non_regional: bool = False
        ) -> list[str]:
            # botocore's answer depends only on its bundled data files, never on the session.
            return list(regions(service_name, partition_name, allow_non_regional))

        botocore.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]
        _lazy_url_builders()
        _checked_keys_once()
        _INSTALLED = True


MAX_CHECKED_KEYS = 64


def _checked_keys_once() -> None:
    from moto.acm.models import CertBundle

    validate = CertBundle.validate_pk
    checked: dict[bytes, Any] = {}

    def validate_pk(self: Any) -> Any:
        pem = self.key
        key = checked.get(pem) if isinstance(pem, bytes) else None
        if key is None:
            key = validate(self)  # an invalid key raises here, as before, and is not remembered
            if isinstance(pem, bytes):
                if len(checked) >= MAX_CHECKED_KEYS:
                    checked.clear()
                checked[pem] = key  # key objects are immutable: sharing one is safe
        return key

    CertBundle.validate_pk = validate_pk  # type: ignore[method-assign]


def _lazy_url_builders() -> None:
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder

    def lazy_builder(self: Rule, append_unknown: bool = True) -> Any:
        compiled: list[Any] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> Any:
            if not compiled:
                compiled.append(compile_builder(rule, append_unknown))
            return compiled[0](rule, *args, **kwargs)

        return build

    Rule._compile_builder = lazy_builder  # type: ignore[method-assign]


def _signed_environ(signing_name: str, region: str) -> dict[str, Any]:
    """The least of a request moto's dispatcher needs to pick the backend a real request would reach."""
    scope = f"warm/20000101/{region}/{signing_name}/aws4_request"
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "HTTP_HOST": "localhost",
        "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0",
    }


def _warm_one(dispatcher: Any, client_name: str, loads: str, account: str, region: str) -> None:
    from moto.backends import get_backend, list_of_moto_modules
    from moto.core.routing import get_service_router
    from moto.core.utils import get_service_model

    model = get_service_model(client_name)  # cached: moto's parsing uses the same object
    # The dispatcher's backend, and the client's namesake (``elbv2`` is dispatched as ``elb``).
    backend_names = {client_name} & set(list_of_moto_modules())
    if dispatcher is not None:
        app = dispatcher.get_application(_signed_environ(model.signing_name, region))
        backend_names.add(str(app.service))
    for name in backend_names:
        per_account = cast(Any, get_backend)(name)[account]  # typed per literal name
        per_account[region if region in per_account else "aws"]
    if loads == "router":
        get_service_router(client_name)._get_router(model.protocol)


def warm(dispatcher: Any, services: Iterable[tuple[str, str]], account: str, region: str) -> None:
    """Do now what the first request to each service would do, for one account and region.

    ``services``: (botocore name, ``""``/``"model"``/``"router"``: what moto's request handling
    loads besides the backend). ``dispatcher`` is moto's ``DomainDispatcherApplication``, whose
    per-service Flask app is built here too (None: backends only). An optimisation only: a
    failure is one stderr line, and the first request then does the work.
    """
    for name, loads in services:
        try:
            _warm_one(dispatcher, name, loads, account, region)
        except Exception as exc:  # reported, never fatal: serving does not depend on it
            print(f"skafu demo: warming moto for {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
