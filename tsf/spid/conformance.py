"""AgID's conformance tool, spid-sp-test, against the portal (`make spid-test`).

Serves the portal on a free local port (a fresh SQLite database under var/spid/, DEBUG on, the demo's
test identity providers off) trusting spid-sp-test's own identity provider (its metadata, exported with
`spid_sp_test --idp-metadata`, given in SPID_EXTRA_IDP_METADATA), then runs the tool for each profile
(spid-sp-public on /spid/metadata/, cie-sp-public on /spid/cie/metadata/): the metadata checks, the
AuthnRequest checks (--authn-url, the portal's login with spid-sp-test's IdP chosen) and, with
--responses, its test responses posted to the ACS (good ones must sign in, malicious ones must get the
error page). The reports (JSON) are written to var/spid/reports/. Exit status 1 if a profile failed.

    python -m tsf.spid.conformance --tool var/spid/venv/bin/spid_sp_test [--profiles spid-sp-public]
"""
import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROFILES = {"spid-sp-public": "/spid/metadata/", "cie-sp-public": "/spid/cie/metadata/"}
IDP_ENTITY = "https://localhost:8443"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", default=str(BASE_DIR / "var/spid/venv/bin/spid_sp_test"))
    parser.add_argument("--profiles", nargs="*", default=list(PROFILES))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--responses", action=argparse.BooleanOptionalAction, default=True,
                        help="also post spid-sp-test's test responses to the ACS (default: yes)")
    parser.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more arguments for spid_sp_test")
    args = parser.parse_args(argv)

    work = BASE_DIR / "var" / "spid"
    reports = work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    idp_metadata = work / "sp-test-idp.xml"
    args.tool = os.path.abspath(args.tool)  # the tool runs in its own working folder
    exported = subprocess.run([args.tool, "--idp-metadata"], capture_output=True, text=True, check=True)  # noqa: S603
    idp_metadata.write_text(exported.stdout[exported.stdout.index("<"):])

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    database = work / "conformance.sqlite3"
    database.unlink(missing_ok=True)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "SITE_URL": base,
           "SPID_TEST_IDP": "0", "SPID_EXTRA_IDP_METADATA": str(idp_metadata), "SPID_IDP_REGISTRY_URL": "",
           "CIE_IDP_METADATA_URL": "", "REDIS_URL": "", "PYTHONWARNINGS": "ignore"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)  # noqa: S603
    log = (work / "conformance-server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=BASE_DIR, env=env,
        stdout=log, stderr=subprocess.STDOUT)
    failed = []
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(1)
        for profile in args.profiles:
            metadata_url = base + PROFILES[profile]
            command = [args.tool, "--metadata-url", metadata_url, "--authn-url",
                       f"{base}/spid/login/?idp={IDP_ENTITY}", "--extra", "-pr", profile, "-rf", "json",
                       "-o", str(reports / f"{profile}.json"), "-d", "ERROR", *args.extra]
            if args.responses:
                command += ["-tr", "--response-html-dumps", str(reports / f"{profile}-pages")]
            print(f"== spid-sp-test, profile {profile}: {' '.join(command)}", flush=True)
            result = subprocess.run(command, cwd=work, env={**os.environ, "PYTHONWARNINGS": "ignore"})  # noqa: S603
            print(f"== {profile}: {'passed' if result.returncode == 0 else 'FAILED'}", flush=True)
            if result.returncode:
                failed.append(profile)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    if failed:
        print(f"spid-sp-test failed for: {', '.join(failed)} (reports in {reports})")
        return 1
    print(f"spid-sp-test passed: {', '.join(args.profiles)} (reports in {reports})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
