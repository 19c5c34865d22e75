//! Project automation: `cargo xtask generate [--check] [--strict] [--spec FILE --out DIR]`.
//!
//! This only parses flags and calls the generator; see ARCHITECTURE.md.

mod bench;
mod docs;
mod fixtures;
mod fuzz;
mod generate;
mod test;
mod tools;
mod vendor;
mod versions;

use anyhow::{bail, Context, Result};
use generate::{generate, GenerateRequest};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask <command>
  generate [--check] [--strict] [--spec FILE --out DIR]   write (or check) generated/ from spec/
  test                                                   every check and test of the project
  fixtures                                               generate and compile every spec/fixtures/*.yaml
  doctests [--all]                                       run the Accounts pages' examples of every version (--all: every page's)
  vendor-spec --from DIR                                 copy the descriptions spec/generator.yaml lists (and what they reach) from DIR
  fuzz [--seconds N]                                     fuzz load-and-generate for N seconds (default 600)
  bench [--compare] [--quick] [--no-crate]               generation, build and run-time benchmarks (BENCHMARKS.md)
  docs [--browser-test] [DOCS_DIR ...]                   the Docusaurus site of every generated/*/docs/ in target/docs-site/
                                                         (--browser-test: build the test subset and check it in Chromium)";

/// `cargo xtask generate` runs the generator in this process, and the generator allocates and frees millions of small strings and token trees; glibc's malloc
/// was 29 % of a run's profile, and mimalloc takes a run on the beta description from a median
/// 1.85 s to 1.53 s. Built without transparent huge pages (`Cargo.toml`), its peak memory
/// is within 20 % of glibc's (v2025: 106-114 MB against 95 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("generate") => {
            let mut request = GenerateRequest::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => request.check = true,
                    "--strict" => request.strict = true,
                    "--spec" => {
                        request.spec = Some(args.next().context("--spec needs a file")?.into())
                    }
                    "--out" => {
                        request.out = Some(args.next().context("--out needs a folder")?.into())
                    }
                    other => bail!("unknown argument `{other}`\n{USAGE}"),
                }
            }
            generate(&request)
        }
        Some("test") => test::run_all(),
        Some("fixtures") => fixtures::compile_all(),
        Some("doctests") => match args.next().as_deref() {
            None => versions::doctests_command(false),
            Some("--all") => versions::doctests_command(true),
            Some(other) => bail!("unknown argument `{other}`\n{USAGE}"),
        },
        Some("vendor-spec") => match (args.next().as_deref(), args.next()) {
            (Some("--from"), Some(dir)) => vendor::vendor_spec(Path::new(&dir)),
            _ => bail!("vendor-spec needs --from DIR\n{USAGE}"),
        },
        Some("fuzz") => {
            let seconds = match (args.next().as_deref(), args.next()) {
                (Some("--seconds"), Some(n)) => n.parse().context("--seconds takes a number")?,
                (None, _) => 600,
                _ => bail!("{USAGE}"),
            };
            fuzz::fuzz(seconds)
        }
        Some("bench") => {
            let mut request = bench::BenchRequest::default();
            for arg in args {
                match arg.as_str() {
                    "--compare" => request.compare = true,
                    "--quick" => request.quick = true,
                    "--no-crate" => request.no_crate = true,
                    other => bail!("unknown argument `{other}`\n{USAGE}"),
                }
            }
            bench::bench(&request)
        }
        Some("docs") => {
            let mut request = docs::DocsRequest::default();
            for arg in args {
                match arg.as_str() {
                    "--browser-test" => request.browser_test = true,
                    other if other.starts_with('-') => {
                        bail!("unknown argument `{other}`\n{USAGE}")
                    }
                    folder => request.folders.push(PathBuf::from(folder)),
                }
            }
            docs::docs(&request)
        }
        Some(other) => bail!("unknown command `{other}`\n{USAGE}"),
        None => bail!("{USAGE}"),
    }
}

/// The workspace root (the parent of this crate).
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
