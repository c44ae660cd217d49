"""Wires the server: storage → registry → API groups → mux → handler chain → ASGI app,
and runs it until SIGTERM/SIGINT (DESIGN.md §6)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from kubelite.admission.priority import PodPriority
from kubelite.admission.serviceaccount import ServiceAccountTokenVolume
from kubelite.apis.catalog import PREFERRED_VERSIONS, builtin_resources, register_conversions
from kubelite.auth.authn import Authenticator, TokenFile
from kubelite.auth.authz import Authorizer, new_authorizer
from kubelite.auth.pki import PKI, ensure_pki, write_kubeconfig
from kubelite.config import Options
from kubelite.controllers.garbagecollector import GarbageCollector
from kubelite.controllers.namespace import NamespaceController, NamespaceLifecycle
from kubelite.controllers.serviceips import start_service_ip_objects
from kubelite.controllers.system import start_system_controllers
from kubelite.endpoints.handlers import ResourceHandlers, ServedResource
from kubelite.filters.audit import AuditSink, file_sink
from kubelite.filters.chain import build_handler_chain
from kubelite.http import Handler, make_asgi_app
from kubelite.machinery.scheme import Scheme
from kubelite.mux import Mux
from kubelite.openapi import OpenAPIBuilder, definitions
from kubelite.registry.store import Store
from kubelite.schema.structural import SchemaSet
from kubelite.serving import bind, make_server, tune_gc
from kubelite.storage.cacher import Cacher
from kubelite.storage.compactor import run_compactor
from kubelite.storage.interface import Storage
from kubelite.version import version_info

log = logging.getLogger("kubelite")


@dataclass
class APIServer:
    """The assembled server: everything but the network listener."""

    options: Options
    storage: Storage
    stores: dict[str, Store]
    mux: Mux
    handler: Handler
    namespace_controller: NamespaceController
    stopping: asyncio.Event
    cachers: list[Cacher] = field(default_factory=list)
    background: list[asyncio.Task[None]] = field(default_factory=list)

    async def close(self) -> None:
        self.stopping.set()
        for task in self.background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.namespace_controller.stop()
        for cacher in self.cachers:
            await cacher.close()
        await self.storage.close()


async def open_storage(options: Options) -> Storage:
    if options.etcd_servers:
        raise SystemExit("--etcd-servers: the etcd backend is not available yet")
    from kubelite.storage.sqlite import SQLiteStorage

    options.data_dir.mkdir(parents=True, exist_ok=True)
    return await SQLiteStorage(str(options.data_dir / "state.db")).open()


async def build_server(options: Options, server_address: str, pki: PKI) -> APIServer:
    storage = await open_storage(options)
    scheme = Scheme()
    register_conversions(scheme)
    schemas = SchemaSet(definitions)
    stopping = asyncio.Event()
    tokens = TokenFile.load(options.token_auth_file) if options.token_auth_file else None
    authenticator = Authenticator(token_file=tokens, admin_token=pki.admin_token)
    authorizer: Authorizer = new_authorizer(options.authorization_mode)
    services = {"authenticator": authenticator, "authorizer": authorizer}
    stores: dict[str, Store] = {}  # by storage key prefix: one store per stored resource
    handlers: dict[tuple[str, str, str], ResourceHandlers] = {}
    builtins = builtin_resources()
    cachers = {b.key_prefix: Cacher(storage, b.key_prefix) for b in builtins}
    await asyncio.gather(*(c.start() for c in cachers.values()))
    # The storage version of each resource comes first, so its store exists when other
    # versions (or another group sharing the storage, like events.k8s.io) are served.
    for builtin in sorted(builtins, key=lambda b: b.stored_as is not None):
        api = builtin.api
        store = stores.get(builtin.key_prefix)
        if store is None:
            store = Store(cachers[builtin.key_prefix], builtin.strategy, builtin.key_prefix, api.api_version)
            builtin.strategy.attach(store, options)
            stores[builtin.key_prefix] = store
        scheme.set_storage_version(api.group, api.kind, store.api_version)
        served = ServedResource(api, store, scheme, schemas, stopping, services)
        handlers[(api.group, api.version, api.resource)] = ResourceHandlers(served)

    pods = stores.get("/registry/pods/")
    priority_classes = stores.get("/registry/scheduling.k8s.io/priorityclasses/")
    if pods is not None and priority_classes is not None:
        pods.admission.append(PodPriority(priority_classes).admit)
    service_accounts = stores.get("/registry/serviceaccounts/")
    if pods is not None and service_accounts is not None:
        pods.admission.append(ServiceAccountTokenVolume(service_accounts).admit)
    namespaces = stores["/registry/namespaces/"]
    lifecycle = NamespaceLifecycle(namespaces)
    namespaced = [s for s in stores.values() if s.strategy.namespaced]
    for store in namespaced:
        store.namespace_check = lifecycle.check
    controller = NamespaceController(namespaces, namespaced)
    await controller.ensure_system_namespaces()
    await controller.start()
    owner_kinds = {(h.api.group, h.api.version, h.api.kind): h.store for h in handlers.values()}
    gc_task = asyncio.create_task(GarbageCollector(stores.values(), owner_kinds).run(), name="garbage collector")
    system_tasks = await start_system_controllers(stores, options, server_address, pki)
    system_tasks += await start_service_ip_objects(stores, options)

    async def storage_ok() -> bool:
        try:
            await storage.current_revision()
            return True
        except Exception:
            return False

    mux = Mux(
        handlers,
        version_info(),
        OpenAPIBuilder([h.api for h in handlers.values()], version_info()),
        {"etcd": storage_ok},
        server_address,
        PREFERRED_VERSIONS,
    )
    audit_sinks: list[AuditSink] = [file_sink(options.audit_log_path)] if options.audit_log_path else []
    handler = build_handler_chain(
        mux, authenticator, authorizer, audit_sinks,
        options.max_requests_inflight, options.max_mutating_requests_inflight, options.request_timeout,
    )
    background = [gc_task, *system_tasks]  # cancelled on close, before the stores close
    if options.compaction_interval > 0:
        background.append(asyncio.create_task(run_compactor(storage, options.compaction_interval)))
    mux.ready = True
    return APIServer(options, storage, stores, mux, handler, controller, stopping, list(cachers.values()), background)


async def serve(options: Options) -> None:
    started = time.monotonic()
    data_dir = Path(options.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    sock = bind(options.bind_address, options.secure_port)
    port = sock.getsockname()[1]
    pki = ensure_pki(data_dir, options.bind_address)
    host = options.bind_address if options.bind_address not in ("0.0.0.0", "::") else "127.0.0.1"
    server_address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    server_url = f"https://{server_address}"
    api = await build_server(options, server_address, pki)
    kubeconfig = write_kubeconfig(data_dir, server_url, pki)
    uv = make_server(
        make_asgi_app(api.handler), str(pki.serving_cert), str(pki.serving_key), str(pki.ca_cert),
        api.stopping.set, options.log_level,
    )
    tune_gc()
    print(f"kubelite serving on {server_url}", flush=True)
    print(f"kubeconfig: {kubeconfig.resolve()}", flush=True)
    log.info("ready in %.3f s", time.monotonic() - started)
    try:
        await uv.serve(sockets=[sock])
    finally:
        with contextlib.suppress(Exception):
            await api.close()
