"""The floor of the stack: a hello-world Flask app, served by the same gunicorn
settings as the platform in bench/run.py."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world!"
