//! One version everywhere (issue 18): the crate, the Python wheel, the C header, the
//! pkg-config and CMake files, the CLI and the changelog all say the workspace's
//! `version` (Cargo.toml `[workspace.package]`). Each place that could drift has a check
//! here; the built artefacts are checked again by scripts/dist-check-*.sh (the wheel's
//! metadata, `pkg-config --modversion`, `find_package(authjs VERSION EXACT)`, the
//! archive's `authjs --version`). The header's macros are checked in tests/header.rs.
//! No server needed.

use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `major.minor`, what `find_package(authjs X.Y)` and dependency lines name.
fn major_minor() -> String {
    let mut parts = VERSION.split('.');
    format!("{}.{}", parts.next().unwrap(), parts.next().unwrap())
}

#[test]
fn the_library_reports_the_workspace_version() {
    assert_eq!(authjs::VERSION, VERSION);
    let manifest = read("Cargo.toml");
    let workspace = manifest
        .split("[workspace.package]")
        .nth(1)
        .expect("Cargo.toml has [workspace.package]");
    let line = format!("version = \"{VERSION}\"");
    assert!(
        workspace
            .lines()
            .take_while(|l| !l.starts_with('['))
            .any(|l| l.trim() == line),
        "[workspace.package] says the version"
    );
}

#[test]
fn the_python_package_inherits_the_version() {
    // The wheel's version comes from bindings/python/Cargo.toml (pyproject.toml has
    // `dynamic = ["version"]`), and `authjs.__version__` from authjs::VERSION.
    let manifest = read("bindings/python/Cargo.toml");
    let package = manifest.split("[package]").nth(1).unwrap();
    let package = package.split("\n[").next().unwrap();
    assert!(
        package
            .lines()
            .any(|l| l.trim() == "version.workspace = true"),
        "bindings/python/Cargo.toml must take the workspace version"
    );
    let pyproject = read("bindings/python/pyproject.toml");
    assert!(
        pyproject.contains("dynamic = [\"version\"]") || pyproject.contains("\"version\""),
        "pyproject.toml must take its version from Cargo.toml (dynamic)"
    );
    assert!(
        !pyproject
            .lines()
            .any(|l| l.trim_start().starts_with("version =")),
        "pyproject.toml must not name a version of its own"
    );
}

#[test]
fn the_cli_prints_the_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_authjs"))
        .arg("--version")
        .output()
        .expect("run authjs --version");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("authjs {VERSION}")
    );
}

#[test]
fn the_changelog_starts_with_this_release() {
    let changelog = read("CHANGELOG.md");
    let first = changelog
        .lines()
        .find(|l| l.starts_with("## "))
        .expect("CHANGELOG.md has a release heading");
    assert!(
        first.starts_with(&format!("## [{VERSION}] - ")),
        "CHANGELOG.md's newest entry is `{first}`, the version is {VERSION}"
    );
}

#[test]
fn the_install_templates_take_the_version_from_the_build() {
    // pkg-config and CMake files are filled in from Cargo.toml by scripts/install.sh;
    // a literal version in a template would drift.
    for rel in [
        "pkgconfig/authjs.pc.in",
        "cmake/authjsConfig.cmake.in",
        "cmake/authjsConfigVersion.cmake.in",
    ] {
        let text = read(rel);
        assert!(text.contains("@VERSION@"), "{rel} takes @VERSION@");
        assert!(
            !text.contains(VERSION),
            "{rel} names the version {VERSION} literally"
        );
    }
}

#[test]
fn documents_and_consumers_name_this_minor_version() {
    let want = format!("find_package(authjs {} REQUIRED)", major_minor());
    for rel in ["tests/cpp/cmake-consumer/CMakeLists.txt", "README.md"] {
        for line in read(rel)
            .lines()
            // `${VAR}` lines take the version from the caller (the archive check's EXACT).
            .filter(|l| l.contains("find_package(authjs ") && !l.contains("${"))
        {
            assert!(line.contains(&want), "{rel}: `{line}` (want `{want}`)");
        }
    }
    // Dependency lines in the README (`authjs = "X.Y"` / `version = "X.Y"`).
    let readme = read("README.md");
    let names_a_version = |l: &&str| {
        let l = l.trim_start();
        l.starts_with("authjs = \"") || (l.starts_with("authjs = {") && l.contains("version = \""))
    };
    for line in readme.lines().filter(names_a_version) {
        assert!(
            line.contains(&format!("\"{}\"", major_minor())),
            "README.md: `{line}` names another version than {}",
            major_minor()
        );
    }
}

#[test]
fn every_manifest_that_ships_shares_the_msrv() {
    let manifest = read("Cargo.toml");
    let msrv = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("[workspace.package] rust-version");
    assert_eq!(env!("CARGO_PKG_RUST_VERSION"), msrv);
    let python = read("bindings/python/Cargo.toml");
    assert!(
        python
            .lines()
            .any(|l| l.trim() == "rust-version.workspace = true")
    );
    assert!(Path::new(&root().join("LICENSE-MIT")).is_file());
    assert!(Path::new(&root().join("LICENSE-APACHE")).is_file());
}
