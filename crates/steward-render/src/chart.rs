//! Evaluation charts as SVG, drawn with plotters' SVG backend.
//!
//! Text is emitted as SVG `<text>` elements (plotters' built-in size estimate, no font files:
//! the crate is built without its `ttf` feature), so charts render the same on any machine and
//! in the studio's webview. Colours are the Okabe–Ito palette, which stays distinguishable
//! under the common colour-vision deficiencies; every chart has a light and a dark variant.
//! Long series are downsampled with LTTB before drawing so a million-point KPI export still
//! makes a small SVG.

use std::ops::Range;

use plotters::chart::SeriesAnno;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use steward_domain::eval::lttb::lttb;

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark ink on white.
    Light,
    /// Light ink on near-black.
    Dark,
}

/// Okabe–Ito colours.
pub mod palette {
    use plotters::style::RGBColor;
    /// Orange: the candidate / canary.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Sky blue: production on dark backgrounds.
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Bluish green: within tolerance.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Yellow: moderate.
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Blue: production.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Vermillion: failing.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple: thresholds.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
}

use palette::{BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION};

struct Colors {
    bg: RGBColor,
    fg: RGBColor,
    grid: RGBColor,
    production: RGBColor,
    candidate: RGBColor,
}

impl Theme {
    fn colors(self) -> Colors {
        match self {
            Theme::Light => Colors {
                bg: WHITE,
                fg: RGBColor(0x22, 0x22, 0x22),
                grid: RGBColor(0xE4, 0xE4, 0xE4),
                production: palette::BLUE,
                candidate: ORANGE,
            },
            Theme::Dark => Colors {
                bg: RGBColor(0x1B, 0x1D, 0x21),
                fg: RGBColor(0xE8, 0xE8, 0xE8),
                grid: RGBColor(0x3A, 0x3D, 0x44),
                production: SKY_BLUE,
                candidate: ORANGE,
            },
        }
    }
}

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(String);

fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// Result with [`ChartError`].
pub type Result<T> = std::result::Result<T, ChartError>;

const W: u32 = 960;
const H: u32 = 540;
const FONT: &str = "sans-serif";
/// KPI series longer than this are downsampled with LTTB.
pub const MAX_POINTS: usize = 1500;

/// One metric of the candidate-vs-production chart.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareBar {
    /// Label with unit, e.g. `ROUGE-L (score)`.
    pub label: String,
    /// Candidate value.
    pub candidate: Option<f64>,
    /// Production value.
    pub baseline: Option<f64>,
    /// Acceptance threshold.
    pub threshold: Option<f64>,
    /// Production value moved by the required margin (what the candidate must reach).
    pub margin_line: Option<f64>,
    /// Whether the candidate fails its threshold or margin (drawn in vermillion).
    pub failing: bool,
}

fn nice_range(values: impl Iterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if (hi - lo).abs() < 1e-12 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    (if zero && lo >= 0.0 { lo } else { lo - pad }, hi + pad)
}

fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 || a == 0.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The drawing area of a whole chart.
type Canvas<'b> = DrawingArea<SVGBackend<'b>, Shift>;

/// A chart with numeric axes, drawn on a [`Canvas`].
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// An SVG document of `size` on the theme's background; `draw` paints everything else.
fn svg_canvas(
    size: (u32, u32),
    bg: RGBColor,
    draw: impl FnOnce(&Canvas<'_>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&bg).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The axes and legend of a single-panel chart.
struct Axes<'a> {
    x: Range<f64>,
    y: Range<f64>,
    x_desc: &'a str,
    y_desc: &'a str,
    /// Names of the bars standing at x = 0, 1, …: one label per bar and no vertical grid
    /// lines. `None` for a numeric x axis.
    categories: Option<&'a [String]>,
    legend: SeriesLabelPosition,
}

/// One full-size chart: title, axes, grid and legend in the shared style around whatever
/// `draw` puts in the plot (every series it labels appears in the legend).
fn single_panel(
    title: &str,
    c: &Colors,
    axes: Axes<'_>,
    draw: impl FnOnce(&mut Plot<'_, '_>) -> Result<()>,
) -> Result<String> {
    svg_canvas((W, H), c.bg, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 22).into_font().color(&c.fg))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(axes.x, axes.y)
            .map_err(err)?;
        let names = axes.categories.unwrap_or_default();
        let category = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let number = |v: &f64| fmt_num(*v);
        let mut mesh = chart.configure_mesh();
        if axes.categories.is_some() {
            mesh.disable_x_mesh()
                .x_labels(names.len().max(1))
                .x_label_formatter(&category);
        } else {
            mesh.x_label_formatter(&number);
        }
        mesh.y_label_formatter(&number)
            .x_desc(axes.x_desc)
            .y_desc(axes.y_desc)
            .label_style((FONT, 13).into_font().color(&c.fg))
            .axis_desc_style((FONT, 14).into_font().color(&c.fg))
            .axis_style(c.fg)
            .light_line_style(TRANSPARENT)
            .bold_line_style(c.grid)
            .draw()
            .map_err(err)?;
        draw(&mut chart)?;
        chart
            .configure_series_labels()
            .background_style(c.bg.mix(0.9))
            .border_style(c.grid)
            .label_font((FONT, 13).into_font().color(&c.fg))
            .position(axes.legend)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// A dashed horizontal line across `x` at height `y`, with `dash` = (dash, gap) in pixels.
fn dashed_rule<'c, 'a, 'b>(
    chart: &'c mut Plot<'a, 'b>,
    x: (f64, f64),
    y: f64,
    dash: (i32, i32),
    style: ShapeStyle,
) -> Result<&'c mut SeriesAnno<'a, SVGBackend<'b>>> {
    chart
        .draw_series(DashedLineSeries::new(
            [(x.0, y), (x.1, y)],
            dash.0,
            dash.1,
            style,
        ))
        .map_err(err)
}

/// A shaded rectangle spanning `x` and `y`.
fn band<'c, 'a, 'b>(
    chart: &'c mut Plot<'a, 'b>,
    x: (f64, f64),
    y: (f64, f64),
    style: ShapeStyle,
) -> Result<&'c mut SeriesAnno<'a, SVGBackend<'b>>> {
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x.0, y.0), (x.1, y.1)],
            style,
        )))
        .map_err(err)
}

/// A bar centred on category `x` from `base` up to `top`, with `text` just above it.
fn labelled_bar(
    chart: &mut Plot<'_, '_>,
    x: f64,
    (base, top): (f64, f64),
    color: RGBColor,
    text: String,
    fg: RGBColor,
) -> Result<()> {
    band(chart, (x - 0.3, x + 0.3), (base, top), color.filled())?;
    chart
        .draw_series(std::iter::once(Text::new(
            text,
            (x, top),
            (FONT, 13)
                .into_font()
                .color(&fg)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        )))
        .map_err(err)?;
    Ok(())
}

/// A legend key: a small filled box.
fn key_box(style: ShapeStyle) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], style)
}

/// A legend key: a short line.
fn key_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new([(x, y), (x + 14, y)], style)
}

fn legend_item(
    area: &Canvas<'_>,
    x: i32,
    y: i32,
    color: RGBColor,
    text: &str,
    fg: RGBColor,
) -> Result<()> {
    area.draw(&Rectangle::new(
        [(x, y - 6), (x + 14, y + 6)],
        color.filled(),
    ))
    .map_err(err)?;
    area.draw(&Text::new(
        text.to_string(),
        (x + 20, y),
        (FONT, 14)
            .into_font()
            .color(&fg)
            .pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(err)?;
    Ok(())
}

/// Candidate vs production, one small panel per metric (they have different units), with the
/// acceptance threshold (dashed) and the margin line (dotted) where known.
pub fn compare_chart(
    title: &str,
    candidate_name: &str,
    baseline_name: &str,
    bars: &[CompareBar],
    theme: Theme,
) -> Result<String> {
    let c = theme.colors();
    let cols = 4usize;
    let rows = bars.len().div_ceil(cols).max(1);
    let height = 90 + 190 * rows as u32;
    svg_canvas((W, height), c.bg, |root| {
        let (head, body) = root.split_vertically(80);
        head.draw(&Text::new(
            title.to_string(),
            (16, 24),
            (FONT, 22).into_font().color(&c.fg),
        ))
        .map_err(err)?;
        legend_item(&head, 16, 62, c.production, baseline_name, c.fg)?;
        legend_item(&head, 240, 62, c.candidate, candidate_name, c.fg)?;
        legend_item(
            &head,
            470,
            62,
            VERMILLION,
            "candidate misses threshold or margin",
            c.fg,
        )?;
        if bars.is_empty() {
            body.draw(&Text::new(
                "no comparable metrics".to_string(),
                (16, 40),
                (FONT, 16).into_font().color(&c.fg),
            ))
            .map_err(err)?;
        }
        let panels = body.split_evenly((rows, cols));
        for (bar, panel) in bars.iter().zip(panels.iter()) {
            let values = [bar.candidate, bar.baseline, bar.threshold, bar.margin_line];
            let (lo, hi) = nice_range(values.iter().flatten().copied(), true);
            let mut chart = ChartBuilder::on(panel)
                .caption(&bar.label, (FONT, 14).into_font().color(&c.fg))
                .margin(8)
                .x_label_area_size(20)
                .y_label_area_size(48)
                .build_cartesian_2d(-0.5f64..1.5f64, lo..hi)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(2)
                .x_label_formatter(&|x| match x.round() as i64 {
                    0 => "prod".into(),
                    1 => "cand".into(),
                    _ => String::new(),
                })
                .y_labels(4)
                .y_label_formatter(&|y| fmt_num(*y))
                .label_style((FONT, 11).into_font().color(&c.fg))
                .axis_style(c.fg)
                .light_line_style(TRANSPARENT)
                .bold_line_style(c.grid)
                .draw()
                .map_err(err)?;
            let cand_color = if bar.failing { VERMILLION } else { c.candidate };
            for (i, v, color) in [
                (0.0, bar.baseline, c.production),
                (1.0, bar.candidate, cand_color),
            ] {
                if let Some(v) = v {
                    band(
                        &mut chart,
                        (i - 0.32, i + 0.32),
                        (0.0f64.max(lo), v),
                        color.filled(),
                    )?;
                }
            }
            if let Some(t) = bar.threshold {
                dashed_rule(
                    &mut chart,
                    (-0.5, 1.5),
                    t,
                    (6, 4),
                    REDDISH_PURPLE.stroke_width(2),
                )?;
            }
            if let Some(m) = bar.margin_line {
                dashed_rule(&mut chart, (-0.5, 1.5), m, (2, 3), c.fg.stroke_width(1))?;
            }
        }
        Ok(())
    })
}

/// One group's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBar {
    /// Group name.
    pub group: String,
    /// Value.
    pub value: f64,
    /// Whether it falls outside the tolerance.
    pub outside: bool,
}

/// Per-group values of one metric with the tolerance band shaded (`band = (low, high)`, e.g.
/// four-fifths of the best group up to the best); groups outside it in vermillion.
pub fn fairness_chart(
    title: &str,
    y_label: &str,
    groups: &[GroupBar],
    band: (f64, f64),
    theme: Theme,
) -> Result<String> {
    let c = theme.colors();
    let (lo, hi) = nice_range(groups.iter().map(|g| g.value).chain([band.0, band.1]), true);
    let n = groups.len().max(1) as f64;
    let names: Vec<String> = groups.iter().map(|g| g.group.clone()).collect();
    let axes = Axes {
        x: -0.5..(n - 0.5),
        y: lo..hi,
        x_desc: "group",
        y_desc: y_label,
        categories: Some(&names),
        legend: SeriesLabelPosition::UpperRight,
    };
    single_panel(title, &c, axes, |chart| {
        self::band(
            chart,
            (-0.5, n - 0.5),
            band,
            BLUISH_GREEN.mix(0.18).filled(),
        )?
        .label("tolerance band")
        .legend(key_box(BLUISH_GREEN.mix(0.4).filled()));
        for (i, g) in groups.iter().enumerate() {
            let color = if g.outside { VERMILLION } else { c.production };
            let text = format!("{}{}", fmt_num(g.value), if g.outside { " ✗" } else { "" });
            labelled_bar(
                chart,
                i as f64,
                (0.0f64.max(lo), g.value),
                color,
                text,
                c.fg,
            )?;
        }
        dashed_rule(
            chart,
            (-0.5, n - 0.5),
            band.0,
            (6, 4),
            BLUISH_GREEN.stroke_width(2),
        )?;
        Ok(())
    })
}

/// Latency percentiles (p50, p95, p99) of each named arm, against the SLO.
pub fn latency_chart(
    title: &str,
    arms: &[(String, [f64; 3])],
    slo: Option<f64>,
    theme: Theme,
) -> Result<String> {
    let c = theme.colors();
    let (lo, hi) = nice_range(arms.iter().flat_map(|a| a.1).chain(slo), true);
    let percentiles = ["p50", "p95", "p99"].map(String::from);
    let axes = Axes {
        x: -0.5..2.5,
        y: lo..hi,
        x_desc: "percentile",
        y_desc: "latency (ms)",
        categories: Some(&percentiles),
        legend: SeriesLabelPosition::UpperLeft,
    };
    single_panel(title, &c, axes, |chart| {
        let width = 0.7 / arms.len().max(1) as f64;
        for (k, (name, values)) in arms.iter().enumerate() {
            let color = if k == 0 { c.production } else { c.candidate };
            let off = -0.35 + width * k as f64;
            chart
                .draw_series(values.iter().enumerate().map(|(i, v)| {
                    let x = i as f64 + off;
                    Rectangle::new(
                        [(x + 0.02, 0.0f64.max(lo)), (x + width - 0.02, *v)],
                        color.filled(),
                    )
                }))
                .map_err(err)?
                .label(name.clone())
                .legend(key_box(color.filled()));
        }
        if let Some(s) = slo {
            let style = VERMILLION.stroke_width(2);
            dashed_rule(chart, (-0.5, 2.5), s, (6, 4), style)?
                .label(format!("p99 SLO {} ms", fmt_num(s)))
                .legend(key_line(style));
        }
        Ok(())
    })
}

/// A named time series: (x, y) with x in hours since the start of the export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Arm name (`canary`, `production`).
    pub name: String,
    /// Points sorted by x.
    pub points: Vec<(f64, f64)>,
}

/// KPI time series, one line per arm, each downsampled with LTTB to [`MAX_POINTS`].
pub fn kpi_chart(
    title: &str,
    y_label: &str,
    x_label: &str,
    series: &[Series],
    threshold: Option<f64>,
    theme: Theme,
) -> Result<String> {
    let c = theme.colors();
    let drawn: Vec<(String, Vec<(f64, f64)>)> = series
        .iter()
        .map(|s| (s.name.clone(), lttb(&s.points, MAX_POINTS)))
        .collect();
    let (x0, x1) = nice_range(drawn.iter().flat_map(|s| s.1.iter().map(|p| p.0)), false);
    let (y0, y1) = nice_range(
        drawn
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.1))
            .chain(threshold),
        false,
    );
    let axes = Axes {
        x: x0..x1,
        y: y0..y1,
        x_desc: x_label,
        y_desc: y_label,
        categories: None,
        legend: SeriesLabelPosition::LowerRight,
    };
    single_panel(title, &c, axes, |chart| {
        for (name, points) in &drawn {
            let color = if matches!(name.as_str(), "production" | "baseline" | "control") {
                c.production
            } else {
                c.candidate
            };
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(err)?
                .label(name.clone())
                .legend(key_line(color.stroke_width(2)));
        }
        if let Some(t) = threshold {
            let style = REDDISH_PURPLE.stroke_width(2);
            dashed_rule(chart, (x0, x1), t, (6, 4), style)?
                .label(format!("threshold {}", fmt_num(t)))
                .legend(key_line(style));
        }
        Ok(())
    })
}

/// PSI per feature against the 0.1 (moderate) and 0.25 (significant) bands.
pub fn drift_chart(title: &str, features: &[(String, f64)], theme: Theme) -> Result<String> {
    let c = theme.colors();
    let (_, hi) = nice_range(features.iter().map(|f| f.1).chain([0.3]), true);
    let n = features.len().max(1) as f64;
    let names: Vec<String> = features.iter().map(|f| f.0.clone()).collect();
    let axes = Axes {
        x: -0.5..(n - 0.5),
        y: 0.0..hi,
        x_desc: "feature",
        y_desc: "PSI",
        categories: Some(&names),
        legend: SeriesLabelPosition::UpperRight,
    };
    single_panel(title, &c, axes, |chart| {
        let bands = [
            (0.0, 0.1, BLUISH_GREEN, "stable < 0.1"),
            (0.1, 0.25, palette::YELLOW, "moderate 0.1–0.25"),
            (0.25, hi, VERMILLION, "significant ≥ 0.25"),
        ];
        for (lo, top, color, label) in bands {
            band(chart, (-0.5, n - 0.5), (lo, top), color.mix(0.15).filled())?
                .label(label)
                .legend(key_box(color.mix(0.5).filled()));
        }
        for (i, (_, psi)) in features.iter().enumerate() {
            let color = if *psi >= 0.25 {
                VERMILLION
            } else {
                c.production
            };
            labelled_bar(
                chart,
                i as f64,
                (0.0, *psi),
                color,
                format!("{psi:.3}"),
                c.fg,
            )?;
        }
        Ok(())
    })
}

/// What a guardrail's chart draws: the watched arm's series (the canary's, or production's for
/// a production rule), production's series beside a canary's, the rule's bounds, and the
/// windows the caller's rule decided crossed them. x is hours since the first window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuardrailPlot {
    /// The watched arm (`canary 1.2.0-12`).
    pub watched: Series,
    /// Production's series, for a canary rule.
    pub production: Option<Series>,
    /// The rule's absolute maximum.
    pub max: Option<f64>,
    /// The rule's absolute minimum.
    pub min: Option<f64>,
    /// Production's values moved by the rule's margin, window by window.
    pub relative: Option<Series>,
    /// What the margin line is called (`production + 20%`).
    pub relative_label: String,
    /// Windows that crossed a bound but did not breach the rule (not enough in a row).
    pub crossed: Vec<(f64, f64)>,
    /// Windows the rule breaches on.
    pub breaching: Vec<(f64, f64)>,
    /// Where recorded guardrail events fired (x), each drawn as a vertical line.
    pub events: Vec<f64>,
}

/// A guardrail metric over time: canary against production with the rule's bound lines
/// (dashed: absolute, dotted: the margin over production), windows that crossed a bound as
/// open circles, windows the rule breaches on as filled vermillion circles, and each recorded
/// guardrail event as a vertical vermillion line.
pub fn guardrail_chart(
    title: &str,
    y_label: &str,
    x_label: &str,
    plot: &GuardrailPlot,
    theme: Theme,
) -> Result<String> {
    let c = theme.colors();
    let watched = lttb(&plot.watched.points, MAX_POINTS);
    let production = plot
        .production
        .as_ref()
        .map(|s| (s.name.clone(), lttb(&s.points, MAX_POINTS)));
    let relative = plot.relative.as_ref().map(|s| lttb(&s.points, MAX_POINTS));
    let thin = |p: &[(f64, f64)]| -> Vec<(f64, f64)> {
        if p.len() <= MAX_POINTS {
            p.to_vec()
        } else {
            let step = p.len().div_ceil(MAX_POINTS);
            p.iter().step_by(step).copied().collect()
        }
    };
    let crossed = thin(&plot.crossed);
    let breaching = thin(&plot.breaching);
    let xs = watched
        .iter()
        .chain(production.iter().flat_map(|p| p.1.iter()))
        .map(|p| p.0)
        .chain(plot.events.iter().copied());
    let (x0, x1) = nice_range(xs, false);
    let ys = watched
        .iter()
        .chain(production.iter().flat_map(|p| p.1.iter()))
        .chain(relative.iter().flatten())
        .map(|p| p.1)
        .chain(plot.max)
        .chain(plot.min);
    let (y0, y1) = nice_range(ys, false);
    let axes = Axes {
        x: x0..x1,
        y: y0..y1,
        x_desc: x_label,
        y_desc: y_label,
        categories: None,
        legend: SeriesLabelPosition::UpperLeft,
    };
    single_panel(title, &c, axes, |chart| {
        if let Some((name, points)) = &production {
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    c.production.stroke_width(2),
                ))
                .map_err(err)?
                .label(name.clone())
                .legend(key_line(c.production.stroke_width(2)));
        }
        chart
            .draw_series(LineSeries::new(
                watched.iter().copied(),
                c.candidate.stroke_width(2),
            ))
            .map_err(err)?
            .label(plot.watched.name.clone())
            .legend(key_line(c.candidate.stroke_width(2)));
        for (bound, what) in [(plot.max, "maximum"), (plot.min, "minimum")] {
            if let Some(b) = bound {
                let style = REDDISH_PURPLE.stroke_width(2);
                dashed_rule(chart, (x0, x1), b, (6, 4), style)?
                    .label(format!("guardrail {what} {}", fmt_num(b)))
                    .legend(key_line(style));
            }
        }
        if let Some(points) = &relative {
            let style = REDDISH_PURPLE.stroke_width(1);
            chart
                .draw_series(DashedLineSeries::new(points.iter().copied(), 2, 3, style))
                .map_err(err)?
                .label(plot.relative_label.clone())
                .legend(key_line(style));
        }
        for &x in &plot.events {
            let style = VERMILLION.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new([(x, y0), (x, y1)], 4, 3, style))
                .map_err(err)?;
        }
        if !plot.events.is_empty() {
            chart
                .draw_series(plot.events.iter().map(|&x| {
                    Text::new(
                        "breach".to_string(),
                        (x, y1),
                        (FONT, 13)
                            .into_font()
                            .color(&VERMILLION)
                            .pos(Pos::new(HPos::Left, VPos::Top)),
                    )
                }))
                .map_err(err)?;
        }
        if !crossed.is_empty() {
            let style = VERMILLION.stroke_width(2);
            chart
                .draw_series(crossed.iter().map(|&p| Circle::new(p, 4, style)))
                .map_err(err)?
                .label("crossed a bound")
                .legend(move |(x, y)| Circle::new((x + 7, y), 4, style));
        }
        if !breaching.is_empty() {
            let style = VERMILLION.filled();
            chart
                .draw_series(breaching.iter().map(|&p| Circle::new(p, 5, style)))
                .map_err(err)?
                .label("breached the guardrail")
                .legend(move |(x, y)| Circle::new((x + 7, y), 5, style));
        }
        Ok(())
    })
}
