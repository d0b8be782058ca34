"""The portal as a SAML2 service provider for SPID and CIE: the pysaml2 configuration that
djangosaml2's views load (settings.SAML_CONFIG_LOADER), and the identity providers it knows.

Identity providers, by class:
- SPID: the entities of the SPID registry's metadata, kept in SPID_IDP_METADATA_DIR/spid.xml and
  refreshed by the periodic task `refresh-spid-idps` (tsf.spid.registry);
- CIE: the Ministry of the Interior's identity provider, in SPID_IDP_METADATA_DIR/cie.xml;
- where SPID_TEST_IDP is on (the demo, the tests), the portal's own test identity providers, one per
  class, served under /test-idp/ (tsf.spid.testidp): no real identity provider is ever contacted then.
"""
import functools
import xml.etree.ElementTree as ET  # noqa: S405 - our own files, written by the registry task
from dataclasses import dataclass
from pathlib import Path

import saml2
from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import get_xmlsec_binary

from . import certs

SPID = "spid"
CIE = "cie"
LEVELS = {1: "https://www.spid.gov.it/SpidL1", 2: "https://www.spid.gov.it/SpidL2",
          3: "https://www.spid.gov.it/SpidL3"}
ATTRIBUTES = ("fiscalNumber", "name", "familyName", "email")
OPTIONAL_ATTRIBUTES = ("companyFiscalNumber",)
CIE_ATTRIBUTES = ("fiscalNumber", "name", "familyName", "dateOfBirth")
MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
SPID_NS = "https://spid.gov.it/saml-extensions"
CIE_NS = "https://www.cartaidentita.interno.gov.it/saml-extensions"


def base_url(request=None) -> str:
    """The portal's public address: SPID_BASE_URL (from SITE_URL), else the address requested."""
    configured = getattr(settings, "SPID_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


def entity_id(request=None) -> str:
    return settings.SPID_ENTITY_ID or base_url(request) + reverse("spid:metadata")


def cert_dir() -> Path:
    return Path(settings.SPID_CERT_DIR)


def sp_keypair(request=None) -> certs.KeyPair:
    return certs.ensure_certificate(
        cert_dir(), "sp", common_name=settings.SPID_ORGANIZATION_DISPLAY_NAME, entity_id=entity_id(request),
        org_name=settings.SPID_ORGANIZATION_NAME, ipa_code=settings.SPID_IPA_CODE,
        locality=settings.SPID_LOCALITY, key_size=settings.SPID_KEY_SIZE)


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    name: str
    provider: str  # SPID or CIE
    test: bool = False


def _metadata_file(provider: str) -> Path:
    return Path(settings.SPID_IDP_METADATA_DIR) / f"{provider}.xml"


@functools.lru_cache(maxsize=8)
def _read_entities(path: str, mtime: float) -> tuple[tuple[str, str], ...]:
    root = ET.parse(path).getroot()  # noqa: S314
    entities = [root] if root.tag == f"{{{MD_NS}}}EntityDescriptor" else root.iter(f"{{{MD_NS}}}EntityDescriptor")
    found = []
    for entity in entities:
        if entity.find(f"{{{MD_NS}}}IDPSSODescriptor") is None:
            continue
        name = ""
        for tag in ("OrganizationDisplayName", "OrganizationName"):
            element = entity.find(f"{{{MD_NS}}}Organization/{{{MD_NS}}}{tag}")
            if element is not None and (element.text or "").strip():
                name = element.text.strip()
                break
        found.append((entity.get("entityID"), name or entity.get("entityID")))
    return tuple(sorted(found, key=lambda e: e[1].lower()))


def registry_idps(provider: str) -> list[IdentityProvider]:
    path = _metadata_file(provider)
    if not path.exists():
        return []
    try:
        entities = _read_entities(str(path), path.stat().st_mtime)
    except ET.ParseError:
        return []
    return [IdentityProvider(eid, name, provider) for eid, name in entities]


def test_idps(request=None) -> list[IdentityProvider]:
    if not settings.SPID_TEST_IDP:
        return []
    from . import testidp

    return [IdentityProvider(testidp.entity_id(SPID, request), "SPID Test IdP (Torino Social Factory)", SPID, True),
            IdentityProvider(testidp.entity_id(CIE, request), "CIE Test IdP (Torino Social Factory)", CIE, True)]


def extra_idps() -> list[IdentityProvider]:
    """Identity providers of SPID_EXTRA_IDP_METADATA (files): AgID's validator (spid-sp-test) playing one."""
    found = []
    for name in settings.SPID_EXTRA_IDP_METADATA:
        path = Path(name)
        if path.exists():
            found += [IdentityProvider(eid, label, SPID, True)
                      for eid, label in _read_entities(str(path), path.stat().st_mtime)]
    return found


def identity_providers(provider: str | None = None, request=None) -> list[IdentityProvider]:
    """The identity providers the portal trusts, the test ones first (where on)."""
    idps = [*test_idps(request), *extra_idps(), *registry_idps(SPID), *registry_idps(CIE)]
    return [idp for idp in idps if provider is None or idp.provider == provider]


def find_idp(entity: str, request=None) -> IdentityProvider | None:
    return next((idp for idp in identity_providers(request=request) if idp.entity_id == entity), None)


def sp_config_dict(request=None) -> dict:
    base = base_url(request)
    pair = sp_keypair(request)
    files = [_metadata_file(SPID), _metadata_file(CIE), *map(Path, settings.SPID_EXTRA_IDP_METADATA)]
    metadata = {"local": [str(p) for p in files if p.exists()]}
    if settings.SPID_TEST_IDP:
        from . import testidp

        metadata["inline"] = [testidp.metadata_xml(SPID, request), testidp.metadata_xml(CIE, request)]
    return {
        "entityid": entity_id(request),
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "attribute_map_dir": str(Path(__file__).parent / "attribute_maps"),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SPID_ACCEPTED_TIME_DIFF,
        "service": {
            "sp": {
                "name": settings.SPID_ORGANIZATION_DISPLAY_NAME,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(base + reverse("spid:acs"), saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (base + reverse("spid:slo"), saml2.BINDING_HTTP_POST),
                        (base + reverse("spid:slo"), saml2.BINDING_HTTP_REDIRECT),
                    ],
                },
                "required_attributes": list(ATTRIBUTES),
                "optional_attributes": list(OPTIONAL_ATTRIBUTES) if settings.SPID_ASK_COMPANY else [],
                "requested_attribute_name_format": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
                "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
                "allow_unsolicited": False,
                "force_authn": True,
                "name_id_format_allow_create": False,
            },
        },
        "key_file": str(pair.key),
        "cert_file": str(pair.cert),
        "encryption_keypairs": [{"key_file": str(pair.key), "cert_file": str(pair.cert)}],
        "metadata": metadata,
        "organization": {
            "name": [(settings.SPID_ORGANIZATION_NAME, "it"), (settings.SPID_ORGANIZATION_NAME, "en")],
            "display_name": [(settings.SPID_ORGANIZATION_DISPLAY_NAME, "it"),
                             (settings.SPID_ORGANIZATION_DISPLAY_NAME, "en")],
            "url": [(settings.SPID_ORGANIZATION_URL, "it"), (settings.SPID_ORGANIZATION_URL, "en")],
        },
    }


def _files_state() -> tuple:
    """What a kept configuration depends on besides the address: the key, certificate and metadata files."""
    paths = [cert_dir() / name for name in ("sp.key", "sp.crt", "test-idp.key", "test-idp.crt")]
    paths += [_metadata_file(SPID), _metadata_file(CIE), *map(Path, settings.SPID_EXTRA_IDP_METADATA)]
    return tuple(p.stat().st_mtime if p.exists() else 0 for p in paths)


@functools.lru_cache(maxsize=8)
def _config(base: str, state: tuple, test_idp: bool, settings_id: int) -> SPConfig:
    conf = SPConfig()
    conf.load(sp_config_dict(_Address(base)))
    return conf


class _Address:
    """Stands for a request where only the address matters (a kept configuration is made from it)."""

    def __init__(self, base):
        self.base = base

    def build_absolute_uri(self, path="/"):
        return self.base + path


def config_loader(request=None) -> SPConfig:
    """settings.SAML_CONFIG_LOADER: djangosaml2 asks this for every SAML view. The configuration is made
    once per address and kept while its key, certificate and metadata files are unchanged."""
    sp_keypair(request)
    return _config(base_url(request), _files_state(), settings.SPID_TEST_IDP, id(settings._wrapped))


def cache_key_loading():
    """pysaml2 reads and checks the private key from its file for every message it signs or decrypts
    (a quarter of a second each, for a 3072-bit key); keep each file's key while the file is unchanged."""
    from saml2 import sigver

    original = getattr(sigver.import_rsa_key_from_file, "__wrapped__", sigver.import_rsa_key_from_file)

    @functools.lru_cache(maxsize=16)
    def _load(filename, mtime):
        return original(filename)

    @functools.wraps(original)
    def import_rsa_key_from_file(filename):
        return _load(filename, Path(filename).stat().st_mtime)

    sigver.import_rsa_key_from_file = import_rsa_key_from_file
