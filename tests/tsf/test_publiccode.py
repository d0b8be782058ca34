"""publiccode.yml follows the current version of the standard (0.7), without deprecated keys, and
names the department the portal's footer and its 360Giving file name (one setting).

No validator of the standard can be installed from PyPI or npm (the reference one, publiccode-parser,
is a Go program), so the file is checked against a JSON schema written from the standard's text and
shipped in tsf/core/schema/ (each object lists its keys: a deprecated or unknown key is refused)."""
import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(settings.BASE_DIR)
SCHEMA = json.loads((ROOT / "tsf/core/schema/publiccode-0.7.schema.json").read_text())


def errors_of(data):
    validator = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def load():
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_yml_is_valid_for_the_current_standard():
    data = load()
    assert data["publiccodeYmlVersion"] == "0.7"
    assert errors_of(data) == []


@pytest.mark.parametrize("change", [
    lambda d: d["description"]["it"].update(genericName="Portale"),
    lambda d: d["legal"].update(repoOwner="Città di Torino"),
    lambda d: d.update(it={"countryExtensionVersion": "1.0", "riuso": {"codiceIPA": "c_l219"}}),
    lambda d: d.update(IT={"countryExtensionVersion": "1.0", "conforme": {"gdpr": True}}),
    lambda d: d.update(inputTypes=["text/html"]),
    lambda d: d.update(intendedAudience={"countries": ["it"]}),
    lambda d: d.update(categories=["social-innovation"]),
    lambda d: d.update(supports=[{"id": "alias:unknown"}]),
    lambda d: d["maintenance"].pop("contacts"),
])
def test_deprecated_or_wrong_keys_are_refused(change):
    data = load()
    change(data)
    assert errors_of(data)


def test_the_department_and_the_organisation_are_the_portals_publisher():
    data = load()
    publisher = settings.TSF_PUBLISHER
    assert data["organisation"] == {"uri": f"urn:x-italian-pa:{publisher['ipa_code']}", "name": publisher["name"]}
    contact = data["maintenance"]["contacts"][0]
    assert contact["affiliation"] == f"{publisher['name']} – {publisher['department']}"
    assert contact["email"] == publisher["email"]
    assert data["legal"]["mainCopyrightOwner"] == publisher["name"]
