//! PURE: the `<input>` elements of an HTML page and HTML character references: one scanner
//! for reading the SAML Response form (`okta::saml`) and for redacting it in the
//! `--debug-api-calls` dump (`redact::redact_html`).

/// Which `<input>` elements [`html_inputs`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputScan {
    /// Real form fields only: comments and `<script>`/`<style>`/`<textarea>` contents are
    /// skipped, as a browser submitting the form would (for reading the SAML Response).
    FormFields,
    /// Every `<input` in the text wherever it stands: in comments, scripts and even inside
    /// another tag's attribute value (for redaction, which must err on the side of hiding).
    Everywhere,
}

/// One `<input>` element of an HTML page: its attributes as (name, raw value) byte ranges
/// into the page, in source order. Read them with [`HtmlInput::name`] and
/// [`HtmlInput::value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlInput {
    /// (attribute name, attribute value) byte ranges; the value range is empty for an
    /// attribute without `=`, and excludes the quotes of a quoted value.
    pub attrs: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl HtmlInput {
    /// The raw (still character-reference-encoded) values of every attribute called `attr`
    /// (ASCII case-insensitive), in source order.
    pub fn values_of<'h>(&self, html: &'h str, attr: &str) -> Vec<&'h str> {
        self.attrs
            .iter()
            .filter(|(k, _)| {
                html.get(k.clone())
                    .is_some_and(|k| k.eq_ignore_ascii_case(attr))
            })
            .filter_map(|(_, v)| html.get(v.clone()))
            .collect()
    }

    /// The element's `name`, character references decoded: the first `name` attribute (a
    /// repeated attribute is ignored, as in HTML).
    pub fn name(&self, html: &str) -> Option<String> {
        self.values_of(html, "name")
            .first()
            .map(|v| decode_char_refs(v))
    }

    /// The raw (still encoded) `value` of the first `value` attribute.
    pub fn value<'h>(&self, html: &'h str) -> Option<&'h str> {
        self.values_of(html, "value").first().copied()
    }
}

/// Most bytes [`for_each_input`] may scan in [`InputScan::Everywhere`] mode, for a page of
/// `len` bytes: four passes over the page plus 64 KiB. Each `<input` is parsed from its own
/// position, so an `<input` nested in another one's attribute value is scanned again;
/// ordinary pages need about one pass.
pub fn everywhere_budget(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(64 * 1024)
}

/// [`InputScan::Everywhere`] would have had to scan more than [`everywhere_budget`] bytes:
/// the page nests `<input` tags inside one another's attributes on a scale no real page
/// does. Redaction then shows nothing of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanBudgetExceeded;

/// The `<input>` elements of `html` (tag name ASCII case-insensitive), in source order,
/// found by one tokenizer for both reading (`okta::saml::extract_saml_response`) and
/// redacting (`redact::redact_html`): attributes in any order, double, single or no
/// quotes, a `>` inside a quoted value is part of the value. `scan` says which ones count.
///
/// Collects every element; [`for_each_input`] streams them instead (no list kept), and is
/// the one to use on pages of unknown size.
pub fn html_inputs(html: &str, scan: InputScan) -> Vec<HtmlInput> {
    let mut out = Vec::new();
    // A budget overrun only cuts the list short; callers that must not miss an input
    // (redaction) use `for_each_input` and see the error.
    let _ = for_each_input(html, scan, |input| out.push(input.clone()));
    out
}

/// Call `f` with each `<input>` element of `html`, in source order (see [`html_inputs`]);
/// the element passed is a buffer reused between calls, so memory stays at one element's
/// attributes whatever the page.
///
/// Time is linear in the page: [`InputScan::FormFields`] reads every byte at most a fixed
/// number of times (raw-text elements are skipped by a case-insensitive search, without a
/// copy); [`InputScan::Everywhere`] parses each `<input` from its own position and stops
/// with [`ScanBudgetExceeded`] after [`everywhere_budget`] bytes.
pub fn for_each_input(
    html: &str,
    scan: InputScan,
    mut f: impl FnMut(&HtmlInput),
) -> Result<(), ScanBudgetExceeded> {
    let b = html.as_bytes();
    let mut input = HtmlInput { attrs: Vec::new() };
    if scan == InputScan::Everywhere {
        let budget = everywhere_budget(b.len());
        let mut spent = 0usize;
        let mut i = 0;
        while let Some(start) = find_ascii_ci(b, i, b"<input") {
            i = start + 1;
            let after = start + b"<input".len();
            if b.get(after).is_some_and(u8::is_ascii_alphanumeric) {
                continue; // `<inputx`: another tag
            }
            input.attrs.clear();
            let end = parse_attributes(html, after, &mut input.attrs);
            spent = spent.saturating_add(end - start);
            if spent > budget {
                return Err(ScanBudgetExceeded);
            }
            f(&input);
        }
        return Ok(());
    }
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        let rest = &b[start + 1..];
        if rest.starts_with(b"!--") {
            // Comment: skip to its end (or to the end of the page).
            i = match find_ascii_ci(b, start + 4, b"-->") {
                Some(e) => e + 3,
                None => break,
            };
            continue;
        }
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            // `</x>`, `<!DOCTYPE ...>` or a literal `<` in text: nothing to look at.
            i = start + 1;
            continue;
        }
        let tag = &rest[..name_len];
        input.attrs.clear();
        let end = parse_attributes(html, start + 1 + name_len, &mut input.attrs);
        if tag.eq_ignore_ascii_case(b"input") {
            f(&input);
        }
        i = end.max(start + 1);
        let close: Option<&[u8]> = [&b"</script"[..], b"</style", b"</textarea"]
            .into_iter()
            .find(|c| tag.eq_ignore_ascii_case(&c[2..]));
        if let Some(close) = close {
            // Raw text element: skip to the matching close tag.
            i = match find_ascii_ci(b, i, close) {
                Some(e) => e,
                None => break,
            };
            continue;
        }
        if i >= b.len() {
            break;
        }
    }
    Ok(())
}

/// The first index at or after `from` where `needle` (ASCII lower case) occurs in `hay`,
/// ignoring ASCII case. Linear in `hay` for the short needles used here.
fn find_ascii_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = from;
    while i <= last_start {
        let off = hay[i..=last_start]
            .iter()
            .position(|c| c.to_ascii_lowercase() == first)?;
        i += off;
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

type AttrRanges = Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>;

/// Parse HTML attributes starting at byte `pos` (just after the tag name) up to the closing
/// `>`, appending the (name, raw value) byte ranges to `attrs`. Returns the byte index after
/// `>` (the page's length when there is none).
fn parse_attributes(html: &str, mut pos: usize, attrs: &mut AttrRanges) -> usize {
    let b = html.as_bytes();
    loop {
        while pos < b.len() && (b[pos].is_ascii_whitespace() || b[pos] == b'/') {
            pos += 1;
        }
        if pos >= b.len() {
            return pos;
        }
        if b[pos] == b'>' {
            return pos + 1;
        }
        let name_start = pos;
        while pos < b.len()
            && !b[pos].is_ascii_whitespace()
            && !matches!(b[pos], b'=' | b'>' | b'/')
        {
            pos += 1;
        }
        let name = name_start..pos;
        while pos < b.len() && b[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let mut value = pos..pos;
        if pos < b.len() && b[pos] == b'=' {
            pos += 1;
            while pos < b.len() && b[pos].is_ascii_whitespace() {
                pos += 1;
            }
            if pos < b.len() && (b[pos] == b'"' || b[pos] == b'\'') {
                let q = b[pos];
                let vstart = pos + 1;
                let vend = b[vstart..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |e| vstart + e);
                value = vstart..vend;
                pos = (vend + 1).min(b.len());
            } else {
                let vstart = pos;
                while pos < b.len() && !b[pos].is_ascii_whitespace() && b[pos] != b'>' {
                    pos += 1;
                }
                value = vstart..pos;
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// Decode HTML character references: decimal (`&#43;`), hex (`&#x2b;`, `&#X2B;`) and the
/// named references that can occur in form values and URLs. Unknown names are kept as
/// written (as browsers do); a numeric reference to an invalid code point becomes U+FFFD.
pub fn decode_char_refs(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let after = &rest[1..];
        if let Some(num) = after.strip_prefix('#') {
            let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
                Some(hex) => (hex.bytes().take_while(u8::is_ascii_hexdigit).count(), 16, 2),
                None => (num.bytes().take_while(u8::is_ascii_digit).count(), 10, 1),
            };
            if digits > 0 {
                let text = &after[skip..skip + digits];
                let ch = u32::from_str_radix(text, radix)
                    .ok()
                    .and_then(char::from_u32)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{FFFD}');
                out.push(ch);
                let mut used = 1 + skip + digits;
                if rest[used..].starts_with(';') {
                    used += 1;
                }
                rest = &rest[used..];
                continue;
            }
        } else {
            let n = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if after[n..].starts_with(';')
                && let Some(ch) = named_ref(&after[..n])
            {
                out.push_str(ch);
                rest = &rest[1 + n + 1..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn named_ref(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "plus" => "+",
        "sol" => "/",
        "equals" => "=",
        "colon" => ":",
        "comma" => ",",
        "period" => ".",
        "semi" => ";",
        "num" => "#",
        "percnt" => "%",
        "quest" => "?",
        "lowbar" => "_",
        "hyphen" | "dash" => "-",
        "excl" => "!",
        "nbsp" => "\u{a0}",
        "NewLine" => "\n",
        "Tab" => "\t",
        _ => return None,
    })
}
