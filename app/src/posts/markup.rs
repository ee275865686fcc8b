//! Post bodies: a small markdown subset (paragraphs, bold, italics, lists, links, section headings) rendered to HTML and
//! then cleaned by `ammonia` with an allow-list, so no user text reaches the page as raw HTML (XS-01).
use std::{collections::HashSet, sync::LazyLock};

use pulldown_cmark::{html, Options, Parser};

pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, parser);
    sanitize(&raw)
}

/// Built once: `Builder::default()` fills a dozen hash sets, which cost more than cleaning a post.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "ul",
        "ol",
        "li",
        "a",
        "del",
        "blockquote",
        // A newsletter's sections ("## Agenda").
        "h2",
        "h3",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .set_tag_attribute_value("a", "target", "_blank");
    builder
});

fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const XSS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klik](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=//evil.example></iframe>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "\"><script>alert(1)</script>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
    ];

    #[test]
    fn xs01_no_payload_from_the_xss_corpus_survives() {
        for payload in XSS {
            let out = render(payload).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "ontoggle",
                "javascript:",
                "<iframe",
                "<svg",
                "style=",
                "data:text",
            ] {
                assert!(!out.contains(bad), "{payload:?} left {bad:?} in {out:?}");
            }
        }
    }

    #[test]
    fn xs01_links_are_made_safe() {
        let out = render("Zie [de site](https://school.example.nl)");
        assert!(out.contains("href=\"https://school.example.nl\""));
        assert!(out.contains("rel=\"noopener noreferrer nofollow\""));
    }

    #[test]
    fn the_small_markup_keeps_paragraphs_bold_and_lists() {
        let out = render("Hallo **ouders**\n\n- gym\n- zwemmen");
        assert!(out.contains("<strong>ouders</strong>"));
        assert!(out.contains("<li>gym</li>"));
        assert!(out.contains("<p>"));
    }
}
