"""Test omni-pulumi stacks offline: drive the provider the way the Pulumi engine does.

Submodules: ``results`` (what an operation did, shared by both engines), ``harness`` (the
engine-protocol harness over gRPC), ``pulumi_cli`` (the real Pulumi CLI through the Automation API),
``pytest_plugin`` (fixtures).
"""
