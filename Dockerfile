# Stage 1: compile the stylesheet from Bootstrap's Sass sources.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run build

# Stage 2: the Python runtime.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /src/static/build ./static/build
# collectstatic and compilemessages need settings that load; these build-time values are never
# used at run time.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
 && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build REDIS_URL=redis://build SITE_URL=https://build \
    python manage.py collectstatic --no-input -v 0 \
 && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build REDIS_URL=redis://build SITE_URL=https://build \
    python manage.py compilemessages -l es -v 0 \
 && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 unknot \
 && mkdir -p /app/media /srv/static && chown unknot /app/media /srv/static
# /app/media holds uploaded therapist photos; compose mounts the "media" volume there (a new
# volume starts as a copy of this empty folder, so it belongs to the unknot user). /srv/static
# is where compose's web service copies the collected static files (with WhiteNoise's .br and
# .gz beside each) for the proxy to serve; the same ownership rule applies.
USER unknot
EXPOSE 8000
CMD ["gunicorn", "-c", "python:clinic.gunicorn", "clinic.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
