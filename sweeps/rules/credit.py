"""查漏补缺 of microcredit (SPEC §7.3 FC-GAP-MISSED-AID-05, §11.1): in a township, the loans extended after
maturity are more than ``loan.extension_ratio_alert`` (20 %, NR-LOAN-13) of the loans matured. Loans to ineligible
borrowers and uses other than production and business are refused when a loan is signed (NR-LOAN-01/07/08,
``credit.services.loan_sign``), so the ratio is what a sweep can still find; a person confirms it (semi).

The system has no township kind of subject: the problem is the township's own, recorded as a place problem
(``SubjectKind.VILLAGE``) whose place is the township itself, rectified and closed by the county."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import IntegerField, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from credit import rules
from credit.facts import extended_q, matured_q
from credit.models import MicroLoan
from geo.models import AdminArea
from geo.parameters import parameter
from sweeps.choices import FourChecksCategory, GapType, RuleMode, SubjectKind
from sweeps.rules.base import Rule, Scope


def extension_ratio(scope: Scope) -> QuerySet[AdminArea]:
    """FC-GAP-MISSED-AID-05: the township itself when its extended loans exceed the alert share of its matured loans
    (extended × 100 > pct × matured; 20 % exactly passes); the counts are the problem's evidence."""
    alert = Decimal(str(parameter("loan.extension_ratio_alert", area_code=scope.township.code, on=scope.on)))
    loans = MicroLoan.objects.filter(household__managing_area_id__in=scope.area_ids).order_by()
    matured = loans.filter(matured_q(scope.on)).count()
    extended = loans.filter(extended_q()).count()
    township = AdminArea.objects.filter(pk=scope.township.pk)
    if not rules.extension_ratio_alert(extended, matured, alert_pct=alert):
        township = township.filter(pk__lt=0)  # no row, but still a query (a plan to read, a count to run)
    return township.annotate(
        matured=Value(matured, output_field=IntegerField()), extended=Value(extended, output_field=IntegerField())
    ).order_by()


RULES = (
    Rule("FC-GAP-MISSED-AID-05", 1, FourChecksCategory.GAP_FILLING, SubjectKind.VILLAGE, RuleMode.SEMI,
         _("小额信贷到期后展期比例偏高"), "SPEC §7.3, §11.1; 003 L620", extension_ratio, GapType.MISSED_ASSISTANCE,
         ("matured", "extended")),
)  # fmt: skip
