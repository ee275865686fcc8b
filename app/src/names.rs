//! Names as Kring stores them (people, pupils, groups, schools, file names): one line, no control
//! characters and no invisible formatting. A right-to-left override (U+202E) in a file name would
//! otherwise make a name read as something it is not.

/// Whether `c` changes how text around it is shown without being visible itself: bidirectional
/// embeddings, overrides, isolates and marks, zero-width characters and the byte order mark.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// `raw` without control and invisible formatting characters, its whitespace collapsed to single
/// spaces and trimmed.
pub fn plain(raw: &str) -> String {
    raw.split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|c| !c.is_control() && !is_invisible_format(*c))
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_overrides_and_invisible_characters_are_removed() {
        assert_eq!(plain("rapport\u{202E}fdp.exe"), "rapportfdp.exe");
        assert_eq!(
            plain("\u{2067}Sam\u{2069} \u{200B}de Vries\u{FEFF}"),
            "Sam de Vries"
        );
        assert_eq!(plain("  Groep\t5/6 \n"), "Groep 5/6");
        assert_eq!(plain("\u{202E} \u{200F}"), "");
    }

    #[test]
    fn letters_of_every_script_stay() {
        assert_eq!(plain("Zoë Çelik"), "Zoë Çelik");
        assert_eq!(plain("مريم"), "مريم");
    }
}
