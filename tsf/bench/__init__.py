"""`make bench`: a scale dataset, the portal under gunicorn at a fixed concurrency, and a report.

Run with `python -m tsf.bench` (see `tsf/bench/__main__.py` and the README's Performance section).
"""
