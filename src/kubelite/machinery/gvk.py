"""Names of API types: GroupVersion, GroupVersionKind, GroupVersionResource, and the
discovery description of one served resource (`APIResource`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GroupVersion:
    group: str
    version: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @staticmethod
    def parse(api_version: str) -> GroupVersion:
        if "/" in api_version:
            g, v = api_version.split("/", 1)
            return GroupVersion(g, v)
        return GroupVersion("", api_version)


@dataclass(frozen=True)
class GroupVersionKind:
    group: str
    version: str
    kind: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


@dataclass(frozen=True)
class GroupVersionResource:
    group: str
    version: str
    resource: str


@dataclass
class APIResource:
    """One resource as served in one group/version (what discovery lists).

    `subresources` names the subresources served under it (e.g. "status", "scale");
    discovery lists each as `<resource>/<sub>`.
    """

    group: str
    version: str
    resource: str  # plural, lowercase: "deployments"
    kind: str
    singular: str
    namespaced: bool
    verbs: list[str]
    short_names: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    subresources: list[str] = field(default_factory=list)
    # Kind of each subresource where it differs from the parent kind (scale -> Scale).
    subresource_kinds: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    subresource_verbs: dict[str, list[str]] = field(default_factory=dict)
    storage_version_hash: str = ""
    # Built into the server (not from a CRD): aggregated discovery then leaves the group
    # and version of a responseKind in the resource's own group/version empty, as upstream.
    builtin: bool = False

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind(self.group, self.version, self.kind)

    @property
    def gvr(self) -> GroupVersionResource:
        return GroupVersionResource(self.group, self.version, self.resource)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version
