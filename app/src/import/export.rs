//! CSV files that Kring writes for the office to open in Excel (the import preview, the rows to fix).
//! Excel NL reads `;` between cells, and UTF-8 only when the file starts with a byte order mark.
//!
//! Cells come from uploaded files, so each is made inert against CSV injection (OWASP): a cell that
//! Excel or LibreOffice would take for a formula (`=`, `+`, `-`, `@`, tab or carriage return first,
//! also after leading spaces) gets a `'` in front. The cost: "+31 6 …" shows as "'+31 6 …".
use std::borrow::Cow;

/// The CSV text of `header` and `rows`: a byte order mark, `;` between cells, CRLF line ends,
/// quotes only where a cell needs them.
pub fn to_csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::from('\u{FEFF}');
    push_line(&mut out, header.iter().copied());
    for row in rows {
        push_line(&mut out, row.iter().map(String::as_str));
    }
    out
}

fn push_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (index, cell) in cells.enumerate() {
        if index > 0 {
            out.push(';');
        }
        let cell = inert(cell);
        if cell.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

fn inert(cell: &str) -> Cow<'_, str> {
    if cell
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_formula_from_an_upload_is_written_as_text() {
        let csv = to_csv(
            &["regel", "roepnaam"],
            [row(&["11", "=HYPERLINK(\"http://evil\",\"klik\")"])],
        );
        assert_eq!(
            csv,
            "\u{FEFF}regel;roepnaam\r\n11;\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\"\r\n"
        );
    }

    #[test]
    fn every_formula_start_is_neutralised() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=1", "  =1"] {
            let csv = to_csv(&[], [row(&[cell])]);
            let written = csv
                .trim_start_matches('\u{FEFF}')
                .trim_start_matches("\r\n");
            assert!(
                written.starts_with('\'') || written.starts_with("\"'"),
                "{cell:?} → {written:?}"
            );
        }
        assert_eq!(
            to_csv(&["a"], [row(&["Zoë de Vries"])]),
            "\u{FEFF}a\r\nZoë de Vries\r\n"
        );
    }

    #[test]
    fn delimiters_quotes_and_line_breaks_stay_inside_their_cell() {
        let csv = to_csv(
            &["a", "b"],
            [
                row(&["Bos; An", "twee\nregels"]),
                row(&["zegt \"hoi\"", ""]),
            ],
        );
        assert_eq!(
            csv,
            "\u{FEFF}a;b\r\n\"Bos; An\";\"twee\nregels\"\r\n\"zegt \"\"hoi\"\"\";\r\n"
        );
    }
}
