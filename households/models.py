import datetime
import re
import uuid
from typing import Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from geo.models import COUNTY_OR_ABOVE
from households.choices import (
    AreaField,
    ChildStatus,
    ClosedReason,
    ConsentChannel,
    DestituteMode,
    DisabilityCategory,
    DisclosureChannel,
    EducationLevel,
    EmploymentPlace,
    EmploymentStatus,
    Gender,
    GuaranteeSource,
    HealthStatus,
    HouseholdFlagKind,
    HousingRemedy,
    HousingSafety,
    ImportJobStatus,
    ImportKind,
    LabourCapacity,
    LifeEventKind,
    MemberStatus,
    MigrantType,
    PremiumSubsidy,
    Relationship,
    RelocationBatch,
    RigidExpenseKind,
    RiskEventKind,
    RiskSource,
    RiskType,
    SchoolingStatus,
    SelfCare,
    ToiletType,
    VisitKind,
    WaterSupplyType,
)
from households.querysets import (
    DisclosureQuerySet,
    HouseholdEventQuerySet,
    HouseholdPartQuerySet,
    HouseholdQuerySet,
    ImportJobQuerySet,
    PairingQuerySet,
    VillageMergeQuerySet,
    VisitPhotoQuerySet,
)

HISTORY_UNINDEXED: Final = [
    "household_no", "managing_area", "residence_area", "hukou_area", "co_managing_area", "head", "head_name",
]  # fmt: skip


class Household(models.Model):
    """A household (户, SPEC §2.1). Never deleted: it leaves the registry with a reason and a date (§2.6)."""

    household_no = models.CharField(_("户编号"), max_length=32, unique=True)
    managing_area = models.ForeignKey(  # indexed by households_area_number, which leads with it
        "geo.AdminArea",
        verbose_name=_("管理地"),
        on_delete=models.PROTECT,
        related_name="managed_households",
        db_index=False,
    )
    residence_area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("居住地"), on_delete=models.PROTECT, related_name="resident_households"
    )
    hukou_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("户籍地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_households",
    )
    hukou_area_text = models.CharField(_("户籍地（区外）"), max_length=200, blank=True)
    co_managing_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("协同管理地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_managed_households",
        db_index=False,  # indexed by households_co_area_number, which leads with it
    )
    head = models.OneToOneField(
        "HouseholdMember",
        verbose_name=_("户主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headed_household",
    )
    head_name = models.CharField(_("户主姓名"), max_length=50, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    account_holder_name = models.CharField(_("账户户名"), max_length=50, blank=True)
    registered_poor_since = models.PositiveSmallIntegerField(_("建档立卡年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    destitute_mode = models.CharField(_("特困供养方式"), max_length=16, choices=DestituteMode.choices, blank=True)
    relocation_batch = models.CharField(_("搬迁批次"), max_length=8, choices=RelocationBatch.choices, blank=True)
    resettlement_site = models.CharField(_("安置点"), max_length=100, blank=True)
    migrant_type = models.CharField(_("移民类型"), max_length=24, choices=MigrantType.choices, default=MigrantType.NONE)
    hukou_moved = models.BooleanField(_("户籍已迁入"), default=False)
    has_residence_permit = models.BooleanField(_("持有居住证"), default=False)
    land_rights_confirmed = models.BooleanField(_("原籍承包地已确权"), default=False)
    contracted_land_mu = models.DecimalField(_("承包地（亩）"), max_digits=8, decimal_places=2, null=True, blank=True)
    forest_land_mu = models.DecimalField(_("林地（亩）"), max_digits=8, decimal_places=2, null=True, blank=True)
    housing_safety = models.CharField(
        _("住房安全"), max_length=24, choices=HousingSafety.choices, default=HousingSafety.SAFE
    )
    housing_remedy = models.CharField(_("住房保障方式"), max_length=24, choices=HousingRemedy.choices, blank=True)
    water_supply_type = models.CharField(_("供水方式"), max_length=16, choices=WaterSupplyType.choices, blank=True)
    toilet_type = models.CharField(_("厕所类型"), max_length=32, choices=ToiletType.choices, blank=True)
    cooperative_member = models.BooleanField(_("加入合作社"), default=False)
    consent_authorized_at = models.DateTimeField(_("授权查询时间"), null=True, blank=True)
    consent_channel = models.CharField(_("授权方式"), max_length=16, choices=ConsentChannel.choices, blank=True)
    relatives_well_off_note = models.TextField(_("赡养人/亲属经济情况"), blank=True)
    dishonest_listed = models.BooleanField(_("列入失信名单"), default=False)
    dishonest_listed_on = models.DateField(_("列入失信日期"), null=True, blank=True)
    dishonest_reason = models.CharField(_("失信原因"), max_length=200, blank=True)
    closed_on = models.DateField(_("注销日期"), null=True, blank=True)
    closed_reason = models.CharField(_("注销原因"), max_length=32, choices=ClosedReason.choices, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # A household's history is read by its id (the household page): its other columns need no index there, and
    # every index is written again for each imported household.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=HISTORY_UNINDEXED)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["household_no"]
        # Name search is a prefix LIKE, served on PostgreSQL by the pattern-ops index Django adds beside the
        # db_index of head_name (and of a member's name).
        indexes = [
            # A list's first page by household number, area by area (households.paging): household numbers begin
            # with their village's code, so one walk of the number index would cross every other area first.
            models.Index(fields=["managing_area", "household_no"], name="households_area_number"),
            models.Index(fields=["co_managing_area", "household_no"], name="households_co_area_number"),
        ]
        default_permissions = ("add", "change", "view")  # never deleted (SPEC §2.6)
        permissions = [("visit_household", _("走访登记（结对帮扶）"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True, closed_reason="")
                | models.Q(closed_on__isnull=False) & ~models.Q(closed_reason=""),
                name="households_closed_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(head)s户（%(no)s）") % {"head": self.head_name, "no": self.household_no}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("households:household-detail", args=[self.pk])

    @property
    def hukou_residence_split(self) -> bool:
        """人户分离 (SPEC §0 #12)."""
        if self.hukou_area_text:
            return True
        return self.hukou_area_id is not None and self.hukou_area_id != self.residence_area_id


class HouseholdMember(models.Model):
    """A household member (家庭成员, SPEC §2.2). Never deleted: a member leaves with a status and a date."""

    household = models.ForeignKey(
        Household, verbose_name=_("所属农户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)  # indexed for prefix search only (Meta)
    id_number = models.CharField(_("身份证号"), max_length=18)  # indexed whole (Meta)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    relationship = models.CharField(_("与户主关系"), max_length=32, choices=Relationship.choices)
    member_status = models.CharField(
        _("成员状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.PRESENT
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    counts_in_household = models.BooleanField(_("计入家庭人口"), default=True)
    education_level = models.CharField(_("文化程度"), max_length=24, choices=EducationLevel.choices, blank=True)
    schooling_status = models.CharField(_("在校生状况"), max_length=24, choices=SchoolingStatus.choices)
    school_name = models.CharField(_("就读学校"), max_length=100, blank=True)
    health_status = models.CharField(
        _("健康状况"), max_length=20, choices=HealthStatus.choices, default=HealthStatus.HEALTHY
    )
    illness_confirmed_by_institution = models.BooleanField(_("经医疗机构确诊"), default=False)
    chronic_conditions = models.JSONField(_("慢性病种"), default=list, blank=True)
    in_37_disease_scheme = models.BooleanField(_("属37种大病"), default=False)
    disability_category = models.CharField(_("残疾类别"), max_length=16, choices=DisabilityCategory.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    disability_certificate_no = models.CharField(_("残疾证号"), max_length=30, blank=True)
    self_care = models.CharField(_("自理能力"), max_length=16, choices=SelfCare.choices, default=SelfCare.INDEPENDENT)
    labour_capacity = models.CharField(_("劳动能力"), max_length=20, choices=LabourCapacity.choices)
    is_main_labourer = models.BooleanField(_("家庭主要劳动力"), default=False)
    employment_status = models.CharField(_("就业状况"), max_length=24, choices=EmploymentStatus.choices, blank=True)
    employment_place = models.CharField(_("务工地点"), max_length=32, choices=EmploymentPlace.choices, blank=True)
    employment_months_this_year = models.PositiveSmallIntegerField(
        _("本年务工月数"), default=0, validators=[MaxValueValidator(12)]
    )
    labour_contract = models.BooleanField(_("签订劳动合同"), default=False)
    social_insurance_paid = models.BooleanField(_("缴纳社保"), default=False)
    employment_difficulty = models.BooleanField(_("就业困难人员"), default=False)
    skills_certificate = models.CharField(_("技能证书"), max_length=100, blank=True)
    medical_insurance_enrolled = models.BooleanField(_("参加基本医疗保险"), default=True)
    medical_premium_subsidy = models.CharField(
        _("医保参保资助"), max_length=16, choices=PremiumSubsidy.choices, blank=True
    )
    critical_illness_insurance = models.BooleanField(_("参加大病保险"), default=True)
    medical_assistance_eligible = models.BooleanField(_("享受医疗救助"), default=False)
    pension_enrolled = models.BooleanField(_("参加城乡居民养老保险"), default=False)
    pension_grade = models.PositiveIntegerField(_("养老保险缴费档次（元）"), null=True, blank=True)
    pension_paid_by_government = models.BooleanField(_("政府代缴养老保险"), default=False)
    anti_poverty_insurance_year = models.PositiveSmallIntegerField(_("参加防贫保年度"), null=True, blank=True)
    is_post_school_youth = models.BooleanField(_("两后生"), default=False)
    child_status = models.CharField(_("儿童类别"), max_length=24, choices=ChildStatus.choices, default=ChildStatus.NONE)
    left_behind = models.BooleanField(_("留守人员"), default=False)
    history = HistoricalRecords(no_db_index=["name", "id_number"])  # read by household and by id only

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]
        default_permissions = ("add", "change", "view")
        # Each index is written for each of a county's 200,000 imported members, so only those a query uses: a name
        # is searched by its prefix (pattern operators, which serve equality too) and never sorted; an ID number is
        # matched whole, never by prefix (``db_index`` would add both a plain and a pattern index to each).
        indexes = [
            models.Index(fields=["name"], name="households_member_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_number"], name="households_member_id_number"),
            # The few members who left (deceased, moved out …): DQ-01 reads their ID numbers for every sweep.
            models.Index(
                fields=["id_number"],
                condition=~models.Q(member_status="present"),
                name="households_member_gone_id",
            ),
        ]
        constraints = [
            # A person belongs to one household at a time (SPEC §2.6).
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(member_status="present"),
                name="households_member_unique_present_id",
            ),
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True)
                | models.Q(disability_grade__gte=1, disability_grade__lte=4),
                name="households_member_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=models.Q(employment_months_this_year__lte=12), name="households_member_months_le_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_present(self) -> bool:
        return self.member_status == MemberStatus.PRESENT


class HouseholdFlag(models.Model):
    """An effective-dated flag (SPEC §2.4): several at once, each with its own period; ending one keeps the row."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(_("标识"), max_length=32, choices=HouseholdFlagKind.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户标识")
        verbose_name_plural = _("农户标识")
        ordering = ["household", "kind", "-valid_from"]
        default_permissions = ("add", "change", "view")
        indexes = [
            # Sweep rules ask for a kind begun since a day (低保 or 特困 granted this year, FC-GAP-MISSED-REG-08):
            # without it the database reads every flag of a province for each township (ADR 0001, plans).
            models.Index(fields=["kind", "valid_from"], name="households_flag_kind_from"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"], condition=models.Q(valid_to__isnull=True), name="households_flag_one_open"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="households_flag_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}–{self.valid_to or ''}"


class IncomeRecord(models.Model):
    """Income components of a household for a year, or for one month of it (SPEC §3.1). Per-capita income is
    computed in ``households.rules``, never stored."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(
        _("月份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("留空表示全年合计"),
    )
    wage_income = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=0)
    business_income = models.DecimalField(_("生产经营性收入"), max_digits=12, decimal_places=2, default=0)
    business_expense = models.DecimalField(_("生产经营性支出"), max_digits=12, decimal_places=2, default=0)
    property_income = models.DecimalField(_("财产性收入"), max_digits=12, decimal_places=2, default=0)
    transfer_income = models.DecimalField(_("转移性收入"), max_digits=12, decimal_places=2, default=0)
    policy_transfer_income = models.DecimalField(
        _("其中：政策性转移收入"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("低保金、特困供养金、养老金等"),
    )
    medical_self_pay = models.DecimalField(_("医疗自付支出"), max_digits=12, decimal_places=2, default=0)
    schooling_expense = models.DecimalField(_("教育支出"), max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["household", "-year", "-month"]
        default_permissions = ("add", "change", "view")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"],
                condition=models.Q(month__isnull=True),
                name="households_income_one_per_year",
            ),
            models.UniqueConstraint(
                fields=["household", "year", "month"],
                condition=models.Q(month__isnull=False),
                name="households_income_one_per_month",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="households_income_month_1_12",
            ),
        ]

    def __str__(self) -> str:
        suffix = f"-{self.month:02d}" if self.month else ""
        return f"{self.household_id} {self.year}{suffix}"


class RigidExpense(models.Model):
    """A rigid expenditure (刚性支出, SPEC §3.3): net = gross − reimbursed."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="rigid_expenses"
    )
    incurred_on = models.DateField(_("发生日期"))
    kind = models.CharField(_("类别"), max_length=32, choices=RigidExpenseKind.choices)
    gross_amount = models.DecimalField(_("总金额"), max_digits=12, decimal_places=2)
    reimbursed_amount = models.DecimalField(_("报销/补偿金额"), max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, null=True, blank=True
    )
    history = HistoricalRecords()

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("刚性支出")
        verbose_name_plural = _("刚性支出")
        ordering = ["household", "-incurred_on"]
        default_permissions = ("add", "change", "view")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reimbursed_amount__lte=models.F("gross_amount")),
                name="households_rigid_reimbursed_le_gross",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.gross_amount}"

    @property
    def net_amount(self):
        return self.gross_amount - self.reimbursed_amount


class MonitoringThreshold(models.Model):
    """The monitoring line (监测标准, SPEC §3.4) per area and year; the most specific area wins (county before
    province). 2021 Ningxia = 6000 yuan (003 L216). An administrator enters later years."""

    area_code = models.CharField(_("区划代码"), max_length=12, help_text=_("省或县的 12 位区划代码"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("监测标准（元/人·年）"), max_digits=12, decimal_places=2)
    national_line = models.DecimalField(_("国家扶贫标准（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    basis_text = models.CharField(_("依据"), max_length=200, blank=True)
    document_ref = models.CharField(_("文号"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("监测标准")
        verbose_name_plural = _("监测标准")
        ordering = ["area_code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "year"], name="households_threshold_one_per_area_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="households_threshold_positive"),
            # A province's or a county's (or a city's), as the policy parameters: every reader inside a county (the
            # facts, the exit checks, the income page) reads one line.
            models.CheckConstraint(
                condition=models.Q(area_code__regex=COUNTY_OR_ABOVE), name="households_threshold_county_or_above"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}: {self.amount}"

    def clean(self) -> None:
        super().clean()
        if not re.fullmatch(COUNTY_OR_ABOVE, self.area_code or ""):
            raise ValidationError({"area_code": _("监测标准只能按省、市或县设置：请填写省、市或县的 12 位区划代码")})


class Visit(models.Model):
    """A household visit (走访, SPEC §4.13), recorded in the field, often from a phone."""

    # Served by the (household, visited_on) index below, which leads with it: no index of its own to write.
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    visited_on = models.DateField(_("走访日期"))
    kind = models.CharField(_("走访类型"), max_length=24, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="visits"
    )
    companions = models.CharField(_("同行人员"), max_length=200, blank=True)
    income_change = models.TextField(_("收入变化"), blank=True)
    member_change = models.TextField(_("家庭成员变化"), blank=True)
    needs = models.TextField(_("群众诉求"), blank=True)
    notes = models.TextField(_("走访情况"), blank=True)
    risk_found = models.BooleanField(_("发现返贫致贫风险"), default=False)
    risk_note = models.TextField(_("风险说明"), blank=True)
    next_visit_on = models.DateField(_("下次走访日期"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Made on the phone when a visit is captured offline (issue "Visits without signal"): sending the same visit
    # twice finds it here and saves nothing new.
    client_uuid = models.UUIDField(_("离线登记编号"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        default_permissions = ("add", "view")  # a visit is a record of what was seen: corrections are new visits
        indexes = [
            models.Index(fields=["household", "-visited_on"]),
            # The sweep's "screened this year" reads a county's verification visits since 1 January at once.
            models.Index(fields=["kind", "visited_on"], name="households_visit_kind_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk_found=False) | ~models.Q(risk_note=""), name="households_visit_risk_needs_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_kind_display()}"


class RiskFlag(models.Model):
    """A typed risk of returning to or falling into poverty found on a household (返贫致贫风险, SPEC §4.3): open
    from ``found_on`` until resolved with a reason (a measure's effect, SPEC §5; a verification that it is gone).
    A household carries at most one open risk of each type. Opened and resolved only by ``households.services.risks``,
    each step leaving a ``RiskFlagEvent``; never deleted. A department warning or a sweep problem lives in an app
    above this one, so it is kept as its id and a label; so is the measure that answers the risk."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="risks")
    risk_type = models.CharField(_("风险类型"), max_length=32, choices=RiskType.choices)
    source = models.CharField(_("发现渠道"), max_length=24, choices=RiskSource.choices)
    visit = models.ForeignKey(
        Visit, verbose_name=_("发现走访"), on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    source_ref = models.PositiveIntegerField(_("来源编号"), null=True, blank=True)  # ScreeningWarning / Problem id
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    found_on = models.DateField(_("发现日期"))
    evidence = models.TextField(_("风险情况"))
    opened_by = models.ForeignKey(  # empty on the risks carried over from the single flag they replaced
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measure_id = models.PositiveIntegerField(_("帮扶措施编号"), null=True, blank=True)  # monitoring.AssistanceMeasure
    measure_label = models.CharField(_("应对措施"), max_length=200, blank=True)
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("消除登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("消除情况"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("返贫致贫风险")
        verbose_name_plural = _("返贫致贫风险")
        ordering = ["household", "-found_on", "-pk"]
        default_permissions = ("view",)  # steps are services; nothing is edited or deleted
        indexes = [models.Index(fields=["measure_id"], name="households_risk_measure")]
        constraints = [
            # Opening is idempotent per household and type while the risk is open (SPEC §4.3).
            models.UniqueConstraint(
                fields=["household", "risk_type"],
                condition=models.Q(resolved_on__isnull=True),
                name="households_one_open_risk_per_type",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True, resolution="")
                | models.Q(resolved_on__isnull=False) & ~models.Q(resolution=""),
                name="households_risk_resolved_needs_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True) | models.Q(resolved_on__gte=models.F("found_on")),
                name="households_risk_resolved_after_found",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(type)s（%(on)s 发现）") % {"type": self.get_risk_type_display(), "on": self.found_on}

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class RiskFlagEvent(models.Model):
    """One step of a risk (opened, found again, answered by a measure, resolved): who, when, why. Append-only."""

    risk = models.ForeignKey(RiskFlag, verbose_name=_("风险"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("步骤"), max_length=16, choices=RiskEventKind.choices)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险记录")
        verbose_name_plural = _("风险记录")
        ordering = ["risk", "at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.risk_id} {self.get_kind_display()} {self.on}"


class AssistancePairing(models.Model):
    """A paired assistance cadre (帮扶责任人结对, SPEC §1.6): the one record that opens a household to a cadre, and
    only while it is in force (``valid_from`` ≤ day ≤ ``valid_to``, an empty ``valid_to`` meaning "until ended").
    Ending one keeps the row; nothing is deleted."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="pairings")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="pairings"
    )
    unit = models.CharField(_("帮扶单位"), max_length=100)
    valid_from = models.DateField(_("结对日期"))
    valid_to = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,  # the pairings carried over from the earlier object grants have no recorded author
        blank=True,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["household", "-valid_from", "-pk"]
        default_permissions = ("add", "change", "view")
        indexes = [
            # visible_to reads a cadre's in-force households on every page they open.
            models.Index(fields=["cadre", "valid_from"], name="households_pairing_cadre"),
            models.Index(fields=["household", "valid_from"], name="households_pairing_household"),
            # The township's list, newest first: walked in order to its territory's first page, not every pairing of
            # a province sorted (a county at 1,000,000 households: 38 ms against 170 ms).
            models.Index(fields=["-valid_from", "-id"], name="households_pairing_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="households_pairing_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | ~models.Q(end_reason=""),
                name="households_pairing_end_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} — {self.household} {self.valid_from}–{self.valid_to or ''}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


def visit_photo_path(photo: "VisitPhoto", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"visits/{photo.visit.visited_on:%Y/%m}/{photo.visit_id}-{photo.sha256[:16]}.{extension}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("走访"), on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("照片"), upload_to=visit_photo_path)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("校验值"), max_length=64)

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return self.image.name


class GuaranteeCheck(models.Model):
    """ "Two assurances, three guarantees" and drinking water (SPEC §2.5), as checked on one day."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="guarantee_checks"
    )
    visit = models.OneToOneField(
        Visit, verbose_name=_("走访"), on_delete=models.PROTECT, null=True, blank=True, related_name="guarantee_check"
    )
    checked_on = models.DateField(_("核查日期"))
    source = models.CharField(_("来源"), max_length=16, choices=GuaranteeSource.choices, default=GuaranteeSource.VISIT)
    food_ok = models.BooleanField(_("不愁吃"), default=True)
    clothing_ok = models.BooleanField(_("不愁穿"), default=True)
    education_ok = models.BooleanField(_("义务教育有保障"), default=True)
    medical_ok = models.BooleanField(_("基本医疗有保障"), default=True)
    housing_ok = models.BooleanField(_("住房安全有保障"), default=True)
    water_quantity_ok = models.BooleanField(_("水量达标"), default=True)
    water_quality_ok = models.BooleanField(_("水质达标"), default=True)
    water_access_ok = models.BooleanField(_("用水方便"), default=True)
    water_reliability_ok = models.BooleanField(_("供水保证率达标"), default=True)
    water_ok = models.BooleanField(_("饮水安全有保障"), default=True)
    note = models.TextField(_("未达标情况说明"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核查人"), on_delete=models.PROTECT)

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("两不愁三保障及饮水安全核查")
        verbose_name_plural = _("两不愁三保障及饮水安全核查")
        ordering = ["household", "-checked_on"]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.household_id} {self.checked_on}"

    @property
    def all_ok(self) -> bool:
        return all((self.food_ok, self.clothing_ok, self.education_ok, self.medical_ok, self.housing_ok, self.water_ok))


class IdentityDisclosure(models.Model):
    """An audit row for every view of unmasked ID or phone numbers (SPEC §1.3 scoping rule 4, §15 C-29)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT)
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT)
    channel = models.CharField(_("途径"), max_length=16, choices=DisclosureChannel.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user_id} → {self.household_id} ({self.channel})"


# django-guardian direct foreign-key tables (STYLE rule 13): grants join by integer key, not a generic string.
class HouseholdUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Household, on_delete=models.CASCADE)


class HouseholdGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Household, on_delete=models.CASCADE)


# ------------------------------------------------------------------------------------------- Excel import jobs


def import_job_path(job: "ImportJob", filename: str) -> str:
    # A random name: the original (often Chinese) file name is kept in ``original_name`` only.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """One upload of an Excel template (docs/import-template.md) — households and members, or yearly income
    (``kind``): validated, previewed, then committed all or nothing by ``households.imports.services``."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="household_imports"
    )
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("导入区划"), on_delete=models.PROTECT, related_name="household_imports"
    )
    kind = models.CharField(_("导入内容"), max_length=16, choices=ImportKind.choices, default=ImportKind.HOUSEHOLDS)
    # When the current step's task was handed to the broker; empty while unsent (core.dispatch resends it).
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=import_job_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{"row": 17, "column": "身份证号", "message": …}]
    summary = models.JSONField(_("统计"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户导入")
        verbose_name_plural = _("农户导入")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportJobStatus.UPLOADED, ImportJobStatus.VALIDATING, ImportJobStatus.COMMITTING)


# ------------------------------------------------------------------------------------------- the facts read model


class HouseholdFacts(models.Model):
    """The derived facts of one household (``households.facts``), kept for sets: sweeps, lists, queues and
    dashboards read them instead of recomputing over the registry. Written only by ``households.facts``: set-based
    per township (nightly and before every sweep) and by every service that changes an input, in its own
    transaction. Never edited by hand; a missing or stale row is recomputed, never trusted over the registry: a
    save of any input marks its household ``stale`` (``households.facts.watch``)."""

    # No database constraints: the rows are rebuilt from the registry, and checking three foreign keys on every
    # row of a township's refresh costs more than computing it.
    household = models.OneToOneField(
        Household,
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="facts",
        db_constraint=False,
    )
    managing_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("管理地"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    co_managing_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("协同管理地"),
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    active = models.BooleanField(_("在册"), default=True)
    computed_on = models.DateField(_("计算日期"))
    # Members (SPEC §2.1, §2.5): present members who count, and counts of present members by condition.
    size = models.PositiveSmallIntegerField(_("家庭人口"), default=0)
    present = models.PositiveSmallIntegerField(_("在户人数"), default=0)
    school_age = models.PositiveSmallIntegerField(_("义务教育适龄人数"), default=0)
    school_age_out = models.PositiveSmallIntegerField(_("义务教育适龄未在校人数"), default=0)
    uninsured = models.PositiveSmallIntegerField(_("未参加基本医保人数"), default=0)
    seriously_ill = models.PositiveSmallIntegerField(_("大病重病人数"), default=0)
    chronically_ill = models.PositiveSmallIntegerField(_("慢性病人数"), default=0)
    confirmed_ill = models.PositiveSmallIntegerField(_("经确诊大病人数"), default=0)
    severely_disabled = models.PositiveSmallIntegerField(_("一二级残疾人数"), default=0)
    lost_self_care = models.PositiveSmallIntegerField(_("失能人数"), default=0)
    can_work = models.PositiveSmallIntegerField(_("有劳动能力人数"), default=0)
    stably_employed = models.PositiveSmallIntegerField(_("稳定就业人数"), default=0)
    working = models.PositiveSmallIntegerField(_("务工就业人数"), default=0)
    college_students = models.PositiveSmallIntegerField(_("高校在校生人数"), default=0)
    disabled_main_labourers = models.PositiveSmallIntegerField(_("因残丧失劳动力的主要劳动力"), default=0)
    heads = models.PositiveSmallIntegerField(_("户主人数"), default=0)
    vulnerable = models.PositiveSmallIntegerField(_("老弱病残人数"), default=0)
    # Flags in force (SPEC §2.4), one bit per kind (households.facts.FLAG_BITS).
    flags = models.BigIntegerField(_("在用标识"), default=0)
    special_identities = models.PositiveSmallIntegerField(_("特殊身份数"), default=0)
    # Income (SPEC §3.1–§3.6): the window of the income summary, and the calendar year before.
    income_window = models.CharField(_("收入计算期"), max_length=24, blank=True)
    income_months = models.PositiveSmallIntegerField(_("收入覆盖月数"), default=0)
    net_income = models.DecimalField(_("家庭纯收入"), max_digits=14, decimal_places=2, null=True)
    per_capita = models.DecimalField(_("人均纯收入"), max_digits=14, decimal_places=2, null=True)
    line = models.DecimalField(_("监测标准"), max_digits=12, decimal_places=2, null=True)
    line_position = models.CharField(_("收入位置"), max_length=8, default="unknown")
    exit_income_met = models.BooleanField(_("收入达到风险消除标准"), null=True)
    net_last_year = models.DecimalField(_("上年度家庭纯收入"), max_digits=14, decimal_places=2, null=True)
    policy_last_year = models.DecimalField(_("上年度政策性转移收入"), max_digits=14, decimal_places=2, null=True)
    # Hardship (SPEC §3.3).
    rigid_total = models.DecimalField(_("刚性支出"), max_digits=14, decimal_places=2, default=0)
    medical_oop = models.DecimalField(_("医疗自付"), max_digits=14, decimal_places=2, default=0)
    disaster_loss = models.DecimalField(_("因灾损失"), max_digits=14, decimal_places=2, default=0)
    epidemic_cost = models.DecimalField(_("因疫支出"), max_digits=14, decimal_places=2, default=0)
    emergency_cost = models.DecimalField(_("意外事故和重大变故支出"), max_digits=14, decimal_places=2, default=0)
    sudden_cost = models.DecimalField(_("突发事件支出"), max_digits=14, decimal_places=2, default=0)
    net_current = models.DecimalField(_("本期纯收入"), max_digits=14, decimal_places=2, null=True)
    net_previous = models.DecimalField(_("上期纯收入"), max_digits=14, decimal_places=2, null=True)
    business_current = models.DecimalField(_("本期经营净收入"), max_digits=14, decimal_places=2, null=True)
    business_previous = models.DecimalField(_("上期经营净收入"), max_digits=14, decimal_places=2, null=True)
    work_current = models.DecimalField(_("本期工资和经营净收入"), max_digits=14, decimal_places=2, null=True)
    work_previous = models.DecimalField(_("上期工资和经营净收入"), max_digits=14, decimal_places=2, null=True)
    rigid_exceeds_income = models.BooleanField(_("刚性支出超过上年度收入"), null=True)
    sharp_income_drop = models.BooleanField(_("收入大幅缩减"), null=True)
    large_medical_oop = models.BooleanField(_("医疗自付较大"), null=True)
    business_loss = models.BooleanField(_("经营收入大幅下降"), null=True)
    work_income_drop = models.BooleanField(_("工资和经营收入大幅下降"), null=True)
    # Monitoring (SPEC §4.11): the open episode's status, else the last closed one's.
    monitoring_status = models.CharField(_("监测状态"), max_length=32, blank=True)
    monitoring_category = models.CharField(_("监测类别"), max_length=24, blank=True)
    entry_open = models.BooleanField(_("有在办的纳入监测申请"), default=False)
    # Risks (SPEC §4.3): the day the earliest risk still open on the day was found; empty without an open risk.
    risk_open_since = models.DateField(_("最早未消除风险发现日期"), null=True)
    # "Two assurances, three guarantees" (SPEC §2.5).
    education_ok = models.BooleanField(_("义务教育有保障"), default=True)
    medical_ok = models.BooleanField(_("基本医疗有保障"), default=True)
    housing_ok = models.BooleanField(_("住房安全有保障"), default=True)
    latest_check_on = models.DateField(_("最近核查日期"), null=True)
    latest_check_ok = models.BooleanField(_("最近核查全部达标"), null=True)
    latest_water_ok = models.BooleanField(_("最近核查饮水安全"), null=True)
    guarantees_secure = models.BooleanField(_("两不愁三保障巩固"), default=False)
    # Visits (SPEC §4.13): overdue while ``visit_due_on`` < today.
    last_visit_on = models.DateField(_("最近走访日期"), null=True)
    visit_class = models.CharField(_("走访周期类别"), max_length=16, blank=True)
    visit_due_on = models.DateField(_("应走访日期"), null=True)
    # The paired assistance cadre (SPEC §1.6), the first of several.
    paired_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶责任人"),
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # households_facts_cadre_due leads with it
    )

    # An input changed through a path that saved it (a form, the admin, a factory) after this row was computed:
    # set by ``households.facts.watch``'s signals, cleared by the next refresh of the household.
    stale = models.BooleanField(_("待重算"), default=False, db_default=False)

    class Meta:
        verbose_name = _("农户派生数据")
        verbose_name_plural = _("农户派生数据")
        default_permissions = ("view",)
        indexes = [
            # Every set reader narrows to an area first (a township's sweep, a village's counters); overdue visits
            # are a range on the due date within it, for an area or for a paired cadre.
            models.Index(fields=["managing_area", "visit_due_on"], name="households_facts_area_due"),
            models.Index(fields=["paired_cadre", "visit_due_on"], name="households_facts_cadre_due"),
            # A sweep refreshes only what changed since its township's refresh of the day.
            models.Index(fields=["managing_area"], condition=models.Q(stale=True), name="households_facts_stale"),
            # The home page's two to-do lists, "income not recorded" and "no head": a few households of a county,
            # found among a province's facts by these (a county's count: 0.8 ms; 230 ms scanning every facts row).
            models.Index(
                fields=["household"], condition=models.Q(net_last_year__isnull=True), name="households_facts_no_income"
            ),
            models.Index(fields=["household"], condition=models.Q(heads=0), name="households_facts_no_head"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.computed_on}"


class FactsRefresh(models.Model):
    """One set-based refresh of the facts of an area's households: how fresh the facts of a place are."""

    area = models.ForeignKey("geo.AdminArea", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("计算日期"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"))
    households = models.PositiveIntegerField(_("农户数"), default=0)
    changed = models.PositiveIntegerField(_("更新户数"), default=0)
    # The settings the facts were computed with (``FactContext.key``): a refresh of the day with other settings
    # (an administrator changed a parameter or the line since) is not a refresh of today's facts.
    context_key = models.CharField(_("参数摘要"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("派生数据刷新")
        verbose_name_plural = _("派生数据刷新")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["area", "-finished_at"], name="households_facts_refresh_area")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.on}"


# ------------------------------------------------------------------------------------------- a household's life


class VillageMerge(models.Model):
    """One county step that moves every household of a merged (retired) village to its successor (撤并村, SPEC §1.1
    "Divisions change", §15 C-20); each household moved gets its own transfer event pointing here."""

    village = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("撤并村"), on_delete=models.PROTECT, related_name="household_merges"
    )
    successor = models.ForeignKey("geo.AdminArea", verbose_name=_("并入村"), on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(_("迁转户数"), default=0)
    reason = models.TextField(_("原因"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    objects = VillageMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("撤并村农户迁转")
        verbose_name_plural = _("撤并村农户迁转")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)  # written by households.services.life only

    def __str__(self) -> str:
        return f"{self.village} → {self.successor}"


class HouseholdEvent(models.Model):
    """Append-only record of a household's life (SPEC §2.6): an area changed (a new managing area is a transfer,
    迁转), members split off (分户) or merged in (并户). Who, when, from, to and why; the registry fields themselves
    are versioned by django-simple-history. A transfer also keeps the household readable where it came from
    (``HouseholdQuerySet.visible_to``)."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=16, choices=LifeEventKind.choices)
    area_field = models.CharField(_("变更区划"), max_length=20, choices=AreaField.choices, blank=True)
    from_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("原区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by households_event_left_area (transfers) below
    )
    to_area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("新区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_text = models.CharField(_("原区划（区外）"), max_length=200, blank=True)
    to_text = models.CharField(_("新区划（区外）"), max_length=200, blank=True)
    other_household = models.ForeignKey(
        Household,
        verbose_name=_("相关农户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    village_merge = models.ForeignKey(
        VillageMerge,
        verbose_name=_("撤并村迁转"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # What moved with the event: {"members": {old member id: new member id}, "incomes": [...], "cases": {...}}.
    detail = models.JSONField(_("明细"), default=dict, blank=True)
    reason = models.TextField(_("原因"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    objects = HouseholdEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户变动记录")
        verbose_name_plural = _("农户变动记录")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)  # append-only, written by households.services.life
        indexes = [
            models.Index(fields=["household", "-at"], name="households_event_household"),
            # visible_to reads the households that left a territory: transfers only, by the area they left.
            models.Index(
                fields=["from_area", "household"],
                condition=models.Q(kind="transfer"),
                name="households_event_left_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.at:%Y-%m-%d}"
