# Production image for the web, worker and beat processes (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings but no secrets or services: give it throwaway values for this step only.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/unused.sqlite3 REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput
RUN useradd --create-home twoway
USER twoway
EXPOSE 8000
# Gunicorn reads its settings from GUNICORN_CMD_ARGS (override it per deployment). Threads (gthread): a slow
# request holds one thread, not a whole process, so it cannot stall the site; requests are cut at 30 s (the
# services bound every wait below that: row locks, the broker's doorbell, Redis); each process is replaced after
# about a thousand requests so memory does not creep.
ENV GUNICORN_CMD_ARGS="--workers 3 --worker-class gthread --threads 4 --timeout 30 --graceful-timeout 30 --keep-alive 5 --max-requests 1000 --max-requests-jitter 100 --access-logfile -"
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000"]
