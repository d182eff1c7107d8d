//! Document rendering and exports: the XSS corpus, Model Card Toolkit schema validation, and
//! the Hugging Face card read back by `huggingface_hub` (the library the hub itself uses).

use steward_render::export::dossier::{dossier_html, Dossier, DossierDocument};
use steward_render::export::hf::hf_readme;
use steward_render::export::mct::{mct_json, MctInput};
use steward_render::{render_document, render_markdown, EvalResult, Target};

/// A filled model card, as an owner would write it.
const CARD: &str = r#"---
model_name: summarize-copilot
version: 1.1.0-8
license: apache-2.0
language: [en, de]
datasets: [support-threads@2026-10-01]
base_model: companyos-lm-7b
intended_use: Summarize support threads for agents inside CompanyOS.
tags: [summarization]
---

# Model card for summarize-copilot 1.1.0-8

## Model details

Fine-tuned companyos-lm-7b that summarizes support threads.

## Uses

Agents read the summary before replying.

### Direct use

- Thread summaries in the agent console.

### Out-of-scope use

- Legal advice.

## Bias, risks, and limitations

- Lower quality on threads mixing languages.
- May omit refund amounts.

### Recommendations

Agents confirm amounts against the ticket.

## Training details

support-threads@2026-10-01.

## Evaluation

Golden set, ROUGE-L 0.41.

## Environmental impact

8 A100-hours, eu-west.

## Technical specifications

Decoder-only transformer, 8k context.

## Model card contact

maya.chen@companyos.example
"#;

fn results() -> Vec<EvalResult> {
    let r = |metric: &str,
             name: Option<&str>,
             split: Option<&str>,
             value: f64,
             ci: Option<(f64, f64)>| EvalResult {
        task_type: "summarization".into(),
        task_name: Some("Support thread summarization".into()),
        dataset_type: "support-threads".into(),
        dataset_name: "support-threads@2026-10-01 golden set".into(),
        dataset_split: split.map(str::to_string),
        metric_type: metric.into(),
        metric_name: name.map(str::to_string),
        value,
        ci_low: ci.map(|c| c.0),
        ci_high: ci.map(|c| c.1),
    };
    vec![
        r(
            "rougeL",
            Some("ROUGE-L"),
            Some("test"),
            0.412,
            Some((0.398, 0.426)),
        ),
        r("bertscore", None, Some("test"), 0.883, None),
        r("rougeL", Some("ROUGE-L"), Some("billing"), 0.377, None),
    ]
}

mod xss {
    use super::*;

    /// Payloads that try to run script or load something when the HTML is shown.
    const CORPUS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<body onload=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<details open ontoggle=alert(1)>x</details>",
        "<input autofocus onfocus=alert(1)>",
        "<input type=image src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](java\u{0}script:alert(1))",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
        "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math href=\"javascript:alert(1)\">x</math>",
        "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<p style=\"behavior:url(x.htc)\">x</p>",
        "<link rel=stylesheet href=https://evil.example/x.css>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<button formaction=\"javascript:alert(1)\">x</button>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<template><script>alert(1)</script></template>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        "- [x] <script>alert(1)</script>",
        "text[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
        "~~<a href=javascript:alert(1)>x</a>~~",
        "<!--<script>alert(1)</script>-->",
        "<scr<script>ipt>alert(1)</script>",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
        "<video><source onerror=alert(1)></video>",
        "<audio src=x onerror=alert(1)>",
        "<marquee onstart=alert(1)>x</marquee>",
        "<isindex type=image src=1 onerror=alert(1)>",
        "```html\n<script>alert(1)</script>\n```",
    ];

    const BANNED_TAGS: &[&str] = &[
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "base",
        "meta",
        "link",
        "template",
        "noscript",
        "frame",
        "frameset",
        "applet",
        "button",
        "textarea",
        "select",
        "foreignobject",
        "animate",
        "set",
        "video",
        "audio",
        "source",
        "marquee",
        "isindex",
        "body",
        "html",
        "head",
        "maction",
        "mglyph",
    ];

    /// Every tag of `html` as (name, [(attribute, value)]), values entity-decoded enough to
    /// see a hidden scheme.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let b = html.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'<' || i + 1 >= b.len() || !(b[i + 1].is_ascii_alphabetic()) {
                i += 1;
                continue;
            }
            i += 1;
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            let mut attrs = Vec::new();
            loop {
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'>' {
                    break;
                }
                let s = i;
                while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                let attr = html[s..i].to_ascii_lowercase();
                let mut value = String::new();
                if i < b.len() && b[i] == b'=' {
                    i += 1;
                    let quote = b[i];
                    if quote == b'"' || quote == b'\'' {
                        i += 1;
                        let s = i;
                        while i < b.len() && b[i] != quote {
                            i += 1;
                        }
                        value = html[s..i].to_string();
                        i += 1;
                    } else {
                        let s = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = html[s..i].to_string();
                    }
                }
                attrs.push((attr, value));
            }
            out.push((name, attrs));
        }
        out
    }

    fn decoded(value: &str) -> String {
        value
            .replace("&amp;", "&")
            .replace("&#x09;", "")
            .replace("&#9;", "")
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase()
    }

    fn assert_inert(payload: &str, html: &str) {
        for (name, attrs) in tags(html) {
            assert!(
                !BANNED_TAGS.contains(&name.as_str()),
                "<{name}> survived {payload:?}: {html}"
            );
            for (attr, value) in attrs {
                assert!(
                    !attr.starts_with("on"),
                    "{attr} on <{name}> survived {payload:?}: {html}"
                );
                assert!(
                    ![
                        "srcdoc",
                        "formaction",
                        "action",
                        "background",
                        "xlink:href",
                        "dynsrc",
                        "lowsrc"
                    ]
                    .contains(&attr.as_str()),
                    "{attr} survived {payload:?}: {html}"
                );
                if attr == "style" {
                    assert!(
                        value.starts_with("text-align: "),
                        "style {value:?} survived {payload:?}"
                    );
                }
                if ["href", "src", "cite"].contains(&attr.as_str()) {
                    let v = decoded(&value);
                    let scheme_ok = ["http:", "https:", "mailto:"]
                        .iter()
                        .any(|s| v.starts_with(s))
                        || !v.split(['/', '?', '#']).next().unwrap_or("").contains(':');
                    assert!(scheme_ok, "{attr}={value:?} survived {payload:?}: {html}");
                }
            }
        }
    }

    #[test]
    fn every_payload_comes_out_inert() {
        for payload in CORPUS {
            for target in [Target::Studio, Target::Offline] {
                let html = render_markdown(payload, target);
                assert_inert(payload, &html);
            }
            // In the front matter too: keys and values are escaped into the panel.
            let doc = format!(
                "---\ntitle: {}\n{}: x\nrisks:\n  - id: {}\n    owner: {}\n---\n{payload}\n",
                serde_json::to_string(payload).expect("json"),
                serde_json::to_string(payload).expect("json"),
                serde_json::to_string(payload).expect("json"),
                serde_json::to_string(payload).expect("json"),
            );
            let r = render_document(&doc, Target::Studio);
            assert!(r.front_matter_error.is_none(), "{payload:?}");
            assert_inert(payload, &r.front_matter_html);
            assert_inert(payload, &r.body_html);
        }
    }

    #[test]
    fn the_checker_catches_what_it_should() {
        // The checker itself is tested, so a silent pass means inert output and not a blind check.
        for raw in [
            "<script>x</script>",
            "<a href=\"javascript:x\">x</a>",
            "<img src=\"x\" onerror=\"y\">",
            "<a href=\"data:text/html,x\">x</a>",
            "<svg></svg>",
        ] {
            let caught = std::panic::catch_unwind(|| assert_inert("raw", raw)).is_err();
            assert!(caught, "the checker missed {raw}");
        }
    }

    #[test]
    fn safe_markdown_survives_sanitizing() {
        let html = render_markdown(
            "[docs](https://example.com/a?b=1) <mailto:a@example.com> **bold** `code`\n\n| a |\n|:-:|\n| 1 |\n",
            Target::Studio,
        );
        for needle in [
            "href=\"https://example.com/a?b=1\"",
            "rel=\"noopener noreferrer nofollow\"",
            "href=\"mailto:a@example.com\"",
            "<strong>bold</strong>",
            "<code>code</code>",
            "style=\"text-align: center\"",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
    }
}

mod mct {
    use super::*;

    /// The schema lives beside the project, in the shared interop folder; it is read from there,
    /// never copied in.
    fn schema() -> serde_json::Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/interop/model-card-toolkit.schema.v0.0.2.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read the Model Card Toolkit schema at {}: {e}",
                path.display()
            )
        });
        serde_json::from_str(&text).expect("the schema is JSON")
    }

    fn input<'a>(
        card: &'a str,
        datasets: &'a [(String, String)],
        results: &'a [EvalResult],
    ) -> MctInput<'a> {
        MctInput {
            model: "summarize-copilot",
            title: "Summarization co-pilot",
            version: "1.1.0-8",
            owner: "maya.chen@companyos.example",
            card_text: card,
            datasets,
            results,
        }
    }

    #[test]
    fn exports_validate_against_the_schema() {
        let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
        let datasets = vec![(
            "support-threads@2026-10-01".to_string(),
            "12 files, de-identified".to_string(),
        )];
        let results = results();
        let template =
            steward_domain::document::builtin_template(steward_domain::DocumentKind::ModelCard)
                .instantiate(&Default::default());
        for (card, res) in [
            (CARD, &results[..]),
            (CARD, &[][..]),
            (template.as_str(), &[][..]),
        ] {
            let json = mct_json(&input(card, &datasets, res)).expect("export");
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:?}\n{json:#}");
        }
        let json = mct_json(&input(CARD, &datasets, &results)).expect("export");
        assert_eq!(
            json["model_details"]["licenses"][0]["identifier"],
            "apache-2.0"
        );
        assert_eq!(
            json["quantitative_analysis"]["performance_metrics"][0]["value"],
            "0.412"
        );
        assert_eq!(
            json["quantitative_analysis"]["performance_metrics"][0]["confidence_interval"]
                ["lower_bound"],
            "0.398"
        );
        assert_eq!(
            json["considerations"]["limitations"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
        // The validator is not blind: a value of the wrong type is caught.
        let mut bad = json.clone();
        bad["quantitative_analysis"]["performance_metrics"][0]["value"] = serde_json::json!(0.412);
        assert!(!validator.is_valid(&bad));
        bad = json;
        bad["unexpected"] = serde_json::json!(true);
        assert!(!validator.is_valid(&bad));
    }
}

mod hf {
    use std::process::Command;

    use super::*;

    /// The Python with huggingface_hub, set up by scripts/setup.sh (`need_python`).
    fn python() -> std::path::PathBuf {
        let py = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
        let ok = Command::new(&py)
            .args(["-c", "import huggingface_hub"])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "{} with huggingface_hub is required for this interop check; run `bash scripts/setup.sh` (need_python) to install it",
            py.display()
        );
        py
    }

    /// Runs `script` with `path` as its argument, offline; its standard output as JSON.
    fn read_back(py: &std::path::Path, script: &str, path: &std::path::Path) -> serde_json::Value {
        let out = Command::new(py)
            .args(["-c", script])
            .arg(path)
            .env("HF_HUB_OFFLINE", "1")
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "huggingface_hub refused {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json from python")
    }

    const READ_BACK: &str = r###"
import json, sys
from huggingface_hub import ModelCard
card = ModelCard.load(sys.argv[1])
out = {
    "license": card.data.license,
    "language": card.data.language,
    "base_model": card.data.base_model,
    "model_name": card.data.model_name,
    "eval_results": [
        {k: getattr(r, k) for k in ("task_type", "task_name", "dataset_type", "dataset_name", "dataset_split", "metric_type", "metric_name", "metric_value")}
        for r in (card.data.eval_results or [])
    ],
    "has_body": "## Model details" in card.text,
}
print(json.dumps(out))
"###;

    #[test]
    fn huggingface_hub_reads_back_what_steward_wrote() {
        let py = python();
        let dir = tempfile_dir();
        for (name, res) in [("with-results", results()), ("no-results", Vec::new())] {
            let path = dir.join(format!("{name}-README.md"));
            std::fs::write(
                &path,
                hf_readme("summarize-copilot", CARD, &res).expect("export"),
            )
            .expect("write");
            let got = read_back(&py, READ_BACK, &path);
            assert_eq!(got["license"], "apache-2.0");
            assert_eq!(got["language"], serde_json::json!(["en", "de"]));
            assert_eq!(got["base_model"], "companyos-lm-7b");
            assert_eq!(got["model_name"], "summarize-copilot");
            assert_eq!(got["has_body"], true);
            let want: Vec<serde_json::Value> = res
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "task_type": r.task_type, "task_name": r.task_name,
                        "dataset_type": r.dataset_type, "dataset_name": r.dataset_name, "dataset_split": r.dataset_split,
                        "metric_type": r.metric_type, "metric_name": r.metric_name, "metric_value": r.value,
                    })
                })
                .collect();
            // huggingface_hub flattens model-index into one result per metric, grouped by task
            // and dataset; Steward's results are already in that order except for grouping.
            let mut want_sorted = want.clone();
            let key = |v: &serde_json::Value| {
                format!(
                    "{}|{}|{}",
                    v["dataset_split"], v["metric_type"], v["metric_value"]
                )
            };
            want_sorted.sort_by_key(key);
            let mut got_sorted = got["eval_results"].as_array().cloned().unwrap_or_default();
            got_sorted.sort_by_key(key);
            assert_eq!(got_sorted, want_sorted, "{name}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Regression (issue 8): plain `yes`/`no`/`on` were written bare, which PyYAML reads as
    /// booleans, and a `|+` block's trailing newlines must survive.
    #[test]
    fn pyyaml_reads_the_strings_steward_wrote() {
        let py = python();
        let dir = tempfile_dir();
        let card = "---\nlicense: apache-2.0\nlanguage: [en]\ntags: [yes, no, on, off, '1_000', '=']\nnote: |+\n  two lines kept\n\n\n---\n\n# Model card\n";
        let path = dir.join("strings-README.md");
        std::fs::write(&path, hf_readme("m", card, &[]).expect("export")).expect("write");
        let got = read_back(
            &py,
            "import json, sys\nfrom huggingface_hub import ModelCard\nd = ModelCard.load(sys.argv[1]).data.to_dict()\nprint(json.dumps({'tags': d['tags'], 'note': d['note']}))",
            &path,
        );
        assert_eq!(
            got["tags"],
            serde_json::json!(["yes", "no", "on", "off", "1_000", "="])
        );
        assert_eq!(got["note"], "two lines kept\n\n\n");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("steward-hf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}

#[test]
fn the_dossier_renders_documents_offline() {
    let html = dossier_html(&Dossier {
        model: "summarize-copilot".into(),
        title: "Summarization co-pilot".into(),
        version: "1.1.0-8".into(),
        stage: "production".into(),
        generated_at: "2026-11-26T15:00:00Z".into(),
        documents: vec![DossierDocument {
            kind: steward_domain::DocumentKind::ModelCard,
            target: "summarize-copilot@1.1.0-8".into(),
            revision: 2,
            sha256: "sha256:ab".into(),
            author: "maya".into(),
            saved_at: "2026-11-26T14:00:00Z".into(),
            text: CARD.into(),
            findings: Vec::new(),
        }],
        missing: Vec::new(),
        charts: Vec::new(),
        chart_gaps: Vec::new(),
    });
    assert!(
        html.contains("<h2>Model details</h2>") && html.contains("complete"),
        "{html}"
    );
}
