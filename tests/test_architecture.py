"""The code's shape: no import cycles, and articles never reaches into submissions."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("articles", "submissions", "newsportal")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules():
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_modules(path, modules):
    """The project modules `path` imports, at load time or inside functions (a deferred
    import is how a cycle hides, so it counts)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def test_no_module_imports_itself_back_through_others():
    modules = project_modules()
    graph = {name: imported_modules(path, modules) - {name} for name, path in modules.items()}
    # A package's __init__ importing its own submodules is how a package exposes them.
    graph = {name: {d for d in deps if not d.startswith(name + ".")} for name, deps in graph.items()}
    cycles, done, stack = [], set(), []

    def visit(name):
        if name in stack:
            cycles.append(stack[stack.index(name) :] + [name])
            return
        if name in done:
            return
        stack.append(name)
        for dep in sorted(graph[name]):
            visit(dep)
        stack.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert cycles == []


def test_articles_never_imports_the_submissions_app():
    modules = project_modules()
    offenders = {
        name: sorted(dep for dep in imported_modules(path, modules) if dep.startswith("submissions"))
        for name, path in modules.items()
        if name.startswith("articles")
    }
    assert {name: deps for name, deps in offenders.items() if deps} == {}
