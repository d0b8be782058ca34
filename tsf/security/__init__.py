"""`make security`: the portal with the demo data, scanned by wapiti anonymously and as each role.

Run with `python -m tsf.security --wapiti PATH` (see `tsf/security/__main__.py` and the README's
"Security check" section); `tsf.security.login` signs in over HTTP as a person does.
"""
