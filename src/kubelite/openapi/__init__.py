"""OpenAPI v2/v3 documents for the served API, built from upstream Kubernetes 1.33 schemas.

Importing is cheap: schemas load and documents build on first use.
"""

from kubelite.openapi.builder import (
    V2_JSON,
    V2_PROTOBUF,
    OpenAPIBuilder,
    negotiate_openapi_v2,
)
from kubelite.openapi.schemas import definition_name, definitions, definitions_v2, resolve, schema_for

__all__ = [
    "V2_JSON",
    "V2_PROTOBUF",
    "OpenAPIBuilder",
    "definition_name",
    "definitions",
    "definitions_v2",
    "negotiate_openapi_v2",
    "resolve",
    "schema_for",
]
