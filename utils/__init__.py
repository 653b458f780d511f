"""Shared helpers for the Sequence Models companion notebooks.

Organised by domain, as d2l does: each helper's docstring names the notebook section that teaches it.
Modules marked "Generated from notebooks/..." are exported from the notebooks' `exercise` cells by
`make export`; edit the notebook, not the module.
"""
