"""Compile once (issue 11, item 2): a spec is validated, digested and compiled once; step texts are formatted lazily.

Evaluation keeps, for each spec object, what depends on the spec alone (its
problems, its digest, its compiled indicators) and builds every explanation
step as data whose Chinese and English texts are formatted the first time
either is read. None of that may be visible: a lazily formatted step is equal
to, hashes like, prints like and pickles like the step written out eagerly,
whenever and in whatever order its texts are read.
"""

from __future__ import annotations

import gc
import pickle
import weakref
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.core import _digest, _evaluate, _validate
from perfrules.core._result import (
    BudgetExecutionResult,
    BudgetLineResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    ScoreWarning,
    Step,
    _building,
    deferred_step,
    make_budget_line,
    make_budget_result,
    make_category_result,
    make_evaluation,
    make_indicator_result,
    step_texts,
)
from perfrules.testing import cases

SEED = Path(__file__).resolve().parents[1] / "examples" / "hunan-2024-general-office"

CASES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _steps(ev: Evaluation) -> list[Step]:
    out = [s for r in ev.indicators for s in r.steps]
    if ev.budget_execution is not None:
        out += ev.budget_execution.steps
    return [*out, *ev.total_steps, *ev.grade_steps]


def _warnings(ev: Evaluation) -> list[ScoreWarning]:
    return [*ev.warnings, *(w for r in ev.indicators for w in r.warnings)]


def _recipe(obj: Step | ScoreWarning) -> bool:
    """Whether the object still holds its recipe (its texts not formatted yet)."""
    return type(type(obj).__dict__["zh"]._get(obj, type(obj))) is not str


# ---------------------------------------------------------------------------
# once per spec object


def _count(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_spec_is_validated_digested_and_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    validated = _count(monkeypatch, _validate, "_validate_spec")
    digested = _count(monkeypatch, _evaluate, "spec_sha256")
    compiled = _count(monkeypatch, _evaluate, "_Plan")
    spec, actuals = perfrules.load_example(SEED)
    assert validated[0] == 1  # the loader checks it
    first = perfrules.evaluate(spec, actuals)
    others = [perfrules.evaluate(spec, attrs.evolve(actuals, label=f"run {i}")) for i in range(20)]
    assert (validated[0], digested[0], compiled[0]) == (1, 1, 1)
    assert all(ev.spec_sha256 == first.spec_sha256 and ev.total == first.total for ev in others)
    assert first.spec_sha256 == _digest.spec_sha256(spec)


def test_a_copy_with_another_framework_is_not_validated_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loader validates a spec, then attaches its framework (a copy): evaluating the copy reuses the problems."""
    spec, actuals = perfrules.load_example(SEED)
    validated = _count(monkeypatch, _validate, "_validate_spec")
    copy = attrs.evolve(spec, framework=None)
    assert perfrules.evaluate(copy, actuals).total == perfrules.evaluate(spec, actuals).total
    assert validated[0] == 0
    other = attrs.evolve(
        spec, indicators=spec.indicators[:-1]
    )  # a part validation reads: validated afresh
    with pytest.raises(perfrules.SpecError):
        perfrules.evaluate(other, actuals)
    assert validated[0] == 1


def test_an_invalid_spec_raises_every_time() -> None:
    spec, actuals = perfrules.load_example(SEED)
    bad = attrs.evolve(spec, indicators=(*spec.indicators, spec.indicators[0]))  # a duplicate id
    for _ in range(3):
        with pytest.raises(perfrules.SpecError) as err:
            perfrules.evaluate(bad, actuals)
        assert any(p.code == "duplicate-id" for p in err.value.problems)


def test_the_compiled_plan_does_not_keep_the_spec_alive() -> None:
    spec, actuals = perfrules.load_example(SEED)
    ev = perfrules.evaluate(spec, actuals)
    perfrules.to_json(ev)
    ref = weakref.ref(spec)
    del spec, actuals, ev
    gc.collect()
    assert ref() is None


# ---------------------------------------------------------------------------
# lazily formatted steps and warnings


def test_a_deferred_step_is_the_step_written_out() -> None:
    def texts(a: int, b: str) -> tuple[str, str]:
        return f"第{a}步：{b}", f"step {a}: {b}"

    eager = Step(kind="formula", zh="第1步：x", en="step 1: x")
    lazy = [deferred_step("formula", texts, 1, "x") for _ in range(6)]
    assert all(type(s) is Step and _recipe(s) for s in lazy)  # a Step, its texts not formatted yet
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lazy[0].kind = "rule"  # type: ignore[misc]
    assert lazy[0] == eager and eager == lazy[1]
    assert hash(lazy[2]) == hash(eager)
    assert repr(lazy[3]) == repr(eager)
    assert pickle.loads(pickle.dumps(lazy[4])) == eager
    assert step_texts(lazy[5]) == ("第1步：x", "step 1: x") and lazy[5].text("en") == "step 1: x"
    assert attrs.evolve(deferred_step("formula", texts, 2, "y"), kind="rule") == Step(
        kind="rule", zh="第2步：y", en="step 2: y"
    )


@CASES
@given(cases())
def test_lazy_texts_are_the_eager_texts(case: Any) -> None:
    spec, actuals = case
    ev = perfrules.evaluate(spec, actuals)
    steps, warnings = _steps(ev), _warnings(ev)
    assert any(_recipe(s) for s in steps)  # built as data; nothing formatted yet
    # read in English first: the same texts as the Chinese-first reading of another evaluation
    english = [(s.kind, s.en) for s in steps]
    chinese = [(s.kind, s.zh) for s in _steps(perfrules.evaluate(spec, actuals))]
    assert [s.zh for s in steps] == [zh for _, zh in chinese]
    assert [(s.kind, s.en) for s in steps] == english
    for s in steps:
        eager = Step(kind=s.kind, zh=s.zh, en=s.en)
        assert s == eager and hash(s) == hash(eager) and repr(s) == repr(eager)
    for w in warnings:
        eager_w = ScoreWarning(
            code=w.code, zh=w.zh, en=w.en, indicator=w.indicator, citation=w.citation
        )
        assert w == eager_w and hash(w) == hash(eager_w)


@CASES
@given(cases())
def test_an_unread_evaluation_equals_a_read_one(case: Any) -> None:
    """Equality, hashing, pickling and the document do not depend on whether the texts were read before."""
    spec, actuals = case
    read = perfrules.evaluate(spec, actuals)
    document = perfrules.to_json(read)  # formats every text
    unread = [perfrules.evaluate(spec, actuals) for _ in range(4)]
    assert unread[0] == read and hash(unread[1].indicators) == hash(read.indicators)
    assert pickle.loads(pickle.dumps(unread[2])) == read
    assert perfrules.to_json(unread[3]) == document
    assert repr(perfrules.evaluate(spec, actuals)) == repr(read)


@CASES
@given(cases())
def test_texts_do_not_depend_on_when_they_are_read(case: Any) -> None:
    """A step's recipe holds values only: formatting it after other evaluations gives the same text."""
    spec, actuals = case
    late = perfrules.evaluate(spec, actuals)
    early = perfrules.to_document(perfrules.evaluate(spec, actuals))
    for _ in range(3):
        perfrules.to_document(perfrules.evaluate(spec, actuals))
    assert perfrules.to_document(late) == early


# ---------------------------------------------------------------------------
# the result constructors evaluation uses


@pytest.mark.parametrize(
    ("cls", "make"),
    [
        (IndicatorResult, make_indicator_result),
        (CategoryResult, make_category_result),
        (BudgetExecutionResult, make_budget_result),
        (BudgetLineResult, make_budget_line),
        (Evaluation, make_evaluation),
    ],
)
def test_result_constructors_make_what_attrs_makes(cls: type, make: Any) -> None:
    ev = perfrules.evaluate(*perfrules.load_example(SEED))
    assert ev.budget_execution is not None
    samples = {
        IndicatorResult: ev.indicators,
        CategoryResult: ev.categories,
        Evaluation: (ev,),
        BudgetExecutionResult: (ev.budget_execution,),
        BudgetLineResult: ev.budget_execution.lines,
    }[cls]
    assert samples
    names = [f.name for f in attrs.fields(cls)]
    for obj in samples:
        values = [getattr(obj, n) for n in names]
        made, by_name, built = (
            make(*values),
            make(**dict(zip(names, values, strict=True))),
            cls(**dict(zip(names, values, strict=True))),
        )
        assert type(made) is cls and made == built and by_name == built
        assert hash(made) == hash(built) and repr(made) == repr(built)
        assert pickle.loads(pickle.dumps(made)) == built
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.__setattr__(names[0], values[0])


@pytest.mark.parametrize(
    ("cls", "make"),
    [
        (IndicatorResult, make_indicator_result),
        (CategoryResult, make_category_result),
        (BudgetExecutionResult, make_budget_result),
        (BudgetLineResult, make_budget_line),
        (Evaluation, make_evaluation),
    ],
)
def test_result_constructors_take_every_field_in_field_order(cls: type, make: Any) -> None:
    """Each field lands in its own slot, positionally and by name; none is left unset or skipped.

    The constructors bypass ``__init__``: that is only the same object while the class has no
    validator, converter or post-init hook.
    """
    fields = attrs.fields(cls)
    assert not any(f.validator or f.converter for f in fields)
    assert not hasattr(cls, "__attrs_post_init__")
    names = [f.name for f in fields]
    values = [object() for _ in names]  # a distinct value per field: a swap shows
    positional, by_name = make(*values), make(**dict(zip(names, values, strict=True)))
    for made in (positional, by_name):
        assert type(made) is cls  # made as a _building subclass instance, then given its class
        assert [getattr(made, n) for n in names] == values
        assert all(getattr(made, n) is v for n, v in zip(names, values, strict=True))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(made, names[-1], None)  # frozen like an object __init__ made
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(made, names[0])
        assert weakref.ref(made)() is made
    with pytest.raises(TypeError):
        make(*values[:-1])  # a field missing
    with pytest.raises(TypeError):
        make(*values, object())  # one too many


def test_a_class_whose_init_does_more_than_store_its_fields_gets_no_constructor() -> None:
    """_building refuses a class with a validator (ScoreWarning checks its code): __init__ would be bypassed."""
    with pytest.raises(TypeError, match="ScoreWarning"):
        _building(ScoreWarning)


@pytest.mark.parametrize("first, second", [("zh", "en"), ("en", "zh"), ("texts", "zh")])
def test_a_step_read_by_two_threads_at_once_is_formatted_once(first: str, second: str) -> None:
    # steps are shared between evaluations (compiled rows, module constants), so the service's threads
    # may read one step's texts at once: the second reader waits for the first one's texts, never
    # sees a text beside the recipe, and the recipe runs once
    import threading

    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def texts(n: int) -> tuple[str, str]:
        calls.append(n)
        started.set()
        release.wait(5)
        return f"第{n}步", f"step {n}"

    step = deferred_step("formula", texts, 7)
    got: dict[str, Any] = {}

    def read(name: str) -> None:
        got[name] = step_texts(step) if name == "texts" else getattr(step, name)

    a = threading.Thread(target=read, args=(first,))
    a.start()
    assert started.wait(5)
    b = threading.Thread(target=read, args=(second,))
    b.start()
    b.join(0.2)
    assert b.is_alive()  # waiting for the first reader's texts, not formatting them again
    release.set()
    a.join(5)
    b.join(5)
    expected = {"zh": "第7步", "en": "step 7", "texts": ("第7步", "step 7")}
    assert got == {first: expected[first], second: expected[second]}
    assert calls == [7]
    assert (step.zh, step.en) == ("第7步", "step 7")
