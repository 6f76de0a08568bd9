"""Cohorts: score and plan whole registries (local processes or Ray), validate scores against outcomes."""
