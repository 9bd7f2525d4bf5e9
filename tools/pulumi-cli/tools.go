//go:build tools

// Package tools pins the Pulumi CLI so that tools/build-pulumi-cli.sh can build
// `pulumi` from its Go module: no registry here ships the CLI as a binary.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
