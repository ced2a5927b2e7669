"""The employment viewsets of /api/v1/, registered on the one router by ``register``."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
