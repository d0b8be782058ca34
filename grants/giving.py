"""Grants as 360Giving data (JSON package, schema 1.4) and the schema shipped in `grants/schema/`.

Organisation ids are `IT-CF-<codice fiscale>` (the org-id.guide scheme for Italian tax codes); the
funder is the City of Turin, `IT-CF-00514490010`. Grant ids are `360G-tsf-<CUP>`.

Dates are written as full date-times (Europe/Rome): the standard accepts a plain YYYY-MM-DD too,
but a validator without a `date-time` format checker then matches both branches of its `oneOf`
and rejects it; a date-time is valid for every validator.
"""
import json
from datetime import datetime, time
from pathlib import Path

from django.utils import timezone

from .models import CITY_OF_TURIN_CF, TrancheStatus

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
FUNDER = {"id": f"IT-CF-{CITY_OF_TURIN_CF}", "name": "Città di Torino",
          "department": "Divisione Decentramento, Giovani e Servizi"}


def _dt(value):
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time.min), timezone.get_default_timezone())
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def grant_json(grant, base_url: str = "") -> dict:
    org = grant.proposal.organisation
    paid = [t for t in grant.tranches.all() if t.status == TrancheStatus.PAID]
    data = {
        "id": f"360G-tsf-{grant.cup}",
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
        "fundingOrganization": [FUNDER],
        "grantProgramme": [{"code": grant.call.slug, "title": grant.call.title}],
        "fromOpenCall": "Yes",
        "beneficiaryLocation": [{"name": "Torino", "countryCode": "IT"}],
        "dateModified": _dt(grant.updated_at),
    }
    if base_url:
        data["url"] = base_url + grant.project_url
    if paid:
        data["disbursementTransaction"] = [
            {"id": f"360G-tsf-{grant.cup}-{t.order}", "transactionDate": _dt(t.paid_on), "value": float(t.amount),
             "currency": "EUR"} for t in paid]
    return data


def package(grants, base_url: str = "") -> dict:
    return {
        "version": "1.4",
        "grants": [grant_json(g, base_url) for g in grants],
    }


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
