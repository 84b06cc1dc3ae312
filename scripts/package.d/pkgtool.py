#!/usr/bin/env python3
"""Helpers for scripts/package and scripts/check-release (Python 3.11 or later).

    pkgtool.py render TEMPLATE OUT KEY=VALUE...    fill @KEY@ placeholders
    pkgtool.py crates SBOM BINARY                   the SBOM's crates linked into BINARY, one
                                                    " name version: licence" line each
    pkgtool.py audit-info BINARY                    the embedded dependency list, as JSON
    pkgtool.py check-audit BINARY TARGET CARGO_LOCK the embedded list matches Cargo.lock and the target
    pkgtool.py check-sbom SBOM BINARY VERSION       the SBOM lists the binary's crates, nothing else
    pkgtool.py check-paths BINARY TEXT...           none of the TEXTs (build paths) is in the binary
    pkgtool.py check-manifests DIST SCHEMAS CONF    Scoop and winget manifests against their schemas
                                                    and against dist/'s .sha256 files

The embedded list is cargo-auditable's format: a `.dep-v0` section (ELF or PE) holding
zlib-compressed JSON {"packages": [{"name", "version", "source", "kind"?, "dependencies"?,
"root"?}]} (https://github.com/rust-secure-code/cargo-auditable, "rust-audit-info"). This file
reads it with its own small ELF and PE readers, so the check does not trust the writer.
Every check prints one "ok" line or exits 1 with the reason.
"""

import json
import re
import struct
import sys
import tomllib
import zlib
from pathlib import Path


def fail(msg):
    print(f"pkgtool: {msg}", file=sys.stderr)
    sys.exit(1)


# --- templates ---------------------------------------------------------------------------


def render(template, out, pairs):
    text = Path(template).read_text()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Z0-9_]+", key):
            fail(f"render: not KEY=VALUE: {pair!r}")
        text = text.replace(f"@{key}@", value)
    left = sorted(set(re.findall(r"@[A-Z0-9_]+@", text)))
    if left:
        fail(f"render: {template}: no value for {', '.join(left)}")
    Path(out).write_text(text)


def licence_of(component):
    """The component's licence expression (CycloneDX: `expression` or `license.id/name`)."""
    parts = []
    for entry in component.get("licenses", []):
        if "expression" in entry:
            parts.append(entry["expression"])
        elif "license" in entry:
            lic = entry["license"]
            parts.append(lic.get("id") or lic.get("name") or "unknown")
    return " AND ".join(parts) if parts else "unknown"


def crates(sbom, binary):
    """The SBOM's crates that are linked into BINARY (not the compile-time proc-macros)."""
    bom = json.loads(Path(sbom).read_text())
    linked = runtime_packages(audit_info(binary))
    rows = sorted(
        (c["name"], c.get("version", ""), licence_of(c))
        for c in bom.get("components", [])
        if (c["name"], c.get("version")) in linked
    )
    for name, version, lic in rows:
        print(f" {name} {version}: {lic}")


# --- the embedded dependency list --------------------------------------------------------


def elf_section(data, wanted):
    if data[4] != 2 or data[5] != 1:
        fail("audit-info: only 64-bit little-endian ELF files are read")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = []
    for i in range(shnum):
        name, _type, _flags, _addr, offset, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize
        )
        headers.append((name, offset, size))
    strtab_off, strtab_size = headers[shstrndx][1], headers[shstrndx][2]
    strtab = data[strtab_off : strtab_off + strtab_size]
    for name, offset, size in headers:
        end = strtab.index(b"\0", name)
        if strtab[name:end].decode() == wanted:
            return data[offset : offset + size]
    return None


def pe_section(data, wanted):
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        fail("audit-info: not a PE file")
    nsections = struct.unpack_from("<H", data, pe + 6)[0]
    opt_size = struct.unpack_from("<H", data, pe + 20)[0]
    table = pe + 24 + opt_size
    for i in range(nsections):
        raw = data[table + 40 * i : table + 40 * (i + 1)]
        name = raw[:8].rstrip(b"\0").decode(errors="replace")
        vsize, _vaddr, rsize, roff = struct.unpack_from("<IIII", raw, 8)
        if name == wanted:
            return data[roff : roff + min(vsize, rsize)]
    return None


def audit_info(binary):
    data = Path(binary).read_bytes()
    if data[:4] == b"\x7fELF":
        section = elf_section(data, ".dep-v0")
    elif data[:2] == b"MZ":
        section = pe_section(data, ".dep-v0")
    else:
        fail(f"audit-info: {binary}: neither ELF nor PE")
    if section is None:
        fail(f"audit-info: {binary} has no .dep-v0 section (not built with cargo auditable)")
    inflater = zlib.decompressobj()
    return json.loads(inflater.decompress(section))


def runtime_packages(info):
    """(name, version) of the packages linked into the binary, the root one included (not the
    build-time ones: build-script helpers and proc-macro crates, of kind "build")."""
    return {
        (p["name"], p["version"])
        for p in info["packages"]
        if p.get("kind", "runtime") == "runtime"
    }


def check_audit(binary, target, cargo_lock):
    info = audit_info(binary)
    lock = tomllib.loads(Path(cargo_lock).read_text())
    locked = {(p["name"], p["version"]) for p in lock["package"]}
    roots = [p for p in info["packages"] if p.get("root")]
    if [(p["name"], p.get("source")) for p in roots] != [("okta-aws-cli", "local")]:
        fail(f"check-audit: {binary}: root package is {roots}, expected okta-aws-cli (local)")
    runtime = runtime_packages(info)
    names = {n for n, _ in runtime}
    unknown = sorted(set((p["name"], p["version"]) for p in info["packages"]) - locked)
    if unknown:
        fail(f"check-audit: {binary}: packages that Cargo.lock does not have: {unknown}")
    expected = {"rustls", "ring", "ureq", "serde_json"}
    windows = "windows" in target
    expected |= {"windows-sys"} if windows else {"rustix", "signal-hook"}
    absent = {"rustix", "signal-hook"} if windows else {"windows-sys"}
    # tempfile is a dev-dependency: it is in Cargo.lock, but never in the release binary.
    absent |= {"tempfile"}
    if not expected <= names:
        fail(f"check-audit: {binary}: missing from the list: {sorted(expected - names)}")
    if names & absent:
        fail(f"check-audit: {binary}: should not be in the list: {sorted(names & absent)}")
    print(f"ok: {binary}: {len(info['packages'])} packages embedded, all in Cargo.lock")


# --- SBOM ----------------------------------------------------------------------------------


def check_sbom(sbom, binary, version):
    bom = json.loads(Path(sbom).read_text())
    if bom.get("bomFormat") != "CycloneDX" or not str(bom.get("specVersion", "")).startswith("1."):
        fail(f"check-sbom: {sbom}: not a CycloneDX document")
    top = bom.get("metadata", {}).get("component", {})
    if (top.get("name"), top.get("version")) != ("okta-aws-cli", version):
        fail(f"check-sbom: {sbom}: describes {top.get('name')} {top.get('version')}")
    listed = set()
    for c in bom.get("components", []):
        purl = c.get("purl", "")
        if not purl.startswith(f"pkg:cargo/{c['name']}@{c.get('version')}"):
            fail(f"check-sbom: {sbom}: {c['name']}: purl {purl!r}")
        listed.add((c["name"], c.get("version")))
    props = {p["name"]: p["value"] for p in bom["metadata"].get("properties", [])}
    target = Path(sbom).name.removeprefix(f"okta-aws-cli-{version}-").removesuffix(".cdx.json")
    if props.get("cdx:rustc:sbom:target:triple") != target:
        fail(f"check-sbom: {sbom}: made for target {props.get('cdx:rustc:sbom:target:triple')}")
    info = audit_info(binary)
    root = {("okta-aws-cli", version)}
    runtime = runtime_packages(info) - root
    graph = {(p["name"], p["version"]) for p in info["packages"]} - root
    # Every crate compiled into the binary is listed, and nothing outside its dependency
    # graph. Proc-macro crates (compile-time only) are in the SBOM and marked "build" in the
    # binary's list; build-script helpers (cc) are in neither SBOM nor runtime set.
    if not runtime <= listed or not listed <= graph:
        fail(
            f"check-sbom: {sbom} and {binary} disagree: missing from the SBOM "
            f"{sorted(runtime - listed)}, not in the binary's graph {sorted(listed - graph)}"
        )
    print(f"ok: {sbom}: {len(listed)} crates, every one of the binary's {len(runtime)} among them")


def check_paths(binary, texts):
    data = Path(binary).read_bytes()
    found = [t for t in texts if t and t.encode() in data]
    if found:
        fail(f"check-paths: {binary} contains build paths: {found}")
    print(f"ok: {binary}: no build paths")


# --- Scoop and winget ------------------------------------------------------------------------


def read_conf(conf):
    """packaging/release.conf: name='value' lines."""
    values = {}
    for line in Path(conf).read_text().splitlines():
        m = re.fullmatch(r"([a-z_]+)='([^']*)'", line.strip())
        if m:
            values[m[1]] = m[2]
    return values


def sha256_of(dist, name):
    line = (Path(dist) / f"{name}.sha256").read_text().split()
    if line[1:] != [name]:
        fail(f"check-manifests: {name}.sha256 is not for {name}")
    return line[0]


def validate(schema_path, document, what):
    import jsonschema

    schema = json.loads(Path(schema_path).read_text())
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        for e in errors:
            print(f"  {what}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
        fail(f"check-manifests: {what} does not match {schema_path}")


def check_manifests(dist, schemas, conf):
    import yaml

    dist, schemas = Path(dist), Path(schemas)
    settings = read_conf(conf)
    exes = sorted(dist.glob("okta-aws-cli-*-x86_64-pc-windows-gnu.exe"))
    if len(exes) != 1:
        fail(f"check-manifests: expected one Windows .exe in {dist}, found {exes}")
    exe = exes[0].name
    version = exe.removeprefix("okta-aws-cli-").removesuffix("-x86_64-pc-windows-gnu.exe")
    url = settings["release_url"].replace("{version}", version) + "/" + exe
    digest = sha256_of(dist, exe)

    scoop = json.loads((dist / "scoop/okta-aws-cli.json").read_text())
    validate(schemas / "scoop/schema.json", scoop, "scoop/okta-aws-cli.json")
    arch = scoop["architecture"]["64bit"]
    if (scoop["version"], arch["url"], arch["hash"]) != (version, f"{url}#/okta-aws-cli.exe", digest):
        fail("check-manifests: the Scoop manifest does not name the released .exe and its SHA-256")
    print("ok: scoop/okta-aws-cli.json: valid, names the .exe and its SHA-256")

    folder = dist / "winget" / version
    ident = settings["winget_id"]
    kinds = {
        "version": (f"{ident}.yaml", "manifest.version.1.10.0.json"),
        "installer": (f"{ident}.installer.yaml", "manifest.installer.1.10.0.json"),
        "defaultLocale": (f"{ident}.locale.en-US.yaml", "manifest.defaultLocale.1.10.0.json"),
    }
    docs = {}
    for kind, (name, schema) in kinds.items():
        doc = yaml.safe_load((folder / name).read_text())
        validate(schemas / "winget-1.10.0" / schema, doc, f"winget/{version}/{name}")
        if (doc["ManifestType"], doc["PackageIdentifier"], doc["PackageVersion"]) != (kind, ident, version):
            fail(f"check-manifests: {name}: wrong type, identifier or version")
        docs[kind] = doc
    installers = docs["installer"]["Installers"]
    if docs["installer"].get("InstallerType") != "portable" or len(installers) != 1:
        fail("check-manifests: the winget installer must be one portable .exe")
    if (installers[0]["InstallerUrl"], installers[0]["InstallerSha256"].lower()) != (url, digest):
        fail("check-manifests: the winget installer does not name the released .exe and its SHA-256")
    if docs["version"]["DefaultLocale"] != docs["defaultLocale"]["PackageLocale"]:
        fail("check-manifests: DefaultLocale and the locale manifest disagree")
    print(f"ok: winget/{version}: three manifests valid, the installer names the .exe and its SHA-256")


def main(argv):
    commands = {
        "render": (lambda a: render(a[0], a[1], a[2:]), 2),
        "crates": (lambda a: crates(a[0], a[1]), 2),
        "audit-info": (lambda a: print(json.dumps(audit_info(a[0]), indent=1)), 1),
        "check-audit": (lambda a: check_audit(a[0], a[1], a[2]), 3),
        "check-sbom": (lambda a: check_sbom(a[0], a[1], a[2]), 3),
        "check-paths": (lambda a: check_paths(a[0], a[1:]), 1),
        "check-manifests": (lambda a: check_manifests(a[0], a[1], a[2]), 3),
    }
    if not argv or argv[0] not in commands or len(argv) - 1 < commands[argv[0]][1]:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    commands[argv[0]][0](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
