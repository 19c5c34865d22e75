//! Every reference page compiles as MDX with the real compiler the docs site uses
//! (`@mdx-js/mdx`, pinned in `tools/package-lock.json`), through `tools/mdx-check.mjs`.
//!
//! Node.js and npm are required: without them these tests fail, they do not skip. The pinned
//! packages are installed with `npm ci` when `tools/node_modules` is missing or stale.

mod docs_support;

use docs_support::{docs, fixture, fixture_specs, workspace};
use generator::{generate, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn tools() -> PathBuf {
    workspace().join("tools")
}

/// Whether `tools/node_modules` holds what `tools/package-lock.json` pins: npm's own record of
/// the install is at least as new as the lockfile, and the compiler is there at its version.
fn tools_current(tools: &Path) -> bool {
    let lock = tools.join("package-lock.json");
    let stamp = tools.join("node_modules/.package-lock.json");
    let newer = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&stamp).and_then(|m| m.modified()),
    ) {
        (Ok(lock), Ok(stamp)) => stamp >= lock,
        _ => false,
    };
    let version = |path: &Path, pointer: &str| -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json.pointer(pointer)?.as_str().map(str::to_string)
    };
    let locked = version(&lock, "/packages/node_modules~1@mdx-js~1mdx/version");
    let installed = version(
        &tools.join("node_modules/@mdx-js/mdx/package.json"),
        "/version",
    );
    newer && locked.is_some() && locked == installed
}

/// Installs the pinned npm packages once per test run, when they are missing or stale.
fn ensure_tools() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let tools = tools();
        match Command::new("node").arg("--version").output() {
            Ok(out) if out.status.success() => {}
            other => panic!(
                "Node.js is required to check the pages as MDX (`node --version`: {other:?})"
            ),
        }
        if tools_current(&tools) {
            return;
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&tools)
            .status()
            .unwrap_or_else(|e| {
                panic!("npm is required to install the pinned MDX compiler in tools/: {e}")
            });
        assert!(status.success(), "`npm ci` in tools/ failed with {status}");
        assert!(
            tools_current(&tools),
            "`npm ci` did not install the @mdx-js/mdx of tools/package-lock.json"
        );
    });
}

fn mdx_check(folder: &Path) -> Output {
    ensure_tools();
    Command::new("node")
        .arg(tools().join("mdx-check.mjs"))
        .arg(folder)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_committed_pages_compile_as_mdx() {
    let folders = docs_support::committed_docs_folders();
    let pages = docs_support::committed_pages();
    // One node process per crate, all at once: twelve thousand pages take minutes on one core.
    let outputs: Vec<Output> = std::thread::scope(|scope| {
        let handles: Vec<_> = folders
            .iter()
            .map(|folder| scope.spawn(move || mdx_check(folder)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("the mdx check thread"))
            .collect()
    });
    for (folder, output) in folders.iter().zip(&outputs) {
        assert!(output.status.success(), "{}", text(output));
        let krate = folder
            .parent()
            .and_then(|c| c.file_name())
            .map(|c| format!("{}/", c.to_string_lossy()))
            .unwrap_or_default();
        let count = pages.keys().filter(|p| p.starts_with(&krate)).count();
        assert!(count > 0, "{}: no page", folder.display());
        assert!(
            text(output).contains(&format!("mdx: {count} passed, 0 failed")),
            "{}: {}",
            folder.display(),
            text(output)
        );
    }
}

#[test]
fn an_unescaped_brace_or_an_html_comment_fails_naming_the_file_and_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let front = "---\nid: x\ntitle: X\n---\n";
    let good = format!(
        "{front}{}\n# Good\n\nEscaped \\{{ and `{{code}}`.\n",
        generator::output::mdx_header("spec.yaml")
    );
    std::fs::write(dir.path().join("good.md"), good).expect("write");
    std::fs::write(
        dir.path().join("brace.md"),
        format!("{front}# Bad\n\nAn {{ unescaped brace.\n"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("comment.md"),
        format!("{front}<!-- {} -->\n", generator::output::MARKER),
    )
    .expect("write");
    let output = mdx_check(dir.path());
    let report = text(&output);
    assert!(!output.status.success(), "{report}");
    assert!(report.contains("brace.md:7:22:"), "{report}");
    assert!(report.contains("comment.md:5:2:"), "{report}");
    assert!(!report.contains("good.md"), "{report}");
    assert!(report.contains("mdx: 1 passed, 2 failed"), "{report}");
}

#[test]
fn an_empty_folder_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = mdx_check(dir.path());
    assert!(!output.status.success(), "{}", text(&output));
}

/// A description whose text MDX and rustdoc would both misread if it were copied as it is.
const HOSTILE: &str = r#"openapi: 3.0.3
info:
  title: Hostile {Text} <API>
  version: 1.0.0
  description: "Braces {x}, <tags> and <!-- comments -->"
tags:
  - name: Things
    description: |
      A {brace}, a <Generic<T>> and `code {fine}`.

      import something from 'x'
      export const y = 1

      ```
      fn not_rust() { }
      ```

          indented {code}

      | a | b |
      |---|---|
      | {c} | <d> |
paths:
  /things/{id}:
    get:
      operationId: getThing
      tags: [Things]
      summary: Get a {thing} | with a pipe
      description: "Returns <Thing> objects {fast}; a | pipe, <br> and <img src=x>."
      deprecated: true
      x-deprecated-description: "Use {the other} <one>."
      parameters:
        - name: id
          in: path
          required: true
          description: "The {id} | <id>"
          schema: { type: string }
          example: "{id}"
        - name: filter
          in: query
          description: |
            Multi-line {a}
            with <b> and `c|d`
          schema: { type: string, default: "{x}|y" }
      responses:
        '200':
          description: "A <Thing> {ok} | fine"
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
components:
  schemas:
    Thing:
      type: object
      title: "The <Thing> {title}"
      description: "A thing with {braces} and <angles>"
      properties:
        name:
          type: string
          description: "Its {name} | <name>"
          example: "{weird} <value>"
"#;

#[test]
fn fixture_pages_and_hostile_descriptions_compile_as_mdx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = dir.path().join("hostile.yaml");
    std::fs::write(&hostile, HOSTILE).expect("write");
    let mut outputs = vec![(
        "hostile".to_string(),
        generate(&Options::new(&hostile)).unwrap_or_else(|e| panic!("{e}")),
    )];
    for spec in fixture_specs() {
        let stem = spec
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        outputs.push((stem, fixture(&spec)));
    }
    let pages = dir.path().join("pages");
    let mut count = 0;
    for (name, output) in &outputs {
        for (path, text) in docs(&output.files) {
            let target = pages.join(name).join(&path);
            std::fs::create_dir_all(target.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&target, text).expect("write");
            count += usize::from(path.ends_with(".md"));
        }
    }
    let output = mdx_check(&pages);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("mdx: {count} passed, 0 failed")),
        "{}",
        text(&output)
    );
}
