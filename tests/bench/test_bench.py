"""The whole benchmark pipeline at a tiny scale: two databases seeded, queries counted, gunicorn
driven (each page, then the mixed load of readers and writers, with the private page cache and
without), the table printed and the JSON written."""
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
         "--mixed-duration", "2", "--reseed", "--out", str(out)],
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
        assert 1 <= row["queries_large"] <= 15, row
        assert row["cold_ms"] > 0, row
        assert row["page"] in result.stdout
        # Its ratio is to /bench/ping driven in turns with it (the machine in the same state).
        assert row["ceiling_rps"] > 0 and row["ratio"] == round(row["rps"] / row["ceiling_rps"], 3), row
        if row["role"] != "anonymous":  # driven again, built on every request
            assert row["off"]["requests"] > 0 and row["off"]["errors"] == 0, row
            assert row["off"]["ratio"] == round(row["off"]["rps"] / row["off"]["ceiling_rps"], 3), row

    # The mixed load: the pages behind a login read while drafts are saved and assessments submitted,
    # and the private page cache's hit rate under it, with the cache and without.
    assert "Mixed load with the private page cache" in result.stdout
    assert "hit rate" in result.stdout
    on, off = report["mixed"]["cache_on"], report["mixed"]["cache_off"]
    for run in (on, off):
        assert set(run["pages"]) == {"staff proposal list", "ranking (staff)", "grant portfolio",
                                     "my area (promoter)", "assessor's list"}
        assert run["reads"] > 0 and 0 <= run["hit_rate"] <= 1
        assert all(p["errors"] == 0 for p in run["pages"].values()), run
        # The promoter's drafts were saved (a real POST of the step, answered with a redirect).
        assert run["writes"]["draft"]["saved"] > 0 and run["writes"]["draft"]["errors"] == 0, run
        assert run["writes"]["submit"]["errors"] == 0, run
    assert on["writes"]["submit"]["saved"] + off["writes"]["submit"]["saved"] > 0
    assert off["hits"] == 0  # with the cache off every page is built
    assert report["ceiling_private_off"] > 0  # the second server's own ceiling
