//! The tables `peiyu export` writes: the same columns, headers and value forms `peiyu import`
//! reads, so exporting and importing again changes nothing.
//!
//! Chinese headers (the default) write money in 万元 (exact, as many decimals as needed),
//! sectors, legal forms, task kinds and statuses by their Chinese names; English headers
//! (`--lang en`) write the field keys (a money column's with its unit, `revenue (元)`), money in
//! yuan and the stable keys.

use peiyu_domain::{
    BatchEntry, Enterprise, Lang, LegalForm, Metrics, MoneyUnit, Sector, TaskKind, TaskStatus, Yuan,
};
use peiyu_service::{BatchListView, EnterpriseView, TaskRecord};

use super::columns::{Kind, Ledger};
use super::write::{Cell, Sheet};

/// The header row of `ledger` in `lang`.
pub fn headers(ledger: Ledger, lang: Lang) -> Vec<String> {
    ledger
        .columns()
        .iter()
        .map(|c| match lang {
            Lang::Zh => c.zh.to_owned(),
            // The unit rides in the header, so the bare numbers below it are never misread.
            Lang::En if c.kind == Kind::Money => {
                format!("{} ({})", c.key, MoneyUnit::Yuan.suffix())
            }
            Lang::En => c.key.to_owned(),
        })
        .collect()
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    }
}

fn money(v: Option<Yuan>, lang: Lang) -> Cell {
    match (v, lang) {
        (None, _) => Cell::Empty,
        (Some(y), Lang::Zh) => {
            let s = y.format_in(MoneyUnit::Wan);
            Cell::decimal(s.trim_end_matches(MoneyUnit::Wan.suffix()).to_owned())
        }
        (Some(y), Lang::En) => Cell::decimal(y.amount().to_string()),
    }
}

fn sector(s: Sector, lang: Lang) -> Cell {
    text(s.label(lang))
}

fn legal_form(f: LegalForm, lang: Lang) -> Cell {
    text(match lang {
        Lang::Zh => f.label(Lang::Zh),
        Lang::En => f.key(),
    })
}

fn kind(k: &TaskKind, lang: Lang) -> Cell {
    match lang {
        Lang::Zh => Cell::Text(k.label(Lang::Zh)),
        Lang::En => Cell::Text(k.key()),
    }
}

fn status(s: TaskStatus, lang: Lang) -> Cell {
    text(match lang {
        Lang::Zh => s.label(Lang::Zh),
        Lang::En => s.key(),
    })
}

fn sheet(ledger: Ledger, lang: Lang, rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet::new(ledger.sheet_name(lang), headers(ledger, lang), rows)
}

/// The enterprise ledger.
pub fn enterprises(list: &[EnterpriseView], lang: Lang) -> Sheet {
    let rows = list
        .iter()
        .map(|v| {
            let e = &v.enterprise;
            vec![
                Cell::Text(e.uscc.as_str().to_owned()),
                text(&e.name),
                sector(e.sector, lang),
                text(&e.town),
                text(&e.address),
                e.land_area
                    .map_or(Cell::Empty, |a| Cell::decimal(a.to_string())),
                legal_form(e.legal_form, lang),
                v.responsible
                    .as_ref()
                    .map_or(Cell::Empty, |o| Cell::Text(o.login.as_str().to_owned())),
            ]
        })
        .collect();
    sheet(Ledger::Enterprises, lang, rows)
}

/// The metrics ledger: a row per enterprise and month.
pub fn metrics(list: &[(Enterprise, Metrics)], lang: Lang) -> Sheet {
    let rows = list
        .iter()
        .map(|(e, m)| {
            vec![
                Cell::Text(e.uscc.as_str().to_owned()),
                text(&e.name),
                Cell::Text(m.month.to_string()),
                money(m.revenue, lang),
                money(m.output_value, lang),
                m.energy
                    .map_or(Cell::Empty, |t| Cell::decimal(t.to_string())),
                m.employees
                    .map_or(Cell::Empty, |n| Cell::decimal(n.to_string())),
                money(m.tax, lang),
                money(m.rnd_spend, lang),
            ]
        })
        .collect();
    sheet(Ledger::Metrics, lang, rows)
}

/// A year's batch list: a row per enterprise.
pub fn batches(view: &BatchListView, lang: Lang) -> Sheet {
    let year = view.list.value.year;
    let rows = view
        .entries
        .iter()
        .map(|(entry, e): &(BatchEntry, Enterprise)| {
            vec![
                Cell::decimal(year.to_string()),
                Cell::Text(e.uscc.as_str().to_owned()),
                text(&e.name),
                Cell::decimal(entry.batch.number().to_string()),
                entry.reason.as_deref().map_or(Cell::Empty, text),
                Cell::Date(entry.since),
            ]
        })
        .collect();
    sheet(Ledger::Batches, lang, rows)
}

/// The register list: a row per stay in a register, kinds and routes as officers write them
/// (规上, 月度) under Chinese headers, their keys under English ones.
pub fn register(list: &[(Enterprise, peiyu_domain::RegisterPeriod)], lang: Lang) -> Sheet {
    let rows = list
        .iter()
        .map(|(e, p)| {
            let (kind, route) = match lang {
                Lang::Zh => (p.kind.short_zh(), p.route.short_zh()),
                Lang::En => (p.kind.key(), p.route.key()),
            };
            vec![
                Cell::Text(e.uscc.as_str().to_owned()),
                text(&e.name),
                text(kind),
                Cell::Text(p.entered.to_string()),
                text(route),
                p.exited.map_or(Cell::Empty, |m| Cell::Text(m.to_string())),
                p.exit_reason.as_deref().map_or(Cell::Empty, text),
            ]
        })
        .collect();
    sheet(Ledger::Register, lang, rows)
}

/// The task ledger.
pub fn tasks(list: &[TaskRecord], lang: Lang) -> Sheet {
    let rows = list
        .iter()
        .map(|r| {
            let t = &r.task;
            vec![
                Cell::Text(t.id.to_string()),
                r.enterprise
                    .as_ref()
                    .map_or(Cell::Empty, |e| Cell::Text(e.uscc.as_str().to_owned())),
                r.enterprise.as_ref().map_or(Cell::Empty, |e| text(&e.name)),
                kind(&t.kind, lang),
                text(&t.title),
                t.description.as_deref().map_or(Cell::Empty, text),
                Cell::Text(r.assignee.login.as_str().to_owned()),
                Cell::Date(t.due_on),
                t.follow_up_on.map_or(Cell::Empty, Cell::Date),
                status(t.status, lang),
            ]
        })
        .collect();
    sheet(Ledger::Tasks, lang, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_exactly_in_the_headers_unit() {
        assert_eq!(
            money(Some(Yuan(13_605_000)), Lang::Zh),
            Cell::decimal("1360.5")
        );
        assert_eq!(money(Some(Yuan(1)), Lang::Zh), Cell::decimal("0.0001"));
        assert_eq!(
            money(Some(Yuan(123_456_789)), Lang::Zh),
            Cell::decimal("12345.6789")
        );
        assert_eq!(
            money(Some(Yuan(13_605_000)), Lang::En),
            Cell::decimal("13605000")
        );
        assert_eq!(money(None, Lang::Zh), Cell::Empty);
    }

    #[test]
    fn every_exported_header_is_one_the_importer_reads() {
        use super::super::columns::{Layout, Mapping};
        for ledger in Ledger::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let l =
                    Layout::new(&Mapping::default_for(ledger), headers(ledger, lang), 1).unwrap();
                assert!(l.unknown.is_empty(), "{ledger:?} {lang:?}: {:?}", l.unknown);
                assert!(l.missing(ledger).is_empty(), "{ledger:?} {lang:?}");
            }
        }
    }
}
