"""Enumerations of microcredit for the exited-poverty population (脱贫人口小额信贷, SPEC §11.1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoanKind(models.TextChoices):
    """SPEC §11.1 ``kind``: a first loan, a renewal after repaying (续贷), an extension of an unpaid balance (展期),
    a top-up beside an active loan (追加, NR-LOAN-09)."""

    NEW = "new", _("新增贷款")
    RENEWAL = "renewal", _("续贷")
    EXTENSION = "extension", _("展期")
    TOP_UP = "top_up", _("追加贷款")


class LoanStatus(models.TextChoices):
    """SPEC §11.1 ``status``. ``overdue`` is never stored: it is the derived fact ``credit.facts.is_overdue`` (an
    active loan past its maturity), shown in its place; the choice stays for the ledger and the API."""

    ACTIVE = "active", _("正常")
    REPAID = "repaid", _("已结清")
    OVERDUE = "overdue", _("逾期")
    EXTENDED = "extended", _("已展期")
    CONVERTED = "converted", _("已转为普通农户贷款")
    WRITTEN_OFF = "written_off", _("已核销")


# The loans that still owe money under this contract: repayments are recorded against them and they count towards
# the household total (NR-LOAN-09).
OPEN_STATUSES = frozenset({LoanStatus.ACTIVE})


class LoanPurpose(models.TextChoices):
    """NR-LOAN-07 (003 L1564): production and business only, "户借、户用、户还"."""

    PLANTING = "planting", _("种植业")
    BREEDING = "breeding", _("养殖业")
    PROCESSING = "processing", _("农产品加工")
    TRADE = "trade", _("商贸流通")
    SERVICES = "services", _("乡村服务业（农家乐、运输等）")
    OTHER_BUSINESS = "other_business", _("其他生产经营")
