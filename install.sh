#!/bin/sh
# Install okta-aws-cli: download the release binary for this machine and its .sha256 file,
# check the checksum, then put the binary in a folder (default ~/.local/bin).
#
#   sh install.sh [--dir DIR] [--version VERSION] [--base-url URL]
#
# Settings (a flag wins over its variable):
#   --dir DIR         OKTA_AWSCLI_INSTALL_DIR       where to install (default: ~/.local/bin)
#   --version V       OKTA_AWSCLI_INSTALL_VERSION   which release (default: the one below)
#   --base-url URL    OKTA_AWSCLI_INSTALL_BASE_URL  the folder that holds the release's files
#                     (default: default_base_url below, with {version} replaced)
#
# Platforms: Linux on x86_64 or aarch64 (static binaries that run on any distribution).
# On macOS use the Homebrew formula; on Windows, Scoop, winget or the .exe (README, "Install").
#
# It refuses, exits 1 and leaves the install folder as it was when: the platform is not one of
# the above, the .sha256 file is missing or not a SHA-256 line for the binary, the binary does
# not match it, or the binary does not run here. The base URL must be https, or http on a
# loopback address (127.0.0.1, localhost, [::1]) for local tests. Needs curl or wget, and one
# of sha256sum, shasum or openssl. POSIX sh; no root needed for a folder you own.
set -eu

# The release this script belongs to (scripts/test-install checks it against Cargo.toml).
default_version=2.6.0
# Where releases are published; {version} is the release version. The same value as
# release_url in packaging/release.conf (scripts/test-install checks that they agree).
default_base_url='https://okta-aws-cli.invalid/releases/v{version}'

say() { printf 'install.sh: %s\n' "$*" >&2; }
refuse() {
  say "$*"
  say "nothing was installed"
  exit 1
}
usage() {
  sed -n '2,/^set -eu/p' "$0" 2>/dev/null | sed '$d' | sed 's/^# \{0,1\}//'
}

dir=${OKTA_AWSCLI_INSTALL_DIR:-}
version=${OKTA_AWSCLI_INSTALL_VERSION:-$default_version}
base_url=${OKTA_AWSCLI_INSTALL_BASE_URL:-}
while [ $# -gt 0 ]; do
  case $1 in
    --dir | --version | --base-url)
      [ $# -ge 2 ] || { say "$1 needs a value"; exit 2; }
      case $1 in
        --dir) dir=$2 ;;
        --version) version=$2 ;;
        --base-url) base_url=$2 ;;
      esac
      shift 2
      ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    --version=*) version=${1#--version=}; shift ;;
    --base-url=*) base_url=${1#--base-url=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) say "unknown argument: $1 (see --help)"; exit 2 ;;
  esac
done

case $version in
  '' | *[!0-9A-Za-z.+-]*) refuse "not a release version: '$version'" ;;
esac
if [ -z "$base_url" ]; then
  base_url=$(printf '%s\n' "$default_base_url" | sed "s/{version}/$version/g")
fi
base_url=${base_url%/}
if [ -z "$dir" ]; then
  [ -n "${HOME:-}" ] || refuse "HOME is not set: give the folder with --dir or OKTA_AWSCLI_INSTALL_DIR"
  dir=$HOME/.local/bin
fi

# Plain http only to this machine: anyone on the path could swap both the binary and its
# checksum.
case $base_url in
  https://*) proto='=https' ;;
  http://127.0.0.1/* | http://127.0.0.1:* | http://localhost/* | http://localhost:* | http://\[::1\]/* | http://\[::1\]:*)
    proto='=http'
    ;;
  *) refuse "the base URL must start with https:// (plain http only on a loopback address): $base_url" ;;
esac

os=$(uname -s 2>/dev/null || echo unknown)
arch=$(uname -m 2>/dev/null || echo unknown)
case $os in
  Linux) ;;
  Darwin) refuse "macOS: no macOS binary is released; use the Homebrew formula (README, \"Install\")" ;;
  MINGW* | MSYS* | CYGWIN* | Windows*) refuse "Windows: use Scoop, winget or the .exe (README, \"Install\")" ;;
  *) refuse "unsupported operating system: $os (released for Linux x86_64 and aarch64)" ;;
esac
case $arch in
  x86_64 | amd64) target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) target=aarch64-unknown-linux-musl ;;
  *) refuse "unsupported machine: $arch (released for Linux x86_64 and aarch64)" ;;
esac
name=okta-aws-cli-$version-$target

# fetch URL FILE: download URL to FILE; fails on an HTTP error.
if command -v curl >/dev/null 2>&1; then
  fetch() { curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" --connect-timeout 15 --max-time 300 --output "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget --quiet --timeout=15 --tries=2 --output-document="$2" "$1"; }
else
  refuse "needs curl or wget to download"
fi

# sha256 FILE: print the file's SHA-256 in lower-case hex.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  else
    return 1
  fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/okta-aws-cli-install.XXXXXX") || refuse "cannot make a temporary folder"
staged=""
made_dir=""
cleanup() {
  rm -rf "$tmp"
  [ -z "$staged" ] || rm -f "$staged"
  # Remove the folders this run created (from $dir up to the first one that existed).
  if [ -n "$made_dir" ]; then
    d=$dir
    while rmdir "$d" 2>/dev/null && [ "$d" != "$made_dir" ]; do d=$(dirname "$d"); done
  fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

say "downloading $base_url/$name"
fetch "$base_url/$name.sha256" "$tmp/sum" || refuse "no checksum file at $base_url/$name.sha256"
fetch "$base_url/$name" "$tmp/bin" || refuse "cannot download $base_url/$name"

# The .sha256 file is one `sha256sum` line: 64 hex digits, two spaces (or " *"), the name.
line=$(sed -n '1p' "$tmp/sum" | tr -d '\r')
want=$(printf '%s\n' "$line" | cut -d' ' -f1 | tr 'A-F' 'a-f')
listed=$(printf '%s\n' "$line" | sed 's/^[^ ]* [ *]//')
case $want in
  *[!0-9a-f]*) refuse "$name.sha256 is not a SHA-256 line" ;;
esac
[ ${#want} -eq 64 ] || refuse "$name.sha256 is not a SHA-256 line"
[ "$listed" = "$name" ] || refuse "$name.sha256 is for '$listed', not $name"
got=$(sha256 "$tmp/bin") || refuse "needs sha256sum, shasum or openssl to check the download"
[ "$got" = "$want" ] || refuse "checksum mismatch for $name: expected $want, got $got"
say "checksum ok: $got"

# Stage the binary in the install folder, check that it runs here, then rename it into place
# (an existing okta-aws-cli is replaced in one step).
if [ ! -d "$dir" ]; then
  missing=$dir
  while [ ! -d "$(dirname "$missing")" ]; do missing=$(dirname "$missing"); done
  mkdir -p "$dir" || refuse "cannot create $dir"
  made_dir=$missing
fi
staged=$dir/.okta-aws-cli.install.$$
cp "$tmp/bin" "$staged" || refuse "cannot write to $dir"
chmod 0755 "$staged"
out=$("$staged" --version 2>&1) || refuse "the downloaded binary does not run here: $out"
[ "$out" = "okta-aws-cli version $version" ] || refuse "the downloaded binary says '$out', expected version $version"
mv -f "$staged" "$dir/okta-aws-cli" || refuse "cannot write $dir/okta-aws-cli"
staged=""
made_dir=""
say "installed $dir/okta-aws-cli ($out)"
case :${PATH:-}: in
  *:"$dir":*) ;;
  *) say "$dir is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$dir:\$PATH\"" ;;
esac
