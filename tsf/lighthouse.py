"""`python -m tsf.lighthouse`: Lighthouse on the demo, as a phone visiting it for the first time
(what `make lighthouse` runs; README, "Light pages").

1. The demo of `make run` is seeded into a fresh SQLite database under var/lighthouse/.
2. The portal is served as in production: gunicorn, DEBUG off, the static files collected with their
   hashed names and their gzip and brotli copies and served by WhiteNoise with long cache lifetimes;
   the public media (blog images) are served beside it, as the proxy does in production.
3. Lighthouse (the npm package, `LIGHTHOUSE`, driving Debian's Chromium, `CHROME_PATH`) loads the home
   page, a post, a project page and the call page on its default mobile profile (a mid-range phone on a
   throttled 4G connection, cache empty), one after the other.
4. A table on stdout and JSON in var/lighthouse/summary.json (each page's full report beside it); the
   command fails when a page transfers 400 KB or more, or scores under 90 for performance or under 100
   for accessibility or best practices.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tsf.bench.__main__ import django_env, manage
from tsf.core.localserver import free_port
from tsf.core.localserver import stop as stop_server

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "lighthouse"
LIMIT_BYTES = 400 * 1024
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 100}
PAGES_CODE = """
from blog.models import Post
from calls.models import Call
from projects.models import PublicProject
import json
post = Post.objects.published().filter(kind="article").order_by("-publish_at").first()
project = PublicProject.objects.public().order_by("slug").first()
call = Call.objects.filter(slug="torino-social-factory-2027").first() or Call.objects.order_by("-opens_at").first()
print(json.dumps({"home": "/", "post": post.get_absolute_url(), "project": project.get_absolute_url(),
                  "call": call.get_absolute_url()}))
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def prepare(database, reuse=False):
    """A fresh database with the demo (or the last run's, with `reuse`), and the pages' addresses in it."""
    env = django_env(f"sqlite:///{database}", DEBUG="1", MEDIA_ROOT=str(OUT / "media"))
    if not (reuse and database.exists()):
        if database.exists():
            database.unlink()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo", capture=True)
    return json.loads(manage(env, "shell", "-c", PAGES_CODE, capture=True).stdout.strip().splitlines()[-1])


def serve(database, port, collect=True):
    env = django_env(f"sqlite:///{database}", ALLOWED_HOSTS="127.0.0.1", MEDIA_ROOT=str(OUT / "media"),
                     SECURE_HSTS_SECONDS="0")
    if collect:
        manage(env, "collectstatic", "--noinput", "-v", "0")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cmd = [str(gunicorn), "tsf.lighthouse_wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
           "--log-level", "warning", "--timeout", "120"]
    proc = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer in 60 s")


def lighthouse(binary, url, out):
    cmd = [binary, url, "--output=json", f"--output-path={out}", "--quiet", "--locale=it",
           "--only-categories=performance,accessibility,best-practices",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # On a busy machine Chromium's trace now and then misses the navigation (NO_NAVSTART): one more try.
    if subprocess.run(cmd, env=env).returncode:  # noqa: S603
        subprocess.run(cmd, env=env, check=True)  # noqa: S603
    report = json.loads(out.read_text())
    scores = {k: round((report["categories"][k]["score"] or 0) * 100) for k in TARGETS}
    audits = report["audits"]
    failing = {k: [a for a in (ref["id"] for ref in report["categories"][k]["auditRefs"] if ref["weight"])
                   if audits[a]["score"] is not None and audits[a]["score"] < 1][:8]
               for k in ("accessibility", "best-practices")}
    return {"url": url, "bytes": int(audits["total-byte-weight"]["numericValue"]),
            "requests": len(audits["network-requests"]["details"]["items"]),
            "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
            "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3), **scores, "failing": failing}


def problems(name, result):
    found = []
    if result["bytes"] >= LIMIT_BYTES:
        found.append(f"{name}: {result['bytes'] / 1024:.0f} KB transferred (limit {LIMIT_BYTES // 1024} KB)")
    for key, target in TARGETS.items():
        if result[key] < target:
            found.append(f"{name}: {key} {result[key]} < {target} {result['failing'].get(key) or ''}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", default=str(OUT / "node_modules" / ".bin" / "lighthouse"))
    parser.add_argument("--port", type=int, default=0, help="port to serve the demo on (default: a free one)")
    parser.add_argument("--only", default="", help="comma-separated pages among home,post,project,call")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the last run's database and collected static files (a second look, faster)")
    args = parser.parse_args(argv)
    if not shutil.which(args.lighthouse):
        raise SystemExit(f"Lighthouse not found at {args.lighthouse}: `make lighthouse` installs it with npm")
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "demo.sqlite3"
    log("reusing the last run's demo" if args.reuse and database.exists() else "seeding the demo into a fresh database")
    pages = prepare(database, args.reuse)
    if args.only:
        pages = {k: v for k, v in pages.items() if k in args.only.split(",")}
    port = args.port or free_port()
    log(f"serving it with gunicorn on 127.0.0.1:{port} (DEBUG off, compressed static files)")
    proc = serve(database, port, collect=not (args.reuse and (BASE_DIR / "var" / "static" / "staticfiles.json").exists()))
    results, found = {}, []
    try:
        for name, path in pages.items():
            log(f"Lighthouse: {name} {path}")
            results[name] = lighthouse(args.lighthouse, f"http://127.0.0.1:{port}{path}", OUT / f"{name}.json")
            results[name]["benchmark_index"] = json.loads((OUT / f"{name}.json").read_text())["environment"]["benchmarkIndex"]
            found += problems(name, results[name])
    finally:
        stop_server(proc)
    summary = json.loads((OUT / "summary.json").read_text()) if (OUT / "summary.json").exists() else {}
    (OUT / "summary.json").write_text(json.dumps({**summary, **results}, indent=2))
    # The benchmark index is Lighthouse's measure of the machine's speed at that moment (a desktop
    # scores about 1,000 or more): a low one (a busy machine) lowers the performance score.
    print(f"{'page':8} {'KB':>5} {'req':>4} {'perf':>4} {'a11y':>4} {'bp':>4} {'FCP ms':>7} {'LCP ms':>7} "
          f"{'TBT ms':>6} {'CLS':>5} {'bench':>5}  path")
    for name, r in results.items():
        print(f"{name:8} {r['bytes'] / 1024:5.0f} {r['requests']:4} {r['performance']:4} {r['accessibility']:4} "
              f"{r['best-practices']:4} {r['fcp_ms']:7} {r['lcp_ms']:7} {r['tbt_ms']:6} {r['cls']:5} "
              f"{r['benchmark_index']:5.0f}  {r['url'].split(str(port), 1)[1]}")
    if found:
        print("\nTargets missed:\n" + "\n".join(found))
        return 1
    print("\nEvery target met: under 400 KB, performance >= 90, accessibility and best practices 100.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
