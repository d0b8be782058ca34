"""The identity providers' metadata, read again from their registries (periodic task
`refresh-spid-idps`): SPID's from SPID_IDP_REGISTRY_URL (AgID's registry, all SPID identity
providers in one EntitiesDescriptor), CIE's from CIE_IDP_METADATA_URL. Each is kept in
SPID_IDP_METADATA_DIR only when it reads as SAML metadata with at least one identity provider, so a
bad or failed download never empties the list; a `file://` address or a path reads a local file (the
tests use one)."""
import logging
import os
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET  # noqa: S405 - parsed only to count the entities
from pathlib import Path

from django.conf import settings

from . import conf

logger = logging.getLogger(__name__)


class RegistryError(Exception):
    pass


def _read(url: str, timeout: int = 30) -> bytes:
    if url.startswith("file://"):
        return Path(url[len("file://"):]).read_bytes()
    if url.startswith("/"):
        return Path(url).read_bytes()
    if not url.startswith("https://"):
        raise RegistryError(f"Not an https:// address: {url}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - https only, checked above
        return response.read()


def _count_idps(data: bytes) -> int:
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        raise RegistryError(f"Not XML: {exc}") from exc
    entities = [root] if root.tag == f"{{{conf.MD_NS}}}EntityDescriptor" else list(
        root.iter(f"{{{conf.MD_NS}}}EntityDescriptor"))
    return sum(1 for e in entities if e.find(f"{{{conf.MD_NS}}}IDPSSODescriptor") is not None)


def refresh(provider: str, url: str) -> int:
    """Read `url` and keep it as the metadata of `provider`'s identity providers; their number."""
    data = _read(url)
    count = _count_idps(data)
    if not count:
        raise RegistryError(f"No identity provider in {url}")
    directory = Path(settings.SPID_IDP_METADATA_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as handle:
        handle.write(data)
    os.replace(handle.name, directory / f"{provider}.xml")
    return count


def is_fresh(provider: str) -> bool:
    path = Path(settings.SPID_IDP_METADATA_DIR) / f"{provider}.xml"
    return path.exists() and time.time() - path.stat().st_mtime < settings.SPID_IDP_REFRESH_HOURS * 3600


def refresh_all(*, force=False) -> dict:
    """Both registries, when their copy is older than SPID_IDP_REFRESH_HOURS (or `force`); a failure is
    logged and leaves the previous list in place."""
    found = {}
    for provider, url in ((conf.SPID, settings.SPID_IDP_REGISTRY_URL), (conf.CIE, settings.CIE_IDP_METADATA_URL)):
        if not url or (not force and is_fresh(provider)):
            continue
        try:
            found[provider] = refresh(provider, url)
        except (OSError, RegistryError) as exc:
            logger.warning("The %s identity providers could not be refreshed from %s: %s", provider, url, exc)
            found[provider] = None
    return found
