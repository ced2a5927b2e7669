"""The demo plan's values: the county, the demo logins, and the plain frozen seeds (areas, households, members,
incomes, flags, visits, accounts) that ``demo.load`` writes, comparable with ==."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from accounts.roles import Role
from demo import names
from geo.codes import AreaLevel, prefix_of
from households.choices import (
    HousingSafety,
    MemberStatus,
    MigrantType,
    SchoolingStatus,
    SelfCare,
)

# Short on purpose: typed by hand in demos. Every demo login shares it, the superuser too: never load real data next
# to the demo.
DEMO_PASSWORD: Final = "demo12345"  # noqa: S105
DEFAULT_SEED: Final = 2021
DEFAULT_HOUSEHOLDS: Final = 3000
MAX_HOUSEHOLDS: Final = 100_000
CHANGE_REASON: Final = "演示数据"

PROVINCE: Final = ("640000000000", "宁夏回族自治区")
CITY: Final = ("640300000000", "吴忠市")
COUNTY: Final = ("640324000000", "同心县")
COUNTY_CODE: Final = COUNTY[0]
AREA6: Final = prefix_of(
    COUNTY_CODE, AreaLevel.COUNTY
)  # ID numbers of people first registered in the county start with this

ADMIN_USERNAME: Final = "admin"
_FIXED_USERNAMES: Final = (
    "village",
    "cadre",
    "township",
    "county",
    "screener",
    "finance",
    "projunit",
    "report",
    "supervisor",
    "useradmin",
    "sysadmin",
)
TOWNSHIP_USERNAMES: Final = tuple(f"township{n:02d}" for n in range(1, len(names.TOWNSHIP_NAMES) + 1))
# Every login the loader creates, in the order the logins table lists them.
DEMO_USERNAMES: Final = (*_FIXED_USERNAMES, *TOWNSHIP_USERNAMES, ADMIN_USERNAME)
PAIRED_PER_TOWNSHIP: Final = 4  # the demo assistance cadre gets 4 + 4 households from two townships

_CENT: Final = Decimal("0.01")
_STUDYING: Final = frozenset(
    {
        SchoolingStatus.SENIOR,
        SchoolingStatus.SECONDARY_VOCATIONAL,
        SchoolingStatus.HIGHER_VOCATIONAL,
        SchoolingStatus.UNDERGRADUATE_PLUS,
        SchoolingStatus.SPECIAL_SCHOOL,
        SchoolingStatus.HOME_TEACHING,
    }
)


# ---------------------------------------------------------------------------------------------------------------
# The plan: plain frozen values, comparable with ==
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSeed:
    code: str
    name: str


@dataclass(frozen=True)
class MemberSeed:
    name: str
    id_number: str
    gender: str
    birth_date: datetime.date
    ethnicity: str
    relationship: str
    member_status: str
    status_changed_on: datetime.date | None
    health_status: str
    labour_capacity: str
    schooling_status: str
    # The details below are drawn after the family (``_member_details``); the defaults are the model's. Every field
    # of this class is a ``HouseholdMember`` field of the same name.
    illness_confirmed_by_institution: bool = False
    chronic_conditions: tuple[str, ...] = ()
    in_37_disease_scheme: bool = False
    disability_category: str = ""
    disability_grade: int | None = None
    disability_certificate_no: str = ""
    self_care: str = SelfCare.INDEPENDENT
    is_main_labourer: bool = False
    employment_status: str = ""
    employment_place: str = ""
    employment_months_this_year: int = 0
    labour_contract: bool = False
    social_insurance_paid: bool = False
    employment_difficulty: bool = False
    medical_insurance_enrolled: bool = True
    medical_premium_subsidy: str = ""
    critical_illness_insurance: bool = True
    medical_assistance_eligible: bool = False
    pension_enrolled: bool = False
    pension_grade: int | None = None
    pension_paid_by_government: bool = False
    is_post_school_youth: bool = False

    @property
    def counts_in_household(self) -> bool:
        return self.member_status == MemberStatus.PRESENT


@dataclass(frozen=True)
class IncomeSeed:
    year: int
    wage_income: Decimal
    business_income: Decimal
    business_expense: Decimal
    property_income: Decimal
    transfer_income: Decimal

    @property
    def net_income(self) -> Decimal:
        business_net = self.business_income - self.business_expense
        return self.wage_income + business_net + self.property_income + self.transfer_income


@dataclass(frozen=True)
class FlagSeed:
    kind: str  # a HouseholdFlagKind
    valid_from: datetime.date
    note: str = ""


@dataclass(frozen=True)
class VisitSeed:
    """A visit (SPEC §4.13) and what its guarantee check saw (§2.5). Education, medical insurance and housing are
    not here: ``demo.load`` derives them from the registry as ``visit_record`` does, so they cannot disagree."""

    visited_on: datetime.date
    kind: str
    recorded_by: str  # the username of one of ``DemoPlan.accounts``
    notes: str
    companions: str = ""
    income_change: str = ""
    member_change: str = ""
    needs: str = ""
    risk_found: bool = False
    risk_note: str = ""
    next_visit_on: datetime.date | None = None
    water_quantity_ok: bool = True
    water_quality_ok: bool = True
    water_access_ok: bool = True
    water_reliability_ok: bool = True
    water_note: str = ""


@dataclass(frozen=True)
class HouseholdDetails:
    """Registry fields of SPEC §2.1; each is a ``Household`` field of the same name, and the defaults are the
    model's."""

    registered_poor_since: int | None = None
    exit_year: int | None = None
    destitute_mode: str = ""
    relocation_batch: str = ""
    resettlement_site: str = ""
    migrant_type: str = MigrantType.NONE
    hukou_moved: bool = False
    has_residence_permit: bool = False
    land_rights_confirmed: bool = False
    contracted_land_mu: Decimal | None = None
    forest_land_mu: Decimal | None = None
    housing_safety: str = HousingSafety.SAFE
    housing_remedy: str = ""
    water_supply_type: str = ""
    toilet_type: str = ""
    cooperative_member: bool = False
    bank_name: str = ""
    bank_account: str = ""
    account_holder_name: str = ""
    risk_flagged_on: datetime.date | None = None
    risk_note: str = ""


@dataclass(frozen=True)
class HouseholdSeed:
    household_no: str
    village_code: str
    hukou_village_code: str  # another township's village for a self-migrant (SPEC §1.5), else the village itself
    address: str
    phone: str
    members: tuple[MemberSeed, ...]  # the head first
    incomes: tuple[IncomeSeed, ...]
    details: HouseholdDetails = HouseholdDetails()
    flags: tuple[FlagSeed, ...] = ()
    visits: tuple[VisitSeed, ...] = ()  # oldest first

    @property
    def head_name(self) -> str:
        return self.members[0].name

    @property
    def is_self_migrant(self) -> bool:
        return self.hukou_village_code != self.village_code

    @property
    def flag_kinds(self) -> frozenset[str]:
        return frozenset(f.kind for f in self.flags)

    @property
    def present_members(self) -> list[MemberSeed]:
        return [m for m in self.members if m.member_status == MemberStatus.PRESENT]


@dataclass(frozen=True)
class AccountSeed:
    username: str
    full_name: str
    role: Role | None  # None: the superuser
    area_code: str | None
    unit_name: str = ""
    department: str = ""
    is_staff: bool = False


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    today: datetime.date
    townships: tuple[AreaSeed, ...]
    villages: tuple[AreaSeed, ...]
    households: tuple[HouseholdSeed, ...]
    paired_household_nos: tuple[str, ...]
    accounts: tuple[AccountSeed, ...]

    @property
    def member_count(self) -> int:
        return sum(len(h.members) for h in self.households)

    @property
    def visit_count(self) -> int:
        return sum(len(h.visits) for h in self.households)
