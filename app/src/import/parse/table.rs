//! The cells of a CSV file as a LAS or Excel writes them: `;`, `,` or tab between cells (Excel NL
//! writes `;`), Excel's quoting (`"…"`, `""` for a quote, line breaks inside quotes), empty rows
//! skipped, each record with the line of the file it starts on.
use crate::import::roster::FileProblem;
use crate::names;

use super::Lines;

/// A file's cells: the header (as plain text), then each non-empty record.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Record>,
}

pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

pub fn table(text: &str) -> Result<Table, FileProblem> {
    // Excel's "sep=;" first line names the delimiter; otherwise the header line tells.
    let (body, separator_lines, delimiter) = match separator_line(text) {
        Some((delimiter, body)) => (body, 1, delimiter),
        None => (text, 0, sniff(text)),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let lines = Lines::new(body);
    // The reader's position is where it started reading, before the line breaks it skipped.
    let line = |position: Option<&::csv::Position>| {
        let from = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let skipped_breaks = body.get(from..).map_or(0, |rest| {
            rest.len() - rest.trim_start_matches(['\r', '\n']).len()
        });
        lines.at(from.saturating_add(skipped_breaks)) + separator_lines
    };
    let mut records = Vec::new();
    for result in reader.records() {
        match result {
            // A line of empty cells is what Excel writes for an empty row.
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => records.push(Record {
                line: line(record.position()),
                cells: record.iter().map(str::to_owned).collect(),
            }),
            // Not expected from text (the reader fails only on bytes that are not UTF-8); a row
            // without cells is reported as broken rather than lost.
            Err(error) => records.push(Record {
                line: line(error.position()),
                cells: Vec::new(),
            }),
        }
    }
    let mut rows = records.into_iter();
    let header = rows.next().ok_or(FileProblem::Empty)?;
    Ok(Table {
        headers: header.cells.iter().map(|h| names::plain(h)).collect(),
        rows: rows.collect(),
    })
}

fn separator_line(text: &str) -> Option<(u8, &str)> {
    let (first, rest) = text.split_once('\n')?;
    match first.trim_end_matches('\r').to_ascii_lowercase().as_bytes() {
        [b's', b'e', b'p', b'=', delimiter] => Some((*delimiter, rest)),
        _ => None,
    }
}

/// The delimiter of the header line: the most frequent of `;`, tab and `,` outside quotes (`;` when
/// tied or absent: Excel NL's choice).
fn sniff(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for c in text.trim_start().chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| char::from(*d) == c) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or(b';', |(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        let table = table(text).expect("a table");
        table.rows.into_iter().map(|r| (r.line, r.cells)).collect()
    }

    fn cells(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn the_delimiter_is_the_one_the_header_line_uses_outside_quotes() {
        assert_eq!(sniff("a;b;c\n1,2,3,4,5"), b';');
        assert_eq!(sniff("a,b,c\n1;2;3;4"), b',');
        assert_eq!(sniff("a\tb\tc,d"), b'\t');
        assert_eq!(sniff("\"a;b;c\",d,e"), b',');
        assert_eq!(sniff("\r\n\r\na,b"), b',', "leading empty lines");
        assert_eq!(sniff("a,b;c"), b';', "a tie goes to Excel NL's choice");
        assert_eq!(sniff("leerlingnummer"), b';');
        let table = table("a\tb\n1\t2").expect("a table");
        assert_eq!(table.headers, ["a", "b"]);
    }

    #[test]
    fn excel_quoting_is_understood_and_records_keep_their_first_line() {
        let text =
            "naam;opmerking\n\"Bos; An\";\"zegt \"\"hoi\"\"\"\n\"twee\r\nregels\";x\nlaatste;y\n";
        assert_eq!(
            rows(text),
            [
                (2, cells(&["Bos; An", "zegt \"hoi\""])),
                (3, cells(&["twee\r\nregels", "x"])),
                (5, cells(&["laatste", "y"])),
            ]
        );
    }

    #[test]
    fn empty_lines_and_rows_of_empty_cells_are_skipped() {
        let text = "\na;b\n\n1;2\n;\n \t; \n3;4";
        assert_eq!(
            rows(text),
            [(4, cells(&["1", "2"])), (7, cells(&["3", "4"]))]
        );
        assert_eq!(table(text).expect("a table").headers, ["a", "b"]);
        assert!(matches!(table("\n;;\n"), Err(FileProblem::Empty)));
    }

    #[test]
    fn excels_separator_line_names_the_delimiter() {
        let text = "sep=,\r\na;b,c\r\n1;2,3";
        let table = table(text).expect("a table");
        assert_eq!(table.headers, ["a;b", "c"]);
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3],
            "lines count the separator line"
        );
    }

    #[test]
    fn header_cells_are_plain_text() {
        let table = table("\u{200B}leerling nummer\u{202E} ; roepnaam\n").expect("a table");
        assert_eq!(table.headers, ["leerling nummer", "roepnaam"]);
    }
}
