# The production image: gunicorn (web), Celery worker and Celery beat all run from it.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-frontend.mjs scripts/
COPY static/ static/
RUN node scripts/build-frontend.mjs

FROM python:3.11-slim-bookworm
# Pango for WeasyPrint; Liberation Sans is the Arial-compatible font the PDFs use.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 1000 approvision
WORKDIR /app
COPY requirements-pip.txt requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements-pip.txt \
    && pip install --no-cache-dir --require-hashes -r requirements.txt
COPY --chown=approvision . .
COPY --from=frontend --chown=approvision /build/static/dist static/dist
ENV DJANGO_SETTINGS_MODULE=approvision.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    APPROVISION_VAR_DIR=/var/lib/approvision \
    PYTHONUNBUFFERED=1
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && install -d -o approvision /var/lib/approvision
USER approvision
EXPOSE 8000
CMD ["gunicorn", "approvision.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
