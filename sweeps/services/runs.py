"""Sweep runs (SPEC §7.4): a county is cut into one chunk per township, each chunk applies every automatable rule as
set-based queries and reconciles the rule's hits with the open problems:

* a hit without an open problem opens one (linked to the last closed problem of the same rule and subject, if the
  condition came back);
* a hit with an open problem refreshes its "last seen";
* an open problem without a hit is marked "no longer detected" — never closed by the machine: a person closes it.

So a re-run on unchanged data opens nothing (one open problem per rule and subject is a database constraint too), a
chunk run twice (a redelivered or resumed task) finds itself done, and the run finishes when its last chunk does.
"""

from __future__ import annotations

import datetime
import logging
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any, Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core import bulk
from core.dispatch import attempt
from core.errors import DomainError
from core.lookups import AnyOf
from core.replica import reading_replica, replica_caught_up
from core.stored import source_text
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.once import reading_once
from geo.parameters import parameter
from households.facts import facts_bring_up_to_date
from notifications.selectors import users_who_take
from notifications.services import notify
from sweeps.choices import STARTABLE_SWEEP_KINDS, ProblemStatus, RunStatus, SubjectKind, SweepKind
from sweeps.models import Problem, SweepChunk, SweepRun
from sweeps.rules import AUTOMATED, BY_ID, Rule, Scope
from sweeps.rules.base import PREDICATE_SETS
from sweeps.services.event_households import risk_event_households_derive
from sweeps.tasks import sweep_chunk_task

logger = logging.getLogger(__name__)

# Where each kind of subject keeps its household, member, monitoring subject and place (values() paths).
_PATHS: Final[dict[str, dict[str, str | None]]] = {
    SubjectKind.HOUSEHOLD: {  # household rules read the facts table, whose key is the household's
        "household": "household_id",
        "member": None,
        "subject": None,
        "area": "managing_area_id",
        "area_code": "managing_area__code",
        "co_code": "co_managing_area__code",
    },
    SubjectKind.MEMBER: {  # members and subjects through their household's facts (no join of the households)
        "household": "household_id",
        "member": "pk",
        "subject": None,
        "area": "household__facts__managing_area_id",
        "area_code": "household__facts__managing_area__code",
        "co_code": "household__facts__co_managing_area__code",
    },
    SubjectKind.SUBJECT: {
        "household": "household_id",
        "member": None,
        "subject": "pk",
        "area": "household__facts__managing_area_id",
        "area_code": "household__facts__managing_area__code",
        "co_code": "household__facts__co_managing_area__code",
    },
    SubjectKind.VILLAGE: {
        "household": None,
        "member": None,
        "subject": None,
        "area": "pk",
        "area_code": "code",
        "co_code": None,
    },
    SubjectKind.PROJECT: {
        "household": None,
        "member": None,
        "subject": None,
        "area": "area_id",
        "area_code": "area__code",
        "co_code": None,
    },
    SubjectKind.ASSET: {
        "household": None,
        "member": None,
        "subject": None,
        "area": "area_id",
        "area_code": "area__code",
        "co_code": None,
    },
}
# Problems about people are rectified in the household deadline; places, projects and assets in the longer one.
_PEOPLE: Final = frozenset({SubjectKind.HOUSEHOLD, SubjectKind.MEMBER, SubjectKind.SUBJECT})


@dataclass(frozen=True)
class Hit:
    key: str
    household_id: int | None
    member_id: int | None
    subject_id: int | None
    area_id: int
    area_code: str
    co_code: str
    evidence: dict[str, Any]


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _hits_of(rule: Rule, columns: list[str]) -> Callable[[Sequence[Any]], Hit]:
    """What makes a rule's ``Hit`` from a row read as a tuple of ``columns``: the positions are found once per
    rule and pass, not per row (a county's first run makes 35,000 hits)."""
    at = {name: n for n, name in enumerate(columns)}
    paths = _PATHS[rule.subject]

    def position(part: str) -> int | None:
        path = paths[part]
        return at[path] if path else None

    pk, household, member, subject = at["pk"], position("household"), position("member"), position("subject")
    area, area_code, co_code = position("area"), position("area_code"), position("co_code")
    assert area is not None, f"{rule.subject} problems lie in an area"
    assert area_code is not None, f"{rule.subject} problems lie in an area"
    evidence = [(name, at[name]) for name in rule.evidence]
    prefix = f"{rule.subject}:"

    def make(row: Sequence[Any]) -> Hit:
        return Hit(
            key=prefix + str(row[pk]),
            household_id=None if household is None else row[household],
            member_id=None if member is None else row[member],
            subject_id=None if subject is None else row[subject],
            area_id=row[area],
            area_code=row[area_code],
            co_code=(row[co_code] if co_code is not None else None) or "",
            evidence={name: _json(row[n]) for name, n in evidence},
        )

    return make


def _names(subject: str) -> list[str]:
    return sorted({path for path in _PATHS[subject].values() if path} | {"pk"})


def rule_hits(rule: Rule, scope: Scope) -> dict[str, Hit]:
    """Evaluate one rule over one township: one query."""
    columns = _row_columns(rule.subject, [rule])
    make = _hits_of(rule, columns)
    return {hit.key: hit for hit in map(make, rule.query(scope).values_list(*columns).order_by())}


def predicate_sets(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    """The predicate rules by the set they are evaluated over."""
    by_set: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.is_predicate:
            by_set.setdefault(rule.subject, []).append(rule)
    return by_set


def set_query(subject: str, group: list[Rule], scope: Scope) -> QuerySet[Any]:
    """One query over a set for every predicate rule of it: a row per subject that trips any of them, a column
    ``trips_<n>`` per rule, the evidence the rules keep."""
    annotations: dict[str, Any] = {}  # the rules' evidence, then their flags: one annotate, one clone of the query
    for rule in group:
        if rule.annotations is not None:
            annotations.update(rule.annotations(scope))
    flags = {
        name: ExpressionWrapper(rule.condition(scope), output_field=BooleanField())
        for name, rule in zip(_trips(group), group, strict=True)
    }
    if clash := annotations.keys() & flags.keys():
        raise ValueError(f"a rule's evidence takes a flag's name: {sorted(clash)}")
    rows: QuerySet[Any] = (
        PREDICATE_SETS[subject](scope)
        .annotate(**annotations, **flags)
        .filter(reduce(operator.or_, (Q(**{name: True}) for name in flags)))
        .values(*set_columns(subject, group))
        .order_by()
    )
    return rows


def set_columns(subject: str, group: list[Rule]) -> list[str]:
    """The columns of ``set_query``'s rows, in order: the subject's paths, the evidence, a ``trips_<n>`` per rule."""
    return [*_row_columns(subject, group), *_trips(group)]


def _row_columns(subject: str, rules: list[Rule]) -> list[str]:
    """What a hit is made of (``_hits_of``): the subject's paths, then the evidence the rules keep."""
    names = _names(subject)
    evidence = sorted({name for rule in rules for name in rule.evidence})
    return [*names, *(name for name in evidence if name not in names)]


def _trips(group: list[Rule]) -> list[str]:
    return [f"trips_{n}" for n in range(len(group))]


def township_hits(rules: Iterable[Rule], scope: Scope) -> dict[str, dict[str, Hit]]:
    """Evaluate rules over one township: the predicate rules of each set (household facts, members, subjects)
    together in one query whose columns say which rule each row trips; the others one query each."""
    rules = list(rules)
    found: dict[str, dict[str, Hit]] = {rule.id: rule_hits(rule, scope) for rule in rules if not rule.is_predicate}
    for subject, group in predicate_sets(rules).items():
        hits: list[dict[str, Hit]] = [{} for _ in group]
        columns = set_columns(subject, group)
        trips = [columns.index(name) for name in _trips(group)]
        makers = [_hits_of(rule, columns) for rule in group]
        for row in set_query(subject, group, scope).values_list(*columns):  # tuples: the flags read by position
            for n, trip in enumerate(trips):
                if row[trip]:
                    hit = makers[n](row)
                    hits[n][hit.key] = hit
        for rule, rule_found in zip(group, hits, strict=True):
            found[rule.id] = rule_found
    return found


def deadline_for(rule: Rule, *, area_code: str, detected_on: datetime.date) -> datetime.date:
    """SPEC §7.5 default deadlines: ``rect.deadline_days`` 30 for household and member problems, 90 for villages."""
    return _deadline("people" if rule.subject in _PEOPLE else "place", area_code=area_code, detected_on=detected_on)


def _deadline(kind: str, *, area_code: str, detected_on: datetime.date) -> datetime.date:
    days = parameter("rect.deadline_days", area_code=area_code, on=detected_on)
    return detected_on + datetime.timedelta(days=int(days["household" if kind == "people" else "village"]))


def _source_title(rule: Rule) -> str:
    """A rule's title as stored on its problems (its source text, whatever language is active): once per rule, not
    once per problem (a county's first run writes 35,000). Kept by the rule's id: hashing the rule itself would
    translate its lazy title each time."""
    title = _TITLES.get(rule.id)
    if title is None:
        title = _TITLES[rule.id] = source_text(rule.title)
    return title


_TITLES: dict[str, str] = {}


def problem_values(
    rule: Rule,
    *,
    hit: Hit,
    township_id: int,
    run_id: int | None,
    on: datetime.date,
    deadline: datetime.date,
    previous_id: int | None = None,
) -> dict[str, Any]:
    """The columns of a new problem of ``rule`` for one subject (what a sweep inserts, what a checklist "否"
    saves): one definition for both; the others take the model's defaults (open, no one responsible yet)."""
    return {
        "rule_id": rule.id,
        "rule_version": rule.version,
        "category": rule.category,
        "gap_type": rule.gap_type,
        "mode": rule.mode,
        "title": _source_title(rule),
        "subject_kind": rule.subject,
        "subject_key": hit.key,
        "household_id": hit.household_id,
        "member_id": hit.member_id,
        "monitoring_subject_id": hit.subject_id,
        "area_id": hit.area_id,
        "area_code": hit.area_code,
        "co_area_code": hit.co_code,
        "township_id": township_id,
        "evidence": hit.evidence,
        "detected_on": on,
        "first_run_id": run_id,
        "last_seen_run_id": run_id,
        "last_seen_on": on,
        "deadline": deadline,
        "previous_problem_id": previous_id,
    }


def new_problem(
    rule: Rule,
    *,
    hit: Hit,
    township: AdminArea,
    run: SweepRun | None,
    on: datetime.date,
    deadline: datetime.date,
    previous_id: int | None = None,
) -> Problem:
    """An unsaved problem of ``rule`` for one subject (a checklist "否" saves it)."""
    return Problem(
        **problem_values(
            rule,
            hit=hit,
            township_id=township.pk,
            run_id=run.pk if run is not None else None,
            on=on,
            deadline=deadline,
            previous_id=previous_id,
        )
    )


def _reconcile(
    rules: list[Rule], scope: Scope, run: SweepRun, *, found: dict[str, dict[str, Hit]] | None = None
) -> dict[str, dict[str, int]]:
    """Apply the rules to one township (the module docstring's three cases), set-based: the hits of every rule in
    a few passes (``found``, when evaluated already), the township's open problems read once, one update of those
    seen and one of those gone, one insert per rule that found new subjects — never a query per problem."""
    found = township_hits(rules, scope) if found is None else found
    township_problems = Problem.objects.filter(AnyOf("rule_id", [rule.id for rule in rules]), township=scope.township)
    open_rows = {
        (rule_id, key): pk
        for rule_id, key, pk in township_problems.filter(Problem.open_q()).values_list("rule_id", "subject_key", "pk")
    }
    seen = [pk for (rule_id, key), pk in open_rows.items() if key in found[rule_id]]
    gone = [pk for (rule_id, key), pk in open_rows.items() if key not in found[rule_id]]
    new = [(rule, key) for rule in rules for key in found[rule.id] if (rule.id, key) not in open_rows]
    new_keys: dict[str, list[str]] = {}
    for rule, key in new:
        new_keys.setdefault(rule.id, []).append(key)
    on = scope.on
    if seen:  # one statement each, the ids bound as one array
        Problem.objects.filter(AnyOf("pk", seen)).update(last_seen_run=run, last_seen_on=on, no_longer_detected_on=None)
    if gone:  # the day it was first missed is kept
        Problem.objects.filter(AnyOf("pk", gone), no_longer_detected_on__isnull=True).update(no_longer_detected_on=on)
    if new:
        previous: dict[tuple[str, str], int] = {}
        keys = {key for _rule, key in new}
        closed = township_problems.filter(AnyOf("subject_key", keys), status=ProblemStatus.CLOSED)
        for rule_id, key, pk in closed.order_by("closed_at").values_list("rule_id", "subject_key", "pk"):
            previous[(rule_id, key)] = pk  # the last closed one wins
        deadlines = {
            kind: _deadline(kind, area_code=scope.township.code, detected_on=on) for kind in ("people", "place")
        }
        for rule in rules:  # a statement per rule: its title, category and version are then bound once
            bulk.insert_values(
                Problem,
                [
                    problem_values(
                        rule,
                        hit=found[rule.id][key],
                        township_id=scope.township.pk,
                        run_id=run.pk,
                        on=on,
                        deadline=deadlines["people" if rule.subject in _PEOPLE else "place"],
                        previous_id=previous.get((rule.id, key)),
                    )
                    for key in new_keys.get(rule.id, ())
                ],
                skip_conflicts=True,  # a concurrent run of the same county: the constraint keeps one open problem
            )
    counts = {rule.id: {"hits": len(found[rule.id]), "new": 0, "gone": 0} for rule in rules}
    for rule, _key in new:
        counts[rule.id]["new"] += 1
    gone_set = set(gone)
    for (rule_id, _key), pk in open_rows.items():
        if pk in gone_set:
            counts[rule_id]["gone"] += 1
    return counts


# ------------------------------------------------------------------------------------------------------ the run


@transaction.atomic
def sweep_start(*, county: AdminArea, kind: str, actor: User | None = None) -> SweepRun:
    """Start a run over a county (SPEC §7.4): ``actor`` None is the beat schedule (routine sweeps); a person needs
    ``start_sweep`` (a county reviewer or an administrator, SPEC §1.3) over the county."""
    if actor is not None:
        if not has_capability(actor, Capability.START_SWEEP):
            raise PermissionDenied
        if not AdminArea.objects.visible_to(actor).filter(pk=county.pk).exists():
            raise PermissionDenied
    if county.level != AreaLevel.COUNTY:
        raise DomainError(_("“%(name)s”不是县级区划，排查以县为单位发起") % {"name": county.name}, field="county")
    if kind not in STARTABLE_SWEEP_KINDS:  # an event's sweep starts from its event (sweeps.services.events)
        raise DomainError(_("请选择排查类型"), field="kind")
    county = AdminArea.objects.select_for_update().get(pk=county.pk)  # one start at a time per county
    busy = SweepRun.objects.filter(county=county, status__in=[RunStatus.PENDING, RunStatus.RUNNING]).first()
    if busy is not None:
        raise DomainError(
            _("%(name)s已有一次排查正在进行（%(started_at)s 开始），请等待完成")
            % {"name": county.name, "started_at": format(busy.started_at, "%Y-%m-%d %H:%M")},
            field="kind",
        )
    townships = list(AdminArea.objects.filter(parent=county, level=AreaLevel.TOWNSHIP, valid_to__isnull=True))
    if not townships:
        raise DomainError(_("%(name)s下没有乡镇") % {"name": county.name}, field="county")
    run = SweepRun.objects.create(
        kind=kind,
        county=county,
        started_by=actor,
        run_on=timezone.localdate(),
        rule_versions={rule.id: rule.version for rule in AUTOMATED},
    )
    SweepChunk.objects.bulk_create([SweepChunk(run=run, township=township) for township in townships])
    # A broker outage leaves the run pending: the page says so, and the resume job sends it when Redis is back.
    transaction.on_commit(lambda: attempt(lambda: sweep_dispatch(run=run)))
    return run


def sweep_dispatch(*, run: SweepRun, only_unfinished: bool = False) -> int:
    """Send one task per township chunk (a Celery group: the chunks run in parallel on the workers)."""
    from celery import group

    chunks = SweepChunk.objects.filter(run=run)
    if only_unfinished:
        chunks = chunks.exclude(status=RunStatus.DONE)
    ids = list(chunks.values_list("pk", flat=True))
    if ids:
        group(sweep_chunk_task.s(pk) for pk in ids).apply_async()
    return len(ids)


def sweep_run_chunk(*, chunk: SweepChunk) -> dict[str, dict[str, int]]:
    """Apply the run's rules to one township: the township's household facts brought up to the run's day (on the
    primary: the day's nightly refresh stands, households saved since are computed again), the rules evaluated
    (on the read replica once it has replayed that refresh, else the primary), then the problems reconciled all
    or nothing. A chunk already done returns its counts; one interrupted anywhere runs again from the start."""
    SweepChunk.objects.filter(pk=chunk.pk, status__in=[RunStatus.PENDING, RunStatus.FAILED]).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    SweepRun.objects.filter(pk=chunk.run_id, status=RunStatus.PENDING).update(status=RunStatus.RUNNING)
    chunk = SweepChunk.objects.select_related("run", "township").get(pk=chunk.pk)
    if chunk.status == RunStatus.DONE:
        return dict(chunk.counts)
    # A township's rule queries and problems are made and dropped (the collector paused); its policy parameters are
    # read once for the chunk, as for a request (``geo.once``).
    with bulk.collector_paused(), reading_once():
        return _run_chunk(chunk)


def _run_chunk(chunk: SweepChunk) -> dict[str, dict[str, int]]:
    run = chunk.run
    rules = [BY_ID[rule_id] for rule_id in run.rule_versions if rule_id in BY_ID]
    if run.risk_event_id is not None:  # an event's sweep first lists the township's households it hit (SPEC §4.12)
        assert run.risk_event is not None
        risk_event_households_derive(event=run.risk_event, township=chunk.township)
    facts_bring_up_to_date(chunk.township, on=run.run_on)  # the day's facts, then only what was saved since
    scope = Scope.of(chunk.township, on=run.run_on)
    if replica_caught_up():
        with reading_replica():
            found = township_hits(rules, scope)
    else:
        found = township_hits(rules, scope)
    with transaction.atomic():
        chunk = SweepChunk.objects.select_for_update().select_related("run", "township").get(pk=chunk.pk)
        if chunk.status == RunStatus.DONE:
            return dict(chunk.counts)
        counts = _reconcile(rules, scope, run, found=found)
        chunk.counts = counts
        chunk.status = RunStatus.DONE
        chunk.attempts += 1
        chunk.finished_at = timezone.now()
        chunk.save(update_fields=["counts", "status", "attempts", "finished_at"])
        # After commit, so the last chunk to commit sees every chunk done (sweep_finish locks the run row).
        transaction.on_commit(lambda: sweep_finish(run=run))
    return counts


def sweep_chunk_failed(*, chunk: SweepChunk, error: str) -> None:
    """A chunk that failed for good (not a transient error): the run shows it, ``sweep_resume`` retries it."""
    SweepChunk.objects.filter(pk=chunk.pk).exclude(status=RunStatus.DONE).update(status=RunStatus.FAILED)
    SweepRun.objects.filter(pk=chunk.run_id).exclude(status=RunStatus.DONE).update(status=RunStatus.FAILED)
    logger.error("sweep chunk %s failed: %s", chunk.pk, error)


@transaction.atomic
def sweep_finish(*, run: SweepRun) -> bool:
    """Finish the run when its last chunk is done: totals per rule and per township, duration, and notices to
    the people who act on the new problems. Safe to call after every chunk."""
    run = SweepRun.objects.select_for_update().select_related("county").get(pk=run.pk)
    if run.status == RunStatus.DONE:
        return False
    chunks = list(run.chunks.select_related("township"))
    if any(chunk.status != RunStatus.DONE for chunk in chunks):
        return False
    totals: dict[str, dict[str, int]] = {}
    townships: dict[str, dict[str, int]] = {}
    for chunk in chunks:
        place = townships.setdefault(chunk.township.code, {"hits": 0, "new": 0, "gone": 0})
        for rule_id, counts in chunk.counts.items():
            row = totals.setdefault(rule_id, {"hits": 0, "new": 0, "gone": 0})
            for name in ("hits", "new", "gone"):
                row[name] += counts[name]
                place[name] += counts[name]
    run.totals, run.township_totals = totals, townships
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["totals", "township_totals", "status", "finished_at"])
    _tell_about(run, chunks)
    # The lists of a county's new problems are planned on their numbers (a first sweep adds tens of thousands).
    added = sum(counts["new"] for counts in totals.values())
    bulk.analyze_on_commit(Problem, added=added, columns=PROBLEM_LIST_COLUMNS, sample=PROBLEM_LIST_SAMPLE)
    return True


# What the problem lists filter and sort on: the statistics a finished run brings up to date.
PROBLEM_LIST_COLUMNS: Final = ("area_code", "co_area_code", "status", "township", "deadline", "rule_id", "category")
PROBLEM_LIST_SAMPLE: Final = 20  # a statistics target: 6,000 rows, enough for the lists' plans (core.bulk)


def _tell_about(run: SweepRun, chunks: list[SweepChunk]) -> None:
    new = sum(counts["new"] for counts in run.totals.values())
    if run.started_by is not None:
        notify(
            recipients=[run.started_by],
            topic="sweep",
            title=f"{run.get_kind_display()}已完成：{run.county.name}新发现 {new} 个问题",
            url=run.get_absolute_url(),
            area_code=run.county.code,
        )
    for chunk in chunks:
        found = run.township_totals[chunk.township.code]["new"]
        if not found:
            continue
        notify(
            recipients=users_who_take(
                capability=Capability.VERIFY_RECTIFICATION, area_code=chunk.township.code, levels=[AreaLevel.TOWNSHIP]
            ),
            topic="sweep",
            title=f"{run.get_kind_display()}：{chunk.township.name}新发现 {found} 个问题待交办",
            url=f"{reverse('sweeps:problem-list')}?township={chunk.township.code}&status=open",
            area_code=chunk.township.code,
        )


def sweep_resume(*, run: SweepRun) -> int:
    """Send again the chunks of a run that are not done (a worker died, a chunk failed): they are idempotent, so a
    chunk that in fact finished meanwhile only returns its counts."""
    SweepRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(status=RunStatus.RUNNING)
    SweepChunk.objects.filter(run=run, status=RunStatus.FAILED).update(status=RunStatus.PENDING)
    sent = sweep_dispatch(run=run, only_unfinished=True)
    if not sent:
        sweep_finish(run=run)
    return sent


def sweeps_resume_stalled(*, older_than: datetime.timedelta) -> int:
    """The beat job: runs still unfinished ``older_than`` after they started are resumed."""
    stalled = SweepRun.objects.filter(
        status__in=[RunStatus.PENDING, RunStatus.RUNNING, RunStatus.FAILED], started_at__lt=timezone.now() - older_than
    )
    return sum(sweep_resume(run=run) for run in stalled)


def sweeps_routine_start() -> list[SweepRun]:
    """The beat job of routine sweeps (SPEC §7.4 ``sweep.routine_schedule``): one run per county with townships."""
    started = []
    counties = AdminArea.objects.filter(level=AreaLevel.COUNTY, valid_to__isnull=True, children__isnull=False)
    for county in counties.distinct():
        try:
            started.append(sweep_start(county=county, kind=SweepKind.ROUTINE))
        except DomainError as exc:
            logger.info("routine sweep of %s not started: %s", county.code, exc.message)
    return started
