//! An enterprise's history (`peiyu history`) as a file: one row per timeline entry, as CSV or
//! as an XLSX sheet, with the same twelve columns the terminal table is drawn from.

use peiyu_domain::Lang;
use peiyu_service::{CountyZone, TimelineEntry};

use crate::sheet::{Cell, Sheet, Widths};
use crate::{FormatError, mark, tr};

/// The columns' headers, (zh, en), in the order of [`cells`].
pub const HEADERS: [(&str, &str); 12] = [
    ("记录时间", "recorded at"),
    ("生效日期", "effective on"),
    ("操作人", "actor"),
    ("代表", "on behalf of"),
    ("类别", "kind"),
    ("操作", "action"),
    ("流程", "track"),
    ("对象", "subject"),
    ("从", "from"),
    ("到", "to"),
    ("原因", "reason"),
    ("佐证/条件", "evidence / guards"),
];

/// The columns' widths in a workbook, in characters.
const WIDTHS: [f64; 12] = [
    17.0, 11.0, 10.0, 10.0, 6.0, 16.0, 11.0, 24.0, 12.0, 12.0, 24.0, 40.0,
];

/// One entry's cells, in the order of [`HEADERS`]: when it was recorded (in the county's time
/// zone), the day it took effect, who, on whose behalf, its kind, the action (its label), the track, the
/// subject, from and to, the reason, and the evidence, an override and each guard (`✓`/`✗` and
/// its message) one a line. Absent values are empty.
pub fn cells(e: &TimelineEntry, lang: Lang) -> [String; 12] {
    let mut extra: Vec<String> = e.evidence.clone();
    if e.overridden {
        extra.push(tr(lang, "特批（越过未满足条件）", "overridden").to_owned());
    }
    for (passed, msg) in &e.guards {
        extra.push(format!("{} {}", mark(*passed), msg.get(lang)));
    }
    [
        CountyZone::default().local(e.recorded_at),
        e.effective_on.map(|d| d.to_string()).unwrap_or_default(),
        e.actor_name.clone(),
        e.on_behalf_of_name.clone().unwrap_or_default(),
        e.kind.label(lang).to_owned(),
        e.action_label.get(lang).to_owned(),
        e.track_label
            .as_ref()
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default(),
        match (&e.kind, &e.track_label) {
            (peiyu_service::TimelineKind::Stage, Some(track)) => track.get(lang).to_owned(),
            _ => e.subject.clone(),
        },
        e.from_label
            .as_ref()
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default(),
        e.to_label
            .as_ref()
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        extra.join("\n"),
    ]
}

/// The timeline as a table: the headers in `lang`, a row of text cells per entry, in order.
pub fn sheet(lines: &[TimelineEntry], lang: Lang) -> Sheet {
    let headers = HEADERS
        .iter()
        .map(|(zh, en)| tr(lang, zh, en).to_owned())
        .collect();
    let rows = lines
        .iter()
        .map(|l| cells(l, lang).into_iter().map(Cell::Text).collect())
        .collect();
    Sheet {
        widths: Widths::Fixed(WIDTHS.iter().copied().map(Some).collect()),
        ..Sheet::new(tr(lang, "企业历程", "history"), headers, rows)
    }
}

/// The timeline as CSV ([`crate::csv::write`]).
pub fn csv(lines: &[TimelineEntry], lang: Lang) -> Result<Vec<u8>, FormatError> {
    crate::csv::write(&sheet(lines, lang))
}

/// The timeline as an XLSX workbook of one sheet, 企业历程 (history), its header row frozen
/// ([`crate::xlsx::write_sheet`]).
pub fn xlsx(lines: &[TimelineEntry], lang: Lang) -> Result<Vec<u8>, FormatError> {
    crate::xlsx::write_sheet(&sheet(lines, lang))
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use peiyu_domain::Text;
    use peiyu_service::TimelineKind;

    use super::*;

    fn entry() -> TimelineEntry {
        TimelineEntry {
            recorded_at: Utc.with_ymd_and_hms(2023, 3, 1, 1, 0, 0).unwrap(),
            effective_on: NaiveDate::from_ymd_opt(2023, 3, 1),
            actor: "lan.xm".into(),
            actor_name: "蓝晓敏".into(),
            on_behalf_of: None,
            on_behalf_of_name: None,
            kind: TimelineKind::Stage,
            action: "case.advance".into(),
            action_label: Text::new("推进阶段", "stage moved"),
            track: Some("industrial".into()),
            track_label: Some(Text::new("工业企业上规入统培育", "industrial above-scale")),
            from: Some("cultivating".into()),
            to: Some("qualified".into()),
            from_label: Some(Text::new("培育中", "cultivating")),
            to_label: Some(Text::new("达标", "qualified")),
            subject: "工业企业上规入统培育".into(),
            reason: Some("-达标".into()),
            evidence: vec!["月报.pdf".into()],
            overridden: false,
            guards: vec![(
                true,
                Text::new("营业收入达标", "revenue meets the threshold"),
            )],
        }
    }

    #[test]
    fn csv_has_a_bom_crlf_and_escaped_text() {
        let bytes = csv(&[entry()], Lang::En).unwrap();
        let text = std::str::from_utf8(bytes.strip_prefix(crate::csv::BOM).unwrap()).unwrap();
        assert_eq!(
            text,
            "recorded at,effective on,actor,on behalf of,kind,action,track,subject,from,to,reason,evidence / guards\r\n\
             2023-03-01 09:00,2023-03-01,蓝晓敏,,stage,stage moved,industrial above-scale,industrial above-scale,cultivating,qualified,'-达标,\"月报.pdf\n✓ revenue meets the threshold\"\r\n"
        );
    }

    #[test]
    fn the_workbook_has_one_sheet_of_text() {
        use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
        let bytes = xlsx(&[entry()], Lang::Zh).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["企业历程"]);
        let range = book.worksheet_range("企业历程").unwrap();
        assert_eq!(range.get_size(), (2, 12));
        assert_eq!(range.get((0, 0)), Some(&Data::String("记录时间".into())));
        assert_eq!(range.get((1, 4)), Some(&Data::String("阶段".into())));
        assert_eq!(range.get((1, 10)), Some(&Data::String("'-达标".into())));
    }
}
