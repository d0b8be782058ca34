"""The portal's SAML key and certificate, made as AgID's rules ask of a public administration's
service provider (Avviso SPID n. 29 v3, "Specifiche tecniche per i certificati SP"): a self-signed
certificate whose subject names the administration (organizationName, commonName, uri = the entity
id, organizationIdentifier = PA:IT-<IPA code>, countryName IT, localityName), with keyUsage
digitalSignature and nonRepudiation (critical), the certificate policies agIDcert and cert_SP_Pub,
SHA-256 and an RSA key of at least 2048 bits.

The same shape as the `spid-compliant-certificates` package makes (its generator contacts the IPA
index online to check the code, which a test cannot do; `make spid-test` checks the made certificate
with that package's validator). Made at install or first use into SPID_CERT_DIR (var/spid by default),
never committed; in production, put the certificate registered with AgID there.
"""
import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

URI_OID = x509.ObjectIdentifier("2.5.4.83")
ORGANIZATION_IDENTIFIER_OID = x509.ObjectIdentifier("2.5.4.97")


@dataclass(frozen=True)
class KeyPair:
    key: Path
    cert: Path


def _subject(*, common_name, entity_id, org_name, org_id, locality):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(URI_OID, entity_id),
        x509.NameAttribute(ORGANIZATION_IDENTIFIER_OID, org_id),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
    ])


def make_certificate(directory: Path, name: str, *, common_name: str, entity_id: str, org_name: str,
                     ipa_code: str, locality: str, key_size: int = 3072, days: int = 730,
                     sector: str = "public") -> KeyPair:
    """Write `<name>.key` and `<name>.crt` into `directory` (the key readable by the owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    org_id = f"PA:IT-{ipa_code}" if sector == "public" else ipa_code
    subject = _subject(common_name=common_name, entity_id=entity_id, org_name=org_name, org_id=org_id,
                       locality=locality)
    policy = ("1.3.76.16.4.2.1", "cert_SP_Pub") if sector == "public" else ("1.3.76.16.4.3.1", "cert_SP_Priv")
    policies = x509.CertificatePolicies([
        x509.PolicyInformation(x509.ObjectIdentifier("1.3.76.16"), [x509.UserNotice(None, "AgIDroot")]),
        x509.PolicyInformation(x509.ObjectIdentifier("1.3.76.16.6"), [x509.UserNotice(None, "agIDcert")]),
        x509.PolicyInformation(x509.ObjectIdentifier(policy[0]), [x509.UserNotice(None, policy[1])]),
    ])
    now = datetime.datetime.now(datetime.UTC)
    serial = x509.random_serial_number()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(policies, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pair = KeyPair(directory / f"{name}.key", directory / f"{name}.crt")
    pair.key.touch(mode=0o600, exist_ok=True)
    pair.key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    pair.cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return pair


def ensure_certificate(directory: Path, name: str, **subject) -> KeyPair:
    """The key pair `name` in `directory`, made now if either file is missing."""
    pair = KeyPair(directory / f"{name}.key", directory / f"{name}.crt")
    if pair.key.exists() and pair.cert.exists():
        return pair
    return make_certificate(directory, name, **subject)


def certificate_body(path: Path) -> str:
    """The certificate's base64 body, as it goes into a metadata's <ds:X509Certificate>."""
    lines = path.read_text().strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))
