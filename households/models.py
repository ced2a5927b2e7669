from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from households.querysets import HouseholdPartQuerySet, HouseholdQuerySet


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Relationship(models.TextChoices):
    """SPEC §2.3 ``Relationship``."""

    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    SON_IN_LAW = "son_in_law", _("之女婿")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    GRANDCHILD_VIA_DAUGHTER = "grandchild_via_daughter", _("之外孙子女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    PARENT_IN_LAW = "parent_in_law", _("之岳父母/公婆")
    GRANDPARENT = "grandparent", _("之祖父母")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")


class MemberStatus(models.TextChoices):
    """SPEC §2.3 ``MemberStatus``."""

    PRESENT = "present", _("在户")
    MOVED_OUT = "moved_out", _("迁出/分户")
    MARRIED_OUT = "married_out", _("嫁出")
    DECEASED = "deceased", _("死亡")
    ENLISTED = "enlisted", _("服兵役")
    IMPRISONED = "imprisoned", _("服刑")


class HealthStatus(models.TextChoices):
    """SPEC §2.3 ``HealthStatus``."""

    HEALTHY = "healthy", _("健康")
    CHRONIC_DISEASE = "chronic_disease", _("长期慢性病")
    SERIOUS_ILLNESS = "serious_illness", _("大病重病")
    DISABLED = "disabled", _("残疾")


class LabourCapacity(models.TextChoices):
    """SPEC §2.3 ``LabourCapacity``."""

    SKILLED = "skilled", _("技能劳动力")
    ORDINARY = "ordinary", _("普通劳动力")
    WEAK_OR_PARTIAL = "weak_or_partial", _("弱劳动力/部分丧失劳动能力")
    LOST = "lost", _("完全丧失劳动能力")
    NONE_AGE = "none_age", _("无劳动力")


class SchoolingStatus(models.TextChoices):
    """SPEC §2.3 ``SchoolingStatus``."""

    NOT_SCHOOL_AGE = "not_school_age", _("未到学龄")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("普通高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职/大专")
    UNDERGRADUATE_PLUS = "undergraduate_plus", _("本科及以上")
    HOME_TEACHING = "home_teaching", _("送教上门")
    SPECIAL_SCHOOL = "special_school", _("特教学校")
    DROPOUT = "dropout", _("失学辍学")
    EXEMPT_PHYSICAL = "exempt_physical", _("因身体原因不具备学习条件")
    LEFT_SCHOOL = "left_school", _("已离校")


class ClosedReason(models.TextChoices):
    """Why a household left the registry; it is never deleted (SPEC §2.6)."""

    ALL_DECEASED = "all_deceased", _("全户死亡")
    MOVED_OUT = "moved_out", _("整户迁出")
    MERGED = "merged", _("并户")
    SPLIT = "split", _("分户注销")
    REGISTRATION_ERROR = "registration_error", _("登记错误")


class Household(models.Model):
    """A household (户, SPEC §2.1). The issue "households" completes the registry fields."""

    household_no = models.CharField(_("户编号"), max_length=32, unique=True)
    managing_area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("管理地"), on_delete=models.PROTECT, related_name="managed_households"
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
    closed_on = models.DateField(_("注销日期"), null=True, blank=True)
    closed_reason = models.CharField(_("注销原因"), max_length=32, choices=ClosedReason.choices, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["household_no"]
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
        return f"{self.head_name}户（{self.household_no}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("households:household-detail", args=[self.pk])

    @property
    def hukou_residence_split(self) -> bool:
        """人户分离 (SPEC §0 #12)."""
        return bool(self.hukou_area_text) or (
            self.hukou_area_id is not None and self.hukou_area_id != self.residence_area_id
        )


class HouseholdMember(models.Model):
    """A household member (家庭成员, SPEC §2.2): identity, health, labour and schooling."""

    household = models.ForeignKey(
        Household, verbose_name=_("所属农户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    relationship = models.CharField(_("与户主关系"), max_length=32, choices=Relationship.choices)
    member_status = models.CharField(
        _("成员状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.PRESENT
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    counts_in_household = models.BooleanField(_("计入家庭人口"), default=True)
    health_status = models.CharField(
        _("健康状况"), max_length=20, choices=HealthStatus.choices, default=HealthStatus.HEALTHY
    )
    labour_capacity = models.CharField(_("劳动能力"), max_length=20, choices=LabourCapacity.choices)
    schooling_status = models.CharField(_("在校生状况"), max_length=24, choices=SchoolingStatus.choices)
    history = HistoricalRecords()

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]
        default_permissions = ("add", "change", "view")
        constraints = [
            # A person belongs to one household at a time (SPEC §2.6).
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(member_status="present"),
                name="households_member_unique_present_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IncomeRecord(models.Model):
    """Yearly income components of a household (SPEC §3.1); the income issue adds the computations."""

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    wage_income = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=0)
    business_income = models.DecimalField(_("生产经营性收入"), max_digits=12, decimal_places=2, default=0)
    business_expense = models.DecimalField(_("生产经营性支出"), max_digits=12, decimal_places=2, default=0)
    property_income = models.DecimalField(_("财产性收入"), max_digits=12, decimal_places=2, default=0)
    transfer_income = models.DecimalField(_("转移性收入"), max_digits=12, decimal_places=2, default=0)
    history = HistoricalRecords()

    objects = HouseholdPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["household", "-year"]
        default_permissions = ("add", "change", "view")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="households_income_one_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class IdentityDisclosure(models.Model):
    """An audit row for every view of unmasked ID or phone numbers (SPEC §1.3 scoping rule 4, §15 C-29)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT)
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT)
    channel = models.CharField(_("途径"), max_length=16)  # page | api | export
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

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
