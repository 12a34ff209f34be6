//! Charts drawn in Rust with plotters, as SVG text the screens embed.
//! Colours are chosen to read on both light and dark backgrounds.

use crate::analytics::{CategorySales, ClientTier, DayPoint, LossRisk, Winner};
use chrono::Datelike;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Fill of the winners' bars (profit), also used by tests to find them.
pub const BAR_FILL: RGBColor = RGBColor(0x2f, 0x7d, 0x5b);
const LABEL: RGBColor = RGBColor(0x6b, 0x72, 0x80);
const RISK_FILL: RGBColor = RGBColor(0xc2, 0x41, 0x0c);
const TIER_FILL: RGBColor = RGBColor(0xb4, 0x8a, 0x1e);
const CATEGORY_FILL: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const REVENUE_LINE: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);

/// Horizontal bars of the winners' profit, rank 1 at the top; their revenue
/// when the profit is unknown (the winners are then ranked by revenue).
pub fn winners_svg(winners: &[Winner], width: u32, height: u32) -> String {
    let bars: Vec<(String, f64)> = winners.iter().map(|w| (w.name.clone(), amount(w.profit.as_deref().unwrap_or(&w.revenue)))).collect();
    bars_svg(&bars, BAR_FILL, width, height)
}

pub use crate::messages::Lang;

/// Labels drawn inside the charts, in the app's language (`messages`).
impl Lang {
    fn text(self, key: &str) -> String {
        crate::messages::label(key, self)
    }
}

/// Value at risk per reason (a batch with two reasons counts in both).
pub fn loss_risk_svg(rows: &[LossRisk], lang: Lang, width: u32, height: u32) -> String {
    let bars: Vec<(String, f64)> = ["expired", "expiring", "no_movement"]
        .iter()
        .map(|reason| {
            let value = rows
                .iter()
                .filter(|r| r.reasons.iter().any(|x| x == reason))
                .map(|r| r.value_at_risk.as_deref().map(amount).unwrap_or(0.0))
                .sum();
            (lang.text(reason), value)
        })
        .collect();
    if bars.iter().all(|(_, v)| *v == 0.0) {
        return String::new();
    }
    bars_svg(&bars, RISK_FILL, width, height)
}

/// How many clients each tier holds.
pub fn tiers_svg(clients: &[ClientTier], lang: Lang, width: u32, height: u32) -> String {
    let bars: Vec<(String, f64)> = ["Gold", "Silver", "Standard"]
        .iter()
        .map(|tier| (lang.text(tier), clients.iter().filter(|c| c.tier == *tier).count() as f64))
        .collect();
    if clients.is_empty() {
        return String::new();
    }
    bars_svg(&bars, TIER_FILL, width, height)
}

/// Revenue per category, largest first.
pub fn categories_svg(categories: &[CategorySales], lang: Lang, width: u32, height: u32) -> String {
    let bars: Vec<(String, f64)> =
        categories.iter().take(12).map(|c| (c.category.clone().unwrap_or_else(|| lang.text("no_category")), amount(&c.revenue))).collect();
    bars_svg(&bars, CATEGORY_FILL, width, height)
}

/// Revenue and profit per day, as two lines.
pub fn revenue_profit_svg(days: &[DayPoint], lang: Lang, width: u32, height: u32) -> String {
    let mut svg = String::new();
    if days.iter().all(|d| d.revenue == "0.00" && d.profit.as_deref().is_none_or(|p| p == "0.00")) {
        return svg;
    }
    let revenue: Vec<(usize, f64)> = days.iter().enumerate().map(|(i, d)| (i, amount(&d.revenue))).collect();
    // Profit is drawn only where it is known: a day whose sales have no cost is no 0.
    let profit: Vec<(usize, f64)> = days.iter().enumerate().filter_map(|(i, d)| Some((i, amount(d.profit.as_deref()?)))).collect();
    let values = || revenue.iter().chain(&profit).map(|(_, v)| *v);
    let max = values().fold(0.0_f64, f64::max).max(1.0);
    let min = values().fold(0.0_f64, f64::min);
    let n = days.len();
    let spans_years = days.first().zip(days.last()).is_some_and(|(a, b)| a.day.year() != b.day.year());
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(28)
                .y_label_area_size(56)
                .build_cartesian_2d(0..n.saturating_sub(1).max(1), min * 1.05..max * 1.08)?;
            chart
                .configure_mesh()
                .x_labels(6)
                .y_labels(6)
                .light_line_style(RGBAColor(0x88, 0x88, 0x88, 0.15))
                .bold_line_style(RGBAColor(0x88, 0x88, 0x88, 0.3))
                .axis_style(LABEL)
                .label_style(("sans-serif", 14).into_font().color(&LABEL))
                .x_label_formatter(&|i| days.get(*i).map(|d| day_label(d.day, spans_years, lang)).unwrap_or_default())
                .y_label_formatter(&|v| format_amount(*v))
                .draw()?;
            for (points, colour, key) in [(&revenue, REVENUE_LINE, "revenue"), (&profit, BAR_FILL, "profit")] {
                if points.is_empty() {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))?
                    .label(lang.text(key))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(3)));
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(RGBAColor(0x88, 0x88, 0x88, 0.12))
                .border_style(RGBAColor(0x88, 0x88, 0x88, 0.4))
                .label_font(("sans-serif", 14).into_font().color(&LABEL))
                .draw()?;
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    svg
}

/// Marks the i-th bar of the chart `data-bar="i"` (the row of the data it
/// draws), so the screen can open the lines behind the bar clicked. The bars
/// are the rectangles of their fill colour, drawn in the data's order; when
/// their count is not the data's, nothing is marked (never a wrong row).
fn tag_bars(svg: &str, fill: RGBColor, count: usize) -> String {
    let colour = format!("fill=\"#{:02X}{:02X}{:02X}\"", fill.0, fill.1, fill.2);
    let is_bar = |tag: &str| tag.contains(&colour) || tag.contains(&colour.to_lowercase());
    let rects: Vec<usize> =
        svg.match_indices("<rect").map(|(at, _)| at).filter(|&at| svg[at..].split('>').next().is_some_and(is_bar)).collect();
    if rects.len() != count {
        return svg.to_string();
    }
    let mut tagged = String::with_capacity(svg.len() + count * 16);
    let mut from = 0;
    for (i, at) in rects.into_iter().enumerate() {
        tagged.push_str(&svg[from..at + "<rect".len()]);
        tagged.push_str(&format!(" data-bar=\"{i}\""));
        from = at + "<rect".len();
    }
    tagged.push_str(&svg[from..]);
    tagged
}

/// Horizontal bars, the first item at the top; empty text when there is nothing.
fn bars_svg(bars: &[(String, f64)], fill: RGBColor, width: u32, height: u32) -> String {
    let mut svg = String::new();
    if bars.is_empty() {
        return svg;
    }
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
        let min = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::min);
        let n = bars.len();
        let names: Vec<String> = bars.iter().map(|(name, _)| shorten(name, 28)).collect();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            // Segment i holds item n − 1 − i, so the first item is drawn at the top.
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .x_label_area_size(28)
                .y_label_area_size(200)
                .build_cartesian_2d(min * 1.05..max * 1.08, (0..n).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_labels(5)
                .y_labels(n)
                .light_line_style(RGBAColor(0x88, 0x88, 0x88, 0.15))
                .bold_line_style(RGBAColor(0x88, 0x88, 0x88, 0.3))
                .axis_style(LABEL)
                .label_style(("sans-serif", 16).into_font().color(&LABEL))
                .x_label_formatter(&|v| format_amount(*v))
                .y_label_formatter(&|y| match y {
                    SegmentValue::CenterOf(i) if *i < n => names[n - 1 - *i].clone(),
                    _ => String::new(),
                })
                .draw()?;
            chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                let slot = n - 1 - i;
                let mut bar = Rectangle::new([(0.0, SegmentValue::Exact(slot)), (*v, SegmentValue::Exact(slot + 1))], fill.filled());
                bar.set_margin(4, 4, 0, 0);
                bar
            }))?;
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    tag_bars(&svg, fill, bars.len())
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_FR: [&str; 12] = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

/// A day on an axis as the screens write dates ("31 May", "31 mai"): the
/// month by its name, so no day/month order can be misread; with the year
/// when the chart spans more than one.
fn day_label(day: chrono::NaiveDate, with_year: bool, lang: Lang) -> String {
    let months = match lang {
        Lang::En => MONTHS_EN,
        Lang::Fr => MONTHS_FR,
    };
    let month = months[day.month0() as usize];
    if with_year {
        format!("{} {month} {}", day.day(), day.year())
    } else {
        format!("{} {month}", day.day())
    }
}

/// The title and the subtitle (period and unit) of a saved chart, as the
/// dashboard shows them around it: pass them to [`captioned`].
pub fn export_caption(name: &str, report: &crate::analytics::Report, currency: &str, lang: Lang) -> (String, String) {
    let title = match name {
        "winners" if report.ranked_by == "revenue" => lang.text("chart_winners_by_revenue"),
        other => lang.text(&format!("chart_{other}")),
    };
    let day = |d| day_label(d, true, lang);
    let subtitle = match name {
        // Loss risk and tiers are judged at as_of, whatever the window.
        "tiers" => crate::messages::render("chart_at", &[day(report.as_of), lang.text("chart_unit_clients")], lang),
        "loss_risk" => crate::messages::render("chart_at", &[day(report.as_of), currency.to_string()], lang),
        _ => crate::messages::render("chart_period", &[day(report.window.from), day(report.window.to), currency.to_string()], lang),
    };
    (title, subtitle)
}

/// A chart as saved to a file: its title, the period and the unit above it
/// (the screen shows them around the chart; a file must carry them itself).
pub fn captioned(svg: &str, title: &str, subtitle: &str) -> String {
    let size = |name: &str| -> Option<u32> {
        let head = &svg[..svg.find('>')?];
        let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
        head[at..].split('"').next()?.parse().ok()
    };
    let (Some(width), Some(height)) = (size("width"), size("height")) else { return svg.to_string() };
    const BAND: u32 = 56;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{total}\" viewBox=\"0 0 {width} {total}\">\
         <rect width=\"{width}\" height=\"{total}\" fill=\"#FFFFFF\"/>\
         <text x=\"12\" y=\"24\" font-family=\"sans-serif\" font-size=\"18\" font-weight=\"600\" fill=\"#1C2230\">{title}</text>\
         <text x=\"12\" y=\"46\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#4B5563\">{subtitle}</text>\
         <svg x=\"0\" y=\"{BAND}\" width=\"{width}\" height=\"{height}\"{rest}</svg></svg>",
        total = height + BAND,
        title = xml_text(title),
        subtitle = xml_text(subtitle),
        rest = &svg[svg.find('>').unwrap_or(0)..svg.rfind("</svg>").unwrap_or(svg.len())],
    )
}

fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn amount(text: &str) -> f64 {
    Decimal::from_str(text).ok().and_then(|d| d.to_f64()).unwrap_or(0.0)
}

/// A label as drawn: control characters (which XML, so SVG, cannot hold)
/// become spaces, and a long one is cut with an ellipsis.
fn shorten(name: &str, max: usize) -> String {
    let clean: String = name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let cut: String = clean.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn format_amount(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_control_characters_or_markup_still_make_valid_svg() {
        let bars = vec![("Th\u{1}é <vert> & \"co\"\u{1b}[31m".to_string(), 5.0), ("Café\n\tnoir".to_string(), 3.0)];
        let svg = bars_svg(&bars, BAR_FILL, 600, 200);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.chars().any(|c| c.is_control() && c != '\n'), "no control character reaches the SVG");
        assert!(!svg.contains("<vert>"), "markup in a name is escaped");
        assert!(svg.contains("Café  noir"), "a tab and a newline become spaces");
    }

    fn w(rank: i64, name: &str, profit: &str) -> Winner {
        Winner {
            rank,
            product_id: format!("P{rank}"),
            name: name.into(),
            quantity: "1".into(),
            revenue: profit.into(),
            profit: Some(profit.into()),
        }
    }

    #[test]
    fn one_bar_per_winner_and_names_escaped() {
        let winners: Vec<Winner> = (1..=10).map(|r| w(r, if r == 1 { "<script>x</script>" } else { "Tea" }, "10.00")).collect();
        let svg = winners_svg(&winners, 640, 360);
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", BAR_FILL.0, BAR_FILL.1, BAR_FILL.2);
        assert_eq!(svg.matches(&fill).count(), 10, "{svg}");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn each_bar_says_which_row_it_draws() {
        // Profits 10, 9 … 1: the bar of row i is the i-th drawn, and the longer the larger.
        let winners: Vec<Winner> = (1..=10).map(|r| w(r, "Tea", &format!("{}.00", 11 - r))).collect();
        let svg = winners_svg(&winners, 640, 360);
        let width_of = |i: usize| -> f64 {
            let at = svg.find(&format!("<rect data-bar=\"{i}\"")).unwrap_or_else(|| panic!("bar {i} not tagged: {svg}"));
            let tag = svg[at..].split('>').next().unwrap();
            let w = tag.split(" width=\"").nth(1).unwrap().split('"').next().unwrap();
            w.parse().unwrap()
        };
        for i in 1..10 {
            assert!(width_of(i - 1) > width_of(i), "row {} (larger) is drawn wider than row {i}", i - 1);
        }
        assert!(!svg.contains("data-bar=\"10\""));
    }

    #[test]
    fn loss_risk_tiers_and_timeline_charts() {
        let risk = |reasons: &[&str], value: &str| LossRisk {
            stock_id: "S".into(),
            product_id: "P".into(),
            name: "x".into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            quantity: "1".into(),
            expiry_date: None,
            last_movement: None,
            days_left: None,
            value_at_risk: Some(value.into()),
            forecast_leftover: None,
            forecast_leftover_value: None,
        };
        let svg = loss_risk_svg(&[risk(&["expired"], "10.00"), risk(&["expiring", "no_movement"], "5.00")], Lang::Fr, 480, 300);
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", RISK_FILL.0, RISK_FILL.1, RISK_FILL.2);
        assert_eq!(svg.matches(&fill).count(), 3, "one bar per reason");
        assert!(svg.contains("Périmé") && svg.contains("Sans mouvement"));
        assert_eq!(loss_risk_svg(&[], Lang::En, 480, 300), "");
        let day = |d: u32, r: &str| DayPoint {
            day: chrono::NaiveDate::from_ymd_opt(2026, 5, d).unwrap(),
            revenue: r.into(),
            profit: Some("1.00".into()),
        };
        let svg = revenue_profit_svg(&[day(1, "10.00"), day(2, "0.00"), day(3, "30.00")], Lang::En, 640, 300);
        let line = |rgb: RGBColor| {
            let key = format!("stroke=\"#{:02X}{:02X}{:02X}\" stroke-width=\"2\" points=\"", rgb.0, rgb.1, rgb.2);
            let start = svg.find(&key).map(|i| i + key.len()).expect("the line is drawn");
            svg[start..].split('"').next().unwrap().split_whitespace().count()
        };
        assert_eq!(line(REVENUE_LINE), 3, "one revenue point per day, the empty day included");
        assert_eq!(line(BAR_FILL), 3, "one profit point per day");
        assert!(svg.contains("Revenue") && svg.contains("1 May"), "{svg}");
        assert!(!svg.contains("2026"), "one year: the days without it");
        // Across a new year, the days carry their year (in French, the month as the screens write it).
        let across = [(2025, 12, 31), (2026, 1, 1)].map(|(y, m, d)| DayPoint {
            day: chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            revenue: "5.00".into(),
            profit: Some("1.00".into()),
        });
        let svg = revenue_profit_svg(&across, Lang::Fr, 640, 300);
        assert!(svg.contains("31 déc. 2025") && svg.contains("1 janv. 2026"), "{svg}");
        // Without any cost, no profit line (and no "Profit" in the legend): unknown is not 0.
        let unknown = across.map(|d| DayPoint { profit: None, ..d });
        let svg = revenue_profit_svg(&unknown, Lang::En, 640, 300);
        assert!(svg.contains("Revenue") && !svg.contains("Profit"), "{svg}");
        let green = format!("stroke=\"#{:02X}{:02X}{:02X}\"", BAR_FILL.0, BAR_FILL.1, BAR_FILL.2);
        assert!(!svg.contains(&green));
        assert_eq!(tiers_svg(&[], Lang::En, 480, 300), "");
    }

    #[test]
    fn a_saved_chart_carries_its_title_period_and_unit() {
        let chart = bars_svg(&[("Thé".to_string(), 5.0)], BAR_FILL, 600, 200);
        let saved = captioned(&chart, "Profit of the top 10 <products>", "1 May 2026 – 31 May 2026 · €");
        assert!(saved.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"256\""), "{saved}");
        assert!(saved.contains(">Profit of the top 10 &lt;products&gt;</text>"));
        assert!(saved.contains(">1 May 2026 – 31 May 2026 · €</text>"));
        assert!(saved.contains("Thé") && saved.ends_with("</svg>"));
        assert_eq!(saved.matches("<svg").count(), 2);
        assert_eq!(saved.matches("</svg>").count(), 2);
    }

    #[test]
    fn a_saved_chart_is_captioned_as_the_dashboard_shows_it() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let report =
            crate::analytics::report(&store, Some(chrono::NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()), crate::analytics::Period::Month)
                .unwrap();
        assert_eq!(
            export_caption("revenue_profit", &report, "€", Lang::En),
            ("Revenue and profit by day".to_string(), "2 May 2026 – 31 May 2026 · in €".to_string())
        );
        assert_eq!(
            export_caption("tiers", &report, "€", Lang::Fr),
            ("Clients par niveau de fidélité".to_string(), "au 31 mai 2026 · en nombre de clients".to_string())
        );
        // No line has a cost in an empty store: the top 10 is by revenue.
        assert_eq!(export_caption("winners", &report, "CHF", Lang::Fr).0, "Chiffre d'affaires des 10 meilleurs produits");
    }

    #[test]
    fn no_winner_no_chart() {
        assert_eq!(winners_svg(&[], 640, 360), "");
    }
}
