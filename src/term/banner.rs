//! The device-authorization banner and its QR code: text for stderr, built from what Okta
//! sends. Pure: nothing here writes anywhere.

use qrcodegen::{QrCode, QrCodeEcc};

use crate::error::{Error, Result};
use crate::term::sanitize;

/// The device-authorization banner for stderr (docs/decisions.md#d-activation-url):
///
/// ```text
/// <Open|Web browser will open> the following URL to begin Okta device authorization for the AWS CLI
///
/// [QR code]
/// <verification_uri_complete>
///
/// Code: <user_code>
///
/// ```
///
/// `browser_opens`: `--open-browser` (or `--open-browser-command`) is in effect. `qr`: the
/// output of [`render_qr`] when `--qr-code` is set. The code line is left out when
/// `user_code` is empty. The URL and the user code come from Okta: control characters in
/// them are shown escaped ([`crate::term::sanitize::line`]), never sent to the terminal.
pub fn device_banner(url: &str, user_code: &str, browser_opens: bool, qr: Option<&str>) -> String {
    let verb = if browser_opens {
        "Web browser will open"
    } else {
        "Open"
    };
    let mut out =
        format!("{verb} the following URL to begin Okta device authorization for the AWS CLI\n\n");
    if let Some(q) = qr {
        out.push_str(q);
    }
    out.push_str(&sanitize::line(url));
    out.push_str("\n\n");
    if !user_code.is_empty() {
        out.push_str(&format!("Code: {}\n\n", sanitize::line(user_code)));
    }
    out
}

/// The banner of the authorization code flow (`web --authorization-code`) for stderr:
///
/// ```text
/// <Open|Web browser will open> the following URL to sign in to Okta for the AWS CLI
///
/// <authorize URL>
///
/// ```
///
/// `browser_opens` as for [`device_banner`]. The URL is shown escaped
/// ([`crate::term::sanitize::line`]). No QR code: the redirect goes to this computer, so a
/// phone cannot finish the sign-in.
pub fn sign_in_banner(url: &str, browser_opens: bool) -> String {
    let verb = if browser_opens {
        "Web browser will open"
    } else {
        "Open"
    };
    format!(
        "{verb} the following URL to sign in to Okta for the AWS CLI\n\n{}\n\n",
        sanitize::line(url)
    )
}

/// Modules of light margin around the QR symbol (ISO/IEC 18004 quiet zone).
pub const QR_QUIET_ZONE: i32 = 4;

/// Render `text` as a QR code (error correction L, [`QR_QUIET_ZONE`]-module quiet zone) for
/// a dark terminal: two module rows per text line, light modules drawn, dark left blank —
/// `█` both light, ` ` both dark, `▀` top light only, `▄` bottom light only
/// (docs/decisions.md#d-activation-url). Each line ends with `\n`. Past the bottom quiet zone the
/// missing half row counts as light.
///
/// Errors: [`Error::Runtime`] when the text is too long for a QR code.
pub fn render_qr(text: &str) -> Result<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Low)
        .map_err(|_| Error::runtime("the activation URL is too long for a QR code"))?;
    let size = qr.size();
    let dark = |x: i32, y: i32| qr.get_module(x, y);
    let mut out = String::new();
    let mut y = -QR_QUIET_ZONE;
    while y < size + QR_QUIET_ZONE {
        for x in -QR_QUIET_ZONE..size + QR_QUIET_ZONE {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (false, false) => '█',
                (true, true) => ' ',
                (false, true) => '▀',
                (true, false) => '▄',
            });
        }
        out.push('\n');
        y += 2;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_wording() {
        let url = "https://example.okta.com/activate?user_code=ABCDEFGH";
        assert_eq!(
            device_banner(url, "ABCD-EFGH", false, None),
            "Open the following URL to begin Okta device authorization for the AWS CLI\n\n\
             https://example.okta.com/activate?user_code=ABCDEFGH\n\nCode: ABCD-EFGH\n\n"
        );
        let b = device_banner(url, "", true, Some("QR\n"));
        assert_eq!(
            b,
            "Web browser will open the following URL to begin Okta device authorization for the AWS CLI\n\n\
             QR\nhttps://example.okta.com/activate?user_code=ABCDEFGH\n\n"
        );
    }

    #[test]
    fn sign_in_banner_wording() {
        let url = "https://example.okta.com/oauth2/v1/authorize?client_id=0oa";
        assert_eq!(
            sign_in_banner(url, false),
            format!("Open the following URL to sign in to Okta for the AWS CLI\n\n{url}\n\n")
        );
        assert!(sign_in_banner("https://x/\u{1b}[2J", true).starts_with("Web browser will open"));
        assert!(!sign_in_banner("https://x/\u{1b}[2J", true).contains('\u{1b}'));
    }

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        let b = device_banner("https://x/\u{1b}[2J", "AB\u{1b}[31mCD\n", false, None);
        assert!(!b.contains('\u{1b}'), "{b:?}");
        assert!(
            b.contains("https://x/\\x1b[2J") && b.contains("Code: AB\\x1b[31mCD\\n\n"),
            "{b:?}"
        );
    }

    /// Turn a rendering back into module rows (true = dark), two per line.
    fn decode_rendering(text: &str) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in text.lines() {
            let (mut top, mut bottom) = (Vec::new(), Vec::new());
            for ch in line.chars() {
                let (t, b) = match ch {
                    '█' => (false, false),
                    ' ' => (true, true),
                    '▀' => (false, true),
                    '▄' => (true, false),
                    other => panic!("unexpected character {other:?} in the QR rendering"),
                };
                top.push(t);
                bottom.push(b);
            }
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    #[test]
    fn qr_rendering_round_trips() {
        for text in [
            "https://example.okta.com/activate?user_code=ABCDEFGH",
            "x",
            &format!(
                "https://example.okta.com/activate?user_code={}",
                "Q".repeat(300)
            ),
        ] {
            let rendered = render_qr(text).unwrap();
            assert!(rendered.ends_with('\n'));
            let qr = QrCode::encode_text(text, QrCodeEcc::Low).unwrap();
            let size = qr.size();
            let side = (size + 2 * QR_QUIET_ZONE) as usize;
            let grid = decode_rendering(&rendered);
            assert_eq!(
                grid.len(),
                side + 1,
                "odd module count gets one padding half-row"
            );
            for (y, row) in grid.iter().enumerate() {
                assert_eq!(row.len(), side);
                for (x, &dark) in row.iter().enumerate() {
                    let want = qr.get_module(x as i32 - QR_QUIET_ZONE, y as i32 - QR_QUIET_ZONE);
                    assert_eq!(dark, want, "module ({x},{y}) of {text:?}");
                }
            }
            // The quiet zone is light on every side.
            for q in 0..QR_QUIET_ZONE as usize {
                assert!(grid[q].iter().all(|d| !d));
                assert!(grid[side - 1 - q].iter().all(|d| !d));
                assert!(grid.iter().all(|row| !row[q] && !row[side - 1 - q]));
            }
            // The symbol itself has dark modules (finder patterns).
            assert!(grid.iter().flatten().any(|d| *d));
        }
        assert!(render_qr(&"9".repeat(10_000)).is_err());
    }
}
