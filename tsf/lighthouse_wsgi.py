"""The portal as `make lighthouse` serves it: production's WSGI application, with the public media
(blog images) served beside it as the TLS proxy serves MEDIA_ROOT in production (README, Deployment)."""
from django.conf import settings
from whitenoise import WhiteNoise

from tsf.wsgi import application as portal

application = WhiteNoise(portal)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
