//! Post bodies: a small markdown subset (paragraphs, bold, italics, lists, links, section headings) rendered to HTML and
//! then cleaned by `ammonia` with an allow-list, so no user text reaches the page as raw HTML (XS-01).
//! This happens once, when a post is written (DS-02): the HTML is stored with the version of these
//! rules, and a change to them raises `VERSION` so that a start-up job (`posts::rerender`) renders
//! older posts again. Notifications and newsletters render with the same rules.
use std::{borrow::Cow, collections::HashSet, sync::LazyLock};

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The version of the rendering rules; raise it whenever `render` changes its output.
pub const VERSION: i64 = 1;
/// Deepest nesting of quotes a body keeps: 20,000 `>` would otherwise nest 20,000 elements.
const MAX_DEPTH: usize = 6;
/// Leading spaces kept in a line (list nesting comes from them); more only nest deeper.
const MAX_INDENT: usize = 24;

/// A post body as clean HTML.
pub fn render(markdown: &str) -> String {
    let markdown = bounded(markdown);
    let parser = linked(Parser::new_ext(&markdown, Options::ENABLE_STRIKETHROUGH));
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

/// The markup as clean text for an e-mail's text part: no `**`, list items on their own lines with a
/// bullet, a link's address after its words when they differ.
pub fn to_text(markdown: &str) -> String {
    let markdown = bounded(markdown);
    let mut out = String::new();
    let mut link: Option<String> = None;
    let mut link_text = String::new();
    for event in Parser::new_ext(&markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if link.is_some() {
                    link_text.push_str(&t);
                }
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("• "),
            Event::End(TagEnd::Item) | Event::End(TagEnd::Heading(_)) => out.push('\n'),
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::End(TagEnd::List(_)) => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(dest_url.to_string());
                link_text.clear();
            }
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    if url.trim_start_matches("mailto:") != link_text {
                        out.push_str(&format!(" ({url})"));
                    }
                }
            }
            _ => {}
        }
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

/// The parser's events with bare web and e-mail addresses in text made into links; text inside a
/// link or code is left alone. The cleaner then keeps only http(s), mailto and tel links (XS-01).
fn linked<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut in_link = 0usize;
    events.flat_map(move |event| -> Vec<Event<'a>> {
        match event {
            Event::Start(Tag::Link { .. }) | Event::Start(Tag::CodeBlock(_)) => {
                in_link += 1;
                vec![event]
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::CodeBlock) => {
                in_link = in_link.saturating_sub(1);
                vec![event]
            }
            Event::Text(text) if in_link == 0 => {
                let pieces = crate::links::pieces(&text);
                if !pieces
                    .iter()
                    .any(|p| matches!(p, crate::links::Piece::Link { .. }))
                {
                    return vec![Event::Text(text)];
                }
                let mut out = Vec::new();
                for piece in pieces {
                    match piece {
                        crate::links::Piece::Text(t) => {
                            out.push(Event::Text(CowStr::from(t.to_string())))
                        }
                        crate::links::Piece::Link { text, href } => {
                            out.push(Event::Start(Tag::Link {
                                link_type: LinkType::Autolink,
                                dest_url: CowStr::from(href),
                                title: CowStr::from(""),
                                id: CowStr::from(""),
                            }));
                            out.push(Event::Text(CowStr::from(text.to_string())));
                            out.push(Event::End(TagEnd::Link));
                        }
                    }
                }
                out
            }
            other => vec![other],
        }
    })
}

/// The markup with its nesting bounded: at most `MAX_DEPTH` quote levels and `MAX_INDENT` leading
/// spaces per line. Text is never dropped, only its nesting.
fn bounded(markdown: &str) -> Cow<'_, str> {
    let deep = |line: &str| {
        let indent = line.len() - line.trim_start().len();
        indent > MAX_INDENT || quote_depth(line).0 > MAX_DEPTH
    };
    if !markdown.lines().any(deep) {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let (depth, rest) = quote_depth(line);
        if depth > 0 {
            out.push_str(&"> ".repeat(depth.min(MAX_DEPTH)));
        }
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let indent = (rest.len() - trimmed.len()).min(MAX_INDENT);
        out.push_str(&" ".repeat(indent));
        out.push_str(trimmed);
    }
    Cow::Owned(out)
}

/// How many `>` quote markers start a line, and what follows them.
fn quote_depth(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    loop {
        let after_spaces = rest.trim_start_matches(' ');
        match after_spaces.strip_prefix('>') {
            Some(next) if rest.len() - after_spaces.len() <= 3 => {
                depth += 1;
                rest = next;
            }
            _ => return (depth, rest),
        }
    }
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
    fn e_mails_get_clean_text() {
        let text = to_text("**Morgen** gaan we naar het bos.\n\nNeem mee:\n\n- kastanjes\n- eikels\n\n[Agenda](https://school.nl/agenda)");
        assert_eq!(
            text,
            "Morgen gaan we naar het bos.\n\nNeem mee:\n\n• kastanjes\n• eikels\n\nAgenda (https://school.nl/agenda)"
        );
    }

    #[test]
    fn bare_addresses_become_safe_links() {
        let out = render("Zie www.school.nl/agenda (of mail juf@school.nl).");
        assert!(
            out.contains("<a href=\"https://www.school.nl/agenda\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">www.school.nl/agenda</a>"),
            "{out}"
        );
        assert!(out.contains("href=\"mailto:juf@school.nl\""), "{out}");
        assert!(out.contains("</a>)."), "punctuation outside: {out}");
        let code = render("`www.niet-linken.nl`");
        assert!(!code.contains("<a"), "{code}");
        for payload in [
            "javascript:alert(1)",
            "data:text/html,x",
            "http://a\"onmouseover=alert(1)",
        ] {
            let out = render(payload).to_lowercase();
            assert!(
                !out.contains("href=\"javascript") && !out.contains("href=\"data"),
                "{out}"
            );
            assert!(!out.contains(" onmouseover"), "{out}");
        }
    }

    #[test]
    fn ds02_deep_nesting_is_bounded() {
        let out = render(&">".repeat(20_000));
        assert!(out.matches("<blockquote>").count() <= MAX_DEPTH, "{out}");
        let text = render(&format!("{} diep citaat", ">".repeat(50)));
        assert!(text.contains("diep citaat"), "the text stays");
        let list: String = (0..200)
            .map(|i| format!("{}- punt {i}\n", " ".repeat(i * 2)))
            .collect();
        assert!(render(&list).matches("<ul>").count() <= MAX_INDENT);
    }

    #[test]
    fn ordinary_markup_is_left_as_it_is() {
        assert!(matches!(
            bounded("> citaat\n\n- a\n  - b"),
            Cow::Borrowed(_)
        ));
        assert_eq!(render("> > citaat"), render(&bounded("> > citaat")));
    }

    #[test]
    fn the_small_markup_keeps_paragraphs_bold_and_lists() {
        let out = render("Hallo **ouders**\n\n- gym\n- zwemmen");
        assert!(out.contains("<strong>ouders</strong>"));
        assert!(out.contains("<li>gym</li>"));
        assert!(out.contains("<p>"));
    }
}
