"""What `/version` reports: the Kubernetes release whose API kubelite serves."""

from __future__ import annotations

import platform

KUBERNETES_VERSION = "v1.33.0"
MAJOR, MINOR = "1", "33"


def version_info() -> dict[str, str]:
    from kubelite import __version__

    return {
        "major": MAJOR,
        "minor": MINOR,
        "emulationMajor": MAJOR,
        "emulationMinor": MINOR,
        "minCompatibilityMajor": MAJOR,
        "minCompatibilityMinor": str(int(MINOR) - 1),
        "gitVersion": f"{KUBERNETES_VERSION}+kubelite.{__version__}",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-11-26T00:00:00Z",
        "goVersion": f"python{platform.python_version()}",
        "compiler": "cpython",
        "platform": f"{platform.system().lower()}/{'amd64' if platform.machine() == 'x86_64' else platform.machine()}",
    }
