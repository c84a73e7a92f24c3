//! One request-body contract for every front end: the cases of
//! `tests/fixtures/request-bodies.json`, sent by the Rust API and by the CLI to the real
//! servers' `/api/echo`, must arrive with the type and bytes the fixture says. The C
//! and Python suites check the same file, so the same body is the same request from
//! every front end.
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test request_bodies`.

mod support;

use authjs::Body;
use serde_json::Value;
use std::process::{Command, Stdio};
use support::{servers, sign_in_alice};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");

struct Case {
    name: String,
    bytes: Vec<u8>,
    /// True for text bodies, whose echo must match byte for byte.
    text: bool,
    headers: Vec<(String, String)>,
    content_type: String,
}

fn cases() -> Vec<Case> {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/request-bodies.json")).expect("fixture");
    fixture["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let (bytes, text) = match (c["body"].as_str(), c["bodyHex"].as_str()) {
                (Some(t), None) => (t.as_bytes().to_vec(), true),
                (None, Some(h)) => (
                    (0..h.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                        .collect(),
                    false,
                ),
                _ => panic!("a case has body or bodyHex"),
            };
            let headers = c["headers"]
                .as_array()
                .map(|hs| {
                    hs.iter()
                        .map(|h| {
                            (
                                h[0].as_str().unwrap().to_string(),
                                h[1].as_str().unwrap().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Case {
                name: c["name"].as_str().unwrap().to_string(),
                bytes,
                text,
                headers,
                content_type: c["contentType"].as_str().unwrap().to_string(),
            }
        })
        .collect()
}

fn check(case: &Case, echo: &Value, who: &str) {
    assert_eq!(echo["method"], "POST", "{who}: {}", case.name);
    assert_eq!(
        echo["contentType"].as_str(),
        Some(case.content_type.as_str()),
        "{who}: {}",
        case.name
    );
    if case.text {
        assert_eq!(
            echo["body"].as_str().map(str::as_bytes),
            Some(case.bytes.as_slice()),
            "{who}: {}",
            case.name
        );
    }
}

#[test]
fn rust_api_sends_the_fixture_bodies() {
    for s in servers() {
        let c = s.client();
        sign_in_alice(&c);
        for case in cases() {
            let r = c
                .request(
                    "POST",
                    "/api/echo",
                    Some(Body::Bytes(case.bytes.clone())),
                    &case.headers,
                )
                .unwrap();
            assert_eq!(r.status, 200, "{}: {}", s.name, case.name);
            check(&case, &r.json().unwrap(), s.name);
        }
    }
}

#[test]
fn cli_sends_the_fixture_bodies() {
    for s in servers() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        sign_in_alice(&s.builder().cookie_file(&jar).build().unwrap());
        for case in cases() {
            let file = dir.path().join("body");
            std::fs::write(&file, &case.bytes).unwrap();
            let mut cmd = Command::new(BIN);
            cmd.args(["--url", &s.url, "--jar"])
                .arg(&jar)
                .args(["fetch", "-d"])
                .arg(format!("@{}", file.display()));
            for (k, v) in &case.headers {
                cmd.arg("-H").arg(format!("{k}: {v}"));
            }
            let out = cmd
                .arg("/api/echo")
                .stdin(Stdio::null())
                .output()
                .expect("authjs");
            assert!(out.status.success(), "{}: {out:?}", case.name);
            let echo: Value = serde_json::from_slice(&out.stdout).unwrap();
            check(&case, &echo, "CLI");
        }
    }
}
