//! The one XLSX writer: [`Sheet`]s as an Excel workbook, numbers as numbers, dates as dates,
//! text (codes included) as text through [`escape_formula`].

use chrono::NaiveDateTime;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Worksheet, XlsxError};

use crate::FormatError;
use crate::sheet::{Cell, NumberStyle, Sheet, Widths, escape_formula};

/// The date format of date cells.
const DATE_FORMAT: &str = "yyyy-mm-dd";

/// How a workbook looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Look {
    /// Bold headers; dates `yyyy-mm-dd` (ledgers, history, reports).
    #[default]
    Plain,
    /// Bold headers on a light blue-grey band, vertically centred; dates `yyyy-mm-dd`
    /// aligned left (the weekly list, printed for the meeting).
    Meeting,
}

/// The workbook's document properties (File → Info in Excel).
#[derive(Clone, Debug, PartialEq)]
pub struct Properties {
    /// The title.
    pub title: String,
    /// The subject.
    pub subject: String,
    /// The comment.
    pub comment: String,
    /// The author.
    pub author: String,
    /// The creation time: set it from the data (not the clock) for the same bytes every time.
    pub created: NaiveDateTime,
}

/// A workbook to write: its sheets in order, how they look, and its properties.
#[derive(Clone, Copy, Debug)]
pub struct Workbook<'a> {
    /// The sheets, in order.
    pub sheets: &'a [Sheet],
    /// How they look.
    pub look: Look,
    /// The document properties; without them the creation time is the clock's.
    pub properties: Option<&'a Properties>,
}

/// The formats a sheet is written with.
struct Styles {
    header: Format,
    date: Format,
    percent: Format,
    thousands: Format,
}

impl Styles {
    fn of(look: Look) -> Styles {
        let date = Format::new().set_num_format(DATE_FORMAT);
        let (header, date) = match look {
            Look::Plain => (Format::new().set_bold(), date),
            Look::Meeting => (
                Format::new()
                    .set_bold()
                    .set_background_color("#DDE4EE")
                    .set_align(FormatAlign::VerticalCenter),
                date.set_align(FormatAlign::Left),
            ),
        };
        Styles {
            header,
            date,
            percent: Format::new().set_num_format("0.0%"),
            thousands: Format::new().set_num_format("#,##0"),
        }
    }
}

/// `book` as the bytes of an `.xlsx` file. Each sheet: its title (if any) in the first row, then
/// the header row (in the look's header format, frozen), then the rows; empty cells are left
/// empty, text cells and headers go through [`escape_formula`], numbers are number cells in
/// their [`NumberStyle`], dates are date cells `yyyy-mm-dd`. With `filter` the header row gets
/// a filter over every row; with `landscape` the sheet prints landscape with the header row on
/// every page. The same workbook with the same properties gives the same bytes.
pub fn write(book: &Workbook<'_>) -> Result<Vec<u8>, FormatError> {
    let mut out = rust_xlsxwriter::Workbook::new();
    if let Some(p) = book.properties {
        out.set_properties(
            &DocProperties::new()
                .set_title(&p.title)
                .set_subject(&p.subject)
                .set_comment(&p.comment)
                .set_author(&p.author)
                .set_creation_datetime(&p.created),
        );
    }
    let styles = Styles::of(book.look);
    for sheet in book.sheets {
        let ws = out.add_worksheet();
        fill_sheet(ws, sheet, &styles)?;
    }
    Ok(out.save_to_buffer()?)
}

/// One sheet as a workbook of its own, in the [`Look::Plain`] look.
pub fn write_sheet(sheet: &Sheet) -> Result<Vec<u8>, FormatError> {
    write(&Workbook {
        sheets: std::slice::from_ref(sheet),
        look: Look::Plain,
        properties: None,
    })
}

fn row_index(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_index(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A header's width in characters: a CJK character counts two; two more, and at least 12.
fn fit(header: &str) -> f64 {
    let width = header
        .chars()
        .map(|ch| if ch.is_ascii() { 1.0 } else { 2.0 })
        .sum::<f64>();
    width.max(10.0) + 2.0
}

fn fill_sheet(ws: &mut Worksheet, sheet: &Sheet, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let header_row: u32 = match &sheet.title {
        Some(title) => {
            ws.write_string(0, 0, escape_formula(title))?;
            1
        }
        None => 0,
    };
    for (c, header) in sheet.headers.iter().enumerate() {
        let col = col_index(c)?;
        ws.write_string_with_format(header_row, col, escape_formula(header), &styles.header)?;
        let width = match &sheet.widths {
            Widths::FitHeaders => Some(fit(header)),
            Widths::Fixed(widths) => widths.get(c).copied().flatten(),
        };
        if let Some(width) = width {
            ws.set_column_width(col, width)?;
        }
    }
    for (r, cells) in sheet.rows.iter().enumerate() {
        let row = row_index(r)?
            .checked_add(header_row + 1)
            .ok_or(XlsxError::RowColumnLimitError)?;
        for (c, cell) in cells.iter().enumerate() {
            let col = col_index(c)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(row, col, escape_formula(s))?;
                }
                Cell::Number(n) => {
                    let style = match n.style {
                        NumberStyle::General => None,
                        NumberStyle::Percent => Some(&styles.percent),
                        NumberStyle::Thousands => Some(&styles.thousands),
                    };
                    match style {
                        None => ws.write_number(row, col, n.value)?,
                        Some(format) => ws.write_number_with_format(row, col, n.value, format)?,
                    };
                }
                Cell::Date(d) => {
                    ws.write_date_with_format(row, col, d, &styles.date)?;
                }
            }
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    if sheet.filter {
        let last_col = col_index(sheet.headers.len().saturating_sub(1)).unwrap_or(0);
        let last_row = row_index(sheet.rows.len())
            .ok()
            .and_then(|n| n.checked_add(header_row))
            .unwrap_or(u32::MAX);
        ws.autofilter(header_row, 0, last_row, last_col)?;
    }
    if sheet.landscape {
        ws.set_landscape().set_repeat_rows(header_row, header_row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use chrono::NaiveDate;

    use super::*;
    use crate::sheet::Number;

    #[test]
    fn cells_read_back_as_their_types_and_text_is_escaped() {
        let date = NaiveDate::from_ymd_opt(2023, 7, 3).unwrap();
        let sheet = Sheet {
            title: Some("标题".into()),
            ..Sheet::new(
                "表",
                vec!["名称".into(), "数".into(), "日期".into(), "占比".into()],
                vec![vec![
                    Cell::Text("=1+1".into()),
                    Cell::int(7),
                    Cell::Date(date),
                    Cell::Number(Number {
                        text: "92.5%".into(),
                        value: 0.925,
                        style: NumberStyle::Percent,
                    }),
                ]],
            )
        };
        let bytes = write_sheet(&sheet).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["表"]);
        let range = book.worksheet_range("表").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows[0][0], Data::String("标题".into()));
        assert_eq!(rows[1][0], Data::String("名称".into()));
        assert_eq!(rows[2][0], Data::String("'=1+1".into()));
        assert_eq!(rows[2][1], Data::Float(7.0));
        assert_eq!(rows[2][3], Data::Float(0.925));
        assert!(matches!(rows[2][2], Data::DateTime(_)), "{:?}", rows[2][2]);
    }

    #[test]
    fn same_properties_same_bytes() {
        let props = Properties {
            title: "t".into(),
            subject: "s".into(),
            comment: String::new(),
            author: "peiyu".into(),
            created: NaiveDate::from_ymd_opt(2023, 7, 3)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        };
        let sheets = [Sheet::new("a", vec!["h".into()], vec![vec![Cell::int(1)]])];
        let book = Workbook {
            sheets: &sheets,
            look: Look::Meeting,
            properties: Some(&props),
        };
        assert_eq!(write(&book).unwrap(), write(&book).unwrap());
    }
}
