"""kubelite: a Kubernetes-compatible API server."""

__version__ = "0.1.0"
