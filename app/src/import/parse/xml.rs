//! A small tree of an XML document: elements with their `key` attribute, text and line, nothing
//! else. A document type declaration is refused: EDEXML has none, and entity definitions are how
//! an XML file makes a parser expand or fetch things. Only XML's own five entities and character
//! references are resolved.
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::import::roster::FileProblem;

use super::Lines;

/// Deeper than any EDEXML file; a guard against a file nested so deep that it exhausts the stack.
const MAX_DEPTH: usize = 32;

/// An element with its `key` attribute, its own text and the line of its start tag.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub key: Option<String>,
    pub line: usize,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child called `name`, empty when there is none.
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }

    /// The children of the list `list` (`groepen`) called `name` (`groep`).
    pub fn list<'a>(
        &'a self,
        list: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children(list).flat_map(move |l| l.children(name))
    }
}

/// The document's root element. A document that does not parse is refused with the line of the
/// problem.
pub fn tree(text: &str) -> Result<Element, FileProblem> {
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let start = position(reader.buffer_position());
        let bad = || FileProblem::BadXml(lines.at(start));
        let event = reader
            .read_event()
            .map_err(|_| FileProblem::BadXml(lines.at(position(reader.error_position()))))?;
        match event {
            Event::Start(tag) => {
                if open.len() >= MAX_DEPTH {
                    return Err(bad());
                }
                open.push(element(&tag, &reader, lines.at(start)).ok_or_else(bad)?);
            }
            Event::Empty(tag) => {
                let element = element(&tag, &reader, lines.at(start)).ok_or_else(bad)?;
                close(element, &mut open, &mut root);
            }
            Event::End(_) => {
                if let Some(element) = open.pop() {
                    close(element, &mut open, &mut root);
                }
            }
            Event::Text(text) => push_text(&mut open, &text.decode().map_err(|_| bad())?),
            Event::CData(data) => push_text(&mut open, &data.decode().map_err(|_| bad())?),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = reference.decode().map_err(|_| bad())?;
                        resolve_predefined_entity(&name).ok_or_else(bad)?.to_owned()
                    }
                    Err(_) => return Err(bad()),
                };
                push_text(&mut open, &resolved);
            }
            // EDEXML has no document type; refusing one keeps entity definitions out entirely.
            Event::DocType(_) => return Err(bad()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    match (root, open.last()) {
        (Some(root), None) => Ok(root),
        (_, Some(unclosed)) => Err(FileProblem::BadXml(unclosed.line)),
        (None, None) => Err(FileProblem::Unrecognised),
    }
}

fn element(tag: &BytesStart, reader: &Reader<&[u8]>, line: usize) -> Option<Element> {
    let name = std::str::from_utf8(tag.local_name().into_inner()).ok()?;
    let key = match tag.try_get_attribute("key").ok()? {
        Some(key) => Some(
            key.decode_and_unescape_value(reader.decoder())
                .ok()?
                .into_owned(),
        ),
        None => None,
    };
    Some(Element {
        name: name.to_owned(),
        key,
        line,
        ..Element::default()
    })
}

/// Hangs a finished element under its parent; the first one without a parent is the root.
fn close(element: Element, open: &mut [Element], root: &mut Option<Element>) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => {
            root.get_or_insert(element);
        }
    }
}

fn push_text(open: &mut [Element], text: &str) {
    if let Some(element) = open.last_mut() {
        element.text.push_str(text);
    }
}

fn position(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_their_key_their_text_and_the_line_of_their_start_tag() {
        let root = tree(
            "<?xml version=\"1.0\"?>\n<!-- export -->\n<a>\n  <b key=\"x &amp; y\">\n\
                         Ren&#233; &amp; <![CDATA[<Zoë>]]></b>\n  <c/>\n</a>",
        )
        .expect("a tree");
        assert_eq!((root.name.as_str(), root.line), ("a", 3));
        let b = root.child("b").expect("b");
        assert_eq!((b.key.as_deref(), b.line), (Some("x & y"), 4));
        assert_eq!(b.text.trim(), "René & <Zoë>");
        assert_eq!(root.child("c").map(|c| c.line), Some(6));
        assert_eq!(root.text_of("d"), "");
    }

    #[test]
    fn a_document_type_is_refused_before_its_entities_can_expand() {
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE EDEX [\n<!ENTITY a \"hahahahaha\">\n\
                      <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<EDEX><naam>&b;</naam></EDEX>";
        assert_eq!(tree(laughs).map(|_| ()), Err(FileProblem::BadXml(2)));
        let external = "<!DOCTYPE EDEX SYSTEM \"file:///etc/passwd\"><EDEX/>";
        assert_eq!(tree(external).map(|_| ()), Err(FileProblem::BadXml(1)));
    }

    #[test]
    fn an_undefined_entity_is_refused() {
        let text = "<EDEX>\n<naam>\n&x;</naam></EDEX>";
        assert_eq!(tree(text).map(|_| ()), Err(FileProblem::BadXml(3)));
        let attribute = "<EDEX>\n<groep key=\"&x;\"/></EDEX>";
        assert_eq!(tree(attribute).map(|_| ()), Err(FileProblem::BadXml(2)));
    }

    #[test]
    fn broken_xml_is_refused_with_its_line() {
        let mismatched = "<EDEX>\n<groepen>\n<groep key=\"g\"><naam>3</groep>\n</groepen></EDEX>";
        assert_eq!(tree(mismatched).map(|_| ()), Err(FileProblem::BadXml(3)));
        let unclosed = "<EDEX>\n<groepen>\n<groep key=\"g\"><naam>3</naam></groep>\n";
        assert_eq!(tree(unclosed).map(|_| ()), Err(FileProblem::BadXml(2)));
        let deep = format!("<EDEX>\n{}", "<a>".repeat(100));
        assert_eq!(tree(&deep).map(|_| ()), Err(FileProblem::BadXml(2)));
        assert_eq!(
            tree("<!-- nothing -->").map(|_| ()),
            Err(FileProblem::Unrecognised)
        );
    }
}
