"""``python -m omni_pulumi.emulator``: the same command as ``omni-pulumi emulator``."""

from .cli import main

raise SystemExit(main())
