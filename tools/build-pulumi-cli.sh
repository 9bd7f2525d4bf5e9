#!/usr/bin/env bash
# Build the Pulumi CLI from its Go module, once per version, into a cache outside the repository.
#
# No package registry reachable here ships the `pulumi` binary (its npm and PyPI packages download
# it at run time), but the Go module proxy serves github.com/pulumi/pulumi/pkg/v3, whose cmd/pulumi
# is the CLI. tools/pulumi-cli/ pins the version. Beside the binary goes the launcher the engine
# starts for dynamic providers, `pulumi-resource-pulumi-python` (tools/), which upstream ships as a script.
#
# Layout: <cache>/pulumi-<version>/bin/{pulumi,pulumi-resource-pulumi-python}, so that
# `pulumi.automation.PulumiCommand(root="<cache>/pulumi-<version>")` finds the binary.
#
# Prints the directory that holds the binaries (put it first on PATH) and nothing else on stdout.
# Only the pinned version is ever given: a `pulumi` on PATH of that version is used as it is (pass
# --force-build to build anyway); one of another version is passed over, and the pinned one built.
#
# Environment: OMNI_PULUMI_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/omni-pulumi).
# Exit status 3: Go is missing (or older than tools/pulumi-cli/go.mod asks for), so the pinned CLI
# cannot be built.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module="$here/pulumi-cli"
version=$(sed -nE "s#^(require)?[[:space:]]*github.com/pulumi/pulumi/pkg/v3 (v[^ ]+).*#\2#p" "$module/go.mod" | head -n 1)
go_wanted=$(sed -nE 's/^go ([0-9.]+)$/\1/p' "$module/go.mod")
cache_root=${OMNI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omni-pulumi}
dest="$cache_root/pulumi-$version/bin"

say() { echo "build-pulumi-cli: $*" >&2; }
# What `pulumi version` prints (v3.274.1), or nothing.
cli_version() { PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true; }
# Go's version (1.26.8) when it is at least go.mod's, else nothing.
usable_go() {
  command -v go >/dev/null 2>&1 || return 0
  local have
  have=$(go env GOVERSION 2>/dev/null | sed -nE 's/^go([0-9][0-9.]*).*/\1/p' || true)
  [[ -n "$have" && "$(printf '%s\n%s\n' "$go_wanted" "$have" | sort -V | head -n 1)" == "$go_wanted" ]] \
    && echo "$have"
  return 0
}

if [[ "${1:-}" != "--force-build" ]] && command -v pulumi >/dev/null 2>&1 \
    && [[ "$(command -v pulumi)" != "$dest/pulumi" ]]; then
  found=$(command -v pulumi)
  found_version=$(cli_version "$found")
  if [[ "$found_version" == "$version" ]]; then
    dirname "$found"
    exit 0
  fi
  say "passing over $found: it is ${found_version:-not a working pulumi}, not the pinned $version"
fi

mkdir -p "$dest"
# Two test sessions starting at once must not both spend minutes building (nor race on the files).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.build.lock"
  flock 9
fi

if [[ ! -x "$dest/pulumi" || "$(cli_version "$dest/pulumi")" != "$version" \
    || "${1:-}" == "--force-build" ]]; then
  if [[ -z "$(usable_go)" ]]; then
    if command -v go >/dev/null 2>&1; then
      say "Go is $(go env GOVERSION 2>/dev/null || echo 'not working'), older than go.mod's $go_wanted: install Go $go_wanted+ or put pulumi $version on PATH"
    else
      say "Go is not installed: install Go $go_wanted+ (tools/pulumi-cli/go.mod) or put pulumi $version on PATH"
    fi
    exit 3
  fi
  say "building pulumi $version with $(go env GOVERSION) (first time only; a few minutes)"
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -o "$dest/pulumi.partial" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
  mv "$dest/pulumi.partial" "$dest/pulumi"
fi

# The launcher (tools/pulumi-resource-pulumi-python) picks the interpreter when the engine starts
# it, as Pulumi's own does: the project's virtualenv (PULUMI_RUNTIME_VIRTUALENV, from Pulumi.yaml's
# `virtualenv:`) first, then OMNI_PULUMI_PYTHON (which omni_pulumi.testing.pulumi_cli sets to
# sys.executable), $VIRTUAL_ENV, python3. One cache serves every virtualenv.
launcher="$dest/pulumi-resource-pulumi-python"
cp "$here/pulumi-resource-pulumi-python" "$launcher.partial"
chmod +x "$launcher.partial"
mv "$launcher.partial" "$launcher"
echo "$dest"
