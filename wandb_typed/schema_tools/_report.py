"""What :func:`~wandb_typed.schema_tools.diff_schemas` returns: each change with the
operations, client methods and facade calls it touches, and the report that formats
them (what ``wandb-typed schema diff`` prints)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FacadeUse:
    """A call of a generated client method in the facade's source."""

    module: str
    """The module, e.g. ``wandb_typed.runs``."""
    function: str
    """The enclosing function's qualified name (``list_runs.fetch``, ``Run.update``)."""
    line: int
    method: str
    """The generated client method called, e.g. ``run_page``."""

    def __str__(self) -> str:
        return f"{self.module}:{self.function}"


@dataclass(frozen=True)
class SchemaChange:
    """One breaking or dangerous change and what it touches."""

    kind: str
    """graphql-core's change type, e.g. ``FIELD_REMOVED``."""
    description: str
    coordinates: tuple[str, ...]
    """The schema coordinates whose use makes an operation affected."""
    operations: tuple[str, ...]
    """Operations in the queries directory that use them, sorted."""
    methods: tuple[str, ...]
    """The generated client methods of those operations."""
    facade: tuple[FacadeUse, ...]
    """Where the facade calls those methods."""
    attributed: bool = True
    """``False`` when the change could not be tied to coordinates (then it counts as
    breaking whatever it is: better a false alarm than a silent break)."""


@dataclass(frozen=True)
class InvalidOperation:
    """An operation that does not validate against the new schema, with the client
    method generated from it and the facade functions calling that method."""

    operation: str
    message: str
    method: str = ""
    facade: tuple[FacadeUse, ...] = ()


@dataclass(frozen=True)
class Report:
    """What changed between two schemas and which of our operations it breaks."""

    breaking: tuple[SchemaChange, ...]
    dangerous: tuple[SchemaChange, ...]
    invalid: tuple[InvalidOperation, ...] = field(default=())
    """Operations that no longer validate against the new schema."""

    @property
    def broken_operations(self) -> tuple[str, ...]:
        """Every operation a breaking change uses or that no longer validates, sorted."""
        names = {op for change in self.breaking for op in change.operations}
        names |= {bad.operation for bad in self.invalid}
        return tuple(sorted(names))

    @property
    def broken(self) -> bool:
        """True when an operation breaks (or a breaking change could not be attributed)."""
        return bool(self.broken_operations) or any(not c.attributed for c in self.breaking)

    def format(self) -> str:
        """A human-readable report (what the ``schema diff`` command prints)."""
        lines: list[str] = []
        for label, changes in (("BREAKING", self.breaking), ("dangerous", self.dangerous)):
            for change in changes:
                lines.append(f"{label}: {change.description}")
                if not change.attributed:
                    lines.append(
                        "  not matched to operations by its description: the operations "
                        "that no longer validate are listed as INVALID below"
                    )
                elif change.operations:
                    lines.append(f"  operations: {', '.join(change.operations)}")
                    lines.append(f"  client methods: {', '.join(change.methods)}")
                    uses = sorted({str(use) for use in change.facade})
                    lines.append(f"  facade: {', '.join(uses) if uses else '(not called)'}")
                else:
                    lines.append("  used by none of our operations")
        named = {op for change in self.breaking for op in change.operations}
        for bad in self.invalid:
            if bad.operation not in named:  # the backstop caught what no change names
                lines.append(f"INVALID: {bad.operation} no longer validates: {bad.message}")
                lines.append(f"  client method: {bad.method}")
                uses = sorted({str(use) for use in bad.facade})
                lines.append(f"  facade: {', '.join(uses) if uses else '(not called)'}")
        broken = self.broken_operations
        lines.append(
            f"{len(self.breaking)} breaking, {len(self.dangerous)} dangerous change(s); "
            + (f"broken operations: {', '.join(broken)}" if broken else "no operation breaks")
        )
        return "\n".join(lines)
