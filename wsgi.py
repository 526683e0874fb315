"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
from coordinator import create_app

app = create_app()
