"""The one lifecycle engine: a Pulumi dynamic provider driven by a resource's description.

Pulumi pickles this provider into every resource's state, so an instance holds nothing but its
:class:`~omni_pulumi.spec.ResourceSpec` (pickled by reference to this installed package). Credentials are
read in :meth:`OmniProvider.configure` inside the provider host, and the Omni client is built lazily
there, so neither the pickle nor the state ever holds a key.

What the engine decides, for every resource alike:

* check validates with the resource's pydantic model, names the argument and the fix, normalizes values
  (unordered lists sorted) so diffs are stable, and lets unknown values through during preview;
* diff always decides (never ``changes=None``), puts replace-only arguments in ``replaces``, ignores
  arguments Omni fills in when the program leaves them unset, and never diffs ``adopt_id``;
* create adopts an existing object when ``adopt_id`` is set, and after an ambiguous POST looks the
  object up by its natural key before trying again, so a retried create never makes a duplicate;
  a create whose natural key Omni already holds (a 409, or a folder's name under its parent,
  looked up before posting since Omni would make a second) fails with the object's id and the
  ``adopt_id`` line, or adopts it with ``omni:adoptExisting`` when its settings match;
* read (a refresh) serves each kind Omni lists from one list answer per operation, reads by id what
  the list lacks, returns an empty id for an object that is gone and carries write-only values (and
  settings Omni never returns) over from state;
* delete treats "not found" as already deleted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import (
    OmniAmbiguousWrite,
    OmniApiError,
    OmniConflict,
    OmniError,
    OmniNotFound,
    OmniResourceError,
    OmniTransportError,
)
from omni_pulumi.listcache import LISTS
from omni_pulumi.spec import ResourceSpec

#: The value the engine sends during preview for an output that is not known yet. The SDK's host
#: hands it to check and diff as a ``pulumi.output.Unknown`` (and to other calls as this string).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The adoption marker: the id of an existing Omni object that create takes over instead of creating.
ADOPT_ID = "adopt_id"
#: The name of the instance (under ``omni:instances``) a resource lives on; absent: the stack's own.
#: Only the name is in the state: the instance's URL and keys are read from config at each run.
INSTANCE = "instance"
#: Properties of the engine, not of the Omni object: never sent to Omni, never an Args field.
ENGINE_ARGS = (ADOPT_ID, INSTANCE)


def is_unknown(value: Any) -> bool:
    """Whether a value, or anything inside it, is still unknown (preview of a dependent resource)."""
    if isinstance(value, Unknown) or value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


class OmniProvider(ResourceProvider):
    """The dynamic provider behind every omni-pulumi resource class."""

    # The pickle holds no credentials (only the spec, by reference), so it need not be a secret, and a
    # readable pickle lets ``pulumi stack export`` show which resource kind each entry is.
    serialize_as_secret_always = False

    def __init__(self, spec: ResourceSpec) -> None:
        super().__init__()
        self.spec = spec

    # -- configuration -----------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        # The engine passes the whole stack config, namespaced, every value as a string; keep only
        # the provider's own settings.
        from omni_pulumi import hosterrors
        from omni_pulumi.config import CONFIG_KEYS

        # Inside the host: omni-pulumi's errors reach the user as their message, no traceback.
        hosterrors.install()
        self._stack_config = {
            key: value for key in CONFIG_KEYS if (value := req.config.get(key)) is not None
        }

    def __getstate__(self) -> dict[str, Any]:
        # Only the description travels in the pickle: never the stack config or a client.
        return {"spec": self.spec}

    def settings(self, props: Mapping[str, Any] | None = None):
        """The settings of the instance ``props`` name (``instance``), or the stack's own."""
        from omni_pulumi.config import settings_for

        return settings_for(getattr(self, "_stack_config", None), (props or {}).get(INSTANCE))

    def _client(self, props: Mapping[str, Any] | None = None):
        from omni_pulumi.config import client_from

        settings = self.settings(props)
        self.spec.configure(settings)
        return client_from(settings)

    def _check_instance(self, news: Mapping[str, Any]) -> str | None:
        """Why the resource's ``instance`` cannot be used, or ``None``: refused at preview, with
        the names that exist, rather than at the first call to Omni."""
        from omni_pulumi.config import missing_for
        from omni_pulumi.errors import OmniConfigError

        name = news.get(INSTANCE)
        if name is None or is_unknown(name):
            return None
        if not isinstance(name, str) or not name.strip():
            return f"must be the name of an instance under omni:instances; got {name!r}"
        try:
            return missing_for(self.settings(news))
        except OmniConfigError as exc:
            return str(exc)

    def _credentials_problem(self, props: Mapping[str, Any]) -> str | None:
        """Why these settings cannot work for this kind, in one line; ``None`` when they can.

        The first check of each settings in the process (so, once per operation, preview included)
        asks Omni's whoami; the answer is remembered (:mod:`omni_pulumi.credentials`).
        """
        from omni_pulumi import credentials

        try:
            info = credentials.ensure_credentials(self.settings(props))
            if self.spec.needs_org_key:
                credentials.require_organization_key(info, self.spec.type_name)
        except OmniError as exc:
            return str(exc)
        return None

    def _ensure_credentials(self, props: Mapping[str, Any]) -> None:
        """Refresh and destroy run no check(): they check the key as preview does, once per
        operation (the answer is remembered), before their first call."""
        problem = self._credentials_problem(props)
        if problem:
            raise OmniResourceError(problem)

    # -- check and diff (preview) -------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        spec = self.spec
        given = {
            k: v
            for k, v in news.items()
            if not k.startswith("__") and k not in ENGINE_ARGS and k not in spec.outputs
        }
        unknown = {k for k, v in given.items() if is_unknown(v)}
        values, problems = spec.validate(given, unknown)
        previous = {k: v for k, v in _olds.items() if not k.startswith("__")}
        if previous and not problems:
            problems = list(spec.check_change(previous, values, self._replacing(previous, values)))
        refused = self._check_instance(news)
        if refused:
            problems = [*problems, (INSTANCE, refused)]
        failures = [CheckFailure(prop, f"{spec.type_name}.{prop}: {why}") for prop, why in problems]
        # An empty property makes the engine say "<type> resource '<name>' has a problem: <why>".
        # Which instance is not known yet in a first preview: its check waits for `up`.
        waits = refused or is_unknown(news.get(INSTANCE))
        credentials = None if waits else self._credentials_problem(news)
        if credentials:
            failures.insert(0, CheckFailure("", credentials))
        fields = {f.name: f for f in spec.fields()}
        inputs = {
            k: v if k in unknown or k not in fields else fields[k].normalized(v)
            for k, v in values.items()
        }
        inputs[ADOPT_ID] = news.get(ADOPT_ID)
        if news.get(INSTANCE) is not None:
            inputs[INSTANCE] = news[INSTANCE]
        return CheckResult(inputs, failures)

    def _replacing(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
        """Known arguments whose change would replace the deployed object."""
        return {
            f.name
            for f in self.spec.fields()
            if not f.arg.updatable
            and not is_unknown(news.get(f.name))
            and f.differs(news.get(f.name), olds.get(f.name, f.default))
        }

    def _changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
        """Arguments whose program value differs from the recorded one."""
        return {
            f.name
            for f in self.spec.fields()
            if f.differs(news.get(f.name), olds.get(f.name, f.default))
        }

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        spec = self.spec
        changed: list[str] = []
        replaces: list[str] = []
        for field in spec.fields():
            new = news.get(field.name)
            # State written before an argument existed lacks it: it then held the default.
            old = olds.get(field.name, field.default)
            if is_unknown(new) or field.differs(new, old):
                changed.append(field.name)
                if not field.arg.updatable:
                    replaces.append(field.name)
        # Another instance holds another object: moving one is a replacement. State written before
        # `instance` existed lacks it, and means the stack's own instance, as leaving it unset does.
        moves = is_unknown(news.get(INSTANCE)) or news.get(INSTANCE) != olds.get(INSTANCE)
        if moves:
            changed.append(INSTANCE)
            replaces.append(INSTANCE)

        # A unique key is unique under its parent: only a replacement that keeps both must delete
        # the old object before it can create the new one.
        def kept(name: str) -> bool:
            return not is_unknown(news.get(name)) and news.get(name) == olds.get(name)

        scope = (*spec.natural_key, *spec.natural_scope, *(p.name for p in spec.parents()))
        keeps_key = bool(spec.natural_key) and all(map(kept, scope))
        keeps_unique = any(map(kept, spec.also_unique))
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[],
            # On another instance the new object cannot clash with the old: create it first.
            delete_before_replace=bool(replaces) and (keeps_key or keeps_unique) and not moves,
        )

    # -- create, read, update, delete ----------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = self._args(props)
        client = self._client(props)
        adopt_id = props.get(ADOPT_ID)
        if adopt_id:
            id_, computed = self._adopt(client, str(adopt_id), args)
        else:
            id_, computed = self._create(client, args, self.settings(props).adopt_existing)
        return CreateResult(id_, self._outputs(args, computed, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        self._ensure_credentials(props)
        state = {k: v for k, v in props.items() if not k.startswith("__")}
        # The engine calls Read for a refresh only (adoption reads through create): every object
        # of the stack is read in this one operation, so kinds Omni lists share one list answer.
        observed = self._call(
            "read", state, id_, lambda c: self.spec.refresh(c, id_, state), self._client(props)
        )
        if observed is None:
            return ReadResult("", {})
        outs = dict(state)
        for field in self.spec.fields():
            if not field.arg.write_only and field.name in observed:
                outs[field.name] = observed[field.name]
        for name in self.spec.outputs:
            if name in observed:
                outs[name] = observed[name]
        # The program's inputs stay as they were: diffs compare the program with these refreshed
        # outputs, so drift shows on the next preview, and a computed value Omni reports is never
        # mistaken for one the program set.
        return ReadResult(id_, outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = self._args(news)
        state = {k: v for k, v in olds.items() if not k.startswith("__")}
        changed = self._changed(state, args)
        computed = self._call(
            "update",
            args,
            id_,
            lambda c: self.spec.update(c, id_, state, args, changed),
            self._client(news),
            writes=True,
        )
        # What Omni filled in earlier (outputs, computed arguments left unset) stays known unless
        # the update reports a new value: an update that sends nothing must not forget it.
        kept = [*self.spec.outputs, *(f.name for f in self.spec.fields() if f.arg.computed)]
        previous = {name: state.get(name) for name in kept}
        return UpdateResult(self._outputs(args, {**previous, **(computed or {})}, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ensure_credentials(props)
        state = {k: v for k, v in props.items() if not k.startswith("__")}

        def delete(client) -> None:
            # Deleted outside Pulumi already: the goal is reached.
            with contextlib.suppress(OmniNotFound):
                self.spec.delete(client, id_, state)

        self._call("delete", state, id_, delete, self._client(props), writes=True)

    # -- the shared parts ------------------------------------------------------------------------------

    def _args(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: props.get(f.name) for f in self.spec.fields()}

    def _outputs(
        self, args: dict[str, Any], computed: Mapping[str, Any], props: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Outputs are the inputs, plus what Omni filled in for computed arguments left unset.

        Only computed arguments take Omni's value: for any other, unset is the program's word, and
        a value Omni holds anyway is drift for the next preview to show, not a silent output.
        """
        computed_args = {f.name for f in self.spec.fields() if f.arg.computed}
        outs = {
            name: computed.get(name) if value is None and name in computed_args else value
            for name, value in args.items()
        }
        outs.update({name: computed.get(name) for name in self.spec.outputs})
        outs[ADOPT_ID] = props.get(ADOPT_ID)
        if props.get(INSTANCE) is not None:
            outs[INSTANCE] = props[INSTANCE]
        return outs

    def _create(
        self, client, args: dict[str, Any], adopt_existing: bool = False
    ) -> tuple[str, Mapping[str, Any]]:
        spec = self.spec
        if spec.natural_key and not spec.key_enforced:
            # Omni would make a second object with the same key: look first (from the shared
            # listing, so a burst of creates lists once).
            found = self._find_existing(client, args)
            if found is not None:
                return self._existing(client, found, args, adopt_existing)
        try:
            try:
                id_, computed = self._call(
                    "create", args, None, lambda c: spec.create(c, args), client
                )
            finally:
                generation = LISTS.invalidate(spec.type_name)
            spec.created(client, id_, computed, generation)
            return id_, computed
        except OmniResourceError as exc:
            if not (spec.natural_key and isinstance(exc.__cause__, OmniConflict)):
                raise
            # Omni holds an object with this key: an interrupted run's, or one made by hand.
            try:
                found = self._find_existing(client, args)
            except (NotImplementedError, OmniResourceError):
                raise exc from exc.__cause__
            if found is None:
                raise
            return self._existing(client, found, args, adopt_existing, because=exc.__cause__)
        except OmniAmbiguousWrite:
            # The POST may have reached Omni. Look before trying again, so no duplicate is made.
            try:
                found = self._find_existing(client, args)
            except NotImplementedError:
                raise OmniResourceError(
                    f"{self._describe(args, None)}: the create request got no answer, and Omni "
                    f"offers no way to tell whether it made the object. Check Omni: if it did, set "
                    f"adopt_id to {self.spec.id_doc} and run `pulumi up` again"
                ) from None
            if found is None:
                try:
                    return self._call(
                        "create",
                        args,
                        None,
                        lambda c: self.spec.create(c, args),
                        client,
                        writes=True,
                    )
                except OmniAmbiguousWrite as exc:
                    raise OmniResourceError(
                        f"{self._describe(args, None)}: create failed twice without an answer: "
                        f"{exc}. If Omni now holds the object, set adopt_id to "
                        f"{self.spec.id_doc} and run `pulumi up` again"
                    ) from exc
            # Take it over as an adoption would: its replace-only settings must match the program,
            # and what the create would have written after the POST (a pause, a second call) is.
            return self._adopt(
                client,
                found,
                args,
                announce="the create request got no answer, but Omni had made the object: took over",
                made_by_us=True,
            )

    def _find_existing(self, client, args: dict[str, Any]) -> str | None:
        """The id of the object Omni holds under the program's natural key (see
        :meth:`ResourceSpec.find_existing`), looked up as part of the create."""
        return self._call("create", args, None, lambda c: self.spec.find_existing(c, args), client)

    def _existing(
        self,
        client,
        found: str,
        args: dict[str, Any],
        adopt_existing: bool,
        because: BaseException | None = None,
    ) -> tuple[str, Mapping[str, Any]]:
        """A create whose natural key Omni already holds under ``found``: never a second object.

        With ``omni:adoptExisting`` the object is taken over when every setting Omni reports
        matches the program; otherwise the create fails with the object's id and the exact line
        that adopts it.
        """
        spec = self.spec
        kind = spec.type_name
        key = " ".join(f"{k}={args.get(k)!r}" for k in (*spec.natural_key, *spec.natural_scope))
        line = (
            f"adopt_id={found!r} (or opts=pulumi.ResourceOptions(import_={found!r})) on this "
            "resource"
        )
        if adopt_existing:
            hints = {f.name: args[f.name] for f in spec.fields() if f.arg.computed and args[f.name]}
            current = self._call("adopt", args, found, lambda c: spec.read(c, found, hints), client)
            differing = [
                f.name
                for f in spec.fields()
                if current is not None
                and not f.arg.write_only
                and not f.arg.local
                and f.name in current
                and f.differs(args[f.name], current[f.name])
            ]
            if current is not None and not differing:
                return self._adopt(
                    client,
                    found,
                    args,
                    announce="omni:adoptExisting: its key was taken; adopted existing",
                )
            raise OmniResourceError(
                f"{self._describe(args, None)}: Omni already has a {kind} with {key} ({found!r}), "
                f"and omni:adoptExisting takes it over only when its settings match the program; "
                f"these differ: {', '.join(differing) or '(it could not be read)'}. Nothing was "
                f"created or changed. To adopt it anyway (the program's settings are then written), "
                f"set {line} and run `pulumi up` again; or delete it in Omni, or change the "
                f"program's {key.split('=')[0]}"
            )
        said = f" (Omni answered {because.status}: {because.detail})" if because else ""
        raise OmniResourceError(
            f"{self._describe(args, None)}: Omni already has a {kind} with {key}: {found!r}{said}, "
            f"perhaps made by an earlier `pulumi up` that was interrupted, or by hand. Nothing was "
            f"created. To manage it with this stack, set {line} and run `pulumi up` again (or set "
            f"`pulumi config set omni:adoptExisting true` to adopt such objects whose settings "
            f"match); or delete it in Omni, or change the program's {key.split('=')[0]}. See "
            f"docs/troubleshooting.md"
        )

    def _adopt(
        self,
        client,
        adopt_id: str,
        args: dict[str, Any],
        *,
        announce: str = "adopted existing",
        made_by_us: bool = False,
    ) -> tuple[str, Mapping[str, Any]]:
        """Take over an existing object: the create step of ``adopt_id`` and ``import_``, and of a
        create whose lost answer turned out to have made the object.

        Write-only values the program gives (passwords, tokens) are written, since Omni cannot say
        whether it holds them, unless the object was ``made_by_us`` (the lost POST carried them).
        """
        spec = self.spec
        kind = spec.type_name
        id_ = self._call(
            "adopt", args, adopt_id, lambda c: spec.id_for_adoption(c, adopt_id), client
        )
        # Computed settings the program gives help find the object (a restricted folder is
        # listed only under its owner); nothing else is assumed before Omni has answered.
        # An object our own lost POST made holds the program's values, write-only ones included.
        hints = {f.name: args[f.name] for f in spec.fields() if f.arg.computed and args[f.name]}
        state = args if made_by_us else hints
        current = self._call("adopt", args, id_, lambda c: spec.read(c, id_, state), client)
        if current is None:
            raise OmniResourceError(
                f"Cannot adopt {kind} {adopt_id!r}: Omni has no such {kind}. adopt_id (or import_) "
                f"must be {spec.id_doc} of an existing object. Nothing was created."
            )
        for field in spec.fields():
            if field.arg.updatable or field.arg.write_only or field.name not in current:
                continue
            if field.differs(args[field.name], current[field.name]):
                shown_new = "(secret)" if field.arg.secret else repr(args[field.name])
                shown_old = "(secret)" if field.arg.secret else repr(current[field.name])
                raise OmniResourceError(
                    f"Cannot adopt {kind} {adopt_id!r}: `{field.name}` is {shown_old} in Omni but "
                    f"{shown_new} in the program, and changing it would replace the object. Set "
                    f"`{field.name}` to {shown_old} in the program to adopt it. Nothing was changed."
                )
        changes = [
            f.name
            for f in spec.fields()
            if f.arg.updatable
            and not f.arg.local
            and (
                not made_by_us and args[f.name] is not None
                if f.arg.write_only
                else f.differs(args[f.name], current.get(f.name))
            )
        ]
        computed: Mapping[str, Any] = current
        if changes:
            updated = self._call(
                "adopt",
                args,
                id_,
                lambda c: spec.update(c, id_, current, args, set(changes)),
                client,
                writes=True,
            )
            computed = {**current, **(updated or {})}
        what = f"updated {', '.join(changes)}" if changes else "no setting needed a change"
        warn(f"{announce} {kind} {adopt_id!r} into the stack; {what}")
        return id_, computed

    def _describe(self, args: Mapping[str, Any], id_: str | None) -> str:
        label = args.get("name") or args.get("display_name") or args.get("model_name")
        who = f" {label!r}" if label else ""
        return f"{self.spec.type_name}{who}" + (f" ({id_})" if id_ and id_ != label else "")

    def _call(
        self,
        action: str,
        args: Mapping[str, Any],
        id_: str | None,
        call,
        client,
        *,
        writes: bool = False,
    ):
        """Run one spec call, turning Omni's errors into a message that names the resource.

        The client is handed the secret values of the arguments, so that no message it builds
        from Omni's answer (which may echo a request) shows one.
        """
        try:
            with client.redacting(self.spec.secret_values(args)):
                return call(client)
        except (OmniApiError, OmniTransportError) as exc:
            raise OmniResourceError(f"{self._describe(args, id_)}: {action} failed: {exc}") from exc
        finally:
            if writes:
                # Whatever the outcome, a cached list of the kind may now be wrong: the next read
                # (a read-back, a search after a lost answer) lists again.
                LISTS.invalidate(self.spec.type_name)
