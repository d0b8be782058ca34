"""The notifications package imports one way (deadlines -> services -> outbox -> models; tasks ->
deadlines, outbox): no cycle, counting the imports made inside functions too."""
import ast
from pathlib import Path

import tsf.notifications

PACKAGE = "tsf.notifications"
FOLDER = Path(tsf.notifications.__file__).parent


def _imports(path: Path) -> set[str]:
    """The package's own modules that `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1:
                names = [base] if base else [a.name for a in node.names]
            elif base.startswith(PACKAGE + "."):
                names = [base.removeprefix(PACKAGE + ".")]
            elif base == PACKAGE:
                names = [a.name for a in node.names]
            else:
                continue
            found |= {n.split(".")[0] for n in names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix(PACKAGE + ".").split(".")[0] for a in node.names
                      if a.name.startswith(PACKAGE + ".")}
    return {m for m in found if (FOLDER / f"{m}.py").exists()}


def test_no_import_cycle_in_the_notifications_package():
    graph = {p.stem: _imports(p) - {p.stem} for p in FOLDER.glob("*.py")}
    assert "deadlines" in graph["tasks"] and "services" in graph["deadlines"]  # the edges it has
    state = {}

    def visit(module, path):
        state[module] = "open"
        for nxt in sorted(graph.get(module, ())):
            assert state.get(nxt) != "open", "import cycle: " + " -> ".join([*path, module, nxt])
            if nxt not in state:
                visit(nxt, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
