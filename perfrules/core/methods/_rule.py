"""What a scoring method is to the catalogue: the base class every method module implements.

A method's module holds one :class:`MethodRule` (its ``RULE``): the model
class it scores (``cls``), its parameter checks (:meth:`~MethodRule.check`,
:meth:`~MethodRule.check_target`), its exact score with explanation steps
(:meth:`~MethodRule.score`), its why-not inverse (:meth:`~MethodRule.why_not`),
its citations and its long-table parameter columns; and, when the batch
layer can vectorise it, its integer kernels (:attr:`~MethodRule.kernels`, see
:mod:`._integer`) and which of them scores an indicator
(:meth:`~MethodRule.kernel_plan`). Every dispatch site goes
through the registry in :mod:`perfrules.core.methods`; none asks which class
a method is.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Generic, Literal, TypeVar

import attrs

from perfrules._errors import EvaluationError, PathKey
from perfrules.core._citations import Citation
from perfrules.core._exact import show
from perfrules.core._fullmarks import FullMarks
from perfrules.core._scoring import Scored
from perfrules.core.methods._integer import Kernel, KernelPlan
from perfrules.model import Indicator, Policy, QuantitativeTarget, Rounding, Spec, Tier

M = TypeVar("M")
ColumnKind = Literal["number", "text"]

Quantity = Callable[[Fraction, "str | None"], Scored]
"""One indicator's scorer of quantitative actuals: ``(actual, actual_text)`` → what :meth:`MethodRule.score` gives.

``actual_text`` ``None`` stands for the exact actual with the target's unit
(``f"{show(actual)}{unit}"``, formatted only where a text needs it)."""
Outcome = Callable[[Tier, Decimal | None, str | None], Scored]
"""One indicator's scorer of qualitative actuals: ``(tier, entered, description)`` → what :meth:`MethodRule.score` gives."""


class UnknownMethod(EvaluationError, LookupError):
    """A scoring method the catalogue does not hold: it is refused, never scored by another method's rule."""


@attrs.frozen(kw_only=True)
class Issue:
    """A problem a method finds in its own parameters; ``path`` is relative to the method's key path."""

    code: str
    path: PathKey
    en: str
    zh: str
    suggestion: str | None = None


class Issues(list[Issue]):
    """The issues a check collects, added as the validator adds its problems."""

    def add(
        self, code: str, path: PathKey, *, en: str, zh: str, suggestion: str | None = None
    ) -> None:
        self.append(Issue(code=code, path=path, en=en, zh=zh, suggestion=suggestion))


@attrs.frozen(kw_only=True)
class Inputs:
    """What a method scores: the weight and rounding, the policy, and the actual — a number or a tier.

    A quantitative method reads ``target``, ``actual`` and ``actual_text``;
    the qualitative one ``target_text``, ``tier``, ``entered`` and
    ``description``. ``citation``, when given, replaces the method's own (the
    budget row's bands or steps cite ``budget_execution.method``).
    """

    weight: Decimal
    rounding: Rounding  # rounding.score is the quantum the score is rounded to
    policy: Policy = Policy()
    target: QuantitativeTarget | None = None
    actual: Fraction | None = None
    actual_text: str = ""
    target_text: str = ""
    tier: Tier | None = None
    entered: Decimal | None = None
    description: str | None = None
    citation: Citation | None = None

    def quantity(self) -> tuple[QuantitativeTarget, Fraction]:
        """The target and the exact actual of a quantitative method."""
        if self.target is None or self.actual is None:
            raise EvaluationError("a quantitative scoring method needs a target and an actual")
        return self.target, self.actual


@attrs.frozen(kw_only=True)
class Ask:
    """The why-not question: what actual would have earned ``weight`` at ``quantum`` under the same rule?"""

    spec: Spec
    weight: Decimal
    quantum: Decimal
    target: QuantitativeTarget | None
    what_zh: str  # what the answer bounds: 实际完成值, 预算执行率
    what_en: str


class MethodRule(Generic[M]):
    """One scoring method of the catalogue; subclasses set the class attributes and override the hooks.

    ``method`` arguments are instances of ``cls``, or ``None`` for the rule an
    indicator without a method follows (``ratio`` with a target,
    ``qualitative`` without).
    """

    cls: type[M]
    name: str  # the method's TOML name, ``cls.name``
    citations: tuple[Citation, ...] = ()  # every citation its score can carry
    columns: tuple[
        tuple[str, ColumnKind], ...
    ] = ()  # the long table's columns that give its parameters
    table_refusal: tuple[str, str, str] | None = (
        None  # (code, en, zh): why a long table cannot declare it; None: it can
    )
    qualitative: bool = False  # scored by tier rather than by number
    counts: bool = False  # the actual is a count of occurrences: a whole number
    kernels: tuple[
        Kernel, ...
    ] = ()  # the integer kernels this module defines (the batch layer's exact fast path)

    def check(
        self, method: M, *, weight: Decimal, quantum: Decimal, target: QuantitativeTarget | None
    ) -> list[Issue]:
        """Problems of the method's parameters (``quantum`` is rounding.score; ``target`` None on the budget row)."""
        return []

    def check_target(
        self, method: M | None, indicator: Indicator, target: QuantitativeTarget
    ) -> list[Issue]:
        """Problems of the method with the indicator's quantitative target (paths relative to its ``method`` key)."""
        return []

    def reads_below_zero(self, method: M | None) -> bool:
        """Whether the method scores a (derived) actual below 0; otherwise such an actual is an error."""
        return False

    def score(self, method: M | None, inputs: Inputs) -> Scored:
        """The exact score, rounded once half-up, with its explanation steps, reason and citation."""
        raise NotImplementedError

    def quantity(self, method: M | None, fixed: Inputs) -> Quantity:
        """The score of many actuals against one indicator (``fixed``: its weight, rounding, policy, target, citation).

        ``quantity(method, fixed)(actual, actual_text)`` is ``score(method, inputs)``
        for ``fixed`` with that actual; a method may work out once what depends
        on the indicator alone (the evaluation of a spec compiles it once).
        """

        unit = fixed.target.unit if fixed.target is not None else ""

        def run(actual: Fraction, actual_text: str | None) -> Scored:
            text = f"{show(actual)}{unit}" if actual_text is None else actual_text
            return self.score(method, attrs.evolve(fixed, actual=actual, actual_text=text))

        return run

    def outcome(self, method: M | None, fixed: Inputs) -> Outcome:
        """The score of many qualitative outcomes against one indicator: ``(tier, entered, description)``.

        As :meth:`quantity`, for a method scored by tier (``fixed`` holds the
        weight, rounding, policy and ``target_text``).
        """

        def run(tier: Tier, entered: Decimal | None, description: str | None) -> Scored:
            return self.score(
                method, attrs.evolve(fixed, tier=tier, entered=entered, description=description)
            )

        return run

    def why_not(self, method: M | None, ask: Ask) -> FullMarks | None:
        """What actual would have earned the full weight (``None`` if nothing sensible can be said)."""
        raise NotImplementedError

    def kernel_plan(
        self, method: M | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        """Which kernel (of any catalogue module) scores an indicator with this method; ``None``: none does."""
        return None
