"""Schemas of API types: the OpenAPI model walked for pruning, defaults and merge keys."""
