"""The house's floors (README, "Architecture in a paragraph"): every app imports only the apps below it, ``core``
imports no app, and nothing imports the roof (``revitalization``: settings, URLs, Celery) except the roof itself.
Imports inside functions count too: a lazy import that runs back up is still a loop, only hidden."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import the apps on the floors below its own; apps on one floor import each other not
# at all.
FLOORS: list[set[str]] = [
    {"core"},
    {"geo"},
    {"accounts"},
    {"notifications"},
    {"households"},
    {"monitoring"},
    {"projects", "offline"},
    {"funds"},
    {"credit", "insurance", "employment"},
    {"welfare_posts"},
    {"sweeps", "national"},
    {"ledgers"},
    {"web", "demo"},
]
ROOF = "revitalization"
FLOOR_OF = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _app_modules(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def _upward_imports() -> list[str]:
    wrong = []
    for app, floor in FLOOR_OF.items():
        for path in _app_modules(app):
            for line, module in _imports(path):
                target = module.split(".")[0]
                if target == app:
                    continue
                if target == ROOF or (target in FLOOR_OF and FLOOR_OF[target] >= floor):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return wrong


def test_every_app_is_on_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"core"}
    assert apps == set(FLOOR_OF), "put a new app on a floor of FLOORS and of the README"


def test_no_import_runs_back_up_and_no_app_imports_the_roof():
    assert _upward_imports() == []


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    """The test itself: a module of ``core`` that imports ``households`` is reported."""
    fake = tmp_path / "core"
    fake.mkdir()
    (fake / "bad.py").write_text("def f():\n    from households.models import Household\n", encoding="utf-8")
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "ROOT", tmp_path)
    monkeypatch.setattr(this, "FLOOR_OF", {"core": 0, "households": 4})
    assert _upward_imports() == ["core/bad.py:2 imports households.models"]


def test_the_roof_holds_only_settings_urls_celery_and_the_servers():
    assert {path.stem for path in (ROOT / ROOF).glob("*.py")} == {
        "settings",
        "urls",
        "api_urls",
        "celery",
        "wsgi",
        "asgi",
        "__init__",
    }


def test_area_codes_are_sliced_only_in_geo_codes():
    """A code's county, township or village is asked of ``geo.codes`` (``prefix_of``, ``ancestor_code``,
    ``village_of``, ``same_county``), never cut by hand: a hand-cut ``code[:6]`` is wrong for a 15-digit group."""
    import re

    cut = re.compile(r"code\[:\s*\d|code\[:\s*len|\[:\d+\]\.ljust\(12|ljust\(12", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in FLOOR_OF
        for path in _app_modules(app)
        if path.relative_to(ROOT).as_posix() != "geo/codes.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if cut.search(line)
    ]
    assert found == []
