"""The world of the URL audit: two complete chains province → village with one of every object in each, and
the routes of the app. Shared by the access matrix (tests/test_url_audit.py) and the width check
(tests/web/test_fit_every_page.py), so a new route or model is taught once."""

import datetime
import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.grants import household_grant_to_cadre
from accounts.models import User
from accounts.roles import ROLE_LEVELS, Role
from funds.models import FundAllocation, FundBatch
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.models import (
    AssistancePairing,
    Household,
    HouseholdFlag,
    HouseholdMember,
    ImportJob,
    IncomeRecord,
    RiskFlag,
    Visit,
    VisitPhoto,
)
from ledgers.models import ExportStatus, FrozenLedger, LedgerExport, Reconciliation
from monitoring.models import EliminationCase, EntryApplication, MonitoringSubject, PublicNotice
from national.models import NationalEntry
from notifications.models import Notification
from notifications.services import notify
from projects.models import (
    AssetIncome,
    PerformanceTarget,
    Project,
    ProjectAsset,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectDisclosure,
    ProjectFunding,
)
from sweeps.models import (
    Campaign,
    CampaignPart,
    ChecklistItem,
    Problem,
    RiskEvent,
    ScreeningBatch,
    ScreeningWarning,
    SweepRun,
)
from tests.factories import (
    CityFactory,
    CountyFactory,
    HouseholdFactory,
    IncomeFactory,
    MemberFactory,
    ProvinceFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)
from tests.worlds import credit as credit_world
from tests.worlds import employment as employment_world
from tests.worlds import insurance as insurance_world
from tests.worlds import welfare_posts as welfare_posts_world

# Adding a name here is a reviewed decision: these routes show nothing tied to a place.
NOT_PLACE_BOUND = {
    "login",
    "logout",
    "set_language",
    "api:api-root",
    "api:auth-token",
    "api-schema",
    "api-docs",
    "sweeps:rule-catalogue",  # the rule catalogue is the same for everyone
    "sweeps:screening-template",  # an empty template
    # The user's own second factor: signing in, not data of a place (a session without it is sent on).
    "two-factor-setup",
    "two-factor-verify",
    "two-factor-remove",
    # The phone app's shell, service worker and manifest: the same for everyone, holding no one's data (the
    # households come from the scoped offline API), and opened with no login so they work with no signal.
    "offline:shell",
    "offline:service-worker",
    "offline:manifest",
}


def _routes(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback, prefix + str(entry.pattern)


def app_routes() -> list[tuple[str, Any, str]]:
    return [
        (name, view, pattern)
        for name, view, pattern in _routes(get_resolver())
        if not name.startswith("admin:") and "format" not in pattern  # DRF's ".json" twins of the same views
    ]


def view_class_of(view: Callable[..., Any]) -> Any:
    return getattr(view, "cls", None) or getattr(view, "view_class", None)


class World:
    """Two complete chains province → village, one household in each village. Everything of chain A is "own",
    everything of chain B is "foreign"; every role is placed at its level in chain A."""

    def __init__(self) -> None:
        self.chain_a = self._chain("甲")
        self.chain_b = self._chain("乙")
        self.household_a = HouseholdFactory(managing_area=self.chain_a[AreaLevel.VILLAGE], head_name="甲本户主")
        self.household_b = HouseholdFactory(managing_area=self.chain_b[AreaLevel.VILLAGE], head_name="乙外户主")
        self.member_a = MemberFactory(household=self.household_a, name="甲本成员")
        self.member_b = MemberFactory(household=self.household_b, name="乙外成员")
        incomes = [IncomeFactory(household=h) for h in (self.household_a, self.household_b)]
        flags = [
            HouseholdFlag.objects.create(household=h, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))
            for h in (self.household_a, self.household_b)
        ]
        photos = [self._photo(h) for h in (self.household_a, self.household_b)]
        self.objects: dict[type, tuple[Any, Any]] = {
            Household: (self.household_a, self.household_b),
            HouseholdMember: (self.member_a, self.member_b),
            AdminArea: (self.chain_a[AreaLevel.VILLAGE], self.chain_b[AreaLevel.VILLAGE]),
            HouseholdFlag: tuple(flags),
            VisitPhoto: tuple(photos),
            IncomeRecord: tuple(incomes),
            Visit: tuple(photo.visit for photo in photos),
            RiskFlag: tuple(self._risk(photo.visit) for photo in photos),
            ImportJob: tuple(self._import_job(h.managing_area) for h in (self.household_a, self.household_b)),
            EntryApplication: tuple(self._application(h) for h in (self.household_a, self.household_b)),
            MonitoringSubject: tuple(self._subject(h) for h in (self.household_a, self.household_b)),
        }
        self.objects[EliminationCase] = tuple(self._elimination(s) for s in self.objects[MonitoringSubject])
        self.objects[PublicNotice] = tuple(self._notice(c) for c in self.objects[EliminationCase])
        self.objects[NationalEntry] = tuple(self._national_entry(s) for s in self.objects[MonitoringSubject])
        self.objects[SweepRun] = tuple(self._run(chain[AreaLevel.COUNTY]) for chain in (self.chain_a, self.chain_b))
        self.objects[ScreeningBatch] = tuple(
            self._batch(chain[AreaLevel.COUNTY]) for chain in (self.chain_a, self.chain_b)
        )
        self.objects[ScreeningWarning] = tuple(
            self._warning(member, batch)
            for member, batch in zip((self.member_a, self.member_b), self.objects[ScreeningBatch], strict=True)
        )
        self.objects[Campaign] = tuple(self._campaign(chain) for chain in (self.chain_a, self.chain_b))
        self.objects[CampaignPart] = tuple(c.parts.get(area__level=AreaLevel.VILLAGE) for c in self.objects[Campaign])
        self.objects[ChecklistItem] = tuple(part.items.get() for part in self.objects[CampaignPart])
        self.objects[Problem] = tuple(
            self._problem(h, run)
            for h, run in zip((self.household_a, self.household_b), self.objects[SweepRun], strict=True)
        )
        self.objects[RiskEvent] = tuple(self._risk_event(chain) for chain in (self.chain_a, self.chain_b))
        self._projects()
        self.objects[FrozenLedger] = tuple(
            self._frozen(chain[AreaLevel.VILLAGE]) for chain in (self.chain_a, self.chain_b)
        )
        # An account in each chain's village: a county administrator opens only their own county's.
        # A paired assistance cadre of each chain's household (SPEC §1.6): the pairing page ends own pairings only.
        self.objects[AssistancePairing] = tuple(
            AssistancePairing.objects.create(
                household=h,
                cadre=UserFactory(roles=[Role.ASSISTANCE_CADRE], area=h.managing_area),
                unit=f"{mark}帮扶单位",
                valid_from=datetime.date(2026, 1, 1),
            )
            for h, mark in ((self.household_a, "甲本"), (self.household_b, "乙外"))
        )
        self.objects[User] = tuple(
            UserFactory(roles=[Role.VILLAGE_WORKER], area=chain[AreaLevel.VILLAGE], last_name=name)
            for chain, name in ((self.chain_a, "甲村文书"), (self.chain_b, "乙外文书"))
        )
        b = self.chain_b[AreaLevel.VILLAGE]
        self.foreign_markers = [
            "乙外文书",
            "乙外项目",
            self.household_b.household_no,
            "乙外户主",
            "乙外成员",
            "乙外帮扶单位",
            b.code,
            b.name,
            b.parent.name,
        ]
        # The support programmes' records (SPEC §11), one module each.
        for programme in (credit_world, insurance_world, employment_world, welfare_posts_world):
            self.objects.update(programme.build(self))

    def _projects(self) -> None:
        """A project of each chain with its file, an asset with an income, a fund batch with an allocation."""
        rows: dict[type, list[Any]] = {}
        for mark, chain, household in (
            ("甲本", self.chain_a, self.household_a),
            ("乙外", self.chain_b, self.household_b),
        ):
            clerk = UserFactory(area=None)
            project = Project.objects.create(
                code=f"XM-{mark}", name=f"{mark}项目", year=2026, category=ProjectCategory.objects.get(code="0101"),
                area=chain[AreaLevel.VILLAGE], implementing_unit="镇政府", content="圈棚",
                planned_start=datetime.date(2026, 4, 1), planned_end=datetime.date(2026, 10, 1), created_by=clerk,
                status="evaluated",
            )  # fmt: skip
            ProjectFunding.objects.create(project=project, source="central_linkage", amount=Decimal("1000.00"))
            asset = ProjectAsset.objects.create(
                project=project, code=f"ZC-{mark}", name=f"{mark}圈棚", asset_class="industry", nature="operating",
                area=chain[AreaLevel.VILLAGE], owner_kind="village_collective", owner_name="村集体",
                operating_mode="lease", value=Decimal("1000.00"), transferred_on=datetime.date(2026, 10, 2),
            )  # fmt: skip
            batch = FundBatch.objects.create(
                county=chain[AreaLevel.COUNTY], year=2026, level="central", source="central_linkage",
                category="consolidation_revitalization", document_no=f"{mark}文", amount=Decimal("5000.00"),
                issued_on=datetime.date(2026, 1, 5), created_by=clerk,
            )  # fmt: skip
            for model, row in (
                (Project, project),
                (PerformanceTarget, PerformanceTarget.objects.create(
                    project=project, indicator="圈棚", target_value="1")),
                (ProjectBeneficiary, ProjectBeneficiary.objects.create(
                    project=project, household=household, linkage_mode="employment")),
                (ProjectDisclosure, ProjectDisclosure.objects.create(
                    project=project, stage="village_application", places="公示栏", starts_on=datetime.date(2026, 2, 1),
                    ends_on=datetime.date(2026, 2, 8), posted_by=clerk)),
                (ProjectAsset, asset),
                (AssetIncome, AssetIncome.objects.create(
                    asset=asset, period="2026", amount=Decimal("10.00"), received_on=datetime.date(2026, 11, 1))),
                (FundBatch, batch),
                (FundAllocation, FundAllocation.objects.create(
                    batch=batch, project=project, use="industry_development", amount=Decimal("1000.00"),
                    allocated_on=datetime.date(2026, 2, 1), created_by=clerk)),
            ):  # fmt: skip
                rows.setdefault(model, []).append(row)
        for model, (own, foreign) in rows.items():
            self.objects[model] = (own, foreign)

    @staticmethod
    def _frozen(village: AdminArea) -> FrozenLedger:
        content = b"PK\x03\x04"
        owner = UserFactory(area=None)
        export = LedgerExport.objects.create(
            owner=owner, ledger="L-04", title="走访台账", area=village, status=ExportStatus.DONE,
            sha256=hashlib.sha256(content).hexdigest(),
        )  # fmt: skip
        export.file.save("frozen.xlsx", ContentFile(content), save=True)
        return FrozenLedger.objects.create(
            ledger="L-04", title="走访台账", area=village, period="2026-10", start=datetime.date(2026, 10, 1),
            end=datetime.date(2026, 10, 31), export=export, frozen_by=owner,
        )  # fmt: skip

    @staticmethod
    def _risk(visit: Visit) -> RiskFlag:
        return RiskFlag.objects.create(
            household=visit.household,
            risk_type="illness",
            source="visit",
            visit=visit,
            found_on=visit.visited_on,
            evidence="户主患病住院",
        )

    @staticmethod
    def _photo(household: Household) -> VisitPhoto:
        visit = Visit.objects.create(
            household=household, visited_on=datetime.date(2026, 1, 5), recorded_by=UserFactory(area=None)
        )
        photo = VisitPhoto(visit=visit, content_type="image/png", size=8, sha256="0" * 64)
        photo.image.save("p.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
        photo.save()
        return photo

    @staticmethod
    def _import_job(area: AdminArea) -> ImportJob:
        job = ImportJob(created_by=UserFactory(area=area), area=area, original_name="农户.xlsx", status="validated")
        job.file.save("import.xlsx", ContentFile(b"PK\x03\x04"), save=False)
        job.save()
        return job

    @staticmethod
    def _application(household: Household, state: str = "reported") -> EntryApplication:
        return EntryApplication.objects.create(
            state=state,
            household=household,
            channel="cadre_screening",
            proposed_category="marginal_at_risk",
            risk_types=["illness"],
            reason="因病",
            reported_by=UserFactory(area=None),
            reported_on=datetime.date(2026, 11, 1),
        )

    @classmethod
    def _subject(cls, household: Household) -> MonitoringSubject:
        application = cls._application(household, state="registered")
        return MonitoringSubject.objects.create(
            household=household,
            application=application,
            category="marginal_at_risk",
            entered_on=datetime.date(2026, 11, 2),
        )

    @staticmethod
    def _elimination(subject: MonitoringSubject) -> EliminationCase:
        return EliminationCase.objects.create(
            subject=subject, proposal="收入稳定", opened_by=UserFactory(area=None), opened_on=datetime.date(2026, 11, 3)
        )

    @staticmethod
    def _national_entry(subject: MonitoringSubject) -> NationalEntry:
        return NationalEntry.objects.create(
            kind="subject_entry",
            subject=subject,
            national_record_no=f"QG-{subject.pk}",
            entered_on=datetime.date(2026, 11, 3),
            recorded_by=UserFactory(area=None),
        )

    @staticmethod
    def _notice(case: EliminationCase) -> PublicNotice:
        return PublicNotice.objects.create(
            household=case.subject.household,
            elimination=case,
            stage="elimination_village",
            places="公示栏",
            starts_on=datetime.date(2026, 11, 4),
            ends_on=datetime.date(2026, 11, 8),
            posted_by=UserFactory(area=None),
        )

    @staticmethod
    def _batch(county: AdminArea) -> ScreeningBatch:
        batch = ScreeningBatch(
            department="health",
            area=county,
            period="2026-Q3",
            uploaded_by=UserFactory(area=None),
            original_name="x.xlsx",
        )
        batch.file.save("x.xlsx", ContentFile(b"PK\x03\x04"), save=False)
        batch.save()
        return batch

    @staticmethod
    def _warning(member: HouseholdMember, batch: ScreeningBatch) -> ScreeningWarning:
        return ScreeningWarning.objects.create(
            batch=batch,
            department="health",
            period="2026-Q3",
            member=member,
            household=member.household,
            event_type="serious_illness",
            event_label="确诊大病重病",
            match_kind="candidate",
            issued_on=datetime.date(2026, 11, 5),
            feedback_due_on=datetime.date(2026, 11, 20),
        )

    @staticmethod
    def _campaign(chain: dict[str, AdminArea]) -> Campaign:
        campaign = Campaign.objects.create(
            county=chain[AreaLevel.COUNTY],
            kind="centralized",
            name="集中排查",
            starts_on=datetime.date(2026, 11, 1),
            ends_on=datetime.date(2026, 11, 30),
            opened_by=UserFactory(area=None),
        )
        township = CampaignPart.objects.create(campaign=campaign, area=chain[AreaLevel.TOWNSHIP])
        village = CampaignPart.objects.create(campaign=campaign, area=chain[AreaLevel.VILLAGE], parent=township)
        ChecklistItem.objects.create(part=village, rule_id="FC-SHORT-SERVICE-02", question="是否有村卫生室")
        return campaign

    @staticmethod
    def _risk_event(chain: dict[str, AdminArea]) -> RiskEvent:
        """A flood over the chain's village, which hit its household (SPEC §4.12)."""
        event = RiskEvent.objects.create(
            kind="flood_drought",
            name="洪涝灾害",
            county=chain[AreaLevel.COUNTY],
            starts_on=datetime.date(2026, 7, 8),
            visit_due_on=datetime.date(2026, 7, 23),
            recorded_by=UserFactory(area=None),
        )
        event.areas.set([chain[AreaLevel.VILLAGE]])
        event.affected_households.set(Household.objects.filter(managing_area=chain[AreaLevel.VILLAGE]))
        return event

    @staticmethod
    def _run(county: AdminArea) -> SweepRun:
        return SweepRun.objects.create(kind="centralized", county=county, run_on=datetime.date(2026, 11, 5))

    @staticmethod
    def _problem(household: Household, run: SweepRun) -> Problem:
        village = household.managing_area
        return Problem.objects.create(
            rule_id="FC-GAP-MISSED-REG-01",
            rule_version=1,
            category="gap_filling",
            gap_type="missed_registration",
            title="收入低于监测标准但未纳入监测",
            subject_kind="household",
            subject_key=f"household:{household.pk}",
            household=household,
            area=village,
            township=village.parent,
            area_code=village.code,
            detected_on=run.run_on,
            first_run=run,
            last_seen_run=run,
            last_seen_on=run.run_on,
            deadline=datetime.date(2026, 12, 5),
        )

    @staticmethod
    def _chain(mark: str) -> dict[str, AdminArea]:
        province = ProvinceFactory(name=f"{mark}省")
        city = CityFactory(parent=province, name=f"{mark}市")
        county = CountyFactory(parent=city, name=f"{mark}县")
        township = TownshipFactory(parent=county, name=f"{mark}镇")
        village = VillageFactory(parent=township, name=f"{mark}村")
        return {
            AreaLevel.PROVINCE: province,
            AreaLevel.CITY: city,
            AreaLevel.COUNTY: county,
            AreaLevel.TOWNSHIP: township,
            AreaLevel.VILLAGE: village,
        }

    def user(self, role: Role, chain: dict[str, AdminArea]) -> Any:
        level = next(
            lvl
            for lvl in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY, AreaLevel.CITY, AreaLevel.PROVINCE)
            if lvl in ROLE_LEVELS[role]
        )
        user = UserFactory(roles=[role], area=chain[level], department="health")
        if role == Role.ASSISTANCE_CADRE and chain is self.chain_a:
            household_grant_to_cadre(household=self.household_a, cadre=user)
        # Every user has a notification about their own chain's household: the own user opens theirs, never the
        # other's (a notification is its recipient's only).
        household = self.household_a if chain is self.chain_a else self.household_b
        (notification,) = notify(
            recipients=[user],
            topic="entry",
            title=str(household),
            url=household.get_absolute_url(),
            area_code=household.managing_area.code,
        )
        own, foreign = self.objects.get(Notification, (None, None))
        self.objects[Notification] = (notification, foreign) if chain is self.chain_a else (own, notification)
        # And a finished ledger export of their own: only its owner opens and downloads it.
        export = LedgerExport.objects.create(
            owner=user, ledger="L-01", title="监测对象台账", area=chain[level], status=ExportStatus.DONE
        )
        export.file.save("ledger.xlsx", ContentFile(b"PK\x03\x04"), save=True)
        own, foreign = self.objects.get(LedgerExport, (None, None))
        self.objects[LedgerExport] = (export, foreign) if chain is self.chain_a else (own, export)
        # And a reconciliation with the national system, also its owner's only.
        record = Reconciliation.objects.create(owner=user, area=chain[level], original_name="全国系统.xlsx")
        record.report.save("report.xlsx", ContentFile(b"PK\x03\x04"), save=True)
        own, foreign = self.objects.get(Reconciliation, (None, None))
        self.objects[Reconciliation] = (record, foreign) if chain is self.chain_a else (own, record)
        return user


def model_of(view: Any, view_class: Any) -> type | None:
    if view_class is None:
        return getattr(view, "audit_model", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    return getattr(view_class, "model", None)


# GETs with an effect on the session or the account (signing out, the language, a second factor's setup): not pages.
NOT_PAGES = frozenset({"logout", "set_language", "two-factor-verify"})


def is_post_only(view: Any) -> bool:
    """A command route: a view marked ``post_only``, or a DRF route that maps no GET."""
    actions = getattr(view, "actions", None) or {}
    return getattr(view, "post_only", False) or (bool(actions) and "get" not in actions)


def plain_pages() -> list[str]:
    """The URL of every page that takes no parameter (lists, boards, forms): what the every-page tests and
    ``bench/explain_pages.py`` open."""
    return [
        reverse(name)
        for name, view, pattern in app_routes()
        if not pattern.startswith("api/") and name not in NOT_PAGES and not is_post_only(view) and "<" not in pattern
    ]
