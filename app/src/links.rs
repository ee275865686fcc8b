//! Bare web and e-mail addresses in text become links (`linkify`): "zie www.school.nl" in a post,
//! a comment or an e-mail can be tapped. Only http(s) and `mailto:` links are made; punctuation
//! around an address stays outside it.
use linkify::{LinkFinder, LinkKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Link { text: &'a str, href: String },
}

/// `text` cut into plain pieces and links, in order; together the pieces are `text` again.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false);
    let mut out: Vec<Piece<'_>> = Vec::new();
    for span in finder.spans(text) {
        let s = span.as_str();
        let href = match span.kind() {
            Some(LinkKind::Url) => {
                let lower = s.to_ascii_lowercase();
                if lower.starts_with("https://") || lower.starts_with("http://") {
                    Some(s.to_string())
                } else if lower.starts_with("www.") {
                    Some(format!("https://{s}"))
                } else {
                    None
                }
            }
            Some(LinkKind::Email) => Some(format!("mailto:{s}")),
            _ => None,
        };
        match (href, out.last_mut()) {
            (Some(href), _) => out.push(Piece::Link { text: s, href }),
            // Join text to the text before it, so a refused "link" does not split a sentence.
            (None, Some(Piece::Text(prev))) => {
                let start = prev.as_ptr() as usize - text.as_ptr() as usize;
                *prev = &text[start..start + prev.len() + s.len()];
            }
            (None, _) => out.push(Piece::Text(s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<String> {
        pieces(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Link { href, .. } => Some(href),
                Piece::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn addresses_become_links_and_punctuation_stays_outside() {
        assert_eq!(links("(zie www.x.nl)."), vec!["https://www.x.nl"]);
        assert_eq!(
            links("Info: https://school.nl/agenda, of mail juf@school.nl."),
            vec!["https://school.nl/agenda", "mailto:juf@school.nl"]
        );
        let text = "Zie www.x.nl en verder niets.";
        let joined: String = pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Link { text: t, .. } => t,
            })
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn xs01_only_web_and_mail_addresses_become_links() {
        for inert in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://files.example.org/x",
            "groep5.nl",
        ] {
            assert!(links(inert).is_empty(), "{inert}");
        }
        // A quote ends the address: what follows is text, never an attribute.
        assert_eq!(links("http://a\"onmouseover=alert(1)"), vec!["http://a"]);
    }
}
