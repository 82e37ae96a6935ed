"""A resource's show, list, delete and wait commands, made from a description of the resource.

az's generated commands for one resource differ only in how its id is built from -g and its
names, the api-version, how a body is shaped for output, and a few options of their own. A
`Resource` says those once; its `show`, `list_`, `delete` and `wait` each register that command
on the module's `CommandGroup`. Each command is a function with a real signature, so
`framework.typer_command` builds its options exactly as it does for a hand-written one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from types import EllipsisType, NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

from sigctl.cli.arguments import confirm, one_or_many, targets
from sigctl.cli.context import Invocation
from sigctl.cli.framework import INVOCATION_PARAMETER, CommandGroup, TableTransformer
from sigctl.cli.paging import MaxItems, NextToken, paginate
from sigctl.cli.params import (
    AazNoWait,
    Created,
    Custom,
    Deleted,
    Exists,
    Ids,
    Interval,
    Timeout,
    Updated,
    Yes,
)
from sigctl.provider.ids import ResourceId
from sigctl.record import FrozenRecord

Examples = list[tuple[str, str]]
# A command's api-version: a text, None for the client's default, ... for the resource's own.
ApiVersion = str | None | EllipsisType


class QueryOption(FrozenRecord):
    """An option of one command that adds query parameters to its request (e.g. --expand)."""

    _fields = ("name", "annotation", "query")

    def __init__(self, name: str, annotation: Any, query: Callable[[Any], dict[str, str]]) -> None:
        self.name, self.annotation, self.query = name, annotation, query


class Resource(FrozenRecord):
    """How one kind of resource is named on the command line and read from the service."""

    _fields = ("target", "names", "api_version", "collection", "listing", "shape", "order")

    def __init__(
        self,
        # Builds the id from -g and the names (arguments.*_target); --ids entries fill them too.
        target: Callable[..., ResourceId],
        # The parameters `target` takes, in its order (-g first, the resource's own name last),
        # with their ...OrIds annotations.
        names: Sequence[tuple[str, Any]],
        api_version: str | None,
        # The collection `list` reads: (subscription, every name but the last) -> id.
        collection: Callable[..., ResourceId] | None = None,
        # The annotations of `list`'s options: one per name but the last.
        listing: Sequence[Any] = (),
        shape: Callable[[dict[str, Any]], Any] = lambda body: body,
        # The options' order, where it is not `names`' order.
        order: Sequence[str] | None = None,
    ) -> None:
        self.target, self.names, self.api_version = target, names, api_version
        self.collection, self.listing, self.shape, self.order = collection, listing, shape, order

    def named(self, names: Sequence[tuple[str, Any]]) -> Resource:
        """The same resource with other options for its names (a verb that spells one apart)."""
        return Resource(
            self.target,
            names,
            self.api_version,
            self.collection,
            self.listing,
            self.shape,
            self.order,
        )

    def show(
        self,
        commands: CommandGroup,
        doc: str,
        examples: Examples,
        *,
        api_version: ApiVersion = ...,
        options: Sequence[QueryOption] = (),
        table: TableTransformer | None = None,
    ) -> None:
        def show(inv: Invocation, **given: Any) -> Any:
            query = self._query(api_version, options, given)
            found = [self.shape(inv.client.get(t, **query)) for t in self._targets(inv, given)]
            return one_or_many(found, given["ids_"])

        parameters = [*self._id_parameters(), *_query_parameters(options)]
        commands.command("show", examples=examples, table=table)(_command(show, doc, parameters))

    def list_(self, commands: CommandGroup, doc: str, examples: Examples) -> None:
        collection = self.collection
        if collection is None:
            raise ValueError("a resource that is listed names its collection")

        def list_(inv: Invocation, **given: Any) -> Any:
            client = inv.client
            parents = [given[name] for name, _ in self.names[:-1]]
            found = client.list(
                collection(client.subscription, *parents), api_version=self.api_version
            )
            return paginate(
                inv, [self.shape(r) for r in found], given["max_items"], given["next_token"]
            )

        listing = dict(zip([name for name, _ in self.names[:-1]], self.listing, strict=True))
        parameters = [_parameter(name, listing[name]) for name in self._ordered(listing)]
        parameters += [_parameter("max_items", MaxItems), _parameter("next_token", NextToken)]
        commands.command("list", examples=examples)(_command(list_, doc, parameters))

    def delete(
        self,
        commands: CommandGroup,
        doc: str,
        examples: Examples,
        *,
        options: Sequence[QueryOption] = (),
        yes: Literal["first", "after targets"] | None = None,
        no_wait: bool = True,
    ) -> None:
        """`yes`: the command asks for confirmation unless --yes is given, before it reads
        any other argument ("first") or once the resources are known ("after targets")."""

        def delete(inv: Invocation, **given: Any) -> None:
            if yes == "first" and not given["yes"]:
                confirm()
            found = self._targets(inv, given)
            if yes == "after targets" and not given["yes"]:
                confirm()
            query = self._query(..., options, given)
            for target in found:
                inv.client.delete(target, **query)

        parameters = [*self._id_parameters(), *_query_parameters(options)]
        if yes:
            parameters.append(_parameter("yes", Yes, False))
        if no_wait:
            parameters.append(_parameter("no_wait", AazNoWait))
        commands.command("delete", examples=examples, policy=True)(
            _command(delete, doc, parameters)
        )

    def wait(
        self,
        commands: CommandGroup,
        doc: str,
        examples: Examples,
        *,
        api_version: ApiVersion = ...,
        options: Sequence[QueryOption] = (),
        query: dict[str, str] | None = None,
    ) -> None:
        def wait(inv: Invocation, **given: Any) -> Any:
            from sigctl.cli.wait import poll

            target = self._targets(inv, given)[0]
            polled = {**self._query(api_version, options, given), **(query or {})}
            return poll(inv, target, polled, **{name: given[name] for name, *_ in _CONDITIONS})

        parameters = [*self._id_parameters(), *_query_parameters(options)]
        parameters += [_parameter(*condition) for condition in _CONDITIONS]
        commands.command("wait", examples=examples, policy=True)(_command(wait, doc, parameters))

    # -- what the commands share -------------------------------------------------------------

    def _ordered(self, names: Sequence[str] | dict[str, Any]) -> list[str]:
        return [n for n in self.order if n in names] if self.order else list(names)

    def _id_parameters(self) -> list[inspect.Parameter]:
        annotations = dict(self.names)
        named = [_parameter(name, annotations[name]) for name in self._ordered(annotations)]
        return [*named, _parameter("ids_", Ids)]

    def _targets(self, inv: Invocation, given: dict[str, Any]) -> list[ResourceId]:
        names = [given[name] for name, _ in self.names]
        return targets(inv, given["ids_"], self.target, *names)

    def _query(
        self, api_version: ApiVersion, options: Sequence[QueryOption], given: dict[str, Any]
    ) -> dict[str, str]:
        """The request's query: the api-version first, then the options' parameters (az's
        order, which --debug shows)."""
        version = self.api_version if api_version is ... else api_version
        query = {"api-version": version} if version else {}
        for option in options:
            query.update(option.query(given[option.name]))
        return query


_CONDITIONS: list[tuple[str, Any, Any]] = [
    ("created", Created, False),
    ("updated", Updated, False),
    ("deleted", Deleted, False),
    ("exists", Exists, False),
    ("custom", Custom, None),
    ("interval", Interval, 30),
    ("timeout", Timeout, 3600),
]


def _query_parameters(options: Sequence[QueryOption]) -> list[inspect.Parameter]:
    return [_parameter(option.name, option.annotation) for option in options]


def _parameter(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """A command option; one whose type admits no None (say, a required -g) has no default."""
    if default is None and NoneType not in _types(annotation):
        default = inspect.Parameter.empty
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
    )


def _types(annotation: Any) -> tuple[Any, ...]:
    kind = get_args(annotation)[0]  # Annotated[kind, typer.Option(...)]
    return get_args(kind) if get_origin(kind) in (Union, UnionType) else (kind,)


def _command(
    body: Callable[..., Any], doc: str, parameters: list[inspect.Parameter]
) -> Callable[..., Any]:
    """`body(inv, **options)` as a command function: its help is `doc`, its options
    `parameters`."""
    invocation = inspect.Parameter(
        INVOCATION_PARAMETER, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Invocation
    )
    body.__doc__ = doc
    body.__signature__ = inspect.Signature([invocation, *parameters])  # type: ignore[attr-defined]
    body.__annotations__ = {p.name: p.annotation for p in parameters}
    return body
