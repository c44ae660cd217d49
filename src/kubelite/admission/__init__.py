"""Admission plugins that need more than one kind's store (upstream's plugin/pkg/admission)."""
