//! Charts drawn in Rust with plotters, as SVG text the screens embed.
//! Colours are chosen to read on both light and dark backgrounds.

use crate::analytics::Winner;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Fill of the winners' bars (profit), also used by tests to find them.
pub const BAR_FILL: RGBColor = RGBColor(0x2f, 0x7d, 0x5b);
const LABEL: RGBColor = RGBColor(0x6b, 0x72, 0x80);

/// Horizontal bars of the winners' profit, rank 1 at the top.
pub fn winners_svg(winners: &[Winner], width: u32, height: u32) -> String {
    let mut svg = String::new();
    if winners.is_empty() {
        return svg;
    }
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let profits: Vec<f64> = winners
            .iter()
            .map(|w| Decimal::from_str(&w.profit).ok().and_then(|d| d.to_f64()).unwrap_or(0.0))
            .collect();
        let max = profits.iter().cloned().fold(0.0_f64, f64::max).max(1.0);
        let min = profits.iter().cloned().fold(0.0_f64, f64::min);
        let n = winners.len();
        let names: Vec<String> = winners.iter().map(|w| shorten(&w.name, 28)).collect();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            // Segment i holds rank n − i, so rank 1 is drawn at the top.
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
            chart.draw_series(profits.iter().enumerate().map(|(rank, p)| {
                let slot = n - 1 - rank;
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(slot)), (*p, SegmentValue::Exact(slot + 1))],
                    BAR_FILL.filled(),
                );
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
    svg
}

fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let cut: String = name.chars().take(max - 1).collect();
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

    fn w(rank: i64, name: &str, profit: &str) -> Winner {
        Winner {
            rank,
            product_id: format!("P{rank}"),
            name: name.into(),
            quantity: "1".into(),
            revenue: profit.into(),
            profit: profit.into(),
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
    fn no_winner_no_chart() {
        assert_eq!(winners_svg(&[], 640, 360), "");
    }
}
