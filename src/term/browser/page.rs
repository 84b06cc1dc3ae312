//! PURE: the HTML page that takes a browser to a URL which must not appear on a command
//! line (the AWS console sign-in URL, whose `SigninToken` other local users could read in
//! the opener's arguments). The caller writes it to a private file and opens that file.

/// A page that sends the browser on to `url` at once (`<meta http-equiv="refresh">`), with
/// a link to follow by hand when refreshes are blocked. `url` is escaped for HTML
/// ([`escape`]); no referrer is sent on.
pub fn redirect_page(url: &str) -> String {
    let url = escape(url);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n\
         <title>AWS console sign-in</title></head>\n\
         <body><p><a href=\"{url}\" rel=\"noreferrer\">Continue to the AWS console</a></p></body></html>\n"
    )
}

/// `text` with the five characters that matter in HTML text and quoted attribute values
/// (`&`, `<`, `>`, `"`, `'`) written as character references (HTML Living Standard,
/// "Character references").
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_redirects_to_the_escaped_url() {
        let url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a\"b<c>'d";
        let page = redirect_page(url);
        let escaped = "https://signin.aws.amazon.com/federation?Action=login&amp;SigninToken=a&quot;b&lt;c&gt;&#39;d";
        assert!(
            page.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={escaped}\">"
            )),
            "{page}"
        );
        assert!(page.contains(&format!("<a href=\"{escaped}\"")), "{page}");
        assert!(!page.contains(url));
        assert_eq!(escape("plain text"), "plain text");
    }
}
