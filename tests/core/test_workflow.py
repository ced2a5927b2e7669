"""The workflow engine itself (core.workflow), on a small table of its own over the entry application's states: the
four real workflows (entry, elimination, project, problem) are declared with it and tested through their services."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, TransitionNotAllowed
from core.workflow import Workflow, require
from monitoring.choices import EntryState
from monitoring.models import EntryApplication, EntryEvent
from tests.factories import EntryApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = EntryState
TABLE = {state: frozenset() for state in S.values} | {
    S.REPORTED: frozenset({S.HOME_VERIFIED, S.REJECTED}),
    S.HOME_VERIFIED: frozenset({S.DEMOCRATICALLY_REVIEWED}),
}


def flow(**overrides):
    told = []
    declared = {
        "model": EntryApplication,
        "states": EntryState,
        "transitions": TABLE,
        "noun": "申请",
        "event_model": EntryEvent,
        "event_case": "application",
        "lock_related": ("household",),
        "on_move": lambda case, actor, comment: told.append((case.pk, case.state, actor, comment)),
    }
    return Workflow(**(declared | overrides)), told


def reported():
    return EntryApplicationFactory(state=S.REPORTED)


def test_a_table_that_forgets_a_state_is_refused_when_declared():
    with pytest.raises(ValueError, match="merged"):
        flow(transitions={state: frozenset() for state in S.values if state != S.MERGED})


def test_a_move_writes_its_event_sets_the_state_and_tells():
    engine, told = flow()
    actor = UserFactory()
    case = reported()

    event = engine.move(case, to=S.HOME_VERIFIED, actor=actor, comment="入户核实")

    assert case.state == S.HOME_VERIFIED
    assert (event.from_state, event.to_state, event.actor, event.comment) == (
        S.REPORTED,
        S.HOME_VERIFIED,
        actor,
        "入户核实",
    )
    assert list(EntryEvent.objects.filter(application=case).values_list("to_state", flat=True)) == [S.HOME_VERIFIED]
    assert told == [(case.pk, S.HOME_VERIFIED, actor, "入户核实")]
    # The caller saves: the engine has not written the new state yet.
    assert EntryApplication.objects.get(pk=case.pk).state == S.REPORTED


def test_a_move_outside_the_table_is_refused_naming_both_states_and_writes_nothing():
    engine, told = flow()
    case = reported()

    with pytest.raises(TransitionNotAllowed) as refused:
        engine.move(case, to=S.APPROVED, actor=None, comment="")

    assert refused.value.message == "申请当前为“已申报，待入户核实”，不能变为“县级已批准，待纳入监测”"
    assert case.state == S.REPORTED
    assert not EntryEvent.objects.filter(application=case).exists()
    assert told == []


def test_a_step_in_the_wrong_state_names_where_the_case_is_and_where_the_step_belongs():
    engine, _ = flow()
    case = reported()

    engine.in_state(case, S.REPORTED)  # passes
    with pytest.raises(TransitionNotAllowed) as refused:
        engine.in_state(case, S.HOME_VERIFIED, S.DEMOCRATICALLY_REVIEWED)

    assert (
        refused.value.message
        == "申请当前为“已申报，待入户核实”，此步骤只能在“已入户核实，待民主评议、已民主评议，待公示”时办理"
    )


def test_the_guard_runs_after_the_table_and_its_refusal_writes_nothing():
    def notice_first(case, to):
        raise DomainError(f"请先公示再变为{to}", field="notice")

    engine, told = flow(guard=notice_first)
    case = reported()

    with pytest.raises(TransitionNotAllowed):  # the table refuses before the guard is asked
        engine.move(case, to=S.APPROVED, actor=None, comment="")
    with pytest.raises(DomainError, match="请先公示再变为home_verified"):
        engine.move(case, to=S.HOME_VERIFIED, actor=None, comment="")

    assert case.state == S.REPORTED
    assert not EntryEvent.objects.filter(application=case).exists()
    assert told == []


def test_a_note_and_an_opening_are_events_that_keep_the_state():
    engine, told = flow()
    actor = UserFactory()
    case = reported()

    engine.opened(case, actor=actor, comment="申报")
    engine.note(case, actor=actor, comment="张贴公示")
    engine.opened(case, actor=None, comment="并入已有申请", tell=False)

    rows = list(
        EntryEvent.objects.filter(application=case).order_by("pk").values_list("from_state", "to_state", "comment")
    )
    assert rows == [("", S.REPORTED, "申报"), (S.REPORTED, S.REPORTED, "张贴公示"), ("", S.REPORTED, "并入已有申请")]
    assert told == [(case.pk, S.REPORTED, actor, "申报")]  # a note tells no one, nor an opening with tell=False


def test_lock_reads_the_state_another_request_has_already_moved():
    engine, _ = flow()
    case = reported()
    stale = EntryApplication.objects.get(pk=case.pk)
    EntryApplication.objects.filter(pk=case.pk).update(state=S.REJECTED)

    locked = engine.lock(stale)

    assert locked.state == S.REJECTED
    with pytest.raises(TransitionNotAllowed, match="申请当前为“未通过”，不能变为"):
        engine.move(locked, to=S.HOME_VERIFIED, actor=None, comment="")


def test_require_refuses_without_the_right():
    require(True)
    with pytest.raises(PermissionDenied):
        require(False)
