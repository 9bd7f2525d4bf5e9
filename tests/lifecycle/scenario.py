"""What the lifecycle suite needs to know of a resource to exercise it: the Scenario shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from omni_pulumi.client import OmniClient
from omni_pulumi.emulator import Emulator
from omni_pulumi.errors import OmniNotFound


@dataclass
class World:
    """The instance a scenario runs against: the emulator, a client, and seeded objects."""

    emulator: Emulator
    client: OmniClient
    users: list[str]
    #: What a scenario made once and must find again (a dashboard, objects made by hand).
    made: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()`` the first time, the same value after: programs run more than once."""
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]


#: Builds, inside the program, the resources the subject depends on; returns them by name.
Deps = Callable[[World], dict[str, Any]]
#: Arguments of the subject, given the world and its dependencies.
Args = Callable[[World, dict[str, Any]], dict[str, Any]]
#: A check on an object, given its id and outputs.
Probe = Callable[[World, str, dict[str, Any]], Any]


def no_deps(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Scenario:
    kind: str
    resource: type
    #: Every argument set (where arguments exclude each other, a comment says which are left out).
    args: Args
    #: Overrides that change only updatable arguments.
    update: Args
    #: Overrides that change a replace-only argument (None where every argument updates in place).
    replace: Args | None
    #: Change the object outside Pulumi; returns (output name, the value refresh must then show).
    drift: Callable[[World, str, dict[str, Any]], tuple[str, Any]]
    #: Delete the object outside Pulumi.
    delete_outside: Callable[[World, str, dict[str, Any]], None]
    #: Make the object by hand, with an updatable setting unlike ``adopt_args``; return its id.
    make_by_hand: Callable[[World], str]
    #: The program's arguments for adopting that object (no dependencies).
    adopt_args: Callable[[World], dict[str, Any]]
    #: Overrides that make a replace-only argument differ from the object made by hand.
    adopt_conflict: Callable[[World], dict[str, Any]] | None
    #: An adoption id that names no object.
    missing_id: str
    #: Whether the object still exists in Omni (for Connection: exists and is not archived).
    exists: Callable[[World, str, dict[str, Any]], bool]
    deps: Deps = no_deps
    #: Omni cannot delete it: destroy and replace leave it in Omni and warn with its id.
    destroy_leaves: bool = False
    #: Asserts how Omni keeps an object Pulumi deleted (e.g. archived rather than gone).
    deleted_as: Probe | None = None


def exists_unless_404(call: Callable[[], Any]) -> bool:
    try:
        call()
    except OmniNotFound:
        return False
    return True
