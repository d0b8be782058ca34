"""The process gunicorn serves: the portal loaded once, its objects kept out of the garbage collector's
passes (a full pass over them cost about 100 ms every couple of hundred requests)."""
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_the_wsgi_module_loads_the_views_and_freezes_what_it_loaded():
    code = ("import gc, sys; import tsf.wsgi; "
            "print(gc.get_freeze_count(), 'projects.views_public' in sys.modules, 'grants.views' in sys.modules)")
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:",
           "ALLOWED_HOSTS": "127.0.0.1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True,
                         check=True)
    frozen, public_views, grant_views = out.stdout.split()
    assert int(frozen) > 50_000  # Django, the apps, their models and views
    assert public_views == "True" and grant_views == "True"
