"""The emulated Microsoft.Compute gallery resource provider: every service-side rule lives here.

Nothing in this package imports the CLI (typer, rich, sigctl.cli); a test enforces it.
"""
