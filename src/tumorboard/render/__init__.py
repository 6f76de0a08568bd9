"""Renderers: markdown, text, HTML, JSON, plain-language and FHIR/CDS Hooks views of results. Pure functions."""
