"""``omni-pulumi export``: turn an existing Omni instance into a Pulumi program that adopts it.

The pieces, each with one job:

* :mod:`.reader`: a read-only, caching view of the Omni client (export never writes to Omni);
* :mod:`.kinds`: the per-kind table, how to list each kind and what its references point at;
* :mod:`.lister`: walks the table, reads each object with its spec's own ``read()`` and keeps what
  cannot be expressed for the summary;
* :mod:`.naming`: variable, resource and config key names derived from the objects' names;
* :mod:`.codegen`: one generic writer, driven by the resource specs, for ``__main__.py`` and
  ``Pulumi.yaml``;
* :mod:`.progress`: the progress bar on stderr;
* :mod:`.cli`: the subcommand.
"""

from omni_pulumi.export.codegen import Project, render
from omni_pulumi.export.lister import Export, Found, Left, collect

__all__ = ["Export", "Found", "Left", "Project", "collect", "render"]
