import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsf.settings")
application = get_wsgi_application()

# The objects made while the portal loads (apps, models, every view module through the URLconf) live
# as long as the process: kept out of the garbage collector's passes, whose full pass over them cost
# about 100 ms every couple of hundred requests (0.5 ms a request on the grant portfolio).
get_resolver().url_patterns  # noqa: B018 - imports the views
gc.freeze()
