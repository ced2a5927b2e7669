import pytest

from sweeps.services import sweep_run_chunk


@pytest.fixture
def work_off(django_capture_on_commit_callbacks):
    """Do a started run's chunks here, as a worker would, each with its after-commit finish: the tests call the
    services directly, whether or not a broker is configured (STYLE rule 25). The real dispatch over Redis is
    tested in ``test_worker_killed``."""

    def run(sweep_run):
        for chunk in sweep_run.chunks.order_by("pk"):
            with django_capture_on_commit_callbacks(execute=True):
                sweep_run_chunk(chunk=chunk)
        sweep_run.refresh_from_db()
        return sweep_run

    return run
