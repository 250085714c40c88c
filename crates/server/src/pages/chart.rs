//! The monthly figures chart of an enterprise's page: revenue and output value by month against
//! the sector's threshold, drawn on the server as SVG (no script; colours from the stylesheet's
//! classes, so the Content-Security-Policy needs no inline style).

use std::fmt::Write as _;

use peiyu_domain::{Lang, Metrics, Yuan};

use crate::lang::tr;

const WIDTH: i64 = 720;
const HEIGHT: i64 = 280;
const LEFT: i64 = 64;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const BOTTOM: i64 = 40;

/// The chart of `months` (oldest first) against `annual_threshold` shown as its monthly
/// average (a twelfth), or `None` when no month has a revenue or output figure.
pub(super) fn monthly_chart(
    months: &[Metrics],
    annual_threshold: Option<Yuan>,
    lang: Lang,
) -> Option<String> {
    let values = |pick: fn(&Metrics) -> Option<Yuan>| -> Vec<Option<i64>> {
        months.iter().map(|m| pick(m).map(Yuan::amount)).collect()
    };
    let revenue = values(|m| m.revenue);
    let output = values(|m| m.output_value);
    let monthly_threshold = annual_threshold.map(|t| t.amount() / 12);
    let top = revenue
        .iter()
        .chain(&output)
        .flatten()
        .copied()
        .chain(monthly_threshold)
        .max()?;
    if top <= 0 || months.is_empty() {
        return None;
    }
    // A round top for the axis: 1, 2 or 5 times a power of ten, in yuan.
    let mut step = 1i64;
    while step * 10 <= top {
        step *= 10;
    }
    let axis_top = [1, 2, 5, 10]
        .iter()
        .map(|k| k * step)
        .find(|v| *v >= top)
        .unwrap_or(top);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = i64::try_from(months.len()).unwrap_or(1);
    let x = |i: usize| LEFT + (i64::try_from(i).unwrap_or(0) * 2 + 1) * plot_w / (2 * n);
    let y = |v: i64| TOP + plot_h - v.saturating_mul(plot_h) / axis_top;
    let title = tr(
        lang,
        "月度营业收入、工业总产值与行业门槛（月均）",
        "Monthly revenue and output value against the sector's threshold (monthly average)",
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#
    );
    for k in 0..=4 {
        let v = axis_top * k / 4;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text x="{}" y="{}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            y(v) + 4,
            Yuan(v).format_wan_rounded(0),
            y = y(v),
        );
    }
    for (i, m) in months.iter().enumerate() {
        if months.len() <= 12 || i % 2 == 0 {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                x(i),
                HEIGHT - BOTTOM + 18,
                m.month
            );
        }
    }
    if let Some(t) = monthly_threshold {
        let _ = write!(
            svg,
            r#"<line class="threshold" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}" stroke-dasharray="6 4"/>"#,
            WIDTH - RIGHT,
            y = y(t),
        );
    }
    for (class, series) in [("revenue", &revenue), ("output", &output)] {
        let points: Vec<String> = series
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{},{}", x(i), y(v))))
            .collect();
        if points.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<polyline class="{class}" points="{}"/>"#,
            points.join(" ")
        );
        for p in &points {
            if let Some((px, py)) = p.split_once(',') {
                let _ = write!(
                    svg,
                    r#"<circle class="{class}" cx="{px}" cy="{py}" r="3"/>"#
                );
            }
        }
    }
    svg.push_str("</svg>");
    let legend = format!(
        r#"<p class="legend"><span><i class="swatch revenue"></i>{}</span><span><i class="swatch output"></i>{}</span>{}</p>"#,
        tr(lang, "主营业务收入", "Revenue"),
        tr(lang, "工业总产值", "Output value"),
        annual_threshold
            .map(|t| format!(
                r#"<span><i class="swatch threshold"></i>{} {}/12</span>"#,
                tr(lang, "门槛", "threshold"),
                t.format_wan_rounded(0)
            ))
            .unwrap_or_default()
    );
    Some(format!("<figure class=\"chart\">{svg}{legend}</figure>"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use peiyu_domain::{EnterpriseId, YearMonth};

    fn month(m: &str, revenue: i64) -> Metrics {
        Metrics {
            revenue: Some(Yuan(revenue)),
            output_value: Some(Yuan(revenue + 100_000)),
            ..Metrics::empty(
                EnterpriseId(uuid::Uuid::nil()),
                m.parse::<YearMonth>().unwrap(),
            )
        }
    }

    #[test]
    fn draws_each_month_and_the_threshold_below_a_round_top() {
        let months = [
            month("2023-04", 1_200_000),
            month("2023-05", 1_500_000),
            month("2023-06", 1_900_000),
        ];
        let svg = monthly_chart(&months, Some(Yuan(20_000_000)), Lang::Zh).unwrap();
        assert_eq!(svg.matches("<circle class=\"revenue\"").count(), 3);
        assert_eq!(svg.matches("<circle class=\"output\"").count(), 3);
        assert!(svg.contains("class=\"threshold\""));
        assert!(svg.contains(">2023-06<"));
        assert!(svg.contains("2,000万元/12"), "{svg}");
        assert!(!svg.contains("style="), "no inline style");
        assert_eq!(monthly_chart(&[], None, Lang::Zh), None);
    }
}
