"""Grants as 360Giving data (JSON package, schema 1.4) and the schema shipped in `grants/schema/`.

Organisation ids are `IT-CF-<codice fiscale>` (the org-id.guide scheme for Italian tax codes); the
funder and publisher is the municipality of `settings.TSF_PUBLISHER` (the City of Turin,
`IT-CF-00514490010`, with the department that runs the programme: the one the footer and
publiccode.yml name). Grant ids are `<prefix>-<CUP>`, the prefix being the one 360Giving issued to
the publisher (`GIVING_ID_PREFIX`: "360G-", then letters, digits and dashes; checked at start, and
`check --deploy` warns while it is still the placeholder `360G-cittaditorino`); the package names its
publisher and the data's licence (`GIVING_LICENSE`, CC BY 4.0 by default).

Dates are written as full date-times (Europe/Rome): the standard accepts a plain YYYY-MM-DD too,
but a validator without a `date-time` format checker then matches both branches of its `oneOf`
and rejects it; a date-time is valid for every validator.
"""
import json
import re
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.utils import timezone

from tsf.core.dates import start_of_day

from .models import TrancheStatus

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


# 360Giving's rules for identifiers: the publisher prefix it issues starts with "360G-"; a grant's id is that
# prefix, a dash and the publisher's own unique, unchanging reference (here the CUP, the national project code).
# Letters, digits and dashes only, so the id reads the same in a URL, a spreadsheet and a file name.
PREFIX_PATTERN = re.compile(r"^360G-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
GRANT_ID_PATTERN = re.compile(r"^360G-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-[A-Z0-9]{15}$")
PLACEHOLDER_PREFIX = "360G-cittaditorino"


@checks.register("tsf")
def check_prefix(app_configs=None, **kwargs):
    """The configured prefix must follow 360Giving's rules (an error at every start otherwise)."""
    prefix = settings.TSF_GIVING_ID_PREFIX
    if not PREFIX_PATTERN.match(prefix or ""):
        return [checks.Error(
            f"GIVING_ID_PREFIX {prefix!r} is not a 360Giving publisher prefix",
            hint="It starts with '360G-' and has letters, digits and dashes only, as 360Giving issues it "
                 "(e.g. 360G-cittaditorino).", id="grants.E001")]
    return []


@checks.register("tsf", deploy=True)
def check_prefix_issued(app_configs=None, **kwargs):
    """In production (`check --deploy`): the placeholder prefix must be replaced by the one 360Giving issued."""
    if settings.TSF_GIVING_ID_PREFIX == PLACEHOLDER_PREFIX:
        return [checks.Warning(
            f"GIVING_ID_PREFIX is the placeholder {PLACEHOLDER_PREFIX!r}",
            hint="Register the City as a 360Giving publisher and set GIVING_ID_PREFIX to the prefix it issues: "
                 "the grant ids of /grants/360giving.json must not change once published.", id="grants.W001")]
    return []


def funder() -> dict:
    publisher = settings.TSF_PUBLISHER
    return {"id": f"IT-CF-{publisher['tax_code']}", "name": publisher["name"], "department": publisher["department"]}


def grant_id(grant) -> str:
    return f"{settings.TSF_GIVING_ID_PREFIX}-{grant.cup}"


def _dt(value):
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = start_of_day(value)
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def grant_json(grant, base_url: str = "") -> dict:
    org = grant.proposal.organisation
    paid = [t for t in grant.tranches.all() if t.status == TrancheStatus.PAID]
    data = {
        "id": grant_id(grant),
        "title": grant.title or grant.cup,
        "description": (grant.title or "") + f" (CUP {grant.cup}; {grant.call.title})",
        "currency": "EUR",
        "amountAwarded": float(grant.amount),
        "amountDisbursed": float(sum(t.amount for t in paid)),
        "awardDate": _dt(grant.awarded_at),
        "plannedDates": [{"startDate": _dt(grant.start_date), "endDate": _dt(grant.end_date),
                          "duration": max(1, round((grant.end_date - grant.start_date).days / 30.44))}],
        "recipientOrganization": [{
            "id": f"IT-CF-{org.codice_fiscale}", "name": org.legal_name,
            "streetAddress": org.address, "addressLocality": org.city, "postalCode": org.postcode,
            "addressCountry": "IT",
        }],
        "fundingOrganization": [funder()],
        "grantProgramme": [{"code": grant.call.slug, "title": grant.call.title}],
        "fromOpenCall": "Yes",
        "beneficiaryLocation": [{"name": "Torino", "countryCode": "IT"}],
        "dateModified": _dt(grant.updated_at),
    }
    if base_url:
        data["url"] = base_url + grant.project_url
    if paid:
        data["disbursementTransaction"] = [
            {"id": f"{grant_id(grant)}-{t.order}", "transactionDate": _dt(t.paid_on), "value": float(t.amount),
             "currency": "EUR"} for t in paid]
    return data


def package(grants, base_url: str = "") -> dict:
    publisher = settings.TSF_PUBLISHER
    data = {
        "version": "1.4",
        "title": "Torino Social Factory: contributi concessi",
        "publisher": {"identifier": f"IT-CF-{publisher['tax_code']}",
                      "name": f"{publisher['name']} – {publisher['department']}",
                      "website": publisher["website"]},
        "license": settings.TSF_GIVING_LICENSE,
        "issued": _dt(timezone.now()),
        "grants": [grant_json(g, base_url) for g in grants],
    }
    if base_url:
        data["accessURL"] = base_url + "/"
    return data


def validator(kind="package"):
    """A Draft 2020-12 validator of the shipped schema, resolving the package's `$ref` offline."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    if kind == "grant":
        return Draft202012Validator(grant_schema, format_checker=FormatChecker())
    pkg = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    registry = Registry().with_resource(grant_schema["$id"], DRAFT202012.create_resource(grant_schema))
    return Draft202012Validator(pkg, registry=registry, format_checker=FormatChecker())


def errors_of(data, kind="package") -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data)]
