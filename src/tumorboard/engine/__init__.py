"""The decision engine: rules x case -> plan, with a trace of why. Pure functions."""

from tumorboard.engine.assess import assess

__all__ = ["assess"]
