"""The whole benchmark pipeline at a tiny scale: two databases seeded, queries counted, gunicorn
driven, the table printed and the JSON written."""
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.postgres_only  # seeds and serves PostgreSQL databases, as the benchmark does

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def bench_database_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("DATABASE_URL must point to PostgreSQL: the benchmark runs on it")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_benchci"))


@pytest.mark.services
def test_bench_pipeline_runs_at_a_tiny_scale(tmp_path):
    out = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "tsf.bench", "--database-url", bench_database_url(), "--redis-url", "",
         "--scale", "0.004", "--small-scale", "0.002", "--duration", "1", "--concurrency", "2", "--workers", "1",
         "--reseed", "--out", str(out)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/bench/ping (ceiling)" in result.stdout
    report = json.loads(out.read_text())
    assert report["run"]["counts"]["proposals"] == 40
    assert report["run"]["small_counts"]["proposals"] == 20
    assert report["ceiling"]["rps"] > 0
    names = [row["page"] for row in report["pages"]]
    assert names == ["home", "project list", "project page", "blog list", "post", "call page",
                     "call ranking (public)", "staff proposal list", "ranking (staff)", "grant portfolio",
                     "my area (promoter)", "assessor's list"]
    for row in report["pages"]:
        assert row["status"] == 200, row
        assert row["errors"] == 0, row
        assert row["requests"] > 0, row
        assert row["p50_ms"] <= row["p95_ms"], row
        # The same number of queries whatever the number of rows.
        assert row["queries_small"] == row["queries_large"], row
        # Counted with nothing cached: every page reads the database (a count of 0 is a broken count).
        # A budget of 16 (my area has one query more since SPID/CIE and the data rights: still flat above).
        assert 1 <= row["queries_large"] <= 16, row
        assert row["cold_ms"] > 0, row
        assert row["page"] in result.stdout
