"""The CDS Hooks 2.0 service (discovery, patient-view, order-select, feedback) as a mountable FastAPI router."""

from tumorboard.fhir.cds_hooks.config import CdsConfig, Issuer
from tumorboard.fhir.cds_hooks.router import SERVICES, create_router

__all__ = ["SERVICES", "CdsConfig", "Issuer", "create_router"]
