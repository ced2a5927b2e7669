"""One step of a benchmark in a fresh interpreter, as a Celery worker runs a task (``bench.cases._in_fresh``):
``python -m bench.child <function of bench.cases> <its keyword arguments as JSON>``. The step's figures come back
as the last line of standard output: its wall time, the process's peak resident memory (the interpreter and Django
included, as a worker's) and what the function returned.

A child forked from the benchmark's own process starts with that process's memory resident, which grows with the
size benchmarked (about 150 MB after the benchmarks of 60,000 households, 230 MB after those of 1,000,000): its
peak is the parent's leftovers plus the step's own, and measured the import of one county's file at 245 MB among
60,000 households and 299 MB among 1,000,000. A worker that imports a file holds none of them."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")
    import django

    django.setup()
    from bench import cases
    from bench.harness import peak_mb

    started = time.perf_counter()
    sent_back = getattr(cases, name)(**arguments)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "sent_back": sent_back or {}}))


if __name__ == "__main__":
    main()
