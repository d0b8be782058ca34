"""`python -m tsf.bench`: the portal's benchmark (what `make bench` runs).

1. Two PostgreSQL databases are created if missing, migrated and seeded: BENCH_DATABASE_URL at
   --scale (1: 10,000 proposals) and the same name + "_small" at --small-scale (0.01: 100).
   A database that already holds its dataset is not seeded again (--reseed forces it).
2. In a process per database, each page is requested once through Django's test client and its
   queries are counted (CaptureQueriesContext), with an empty cache.
3. gunicorn serves the large database as in production (DEBUG off, collected static files, Redis
   cache when BENCH_REDIS_URL answers); each page is driven for --duration seconds at
   --concurrency clients in turns with the trivial view /bench/ping (up to four slices of each), and
   the page's throughput is compared with the ping's in those turns: both meet the machine in the
   same state. /bench/ping is also driven before and after the pages (the run's ceiling, shown).
4. A table on stdout and JSON in --out (var/bench/latest.json).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tsf.core import localserver

from . import load
from .pages import PING
from .report import evaluate, table

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/tsf_bench"
SECRET = "bench-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def with_db_name(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def ensure_database(url, drop=False):
    """Create the database of `url` if missing (through the server's `postgres` database)."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(with_db_name(url, "postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            if drop:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                log(f"creating database {name}")
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def redis_answers(url):
    if not url:
        return False
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - no Redis: the cache stays in each worker's memory
        return False


def django_env(database_url, **extra):
    env = dict(os.environ)
    for name in ("REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update({"DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": SECRET, "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false", "DJANGO_SETTINGS_MODULE": "tsf.settings", "LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def manage(env, *args, capture=False):
    cmd = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    return subprocess.run(cmd, env=env, cwd=BASE_DIR, check=True, text=True,  # noqa: S603 - our own manage.py
                          stdout=subprocess.PIPE if capture else None)


def prepare(database_url, scale, *, reseed, sessions):
    ensure_database(database_url, drop=reseed)
    env = django_env(database_url, MANIFEST_STATIC="false")
    manage(env, "migrate", "--noinput", "-v", "0")
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        args = ["bench_seed", "--scale", str(scale), "--count-queries", "--out", out.name]
        if sessions:
            args += ["--sessions", "--mixed"]
        manage(env, *args)
        return json.load(open(out.name))


def restore_mixed(database_url):
    manage(django_env(database_url, MANIFEST_STATIC="false"), "bench_seed", "--restore-mixed")


def start_server(database_url, redis_url, workers, port, *, collect=True, **settings):
    # MANIFEST_STATIC=false by default, as the README's table was measured (BENCH_MANIFEST_STATIC=true
    # for the hashed names of production); WhiteNoise serves the collected files either way.
    extra = {"ALLOWED_HOSTS": "127.0.0.1", "MANIFEST_STATIC": os.environ.get("BENCH_MANIFEST_STATIC", "false"),
             **settings}
    if redis_url:
        extra["REDIS_URL"] = redis_url
    env = django_env(database_url, **extra)
    if collect:
        manage(env, "collectstatic", "--noinput", "-v", "0")
    return localserver.start_gunicorn(env, port, workers=workers, ready_path=PING, timeout=120)


def drive_pages(port, large, only, args, roles=None):
    """Each page of `large` (those of `roles` when given) driven for --duration s, in turns with
    /bench/ping for as long (its own ceiling, `run["ceiling"]`): {name: run}."""
    results = {}
    for page in large["pages"]:
        if only and page["name"] not in only:
            continue
        if roles is not None and page["role"] not in roles:
            continue
        cookie = None if page["role"] == "anonymous" else f"sessionid={large['sessions'][page['role']]}"
        status, _ = load.get("127.0.0.1", port, page["url"], cookie=cookie, timeout=60)
        if status != 200:
            log(f"  {page['name']}: {page['url']} answered {status}, not driven")
            continue
        for _ in range(3):  # warm: the worker's imports, templates and the cache
            load.get("127.0.0.1", port, page["url"], cookie=cookie, timeout=60)
        run, ceiling = load.drive_paired("127.0.0.1", port, page["url"], PING, cookie=cookie,
                                         concurrency=args.concurrency, duration=args.duration,
                                         slices=max(1, min(4, int(args.duration // 2))))
        run["ceiling"] = ceiling
        log(f"  {page['name']}: {run['rps']} req/s, p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms; "
            f"/bench/ping in turns with it {ceiling['rps']} req/s")
        results[page["name"]] = run
    return results


def drive_mixed(port, large, submissions, args):
    """The mixed load: the pages behind a login read by --concurrency clients while the promoter saves
    drafts (two clients) and assessors submit `submissions` (two clients), for --mixed-duration s."""
    pages = [{"name": p["name"], "url": p["url"], "session": large["sessions"][p["role"]]}
             for p in large["pages"] if not p["public"]]
    drafts = [{"url": url, "session": large["sessions"]["promoter"]} for url in large["mixed"]["drafts"][:2]]
    for page in pages:  # warm the workers, as for the pages alone
        load.get("127.0.0.1", port, page["url"], cookie=f"sessionid={page['session']}", timeout=60)
    run = load.mixed("127.0.0.1", port, pages=pages, drafts=drafts, submissions=submissions,
                     readers=args.concurrency, duration=args.mixed_duration)
    log(f"  mixed load: {run['reads']} reads, private page cache hit rate {run['hit_rate']:.0%}; "
        f"drafts saved {run['writes']['draft']['saved']}, assessments submitted {run['writes']['submit']['saved']}")
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tsf.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"))
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--small-scale", type=float, default=0.01)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 8)),
                        help="seconds of load per page")
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", 8)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 3)))
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "bench" / "latest.json"))
    parser.add_argument("--reseed", action="store_true", help="drop both databases and seed again")
    parser.add_argument("--only", default="", help="comma-separated page names to drive (default: all)")
    parser.add_argument("--mixed-duration", type=float, default=None,
                        help="seconds of the mixed load (default: --duration); 0 leaves it out")
    parser.add_argument("--no-private-off", action="store_true",
                        help="leave out the second server with the private page cache and user snapshot off")
    args = parser.parse_args(argv)
    if args.mixed_duration is None:
        args.mixed_duration = args.duration

    small_url = with_db_name(args.database_url, urlsplit(args.database_url).path.lstrip("/") + "_small")
    log(f"small dataset (scale {args.small_scale:g}) on {small_url}")
    small = prepare(small_url, args.small_scale, reseed=args.reseed, sessions=False)
    log(f"large dataset (scale {args.scale:g}) on {args.database_url}")
    large = prepare(args.database_url, args.scale, reseed=args.reseed, sessions=True)

    redis_url = args.redis_url if redis_answers(args.redis_url) else ""
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # the bench's own Redis database: a cold cache
    else:
        log(f"Redis {args.redis_url or '(none)'} does not answer: each worker caches in its memory")
    port = localserver.free_port()
    log(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; {args.concurrency} clients, "
        f"{args.duration:g} s per page")
    load_before = os.getloadavg()
    proc = start_server(args.database_url, redis_url, args.workers, port)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    submissions = large["mixed"]["submissions"]
    half = len(submissions) // 2  # one half for each mixed load: each assessment is submitted once
    mixed_runs, off_results, off_ping = {}, {}, []
    try:
        try:
            ping_runs = [load.drive("127.0.0.1", port, PING, concurrency=args.concurrency, duration=args.duration)]
            results = drive_pages(port, large, only, args)
            if args.mixed_duration > 0:
                mixed_runs["cache_on"] = drive_mixed(port, large, submissions[:half], args)
            ping_runs.append(load.drive("127.0.0.1", port, PING, concurrency=args.concurrency,
                                        duration=args.duration))
        finally:
            localserver.stop(proc)
        if not args.no_private_off:
            # The same pages, and the same mixed load, with every page behind a login built on each request.
            log("the pages behind a login with the private page cache and the user snapshot off")
            if redis_url:
                import redis

                redis.Redis.from_url(redis_url).flushdb()
            proc = start_server(args.database_url, redis_url, args.workers, port, collect=False,
                                PRIVATE_PAGE_CACHE_SECONDS="0", USER_SNAPSHOT_SECONDS="0")
            try:
                # This server's own ceiling (the machine's load changes between the two servers).
                off_ping = [load.drive("127.0.0.1", port, PING, concurrency=args.concurrency, duration=args.duration)]
                off_results = drive_pages(port, large, only, args, roles={"staff", "promoter", "assessor"})
                off_ping.append(load.drive("127.0.0.1", port, PING, concurrency=args.concurrency,
                                           duration=args.duration))
                if args.mixed_duration > 0:
                    mixed_runs["cache_off"] = drive_mixed(port, large, submissions[half:], args)
            finally:
                localserver.stop(proc)
    finally:
        restore_mixed(args.database_url)

    ceiling = round(sum(r["rps"] for r in ping_runs) / len(ping_runs), 1)
    off_ceiling = round(sum(r["rps"] for r in off_ping) / len(off_ping), 1) if off_ping else None
    report = evaluate(large, small, results, ping_runs, ceiling, off_results=off_results, mixed_runs=mixed_runs,
                      off_ceiling=off_ceiling)
    report["run"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"), "scale": args.scale,
        "small_scale": args.small_scale, "duration_s": args.duration, "concurrency": args.concurrency,
        "mixed_duration_s": args.mixed_duration, "workers": args.workers, "cache": "redis" if redis_url else "locmem", "cpus": os.cpu_count(),
        "counts": large["counts"], "small_counts": small["counts"],
        # The machine's load (1-minute average) before and after: other work shares the CPUs.
        "loadavg": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"{args.workers} gunicorn workers, {args.concurrency} clients, {args.duration:g} s per page, "
          f"{os.cpu_count()} CPUs, load average {report['run']['loadavg'][0]} -> {report['run']['loadavg'][1]}")
    print(f"\nJSON written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
