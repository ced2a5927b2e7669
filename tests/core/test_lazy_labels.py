"""A label written where a module is loaded (a form's field, a table of success messages) must be a lazy
translation: ``gettext`` there runs once, at import, in the site's language, and an English reader gets Chinese. The
check reads every app module: a call of ``_`` bound to ``gettext`` outside a function is reported."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SKIPPED = {".venv", "node_modules", "migrations", "tests", "bench", "docs"}


def _eager_labels(source: str) -> list[int]:
    if "gettext as _" not in source:
        return []
    found: list[int] = []

    def scan(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "_":
                found.append(child.lineno)
            scan(child)

    for statement in ast.parse(source).body:
        if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.Import | ast.ImportFrom):
            scan(statement)
    return found


def test_no_label_is_translated_at_import():
    eager = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if not SKIPPED & set(path.relative_to(ROOT).parts)
        for line in _eager_labels(path.read_text(encoding="utf-8"))
    ]
    assert eager == [], "use gettext_lazy for labels made at import"


def test_the_check_finds_a_label_made_at_import():
    source = (
        "from django.utils.translation import gettext as _\n"
        "DONE = {'close': _('已销号')}\n"
        "class F:\n    label = _('验证码')\n"
        "def f():\n    return _('在请求里翻译')\n"
    )
    assert _eager_labels(source) == [2, 4]


def _hidden_from_the_catalogue(source: str) -> list[int]:
    """Lines that import a translation function under a name ``makemessages`` does not read (``gettext_lazy as _l``,
    ``gettext_noop as N``): their strings never reach locale/ and stay Chinese in English."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            found += [node.lineno for alias in node.names if alias.asname not in (None, "_")]
    return found


def test_every_translated_string_reaches_the_catalogue():
    hidden = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if not (SKIPPED - {"migrations"}) & set(path.relative_to(ROOT).parts)
        for line in _hidden_from_the_catalogue(path.read_text(encoding="utf-8"))
    ]
    assert hidden == [], "import gettext_lazy (or gettext as _): makemessages reads no other name"
    assert _hidden_from_the_catalogue("from django.utils.translation import gettext_lazy as _l\n") == [1]
