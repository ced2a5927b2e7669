# The production image: gunicorn for web, the same image runs the Celery worker and beat (docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
WORKDIR /app
# pg_dump/pg_restore for `manage.py backup`/`restore`, of the server's major version (postgres:15 in compose).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app app && mkdir -p /app/media /app/backups \
    && chown app /app/media /app/backups && chmod 700 /app/backups
USER app
EXPOSE 8000
CMD ["gunicorn", "revitalization.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
