"""The embedded local AWS: moto server plus the project's extensions to it."""
