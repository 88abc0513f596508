"""WSGI entry point: gunicorn serves "wsgi:app"."""

from participation import create_app

app = create_app()
