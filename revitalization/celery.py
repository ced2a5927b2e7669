"""The Celery application. Tasks live in each app's tasks.py and delegate to services (STYLE §5.4)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")

app = Celery("revitalization")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
