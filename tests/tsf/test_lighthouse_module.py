"""`make lighthouse` (tsf.lighthouse) is not part of the suite (minutes, npm): at least its module
loads (it once imported a helper that had moved) and its verdict reads the budgets."""
from tsf import lighthouse


def test_the_verdict_names_each_missed_target():
    good = {"bytes": 300 * 1024, "performance": 96, "accessibility": 100, "best-practices": 100, "failing": {}}
    assert lighthouse.problems("post", good) == []
    heavy = {**good, "bytes": 410 * 1024, "performance": 88}
    assert lighthouse.problems("post", heavy) == [
        "post: 410 KB transferred (limit 400 KB)", "post: performance 88 < 90 "]
