"""Annual income collection (收入采集): a village's households in one grid for one year, pre-filled with what is
recorded, saved in one POST per page through ``income_batch_save`` (household by household through the one writer,
all or nothing, unchanged rows not written). Views parse, call and render (STYLE rule 18)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_edit_households
from core.errors import DomainError
from geo.shortcuts import scoped_view
from households import selectors
from households.forms import IncomeGridRowForm
from households.models import Household
from households.selectors import IncomeGridRow
from households.services import IncomeBatchRefused, IncomeEntry, income_batch_save
from households.services.income import COMPONENTS, FIRST_YEAR, income_batch_refusal

# A page is saved in one POST: per household two inputs per amount (the value and the value shown) and its number.
FIELDS_PER_ROW = 2 * len(COMPONENTS) + 1
PER_PAGE = 50


def per_page() -> int:
    """Households per page: 50, fewer if Django's limit on a request's fields would refuse a full page's POST."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is None:
        return PER_PAGE
    return max(1, min(PER_PAGE, (limit - 10) // FIELDS_PER_ROW))  # 10: the CSRF token and spare


@dataclass
class Row:
    """A household of the page, its inputs, and whether the refusal stopped at it."""

    line: IncomeGridRow
    form: IncomeGridRowForm
    refused: bool = False

    @property
    def household(self) -> Household:
        return self.line.household


def collected_year(value: str) -> int:
    """The year asked for, else last calendar year (the year whose income is collected at the start of the next)."""
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and FIRST_YEAR <= int(value) <= this_year else this_year - 1


def _posted_households(request: AuthenticatedHttpRequest) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("households")]
    except ValueError as exc:
        raise Http404 from exc


@scoped_view
def income_grid(request: AuthenticatedHttpRequest) -> HttpResponse:
    """收入采集表: pick a village and a year; the village's open households, a page at a time, editable at once."""
    if not can_edit_households(request.user):
        raise PermissionDenied
    villages = list(selectors.income_grid_villages(user=request.user))  # read once: the choice and the select
    year = collected_year(request.GET.get("year", ""))
    code = request.GET.get("village", "")
    if not code:
        if len(villages) != 1:
            context = {"villages": villages, "year": year, "years": _years(), "village": None}
            return render(request, "households/income_grid.html", context)
        code = villages[0].code  # a village cadre has one village: it opens at once
    village = next((v for v in villages if v.code == code), None)
    if village is None:
        raise Http404  # outside the user's area (STYLE rule 11)

    page: Page[Household] | None = None
    if request.method == "POST":
        # The households the page showed, as it showed them: a household added meanwhile does not shift the rows.
        pks = _posted_households(request)
        households = list(selectors.income_grid_households(user=request.user, village=village, pks=pks))
        if len(households) != len(set(pks)):
            raise Http404  # a household of another village, or one the user may not see
    else:
        page = Paginator(selectors.income_grid_households(user=request.user, village=village), per_page()).get_page(
            request.GET.get("page")
        )
        households = list(page.object_list)
    data = request.POST if request.method == "POST" else None
    rows = [
        Row(line, IncomeGridRowForm(data, prefix=f"h{line.household.pk}", initial=_initial(line)))
        for line in selectors.income_grid_rows(households, year=year)
    ]
    refusal = ""
    if request.method == "POST":
        refusal = _save(request, rows, year)
        if not refusal:
            return redirect(request.get_full_path())
    context = {
        "villages": villages,
        "village": village,
        "year": year,
        "years": _years(),
        "rows": rows,
        "page_obj": page,
        "refusal": refusal,
        "columns": [rows[0].form[name] for name in COMPONENTS] if rows else [],
        "template_url": reverse("households:income-import-template")
        + "?"
        + urlencode({"village": code, "year": str(year)}),
    }
    return render(request, "households/income_grid.html", context)


def _save(request: AuthenticatedHttpRequest, rows: list[Row], year: int) -> str:
    """Save the rows the user changed; the refusal to show, or "" once saved (with a message)."""
    changed = [row for row in rows if row.form.has_changed()]
    if not changed:
        messages.info(request, _("本页没有修改，未保存任何数据。"))
        return ""
    for row in changed:
        if not row.form.is_valid():
            row.refused = True
            field, message = row.form.first_error()
            return income_batch_refusal(row.household, message, field)
    entries = [IncomeEntry(row.household, row.form.amounts(), shown=row.form.shown()) for row in changed]
    try:
        result = income_batch_save(actor=request.user, year=year, entries=entries)
    except IncomeBatchRefused as exc:
        for row in changed:
            row.refused = row.household.pk == exc.household_pk
        return exc.message
    except DomainError as exc:
        return exc.message
    messages.success(
        request,
        _("%(year)s 年度收入已保存：新录入 %(created)d 户，更正 %(corrected)d 户，%(unchanged)d 户无变化。")
        % {"year": year, "created": result.created, "corrected": result.corrected, "unchanged": result.unchanged},
    )
    return ""


def _initial(line: IncomeGridRow) -> dict[str, Any]:
    if line.record is None:
        return {}
    return {name: getattr(line.record, name) for name in COMPONENTS}


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))
