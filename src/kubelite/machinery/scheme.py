"""The scheme: conversion between each served version of a kind and its storage (hub)
version. Conversion functions are registered per (from apiVersion, to apiVersion,
kind); a kind served in one version converts by relabelling apiVersion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelite.machinery.gvk import APIResource

Obj = dict[str, Any]
Converter = Callable[[Obj], Obj]


class Scheme:
    def __init__(self) -> None:
        self._converters: dict[tuple[str, str, str], Converter] = {}
        self._hub: dict[tuple[str, str], str] = {}  # (group, kind) -> storage apiVersion

    def set_storage_version(self, group: str, kind: str, api_version: str) -> None:
        self._hub[(group, kind)] = api_version

    def storage_version(self, group: str, kind: str) -> str:
        return self._hub[(group, kind)]

    def add_conversion(self, kind: str, from_version: str, to_version: str, fn: Converter) -> None:
        self._converters[(kind, from_version, to_version)] = fn

    def convert(self, obj: Obj, kind: str, to_version: str) -> Obj:
        from_version = obj.get("apiVersion", "")
        if from_version == to_version:
            return obj
        fn = self._converters.get((kind, from_version, to_version))
        if fn is not None:
            return fn(obj)
        # Same shape in both versions: only the label changes. Copy the top level so a
        # cached object is never mutated.
        out = dict(obj)
        out["apiVersion"] = to_version
        return out

    def to_hub(self, obj: Obj, api: APIResource) -> Obj:
        return self.convert(obj, api.kind, self._hub.get((api.group, api.kind), api.api_version))

    def from_hub(self, obj: Obj, api: APIResource) -> Obj:
        return self.convert(obj, api.kind, api.api_version)
