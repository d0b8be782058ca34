"""The portal uses other libraries through their public API only (issue #21): no module of the project
imports an `internal` module of django-allauth, nor a private `_name` of allauth, djangosaml2 or pysaml2,
reads one as an attribute of their modules, or overrides one in a subclass of their classes. A source
scan of every Python file of the project (not the virtualenv), so that a library upgrade cannot break
the portal through something the library never promised to keep."""
import ast
import importlib
from pathlib import Path

from django.conf import settings

LIBRARIES = ("allauth", "djangosaml2", "saml2")
SKIP_DIRS = {".venv", "var", "node_modules", ".git", "__pycache__", "staticfiles"}


def _is_library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _internal_module(module: str) -> bool:
    parts = module.split(".")
    return _is_library(module) and any(p == "internal" or _private(p) for p in parts)


def _project_files():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield root, path


def _library_object(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def violations(source: str, where: str) -> list[str]:
    """What `source` takes of the libraries outside their public API, one line each."""
    found = []
    library_names = {}  # a name bound in this file -> (module, attribute) of a library it was imported from
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _internal_module(alias.name):
                    found.append(f"{where}:{node.lineno} imports {alias.name}")
                if _is_library(alias.name):
                    library_names[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and _is_library(node.module):
            if _internal_module(node.module):
                found.append(f"{where}:{node.lineno} imports from {node.module}")
            for alias in node.names:
                if not _internal_module(node.module) and (
                        _private(alias.name) or _internal_module(f"{node.module}.{alias.name}")):
                    found.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
                library_names[alias.asname or alias.name] = (node.module, alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in library_names):
            found.append(f"{where}:{node.lineno} uses {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ClassDef):
            bases = [library_names[b.id] for b in node.bases if isinstance(b, ast.Name) and b.id in library_names]
            bases += [library_names[b.value.id] + (b.attr,) for b in node.bases
                      if isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name) and b.value.id in library_names]
            for base in bases:
                module, name = base[0], base[-1]
                cls = _library_object(module, name) if name else None
                if not isinstance(cls, type):
                    continue
                for item in node.body:
                    if (isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(item.name)
                            and hasattr(cls, item.name)):
                        found.append(f"{where}:{item.lineno} overrides {cls.__module__}.{cls.__name__}.{item.name}")
    return found


def test_the_project_uses_only_the_public_api_of_allauth_and_djangosaml2():
    found = []
    for root, path in _project_files():
        found += violations(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    assert not found, "\n".join(found)


def test_the_scan_sees_each_kind_of_private_use():
    source = """
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp import internal
import allauth.core.internal.ratelimit
from allauth.account.authentication import _private_name
from djangosaml2 import views as saml_views
from allauth.account.adapter import DefaultAccountAdapter

saml_views._set_subject_id(None, None)


class Adapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        return ""

    def _our_own_helper(self):
        return ""
"""
    found = violations(source, "example.py")
    assert sorted(line.split(" ", 1)[1] for line in found) == sorted([
        "imports from allauth.account.internal.flows.login",
        "imports allauth.mfa.totp.internal",
        "imports allauth.core.internal.ratelimit",
        "imports allauth.account.authentication._private_name",
        "uses saml_views._set_subject_id",
        "overrides allauth.account.adapter.DefaultAccountAdapter._get_login_attempts_cache_key",
    ])
    public = """
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY, get_authentication_records
from allauth.mfa.adapter import get_adapter
from djangosaml2 import views as saml_views
saml_views.LoginView
"""
    assert violations(public, "example.py") == []
