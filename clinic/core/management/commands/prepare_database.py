import sys

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from psycopg import sql

HOW_TO_GET_POSTGRES = """
No PostgreSQL server answers at {host}:{port}.

Unknot needs PostgreSQL 15 or newer. Any one of these gives you one:
  * with Docker:      docker compose up -d db
  * Debian / Ubuntu:  sudo apt-get install postgresql && sudo systemctl start postgresql
  * macOS (Homebrew): brew install postgresql@17 && brew services start postgresql@17
Or point DATABASE_URL at a server you already have, e.g.
  DATABASE_URL=postgres://user:password@host:5432/unknot make run
"""


class Command(BaseCommand):
    help = "Check that PostgreSQL answers and create the database if it is missing."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "dbname": "postgres",
            "connect_timeout": 5,
        }
        try:
            conn = psycopg.connect(**params, autocommit=True)
        except psycopg.OperationalError as error:
            if "does not exist" in str(error) or "authentication" in str(error):
                self.stderr.write(f"PostgreSQL answered but refused the connection: {error}")
            else:
                self.stderr.write(HOW_TO_GET_POSTGRES.format(**params))
            sys.exit(1)
        with conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if exists:
                self.stdout.write(f"Database {db['NAME']} is ready.")
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(f"Created database {db['NAME']}.")
