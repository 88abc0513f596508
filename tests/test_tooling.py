"""The project's own commands: CI runs what the README says, installs are pinned,
and scripts run from any directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

from config import BASE_DIR

README = (BASE_DIR / "README.md").read_text(encoding="utf-8")
CI = (BASE_DIR / ".ci" / "run").read_text(encoding="utf-8")


def _commands(text: str) -> list[str]:
    """The lines of the ```sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_word_for_word():
    [command] = [c for c in _commands(README) if "pytest" in c]
    assert command in CI.splitlines()
    for check in ("ruff check .", "ruff format --check .", "mypy", "--cov-fail-under="):
        assert check in command


def test_every_install_uses_the_constraints_file():
    installs = [c for c in _commands(README) + CI.splitlines() if "pip install" in c]
    assert len(installs) >= 3  # run the site, run the tests, CI
    for command in installs:
        assert '-c constraints.txt -e ".[test]"' in command, command


def test_constraints_agree_with_the_pins_in_pyproject():
    pinned = dict(
        line.split("==")
        for line in (BASE_DIR / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    pinned = {name.lower().replace("_", "-"): version for name, version in pinned.items()}
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in requirements:
        name, version = requirement.split("==")
        name = re.sub(r"\[.*\]", "", name).lower().replace("_", "-")
        assert pinned.get(name) == version, f"{requirement} is not pinned so in constraints.txt"


def test_bench_runs_from_another_directory(tmp_path):
    """The bench's generator and its plan printer find the project from any directory."""
    database = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    generated = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / "generate.py"), "--size", "S"]
        + ["--database-url", database],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stderr
    assert "1,000 ideas" in generated.stdout
    explained = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / "explain.py"), "--database-url", database]
        + ["--path", "/en/ideas/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert explained.returncode == 0, explained.stderr
    assert "SEARCH" in explained.stdout or "SCAN" in explained.stdout
    # The floor (bench/floor.py) knows its visitor: a page answers 401 until
    # they sign in, then their address. It does the platform's write for real:
    # signed in, with the CSRF token, a support counts and a withdrawal uncounts.
    floor = subprocess.run(
        [sys.executable, "-c", FLOOR_CHECK],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert floor.returncode == 0, floor.stderr
    assert floor.stdout.split() == ["401", "403", "True", "400", "True", "1", "True", "0"]


FLOOR_CHECK = """
from sqlalchemy import text
from bench.floor import app, db
from bench.generate import BENCH_EMAIL, BENCH_PASSWORD
from participation.vocabulary import IdeaStatus

client = app.test_client()
print(client.get("/fr/").status_code)
print(client.post("/login", data={"email": BENCH_EMAIL, "password": "wrong"}).status_code)
token = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD}).text
print(client.get("/fr/").text == f"<p>{BENCH_EMAIL}</p>")
with app.app_context():
    idea = db.session.scalar(text(
        "SELECT id FROM ideas WHERE status = :published AND id NOT IN"
        " (SELECT idea_id FROM supports s JOIN users u ON u.id = s.user_id"
        " WHERE u.email = :email) ORDER BY id LIMIT 1"
    ), {"email": BENCH_EMAIL, "published": IdeaStatus.PUBLISHED.value})
    before = db.session.scalar(text("SELECT support_count FROM ideas WHERE id = :i"), {"i": idea})
print(client.post(f"/en/ideas/{idea}/support").status_code)
for verb in ("support", "unsupport"):
    answer = client.post(f"/en/ideas/{idea}/{verb}", headers={"X-CSRFToken": token}).get_json()
    print(answer["changed"], answer["support_count"] - before)
"""
