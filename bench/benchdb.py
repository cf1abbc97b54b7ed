"""A migrated PostgreSQL database with the demo campaign, and the app to work on it in-process (set-up only)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrk import ROOT, fresh_database  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402

SECRET = "bench"


def prepared_database(name: str) -> str:
    """Database name on BENCH_DATABASE_URL's server, recreated, migrated (flask db upgrade); its URL."""
    url = fresh_database(os.environ["BENCH_DATABASE_URL"], name)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET})
    return url


def bench_app(url: str, instance: str, **config):
    """The portal app on url with the bench's secret; the demo campaign loaded once."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, **config}, instance_path=instance)
    with app.app_context():
        load_demo(db.session())
        db.session().commit()
    return app
