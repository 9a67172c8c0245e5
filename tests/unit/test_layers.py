"""The packages form layers: no import cycle between them, the library never imports the
command line layer (cli/ sits on top of everything), and the product never the lab."""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "scout_spark"
DRIVERS = ("cli",)  # the command line drives the library


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _library_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in DRIVERS
    ]


def test_no_library_module_imports_cli() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _library_files()
        for name in sorted(_imports(path))
        if name == "scout_spark.cli" or name.startswith("scout_spark.cli.")
    ]
    assert offenders == []


def test_the_product_never_imports_the_lab() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name in sorted(_imports(path))
        if name.split(".")[0] == "scout_lab"
    ]
    assert offenders == []


def test_the_guard_reads_the_library() -> None:
    files = {str(p.relative_to(PACKAGE)) for p in _library_files()}
    assert {"stages.py", "pipelines/bronze.py", "context.py"} <= files
    assert not any(f.startswith("cli/") for f in files)
    assert "scout_spark.context" in _imports(PACKAGE / "pipelines" / "bronze.py")


def _package(module: str) -> str:
    """scout_spark.lake.writes -> lake; scout_spark.errors -> errors."""
    return module.split(".")[1]


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for name in _imports(path):
            if name.startswith("scout_spark.") and _package(name) != source:
                graph[source].add(_package(name))
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of packages that reach one another, sorted."""

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {name: reach(name) for name in list(graph)}
    groups = {
        frozenset(other for other in reached if other in reached[name] and name in reached[other])
        for name in reached
        if name in reached[name]
    }
    return sorted(sorted(group) for group in groups)


def test_no_import_cycle_between_packages() -> None:
    assert _cycles(_package_graph()) == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycles({"lake": {"runtime"}, "runtime": {"sources"}, "sources": {"lake"}}) == [
        ["lake", "runtime", "sources"]
    ]
    assert _cycles({"cli": {"lake"}, "lake": {"errors"}}) == []


# docs/architecture.md's layer table, bottom to top: a package imports only its own row
# or the rows below it in this list (above it in the table).
LAYERS = (
    {"errors", "console", "schemas", "results", "date_range", "config", "schedules", "jars"},
    {"runtime", "parallel"},
    {"lake"},
    {"session"},
    {"context"},
    {"records"},
    {"sources", "layers", "quality", "health_checks"},
    {"pipelines", "publish", "report", "ops"},
    {"stages"},
    {"cli"},
)


def test_each_package_sits_in_one_layer_and_imports_only_its_layer_or_below() -> None:
    rank = {package: n for n, row in enumerate(LAYERS) for package in row}
    packages = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")}
    assert packages - {"__init__"} <= set(rank), "a package missing from the layer table"
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in _package_graph().items()
        for target in targets
        if rank[target] > rank[source]
    )
    assert upward == []
