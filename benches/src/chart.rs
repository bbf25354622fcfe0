//! `benches/ratios.svg`: every workload's rate as a ratio to its section's
//! baseline (std; mio for e), one group of bars per workload, one bar per
//! target, a dashed line at 1.0, so the standing reads at a glance.
//!
//! Drawn with `plotters`' SVG backend alone: text is left to the viewer's
//! fonts (no font files are read), so it builds and runs anywhere.

use crate::section::Section;
use crate::table::Outcome;
use crate::{Scale, Target};
use gen_tcp::InetBackend;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Where `just bench` writes the chart.
pub const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ratios.svg");

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 620;
const FONT: &str = "sans-serif";

/// The bars of each group, in order, with their colours and names.
const SERIES: [(Target, RGBColor, &str); 6] = [
    (
        Target::GenTcp(InetBackend::Socket),
        RGBColor(31, 119, 180),
        "ours, socket",
    ),
    (
        Target::GenTcp(InetBackend::Inet),
        RGBColor(23, 190, 207),
        "ours, inet",
    ),
    (
        Target::Otp(InetBackend::Socket),
        RGBColor(255, 127, 14),
        "OTP 25, socket",
    ),
    (
        Target::Otp(InetBackend::Inet),
        RGBColor(214, 39, 40),
        "OTP 25, inet",
    ),
    (Target::Mio, RGBColor(110, 110, 110), "mio event loop"),
    (Target::Std, RGBColor(188, 189, 34), "std, thread per conn."),
];

/// One workload's bars: per series (ours socket, ours inet, OTP socket,
/// OTP inet, mio, std) that the section has, its ratio (`None`: no
/// figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The workload.
    pub section: Section,
    /// `(index in SERIES, ratio)`.
    pub bars: Vec<(usize, Option<f64>)>,
}

/// The groups to draw: every section whose first figure is a rate.
pub fn groups(outcomes: &[Outcome]) -> Vec<Group> {
    Section::ALL
        .into_iter()
        .filter(|s| {
            s.metrics()
                .and_then(|m| m.first())
                .is_some_and(|m| m.unit.is_rate())
        })
        .filter(|s| outcomes.iter().any(|o| o.section == *s))
        .map(|section| {
            let (base_section, base_target, _) = section.baseline();
            let base = rate(outcomes, base_section, base_target);
            let bars = SERIES
                .iter()
                .enumerate()
                .filter(|(_, (t, _, _))| section.targets().contains(t))
                .filter(|(_, (t, _, _))| !(base_section == section && *t == base_target))
                .map(|(i, &(t, _, _))| {
                    let ratio = match (rate(outcomes, section, t), base) {
                        (Some(v), Some(b)) if b > 0.0 => Some(v / b),
                        _ => None,
                    };
                    (i, ratio)
                })
                .collect();
            Group { section, bars }
        })
        .collect()
}

fn rate(outcomes: &[Outcome], section: Section, target: Target) -> Option<f64> {
    let o = outcomes
        .iter()
        .find(|o| o.section == section && o.target == target)?;
    let figures = o.result.as_ref().ok()?;
    figures.iter().find(|(k, _)| k == "rate").map(|&(_, v)| v)
}

/// Draws the chart and writes it to `path`.
pub fn write(outcomes: &[Outcome], scale: Scale, path: &str) -> Result<(), String> {
    let svg = render(&groups(outcomes), &subtitle(scale))?;
    std::fs::write(path, svg).map_err(|e| format!("{path}: {e}"))
}

fn subtitle(scale: Scale) -> String {
    format!(
        "one run of `just bench`, {}, nproc {}, BENCH_SCALE {}; fastest of 3 runs per row",
        crate::table::utc_date(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        scale.factor()
    )
}

/// The chart as SVG text.
pub fn render(groups: &[Group], subtitle: &str) -> Result<String, String> {
    let mut svg = String::new();
    draw(&mut svg, groups, subtitle).map_err(|e| format!("chart: {e}"))?;
    Ok(svg)
}

fn draw(
    svg: &mut String,
    groups: &[Group],
    subtitle: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let text = |size: u32| (FONT, size).into_font().color(&BLACK);
    let centred = |size: u32, v: VPos| text(size).pos(Pos::new(HPos::Center, v));
    root.draw(&Text::new(
        "gen_tcp for Rust: throughput as a ratio to std::net (higher is faster)",
        (WIDTH as i32 / 2, 12),
        centred(22, VPos::Top),
    ))?;
    root.draw(&Text::new(
        subtitle.to_string(),
        (WIDTH as i32 / 2, 40),
        text(14)
            .color(&RGBColor(90, 90, 90))
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    legend(&root, groups)?;

    let highest = groups
        .iter()
        .flat_map(|g| g.bars.iter().filter_map(|&(_, r)| r))
        .fold(1.0f64, f64::max);
    let top = ((highest * 1.12) / 0.25).ceil() * 0.25;
    let n = groups.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(110)
        .margin_right(20)
        .margin_left(10)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..n, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(((top / 0.25) as usize).min(16) + 1)
        .y_label_formatter(&|y| format!("{y:.2}"))
        .y_label_style(text(14))
        .y_desc("x baseline")
        .axis_desc_style(text(15))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;

    // Bars first, then the 1.0 line over them, then the values over the
    // line, each on a white patch so that a line through it leaves it
    // legible.
    let mut values: Vec<(String, (i32, i32))> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let slots = g.bars.len().max(1) as f64;
        let w = 0.84 / slots;
        for (k, &(si, ratio)) in g.bars.iter().enumerate() {
            let x0 = gi as f64 + 0.08 + k as f64 * w;
            let (_, colour, _) = SERIES[si];
            let centre = x0 + w / 2.0;
            match ratio {
                Some(r) => {
                    chart.draw_series([Rectangle::new(
                        [(x0 + 0.06 * w, 0.0), (x0 + 0.94 * w, r)],
                        colour.filled(),
                    )])?;
                    values.push((format!("{r:.2}"), chart.backend_coord(&(centre, r))));
                }
                None => values.push(("n/a".into(), chart.backend_coord(&(centre, 0.0)))),
            }
        }
        // The group's name under the axis, one line or two.
        let (x, y) = chart.backend_coord(&(gi as f64 + 0.5, 0.0));
        for (li, line) in g.section.label().lines().enumerate() {
            root.draw(&Text::new(
                line.to_string(),
                (x, y + 10 + 18 * li as i32),
                centred(15, VPos::Top),
            ))?;
        }
    }
    // 1.0: the baseline, dashed across the chart.
    let dash = 0.04;
    let mut x = 0.0;
    while x < n {
        chart.draw_series([PathElement::new(
            [(x, 1.0), ((x + dash).min(n), 1.0)],
            BLACK.stroke_width(2),
        )])?;
        x += 2.0 * dash;
    }
    for (value, (x, y)) in values {
        let half = 4 * value.len() as i32;
        root.draw(&Rectangle::new(
            [(x - half, y - 17), (x + half, y - 3)],
            WHITE.filled(),
        ))?;
        root.draw(&Text::new(value, (x, y - 4), centred(12, VPos::Bottom)))?;
    }
    root.present()?;
    Ok(())
}

/// One swatch and name per series drawn, in a row under the title.
fn legend(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    groups: &[Group],
) -> Result<(), Box<dyn std::error::Error>> {
    let used: Vec<usize> = (0..SERIES.len())
        .filter(|i| groups.iter().any(|g| g.bars.iter().any(|b| b.0 == *i)))
        .collect();
    const BASELINE: &str = "1.0 = std (e: mio)";
    // Each item: a 22-pixel swatch, its name (about 8 pixels a character
    // at 15 px), a gap.
    let width = |name: &str| 22 + 8 * name.len() as i32 + 26;
    let names: Vec<&str> = used.iter().map(|&i| SERIES[i].2).collect();
    let all = width(BASELINE) + names.iter().map(|n| width(n)).sum::<i32>();
    let mut x = ((WIDTH as i32 - all) / 2).max(4);
    let label = |name: &str, x: i32| {
        Text::new(
            name.to_string(),
            (x, 80),
            (FONT, 15)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    // The baseline's dashed line first.
    for dx in [0, 7, 14] {
        root.draw(&PathElement::new(
            [(x + dx, 80), (x + dx + 4, 80)],
            BLACK.stroke_width(2),
        ))?;
    }
    root.draw(&label(BASELINE, x + 22))?;
    x += width(BASELINE);
    for i in used {
        let (_, colour, name) = SERIES[i];
        root.draw(&Rectangle::new([(x, 72), (x + 16, 88)], colour.filled()))?;
        root.draw(&label(name, x + 22))?;
        x += width(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(section: Section, target: Target, rate: f64) -> Outcome {
        Outcome {
            section,
            target,
            result: Ok(vec![("rate".into(), rate)]),
        }
    }

    #[test]
    fn bars_are_ratios_to_the_sections_baseline() {
        let socket = Target::GenTcp(InetBackend::Socket);
        let outcomes = vec![
            outcome(Section::Setup, Target::Std, 100.0),
            outcome(Section::Setup, socket, 90.0),
            outcome(Section::Served, Target::Mio, 200.0),
            outcome(Section::Served, Target::Std, 100.0),
            outcome(Section::Served, socket, 190.0),
        ];
        let g = groups(&outcomes);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].section, Section::Setup);
        // socket, then the rows not measured: inet, otp socket, otp inet, mio.
        assert_eq!(g[0].bars[0], (0, Some(0.9)));
        assert_eq!(g[0].bars.len(), 5);
        // Served divides by mio, and shows std as a bar.
        assert_eq!(g[1].bars[0], (0, Some(0.95)));
        assert_eq!(g[1].bars.last(), Some(&(5, Some(0.5))));
        let svg = render(&g, "test").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("1.0 = std"));
        assert!(svg.contains("ours, socket") && svg.contains("std, thread per conn."));
        assert!(svg.contains("0.95") && svg.contains("n/a"));
    }
}
