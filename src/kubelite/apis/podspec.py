"""Defaults and validation shared by Pod and every pod template (upstream's
SetDefaults_PodSpec / SetDefaults_Container and ValidatePodSpec, the common part)."""

from __future__ import annotations

from typing import Any

from kubelite.machinery import errors, validation

Obj = dict[str, Any]
Cause = dict[str, str]


def _default_probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")


def _image_pull_policy(image: str) -> str:
    # A missing tag or ":latest" means "Always", as upstream (digests pin the image).
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def default_container(c: Any) -> None:
    if not isinstance(c, dict):
        return
    if isinstance(c.get("image"), str):
        c.setdefault("imagePullPolicy", _image_pull_policy(c["image"]))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for port in c.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(name))
    for env in c.get("env") or []:
        ref = env.get("valueFrom", {}).get("fieldRef") if isinstance(env, dict) and isinstance(env.get("valueFrom"), dict) else None
        if isinstance(ref, dict):
            ref.setdefault("apiVersion", "v1")


def default_pod_spec(spec: Any) -> None:
    if not isinstance(spec, dict):
        return
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            default_container(c)
    for vol in spec.get("volumes") or []:
        if not isinstance(vol, dict):
            continue
        for source, mode_key in (("secret", "defaultMode"), ("configMap", "defaultMode"), ("projected", "defaultMode"), ("downwardAPI", "defaultMode")):
            if isinstance(vol.get(source), dict):
                vol[source].setdefault(mode_key, 420)
        if isinstance(vol.get("hostPath"), dict):
            vol["hostPath"].setdefault("type", "")
        if len(vol) == 1 and "name" in vol:
            # a volume naming no source is an emptyDir, as upstream defaults it
            vol["emptyDir"] = {}


def default_pod_template(template: Any) -> None:
    if isinstance(template, dict):
        default_pod_spec(template.get("spec"))


_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]


def validate_pod_spec(spec: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if not isinstance(spec, dict):
        return [errors.required(path, "")]
    containers = spec.get("containers")
    if not containers:
        errs.append(errors.required(f"{path}.containers", ""))
    names: set[str] = set()
    for key in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(key) or []):
            p = f"{path}.{key}[{i}]"
            if not isinstance(c, dict):
                errs.append(errors.invalid_value(p, c, "must be an object"))
                continue
            name = c.get("name")
            if not name:
                errs.append(errors.required(f"{p}.name", ""))
            else:
                for msg in validation.is_dns1123_label(name):
                    errs.append(errors.invalid_value(f"{p}.name", name, msg))
                if name in names:
                    errs.append(errors.duplicate(f"{p}.name", name))
                names.add(name)
            if not c.get("image"):
                errs.append(errors.required(f"{p}.image", ""))
            policy = c.get("imagePullPolicy")
            if policy is not None and policy not in _PULL_POLICIES:
                errs.append(errors.not_supported(f"{p}.imagePullPolicy", policy, _PULL_POLICIES))
            for j, port in enumerate(c.get("ports") or []):
                cp = port.get("containerPort") if isinstance(port, dict) else None
                if not isinstance(cp, int) or not 1 <= cp <= 65535:
                    errs.append(errors.invalid_value(f"{p}.ports[{j}].containerPort", cp, "must be between 1 and 65535, inclusive"))
    restart = spec.get("restartPolicy")
    if restart is not None and restart not in _RESTART_POLICIES:
        errs.append(errors.not_supported(f"{path}.restartPolicy", restart, _RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if dns is not None and dns not in _DNS_POLICIES:
        errs.append(errors.not_supported(f"{path}.dnsPolicy", dns, _DNS_POLICIES))
    return errs
