//! Reading back the files a previous run rendered (`generator::Reuse`): a run that reuses gives
//! exactly the files a run from scratch gives, and reuses only what it can trust.

use generator::{disk, generate, generate_reusing, Files, Options, Reuse};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

/// A copy of the Accounts description of `spec/` (its root and the folders it refers to), so a
/// test can change it.
fn copy_description(to: &Path) -> PathBuf {
    let spec = workspace().join("spec");
    for folder in ["parameters", "paths", "responses", "schemas"] {
        copy_tree(&spec.join(folder), &to.join(folder));
    }
    std::fs::copy(spec.join("openapi.yaml"), to.join("openapi.yaml")).expect("copy root");
    to.join("openapi.yaml")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn options(spec: &Path) -> Options {
    Options::new(spec).with_spec_display("spec/openapi.yaml")
}

/// One run as `cargo xtask generate` makes it: reuse, write, remember.
fn run(spec: &Path, out: &Path, index: &Path) -> (Files, generator::reuse::ReuseReport) {
    let reuse = Reuse::open(out, index);
    let output = generate_reusing(&options(spec), &reuse).expect("generate");
    disk::write(out, &output.files).expect("write");
    reuse.save(&output.files).expect("save the index");
    (output.files, reuse.report())
}

#[test]
fn a_second_run_reads_back_every_rendered_file_and_gives_the_same_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = copy_description(&dir.path().join("spec"));
    let (out, index) = (dir.path().join("out"), dir.path().join("reuse.idx"));
    let (first, cold) = run(&spec, &out, &index);
    assert_eq!(cold.reused, 0);
    assert!(cold.rendered > 10, "{cold:?}");
    let (second, warm) = run(&spec, &out, &index);
    assert_eq!(warm.rendered, 0, "{warm:?}");
    assert_eq!(warm.reused, cold.rendered);
    assert!(first == second, "a reusing run gave other files");
}

#[test]
fn after_a_change_to_the_description_only_what_it_reaches_is_rendered_and_the_files_are_a_fresh_runs(
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = copy_description(&dir.path().join("spec"));
    let (out, index) = (dir.path().join("out"), dir.path().join("reuse.idx"));
    let (_, cold) = run(&spec, &out, &index);
    let schema = spec
        .parent()
        .unwrap()
        .join("schemas/AccountUnlockRequest.yaml");
    let text = std::fs::read_to_string(&schema).expect("read the schema");
    let changed = text.replacen("description: ", "description: Changed here. ", 1);
    assert_ne!(changed, text, "the schema has no description to change");
    std::fs::write(&schema, changed).expect("change the schema");

    let (reusing, warm) = run(&spec, &out, &index);
    let fresh = generate(&options(&spec)).expect("generate").files;
    assert!(
        reusing == fresh,
        "a reusing run differs from a run from scratch"
    );
    assert!(warm.rendered > 0, "{warm:?}");
    assert!(warm.rendered < cold.rendered / 2, "{warm:?} of {cold:?}");
}

#[test]
fn a_file_edited_since_it_was_written_is_rendered_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = copy_description(&dir.path().join("spec"));
    let (out, index) = (dir.path().join("out"), dir.path().join("reuse.idx"));
    let (first, _) = run(&spec, &out, &index);
    let edited = out.join("src/lib.rs");
    std::fs::write(&edited, "// edited by hand\n").expect("edit");

    let (second, warm) = run(&spec, &out, &index);
    assert_eq!(warm.rendered, 1, "{warm:?}");
    assert_eq!(second["src/lib.rs"], first["src/lib.rs"]);
    assert_eq!(
        std::fs::read_to_string(&edited).expect("read"),
        first["src/lib.rs"]
    );
}

#[test]
fn a_malformed_index_reuses_nothing_and_fails_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = copy_description(&dir.path().join("spec"));
    let (out, index) = (dir.path().join("out"), dir.path().join("reuse.idx"));
    let (first, cold) = run(&spec, &out, &index);
    let text = std::fs::read_to_string(&index).expect("read the index");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "not an entry";
    std::fs::write(&index, lines.join("\n")).expect("break the index");

    let (second, warm) = run(&spec, &out, &index);
    assert_eq!(warm.reused, 0, "{warm:?}");
    assert_eq!(warm.rendered, cold.rendered);
    assert!(first == second);
    // The run rewrote the index, so the next one reuses again.
    let (_, third) = run(&spec, &out, &index);
    assert_eq!(third.rendered, 0, "{third:?}");
}

#[test]
fn without_an_index_nothing_is_remembered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = copy_description(&dir.path().join("spec"));
    let reuse = Reuse::none();
    let output = generate_reusing(&options(&spec), &reuse).expect("generate");
    assert!(output.files.len() > 10);
    assert_eq!(reuse.report(), Default::default());
    reuse.save(&output.files).expect("saving nothing succeeds");
}
