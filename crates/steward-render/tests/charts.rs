//! Chart tests: snapshots of the SVG, and every chart rendered to PNG by an independent SVG
//! renderer (resvg) to prove the documents are valid.

use steward_render::chart::{
    compare_chart, drift_chart, fairness_chart, guardrail_chart, kpi_chart, latency_chart,
    CompareBar, GroupBar, GuardrailPlot, Series, Theme,
};

fn samples(theme: Theme) -> Vec<(&'static str, String)> {
    let bar =
        |label: &str, c: f64, b: f64, t: Option<f64>, m: Option<f64>, failing: bool| CompareBar {
            label: label.into(),
            candidate: Some(c),
            baseline: Some(b),
            threshold: t,
            margin_line: m,
            failing,
        };
    let compare = compare_chart(
        "summarize-copilot 1.3.0-15 vs production 1.1.0-8",
        "candidate 1.3.0-15",
        "production 1.1.0-8",
        &[
            bar("ROUGE-L (score)", 0.47, 0.45, None, Some(0.455), false),
            bar("Latency p99 (ms)", 2100.0, 1800.0, Some(2000.0), None, true),
            bar(
                "Jailbreak pass rate (share)",
                0.97,
                0.96,
                Some(0.95),
                None,
                false,
            ),
        ],
        theme,
    )
    .expect("compare");
    let group = |g: &str, value: f64, outside: bool| GroupBar {
        group: g.into(),
        value,
        outside,
    };
    let fairness = fairness_chart(
        "Selection rate by age band — 18-25 fails the four-fifths rule",
        "selection rate (share)",
        &[
            group("18-25", 0.31, true),
            group("26-40", 0.45, false),
            group("41+", 0.43, false),
        ],
        (0.36, 0.45),
        theme,
    )
    .expect("fairness");
    let latency = latency_chart(
        "Latency percentiles vs SLO",
        &[
            ("production 1.1.0-8".into(), [420.0, 1100.0, 1750.0]),
            ("candidate 1.3.0-15".into(), [400.0, 1050.0, 1690.0]),
        ],
        Some(2000.0),
        theme,
    )
    .expect("latency");
    let series = |name: &str, base: f64| Series {
        name: name.into(),
        points: (0..5000)
            .map(|i| {
                let x = f64::from(i) / 100.0;
                (x, base + (x / 3.0).sin() * 0.02)
            })
            .collect(),
    };
    let kpi = kpi_chart(
        "Acceptance rate, canary vs production",
        "acceptance rate (share)",
        "hours since 2026-11-20T00:00Z",
        &[series("production", 0.55), series("canary", 0.6)],
        None,
        theme,
    )
    .expect("kpi");
    let drift = drift_chart(
        "Feature drift (PSI)",
        &[
            ("intent_mix".into(), 0.31),
            ("prompt_length".into(), 0.12),
            ("tenant_region".into(), 0.02),
        ],
        theme,
    )
    .expect("drift");
    let guardrail = guardrail_chart(
        "canary.guardrail.latency-p99: p99 latency, canary vs production",
        "p99 latency (ms)",
        "hours since 2026-11-25T00:00:00Z",
        &guardrail_plot(),
        theme,
    )
    .expect("guardrail");
    vec![
        ("compare", compare),
        ("fairness", fairness),
        ("latency", latency),
        ("kpi", kpi),
        ("drift", drift),
        ("guardrail", guardrail),
    ]
}

/// A day of hourly p99 windows: one window breaches the maximum, two cross the margin over
/// production without breaching, and the guardrail event fired at the breach.
fn guardrail_plot() -> GuardrailPlot {
    let hours = 0..24;
    let production: Vec<(f64, f64)> = hours.clone().map(|h| (f64::from(h), 1800.0)).collect();
    let canary: Vec<(f64, f64)> = hours
        .map(|h| {
            let v = match h {
                18 => 2740.0,
                6 | 7 => 2200.0,
                _ => 1780.0,
            };
            (f64::from(h), v)
        })
        .collect();
    GuardrailPlot {
        watched: Series {
            name: "canary 1.2.0-12".into(),
            points: canary,
        },
        production: Some(Series {
            name: "production 1.1.0-8".into(),
            points: production.clone(),
        }),
        max: Some(2500.0),
        min: None,
        relative: Some(Series {
            name: "margin".into(),
            points: production.iter().map(|(x, y)| (*x, y * 1.2)).collect(),
        }),
        relative_label: "production + 20%".into(),
        crossed: vec![(6.0, 2200.0), (7.0, 2200.0)],
        breaching: vec![(18.0, 2740.0)],
        events: vec![18.0],
    }
}

#[test]
fn a_guardrail_chart_marks_its_bounds_and_breaches() {
    // (case, plot, must contain, must not contain)
    let plain = GuardrailPlot {
        crossed: vec![],
        breaching: vec![],
        events: vec![],
        ..guardrail_plot()
    };
    let floor = GuardrailPlot {
        max: None,
        min: Some(0.5),
        relative: None,
        production: None,
        ..plain.clone()
    };
    let cases: Vec<(&str, GuardrailPlot, Vec<&str>, Vec<&str>)> = vec![
        (
            "a breach: the event line, its label, filled and open marks",
            guardrail_plot(),
            vec![
                "guardrail maximum 2500",
                "production + 20%",
                "\nbreach\n",
                "breached the guardrail",
                "crossed a bound",
                "#D55E00",
            ],
            vec![],
        ),
        (
            "no breach: bounds only, nothing in vermillion",
            plain,
            vec!["guardrail maximum 2500", "production + 20%"],
            vec![
                "\nbreach\n",
                "breached the guardrail",
                "crossed a bound",
                "#D55E00",
            ],
        ),
        (
            "a production floor: the minimum, no production series or margin",
            floor,
            vec!["guardrail minimum 0.50", "canary 1.2.0-12"],
            vec!["production 1.1.0-8", "production + 20%"],
        ),
    ];
    for (case, plot, has, lacks) in cases {
        let svg = guardrail_chart("t", "y", "x", &plot, Theme::Light).expect(case);
        for h in has {
            assert!(svg.contains(h), "{case}: missing {h:?}");
        }
        for l in lacks {
            assert!(!svg.contains(l), "{case}: has {l:?}");
        }
    }
}

#[test]
fn charts_have_text_titles_palette_and_stay_small() {
    for theme in [Theme::Light, Theme::Dark] {
        for (name, svg) in samples(theme) {
            assert!(svg.starts_with("<svg"), "{name}");
            assert!(
                svg.contains("<text"),
                "{name}: labels are SVG text, no font files"
            );
            assert!(svg.len() < 300_000, "{name}: {} bytes", svg.len());
        }
    }
    let light = samples(Theme::Light);
    assert!(
        light[0].1.contains("#E69F00"),
        "Okabe–Ito orange for the candidate"
    );
    assert!(
        light[1].1.contains("#D55E00"),
        "vermillion marks the failing group"
    );
    assert!(
        light[1].1.contains("four-fifths"),
        "the title names the failing rule"
    );
    let dark = samples(Theme::Dark);
    assert!(dark[0].1.contains("#1B1D21"), "dark background");
}

#[test]
fn chart_snapshots() {
    for (name, svg) in samples(Theme::Light) {
        insta::assert_snapshot!(format!("{name}_light"), svg);
    }
    let dark = samples(Theme::Dark);
    insta::assert_snapshot!("compare_dark", dark[0].1);
}

#[test]
fn every_chart_renders_to_png_with_resvg() {
    for theme in [Theme::Light, Theme::Dark] {
        for (name, svg) in samples(theme) {
            let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
                .unwrap_or_else(|e| panic!("{name}: resvg refuses the SVG: {e}"));
            let size = tree.size().to_int_size();
            assert!(
                size.width() >= 600 && size.height() >= 200,
                "{name}: {size:?}"
            );
            let mut pixmap =
                resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("pixmap");
            resvg::render(
                &tree,
                resvg::tiny_skia::Transform::default(),
                &mut pixmap.as_mut(),
            );
            let png = pixmap.encode_png().expect("png");
            assert!(png.starts_with(b"\x89PNG"), "{name}");
            // For a look by eye: STEWARD_CHART_PNG_DIR=/tmp/charts cargo test -p steward-render
            if let Some(dir) = std::env::var_os("STEWARD_CHART_PNG_DIR") {
                let _ = std::fs::create_dir_all(&dir);
                let file = std::path::Path::new(&dir).join(format!("{name}-{theme:?}.png"));
                std::fs::write(file, &png).expect("write png");
            }
            // Something was drawn: not every pixel is the background.
            let first = &pixmap.data()[..4];
            assert!(
                pixmap.data().chunks(4).any(|p| p != first),
                "{name}: blank image"
            );
        }
    }
}
