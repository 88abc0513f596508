"""The platform as bench/run.py serves it: wsgi.py's app, with rate limits off
so that one bench user can send thousands of supports."""

from participation import create_app

app = create_app(test_config={"RATELIMIT_ENABLED": False})
