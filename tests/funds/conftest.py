from tests.projects.conftest import _today, world  # noqa: F401  (the same county and people as the projects tests)
