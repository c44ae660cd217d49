"""The ServiceAccount admission plugin for pods (upstream's
plugin/pkg/admission/serviceaccount), the part clients see: unless the pod or its
ServiceAccount opts out with automountServiceAccountToken: false, a pod gets the
projected `kube-api-access-xxxxx` volume (token, the cluster CA, the namespace) mounted
read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container.

Unlike upstream, a pod whose ServiceAccount does not exist (yet) is admitted: the
`default` ServiceAccount is made asynchronously after a namespace, and refusing pods in
that window would make clients' tests flaky for no benefit here.
"""

from __future__ import annotations

from typing import Any

from kubelite.machinery import errors
from kubelite.machinery.validation import generate_name
from kubelite.registry.store import Store, WriteOptions
from kubelite.storage.interface import Obj

MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
# An hour and 7 s: upstream's token lifetime that lets the kubelet spot stale tokens.
TOKEN_EXPIRATION_SECONDS = 3607


def api_access_volume(name: str) -> Obj:
    return {"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [
            {"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ]}}


class ServiceAccountTokenVolume:
    def __init__(self, service_accounts: Store) -> None:
        self.service_accounts = service_accounts

    async def admit(self, operation: str, obj: Obj | None, old: Obj | None, opts: WriteOptions) -> None:
        if operation != "CREATE" or obj is None or not isinstance(obj.get("spec"), dict):
            return
        spec: Obj = obj["spec"]
        if spec.get("automountServiceAccountToken") is False or _is_mirror_pod(obj):
            return
        containers = [c for key in ("initContainers", "containers")
                      for c in spec.get(key) or [] if isinstance(c, dict)]
        if any(m.get("mountPath") == MOUNT_PATH for c in containers for m in c.get("volumeMounts") or [] if isinstance(m, dict)):
            return  # the pod mounts something there itself
        if not await self._automount(obj.get("metadata", {}).get("namespace", ""), str(spec.get("serviceAccountName") or "default")):
            return
        volumes = spec.get("volumes")
        if volumes is not None and not isinstance(volumes, list):
            return  # malformed: validation reports it
        name = generate_name("kube-api-access-")
        spec["volumes"] = [*(volumes or []), api_access_volume(name)]
        for c in containers:
            if "volumeMounts" not in c or isinstance(c["volumeMounts"], list):
                c["volumeMounts"] = [*(c.get("volumeMounts") or []), {"name": name, "readOnly": True, "mountPath": MOUNT_PATH}]

    async def _automount(self, namespace: str, name: str) -> bool:
        try:
            account = await self.service_accounts.get(namespace, name)
        except errors.StatusError as exc:
            if exc.code != 404:
                raise
            return True
        return account.get("automountServiceAccountToken") is not False


def _is_mirror_pod(obj: Any) -> bool:
    return "kubernetes.io/config.mirror" in (obj.get("metadata", {}).get("annotations") or {})
