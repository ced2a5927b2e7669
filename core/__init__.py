"""The ground floor: what every app may use and that imports no app — domain errors (``errors``), the form and
command helpers of the views (``forms``), the workflow engine (``workflow``), set-based writes (``bulk``), the Excel
sheet helpers (``xlsx``), the API's error handler and capped pagination, the read-replica router, the middleware,
and backups (``backup``, run by ``manage.py backup`` and ``restore``).
``revitalization/`` is the roof: settings, URLs, Celery, WSGI/ASGI."""
