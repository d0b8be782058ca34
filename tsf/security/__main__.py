"""`python -m tsf.security`: the security check (what `make security` runs).

1. A fresh SQLite database under var/security/ is migrated and seeded with the demo (`seed_demo`,
   as `make run` does); uploads and e-mails stay under var/security/ too.
2. gunicorn serves it on a free local port as in production: DEBUG off, collected static files served
   by WhiteNoise, the admin off; only HTTPS is left out (no SSL redirect, cookies not marked Secure:
   the scanner talks plain HTTP to 127.0.0.1).
3. wapiti scans it, one role at a time: anonymously, then signed in as each demo person (the login
   form with its CSRF token, then the TOTP code for staff and assessors; wapiti gets the session and
   CSRF cookies). The sign-in is checked before and after each scan ("my area" and the role's page
   answer 200), so a scan that ran anonymous or logged itself out is reported, not trusted.
   The scope is the local port; logout, password, e-mail, two-factor and role pages are excluded.
4. Findings: var/security/<role>.json (wapiti's report), var/security/summary.json and a table on
   stdout; findings listed in ACCEPTED are marked as such (README, "Security check"). The command
   fails if a finding is not accepted, or a signed-in scan was not signed in.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tsf.core import localserver

from .login import SignInError, check_signed_in, sign_in

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ROLES = {  # role -> demo account (None: anonymous)
    "anonymous": None,
    "promoter": "promoter@example.org",
    "staff": "staff@example.org",
    "assessor": "assessor@example.org",
    "tutor": "tutor@example.org",
    "mentor": "mentor@example.org",
    "editor": "editor@example.org",
}
# wapiti's modules: injections (SQL, file paths), reflected and stored XSS, open redirects,
# uploads, CSRF, and the headers, cookies and CSP of the answers. Left out: ssl (no TLS on the local
# port), ssrf, xxe and log4shell (they call an endpoint on the Internet), brute force, directory
# busting and CMS fingerprints (nothing to find in a Django portal); exec, crlf and methods (the portal
# runs no command, Django refuses newlines in headers, and methods only lists OPTIONS answers): their
# time goes to the modules above. Besides wapiti's findings, every "Internal Server Error" the portal
# logs during a scan is a finding (a person never sees a server error).
MODULES = "sql,file,xss,permanentxss,redirect,upload,csrf,http_headers,cookieflags,csp"
# Never requested by a scan: they end or change the signed-in session (logout, password, e-mail,
# two-factor, re-authentication, one's own roles), or switch to the English copy of every page.
EXCLUDED = [
    "/accounts/logout/*", "/accounts/password/*", "/accounts/email/*", "/accounts/2fa/*",
    "/accounts/reauthenticate/*", "/staff/people/*/roles/*", "/profile/*", "/en/*",
]
# Signed in, the public pages (scanned anonymously) are left out, so the time goes to the role's pages.
PUBLIC = [
    "/blog/tag/*", "/blog/category/*", "/blog/feed/*", "/projects/portfolio/*", "/grants/transparency/*",
    "/page/*", "/calls/", "/static/*", "/sitemap.xml", "/jsi18n/*", "/accounts/signup/*",
    # the public opportunities (numbered), not their staff pages (/acceleration/opportunita/gestione/)
    *(f"/acceleration/opportunita/{d}*" for d in range(1, 10)),
]
# Where a signed-in scan starts besides the home page: "my area" and the role's own pages.
START = {
    "promoter": ["/my-area/", "/projects/mine/", "/grants/mine/", "/notifications/"],
    "staff": ["/my-area/", "/staff/people/", "/calls/staff/", "/grants/staff/", "/acceleration/help/staff/"],
    "assessor": ["/my-area/", "/assessment/mine/"],
    "tutor": ["/my-area/", "/incubation/"],
    "mentor": ["/my-area/", "/acceleration/"],
    "editor": ["/my-area/", "/blog/manage/"],
}
# Findings read and accepted (README, "Security check"): (wapiti category, path regex, why).
ACCEPTED = [
    ("Secure Flag cookie", r".*",
     "the scan talks plain HTTP to 127.0.0.1, so the cookies are not marked Secure (SECURE_COOKIES=false); "
     "in production (DEBUG off) the session, CSRF and messages cookies are Secure (check --deploy)"),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def django_env(out, port):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tsf.settings", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{out / 'tsf.sqlite3'}", "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0", "ADMIN_ENABLED": "false", "EMAIL_URL": f"filemail://{out / 'mail'}",
        "MEDIA_ROOT": str(out / "media"), "PRIVATE_MEDIA_ROOT": str(out / "private"), "LOG_LEVEL": "WARNING",
        # Collected files without hashed names: the same WhiteNoise headers, a minute less to collect.
        "MANIFEST_STATIC": "false",
    })
    return env


def manage(env, *args):
    cmd = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    return subprocess.run(cmd, env=env, cwd=BASE_DIR, check=True, text=True,  # noqa: S603 - our own manage.py
                          stdout=subprocess.PIPE).stdout


def demo_accounts(seed_output):
    """{email: (password, totp secret or None)} from what `seed_demo` prints."""
    password = re.search(r"password for all: (\S+?)\)", seed_output).group(1)
    accounts, email = {}, None
    for line in seed_output.splitlines():
        if m := re.match(r"\s+(\S+@\S+)\s", line):
            email = m.group(1)
            accounts[email] = (password, None)
        elif (m := re.search(r"TOTP secret .*: ([A-Z2-7]+)\s*$", line)) and email:
            accounts[email] = (password, m.group(1))
    return accounts


def start_server(env, port, log_path):
    """The portal on `port`, its warnings (e.g. refused CSRF) during the scans in `log_path`."""
    return localserver.start_gunicorn(env, port, workers=2, ready_path="/healthz", wait_seconds=90,
                                      log_path=log_path)


def accepted_reason(category, path):
    for cat, pattern, why in ACCEPTED:
        if cat == category and re.search(pattern, path):
            return why
    return None


def server_errors(log_path, offset):
    """Findings for each "Internal Server Error" the portal logged after `offset` in its log."""
    with open(log_path, encoding="utf-8", errors="replace") as server_log:
        server_log.seek(offset)
        text = server_log.read()
    found = []
    for path in re.findall(r"^Internal Server Error: (\S+)", text, re.M):
        found.append({"kind": "server log", "category": "Internal Server Error", "method": "", "path": path,
                      "parameter": "", "info": "the portal answered 500 (see var/security/server.log)",
                      "level": None, "accepted": accepted_reason("Internal Server Error", path)})
    return found


def findings(report):
    """Each vulnerability and anomaly of a wapiti JSON report, with its accepted reason if any."""
    found = []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(kind) or {}).items():
            for item in items:
                path = item.get("path", "")
                found.append({
                    "kind": kind, "category": category, "method": item.get("method", ""), "path": path,
                    "parameter": item.get("parameter", ""), "info": item.get("info", ""),
                    "level": item.get("level"), "accepted": accepted_reason(category, path),
                })
    return found


def scan(args, base, role, cookie, out):
    """wapiti as `role`; run again once if it wrote no report (on a busy machine its own SQLite session
    store may fail with "database is locked")."""
    started = time.monotonic()
    for attempt in (1, 2):
        report = scan_once(args, base, role, cookie, out, attempt)
        if report is not None:
            return report, round(time.monotonic() - started)
        log(f"   wapiti as {role} wrote no report (see {out / (role + '.log')})" + (", once more" if attempt == 1 else ""))
    raise SystemExit(f"wapiti wrote no report for {role}: see {out / (role + '.log')}")


def scan_once(args, base, role, cookie, out, attempt):
    report_path = out / f"{role}.json"
    report_path.unlink(missing_ok=True)
    # wapiti's session store: in memory-backed /dev/shm where there is one (fewer lock timeouts).
    shm = "/dev/shm"  # noqa: S108 - mkdtemp makes a private directory there
    store = Path(tempfile.mkdtemp(prefix="tsf-wapiti-", dir=shm if os.path.isdir(shm) else None))
    cmd = [args.wapiti, "-u", base + "/", "--scope", "folder", "-m", args.modules,
           "--max-scan-time", str(args.scan_seconds), "--max-attack-time", str(args.attack_seconds),
           "-d", str(args.depth), "--max-links-per-page", "20", "--max-files-per-dir", "8",
           "--max-parameters", "30", "-S", "polite", "--tasks", "4", "-t", "20",
           "--flush-session", "--store-session", str(store / "session"),
           "--store-config", str(store / "config"), "--no-bugreport", "-v", "1",
           "-f", "json", "-o", str(report_path), "-A", "tsf-security-check (wapiti)"]
    for pattern in EXCLUDED + (PUBLIC if cookie else []):
        cmd += ["-x", base + pattern]
    for path in START.get(role, []):
        cmd += ["-s", base + path]
    if cookie:
        # A Cookie header on every request (not --drop-set-cookie: wapiti then drops this header too).
        cmd += ["-C", cookie]
    if attempt == 1:
        log(f"== wapiti as {role} (crawl {args.scan_seconds:g} s, each module {args.attack_seconds:g} s at most)")
    budget = args.scan_seconds + len(args.modules.split(",")) * args.attack_seconds
    with open(out / f"{role}{'' if attempt == 1 else '-again'}.log", "w") as log_file:
        try:
            subprocess.run(cmd, stdout=log_file, stderr=subprocess.STDOUT, timeout=budget * 1.5 + 90,  # noqa: S603
                           check=False)
        except subprocess.TimeoutExpired:
            log(f"   wapiti as {role} overran its time and was stopped")
        finally:
            shutil.rmtree(store, ignore_errors=True)
    return json.loads(report_path.read_text()) if report_path.exists() else None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tsf.security", description=__doc__.splitlines()[0])
    parser.add_argument("--wapiti", default=shutil.which("wapiti") or "wapiti", help="the wapiti program")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated, among " + ", ".join(ROLES))
    parser.add_argument("--port", default=os.environ.get("SECURITY_PORT", ""),
                        help="a port or a range LOW-HIGH (default: a free port the system picks)")
    parser.add_argument("--scan-seconds", type=float, default=float(os.environ.get("SECURITY_SCAN_SECONDS", 40)),
                        help="wapiti's --max-scan-time per role (the crawl)")
    parser.add_argument("--attack-seconds", type=float,
                        default=float(os.environ.get("SECURITY_ATTACK_SECONDS", 8)),
                        help="wapiti's --max-attack-time per module")
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--modules", default=MODULES)
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "security"))
    args = parser.parse_args(argv)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = set(roles) - set(ROLES)
    if unknown:
        parser.error(f"unknown roles: {', '.join(sorted(unknown))}")

    started = time.monotonic()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    low, _, high = args.port.partition("-")
    port = localserver.free_port(int(low), int(high or low)) if low else localserver.free_port()
    base = f"http://127.0.0.1:{port}"
    env = django_env(out, port)
    (out / "tsf.sqlite3").unlink(missing_ok=True)
    for leftover in ("tsf.sqlite3-wal", "tsf.sqlite3-shm"):
        (out / leftover).unlink(missing_ok=True)
    log(f"demo database {out / 'tsf.sqlite3'}: migrate and seed_demo")
    manage(env, "migrate", "--noinput", "-v", "0")
    accounts = demo_accounts(manage(env, "seed_demo", "--force"))
    log("collectstatic (served by WhiteNoise, DEBUG off)")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    log(f"gunicorn on {base}")
    proc = start_server(env, port, out / "server.log")
    results = {}
    try:
        for role in roles:
            session, cookie = None, ""
            if ROLES[role]:
                password, secret = accounts[ROLES[role]]
                session = sign_in(base, ROLES[role], password, role, secret)
                cookie = "; ".join(f"{k}={v}" for k, v in session.cookies().items())
                log(f"   signed in as {ROLES[role]}: my area answers 200")
            offset = (out / "server.log").stat().st_size
            report, seconds = scan(args, base, role, cookie, out)
            still = None
            if session is not None:
                try:
                    check_signed_in(session, role)
                    still = True
                except SignInError as exc:
                    log(f"   {exc}")
                    still = False
            found = findings(report) + server_errors(out / "server.log", offset)
            results[role] = {"account": ROLES[role], "seconds": seconds, "signed_in_after": still,
                             "crawled": report.get("infos", {}).get("crawled_pages_nbr", 0),
                             "findings": found}
            log(f"   {role}: {len(found)} findings ({sum(1 for f in found if not f['accepted'])} not accepted), "
                f"{seconds} s")
    finally:
        localserver.stop(proc)

    summary = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "base": base, "modules": args.modules,
               "scan_seconds": args.scan_seconds, "attack_seconds": args.attack_seconds,
               "total_seconds": round(time.monotonic() - started), "roles": results}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(table(summary))
    print(f"\nReports in {out}/<role>.json, summary in {out / 'summary.json'}")
    bad = [r for r, v in results.items() if v["signed_in_after"] is False
           or any(not f["accepted"] for f in v["findings"])]
    return 1 if bad else 0


def table(summary):
    lines = [f"Security check, {summary['at']}, {summary['total_seconds']} s in all",
             "", f"{'role':<10} {'seconds':>7} {'pages':>5} {'signed in':>9}  findings", "-" * 60]
    for role, r in summary["roles"].items():
        signed = "-" if r["signed_in_after"] is None else ("yes" if r["signed_in_after"] else "NO")
        open_ = [f for f in r["findings"] if not f["accepted"]]
        accepted = len(r["findings"]) - len(open_)
        lines.append(f"{role:<10} {r['seconds']:>7} {r['crawled']:>5} {signed:>9}  "
                     f"{len(open_)} open, {accepted} accepted")
        for f in r["findings"]:
            mark = "accepted" if f["accepted"] else "OPEN"
            lines.append(f"    [{mark}] {f['category']}: {f['method']} {f['path']} "
                         f"{f['parameter'] or ''} - {f['info'][:160]}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
