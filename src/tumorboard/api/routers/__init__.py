"""One router per resource under ``/v1``, plus the health probes."""
