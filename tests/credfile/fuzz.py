"""Random AWS credentials files for tests/e2e/credentials_configparser.rs, checked with the
parser botocore uses: configparser.RawConfigParser (strict=True, no inline comments), reading the
file as botocore does (text mode, universal newlines).

    fuzz.py gen SEED COUNT DIR   write DIR/<n>.ini (each one Python parses strictly) and
                                 DIR/manifest.json: [{"file": "<n>.ini", "profile": "..."}]
    fuzz.py check DIR            for each manifest entry: <n>.out (our edit) must parse
                                 strictly, its target profile must hold exactly our three
                                 values besides its foreign keys, every other section must be
                                 unchanged; <n>.refused (the editor refused) is only counted.
                                 Some files repeat the profile's section (case B23;
                                 only the non-strict parser accepts it): there the result
                                 must parse strictly, with the copies' keys merged.
                                 Every input botocore's own reader (raw_config_parse, which
                                 reads values that start on the next line as nested
                                 "k = v" lines) accepts must be accepted after the edit
                                 too. A refusal that names a [DEFAULT] value is checked
                                 against the file: the profile must be about to take a
                                 [DEFAULT] value botocore rejects that it did not take
                                 before.
                                 Prints one JSON object: {"checked", "refused", "failures",
                                 ...counts}.

Everything is seeded: the same SEED gives the same files.
"""

import configparser
import io
import json
import os
import random
import sys

# botocore opens the file with the locale's encoding; the test files are UTF-8.
if __name__ == "__main__" and not sys.flags.utf8_mode:
    os.execv(sys.executable, [sys.executable, "-X", "utf8"] + sys.argv)

import botocore.configloader  # noqa: E402 - after the UTF-8 switch
import botocore.exceptions  # noqa: E402

# The values the Rust test writes (keep in sync with tests/e2e/credentials_configparser.rs).
OURS = {
    "aws_access_key_id": "ASIAFUZZEXAMPLE00001",
    "aws_secret_access_key": "fuzzSecret/+=0000000000000000000000000000",
    "aws_session_token": "FuzzToken//+==AAAA",
}
# Commented out by the editor when the legacy/expiry options are off.
STALE = {"aws_security_token", "x_security_token_expires"}

# Python whitespace of every kind (str.isspace): indentation and padding come from here.
# \x0b, \x0c, \x1c-\x1f, \x85, \u2028 and \u2029 are NOT line breaks when Python reads a file.
WS = [" ", " ", " ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003",
      "\u2028", "\u3000"]

SECTIONS = ["default", "okta-dev", "p", " p ", "p ", " okta-dev", "profile okta-dev",
            "profile p", "a]b", "ünï", "team/Admin", "DEFAULT", "x y", "[q", "K\u212aelvin",
            "prod"]
# Target profiles: names the editor accepts.
TARGETS = ["default", "okta-dev", "p", "ünï", "team/Admin", "prod", "fresh"]
KEYS = ["aws_access_key_id", "AWS_Access_Key_ID", "aws_access_\u212aey_id",
        "aws_secret_access_key", "Aws_Secret_Access_Key", "aws_session_token",
        "AWS_SESSION_TOKEN", "aws_security_token", "x_security_token_expires", "region",
        "output", "credential_process", "ÄÖ", "straße", "ΣΑΣ", "key with spaces",
        "\u0130x", "mfa_serial", "[notasection", "k#hash", "k;semi"]
VALUES = ["v", "", "us-east-1", "a ; not a comment", "x # not either", "=eq", "with:colon",
          "ünïcödé", "[looks] = like", "  padded  ", "/usr/bin/helper --flag"]
TEXT = ["more", "[q]", "[p]", "k = v", "aws_access_key_id = NOPE", "tail;x", "#not", "x"]
SEPS = ["=", " = ", ": ", " :", "\t=\t", " =", "=\x0c", ":"]


# Nested values (botocore reads "k =" followed by indented lines as "k = v" lines): keys
# that a profile may mask or lose, and lines that botocore accepts or rejects in them.
NESTED_KEYS = ["aws_security_token", "AWS_Security_Token", "x_security_token_expires", "s3",
               "output", "aws_session_token", "region", "credential_process"]
NESTED_GOOD = ["a = b", "addressing_style = path", "k=v", "x = y = z", "", "# c", "; c"]
NESTED_BAD = ["nope", "x", "a = b\x0bnope", "a = b\x85c", "no equals here", "[p]"]


def ws(rng, lo, hi):
    return "".join(rng.choice(WS) for _ in range(rng.randint(lo, hi)))


def indent(rng):
    return "" if rng.random() < 0.55 else ws(rng, 1, 4)


def gen_lines(rng):
    lines = []
    if rng.random() < 0.3:
        lines.append(rng.choice(["# top", "; top", ""]))
    lines.append(indent(rng) + "[" + rng.choice(SECTIONS) + "]" + rng.choice(["", "", " ", " ; c"]))
    for _ in range(rng.randint(1, 30)):
        r = rng.random()
        ind = indent(rng)
        if r < 0.12:
            line = ind + "[" + rng.choice(SECTIONS) + "]" + rng.choice(["", "", " x"])
        elif r < 0.55:
            line = ind + rng.choice(KEYS) + rng.choice(SEPS) + rng.choice(VALUES)
        elif r < 0.72:
            # Continuation-like text: an error unless Python reads it as a continuation.
            line = ws(rng, 1, 6) + rng.choice(TEXT)
        elif r < 0.85:
            line = ind + rng.choice(["# c", "; c", "#[p]", ";aws_session_token = X", "#"])
        else:
            line = rng.choice(["", "", ws(rng, 1, 3)])
        lines.append(line)
    return lines


def nested(rng, key, bad):
    """`key =` and its indented nested lines; with `bad`, one of them has no `=`."""
    lines = [key + rng.choice(["=", " =", " = ", ":", "\t=\t"])]
    if rng.random() < 0.2:
        lines.append("")
    body = [rng.choice(NESTED_GOOD) for _ in range(rng.randint(0 if bad else 1, 3))]
    if bad:
        body.insert(rng.randint(0, len(body)), rng.choice(NESTED_BAD))
    for text in body:
        lines.append(ws(rng, 1, 3) + text if text else "")
    if not any(t for t in body if not t.startswith(("#", ";"))):
        lines.append(ws(rng, 1, 3) + "a = b")
    return lines


def default_block(rng):
    """A [DEFAULT] section with nested values, some botocore rejects; and those keys."""
    lines = ["[DEFAULT]"]
    bad_keys = []
    used = set()
    for _ in range(rng.randint(1, 3)):
        key = rng.choice(NESTED_KEYS)
        if key.lower() in used:
            continue
        used.add(key.lower())
        r = rng.random()
        if r < 0.5:
            lines += nested(rng, key, True)
            bad_keys.append(key)
        elif r < 0.8:
            lines += nested(rng, key, False)
        else:
            lines.append(key + " = plain")
    return lines, bad_keys


def gen_file_lines(rng):
    """A file's lines: random sections, often with a [DEFAULT] section of nested values and
    a profile that masks the bad ones (so that botocore reads the file)."""
    if rng.random() >= 0.4:
        lines = gen_lines(rng)
        if rng.random() < 0.15:
            # A nested value in an ordinary section.
            lines += nested(rng, rng.choice(NESTED_KEYS), rng.random() < 0.5)
        return lines
    block, bad_keys = default_block(rng)
    lines = block
    if rng.random() < 0.5:
        lines = lines + gen_lines(rng)
    if bad_keys and rng.random() < 0.8:
        name = rng.choice([t for t in TARGETS if t != "fresh"])
        lines = lines + ["[" + name + "]"]
        for key in bad_keys:
            lines.append(key.lower() + " = masked")
        if rng.random() < 0.5:
            lines.append("aws_access_key_id = ASIAOLD")
    if rng.random() < 0.3:
        # [DEFAULT] after the profiles.
        n = len(block)
        lines = lines[n:] + lines[:n]
    return lines


def join(rng, lines):
    style = rng.choice(["\n", "\r\n", "\r", "mixed"])
    out = []
    for line in lines:
        out.append(line)
        out.append(rng.choice(["\n", "\r\n", "\r"]) if style == "mixed" else style)
    if rng.random() < 0.2:
        out.pop()  # no final line end
    return "".join(out)


def parse(path, text=None, strict=True):
    """(defaults, sections) as botocore's parser sees them; raises on any parse error.
    With `text`, parse it instead of the file (same universal newlines)."""
    cp = configparser.RawConfigParser(strict=strict)
    if text is not None:
        cp.read_file(io.StringIO(text, newline=None), path)
    else:
        with open(path, encoding="utf-8") as f:
            cp.read_file(f, path)
    return dict(cp.defaults()), {s: dict(cp._sections[s]) for s in cp.sections()}


def gen(seed, count, out_dir):
    rng = random.Random(seed)
    manifest = []
    tries = 0
    while len(manifest) < count:
        tries += 1
        text = join(rng, gen_file_lines(rng))
        name = "%05d.ini" % len(manifest)
        path = os.path.join(out_dir, name)
        try:
            _, sections = parse(path, text)
        except configparser.Error:
            continue
        present = [s for s in sections if s in TARGETS]
        if present and rng.random() < 0.7:
            profile = rng.choice(present)
        else:
            profile = rng.choice(TARGETS)
        dup = False
        if profile in sections and rng.random() < 0.4:
            # A second copy of the profile's section (case B23): Python's strict mode rejects
            # the file; the editor must merge the copies or refuse.
            eol = rng.choice(["\n", "\r\n", "\r"])
            extra = [indent(rng) + "[" + profile + "]"] + gen_lines(rng)[1:]
            if rng.random() < 0.5:
                extra.append(indent(rng) + "[" + rng.choice(SECTIONS) + "]")
            dup_text = text + eol + join(rng, extra)
            # Under another name the file must parse strictly: the only problem is the copy.
            renamed = extra[0].replace("[" + profile + "]", "[zz-check]")
            renamed = text + eol + join(random.Random(0), [renamed] + extra[1:])
            try:
                parse(path, dup_text, strict=False)
                parse(path, renamed)
            except configparser.Error:
                pass
            else:
                try:
                    parse(path, dup_text)
                except configparser.DuplicateSectionError:
                    text, dup = dup_text, True
                except configparser.Error:
                    pass
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        manifest.append({"file": name, "profile": profile, "dup": dup})
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    print(json.dumps({"files": count, "tries": tries}))


def botocore_reads(path):
    """Whether botocore's own reader accepts the file (as the AWS CLI reads it)."""
    try:
        botocore.configloader.raw_config_parse(path)
    except botocore.exceptions.ConfigParseError:
        return False
    return True


def nested_ok(value):
    """botocore's test of one value: one that starts with a line break is split into
    lines, each non-blank one must hold `=`."""
    if not value.startswith("\n"):
        return True
    return all("=" in line for line in (l.strip() for l in value.splitlines()) if line)


def nested_refusal_is_due(ini, profile, dup):
    """Whether the edit must take a [DEFAULT] value botocore rejects into `profile` that the
    profile did not take before (the reason the editor gives for refusing)."""
    defaults, before = parse(ini, strict=not dup)
    bad = {k for k, v in defaults.items() if not nested_ok(v)}
    own = before.get(profile)
    after = ({k for k in own if k not in STALE} if own is not None else set()) | set(OURS)
    return any(k not in after and (own is None or k in own) for k in bad)


def check(out_dir):
    with open(os.path.join(out_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    failures = []
    checked = refused = refused_nested = botocore_before = 0
    bad_default_read = bad_default_edited = 0
    for entry in manifest:
        ini = os.path.join(out_dir, entry["file"])
        stem = ini[:-4]
        profile = entry["profile"]
        dup = entry.get("dup", False)
        boto_before = botocore_reads(ini)
        botocore_before += boto_before
        defaults, before = parse(ini, strict=not dup)
        bad_default = any(not nested_ok(v) for v in defaults.values())
        bad_default_read += bad_default and boto_before
        if os.path.exists(stem + ".refused"):
            refused += 1
            with open(stem + ".refused", encoding="utf-8") as f:
                msg = f.read()
            if "the [DEFAULT] value of" in msg:
                refused_nested += 1
                if not nested_refusal_is_due(ini, profile, dup):
                    failures.append({"file": entry["file"], "profile": profile,
                                     "why": "refused for a [DEFAULT] value it would not "
                                            "take: %s" % msg})
            continue
        checked += 1
        bad_default_edited += bad_default and boto_before
        try:
            defaults_after, after = parse(stem + ".out")
        except Exception as e:  # noqa: BLE001 - any parse failure is a test failure
            failures.append({"file": entry["file"], "why": "not parseable: %s" % e})
            continue
        why = []
        if boto_before and not botocore_reads(stem + ".out"):
            why.append("botocore read the file before the edit but not after it")
        if defaults_after != defaults:
            why.append("[DEFAULT] changed")
        order = list(before) + ([] if profile in before else [profile])
        if list(after) != order:
            why.append("sections %r, expected %r" % (list(after), order))
        for name, items in before.items():
            if name != profile and after.get(name) != items:
                why.append("section %r changed: %r -> %r" % (name, items, after.get(name)))
        want = {k: v for k, v in before.get(profile, {}).items()
                if k not in OURS and k not in STALE}
        want.update(OURS)
        got = after.get(profile) or {}
        if dup:
            # The copies are merged, the first copy's value winning: compare keys only.
            if set(got) != set(want) or any(got[k] != v for k, v in OURS.items()):
                why.append("merged profile %r is %r, expected keys %r"
                           % (profile, got, sorted(want)))
        elif got != want:
            why.append("profile %r is %r, expected %r" % (profile, after.get(profile), want))
        if why:
            failures.append({"file": entry["file"], "profile": profile, "why": why})
    dups = sum(1 for e in manifest if e.get("dup"))
    print(json.dumps({"checked": checked, "refused": refused, "duplicates": dups,
                      "refused_nested": refused_nested, "botocore_before": botocore_before,
                      "bad_default_read": bad_default_read,
                      "bad_default_edited": bad_default_edited, "failures": failures}))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit("usage: fuzz.py gen SEED COUNT DIR | check DIR")
