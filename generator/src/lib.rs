//! An OpenAPI 3.0 → Rust SDK generator.
//!
//! [`generate`] runs the pipeline, one module per stage:
//! [`load`] → [`validate`] → [`lower`] → [`normalize`] → [`emit`] → [`output`].
//! It reads the description and returns the files in memory; [`disk`] writes them.

pub mod diagnostics;
pub mod disk;
pub mod emit;
pub mod ir;
pub mod load;
mod locate;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod options;
pub mod output;
mod parallel;
pub mod reuse;
pub mod validate;

pub use diagnostics::{Diagnostic, Diagnostics, Error, Location, Severity};
pub use options::{Options, WorkspaceSettings};
pub use output::Files;
pub use reuse::Reuse;

/// The result of a successful run: the files, and the warnings about the description.
#[derive(Debug)]
pub struct Output {
    pub files: Files,
    pub warnings: Diagnostics,
    /// The IR the files were rendered from.
    pub api: ir::Api,
}

/// Loads, validates, lowers and normalises the description: the IR and the warnings.
pub fn analyze(options: &Options) -> Result<(ir::Api, Diagnostics), Error> {
    let mut diags = Diagnostics::default();
    let sources = load::load(&options.spec, &mut diags);
    analyze_sources(sources, diags, options)
}

fn analyze_sources(
    sources: Option<load::Sources>,
    mut diags: Diagnostics,
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Error> {
    let api = sources.as_ref().and_then(|sources| {
        let document = validate::validate(sources, &mut diags)?;
        let mut api = lower::lower(sources, &document, options, &mut diags);
        normalize::normalize(&mut api, &mut diags);
        Some(api)
    });
    if options.strict {
        diags.make_strict();
    }
    if let Some(sources) = &sources {
        sources.locate_all(&mut diags);
    }
    match api {
        Some(api) if !diags.has_errors() => Ok((api, diags)),
        _ => Err(Error::Spec(diags)),
    }
}

/// Runs the whole pipeline. Nothing is written.
pub fn generate(options: &Options) -> Result<Output, Error> {
    generate_reusing(options, &Reuse::none())
}

/// [`generate`], reading back the files `reuse` (opened on the output folder) says a previous
/// run rendered from the same inputs instead of rendering them again.
pub fn generate_reusing(options: &Options, reuse: &Reuse) -> Result<Output, Error> {
    let (api, warnings) = analyze(options)?;
    let files = emit::emit_reusing(&api, options, reuse, "")?;
    Ok(Output {
        files,
        warnings,
        api,
    })
}

/// Runs the whole pipeline on a one-file description held in memory (`name` decides between
/// YAML and JSON); `options.spec` is ignored. Used by the fuzz target.
pub fn generate_memory(name: &str, bytes: &[u8], options: &Options) -> Result<Output, Error> {
    let mut diags = Diagnostics::default();
    let sources = load::load_memory(name, bytes, &mut diags);
    let (api, warnings) = analyze_sources(sources, diags, options)?;
    let files = emit::emit(&api, options)?;
    Ok(Output {
        files,
        warnings,
        api,
    })
}

/// One crate of a generated workspace: its folder and what it holds.
#[derive(Debug)]
pub struct CrateSummary {
    /// The folder under the workspace output (`sailpoint-v2025`), which is the package name.
    pub folder: String,
    pub operations: usize,
    pub models: usize,
    pub files: usize,
    pub warnings: Diagnostics,
}

/// The result of generating a workspace: every file, keyed by `<crate folder>/<path>`, and a
/// summary per crate (the facade last).
#[derive(Debug)]
pub struct WorkspaceOutput {
    pub files: Files,
    pub crates: Vec<CrateSummary>,
}

/// Generates every crate of a workspace and its facade. The descriptions are analysed on
/// separate threads; then deprecated operations are linked to their replacements in the other
/// crates, and every crate is rendered. Nothing is written; any crate's error fails the run.
pub fn generate_workspace(settings: &WorkspaceSettings) -> Result<WorkspaceOutput, Error> {
    generate_workspace_reusing(settings, &Reuse::none())
}

/// [`generate_workspace`], reading back the files `reuse` (opened on the workspace's output
/// folder) says a previous run rendered from the same inputs instead of rendering them again.
pub fn generate_workspace_reusing(
    settings: &WorkspaceSettings,
    reuse: &Reuse,
) -> Result<WorkspaceOutput, Error> {
    let analyses: Vec<Result<(ir::Api, Diagnostics), Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = settings
            .crates
            .iter()
            .map(|c| scope.spawn(|| analyze(&c.options)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(Error::Render {
                        template: "(analysis)".into(),
                        subject: "a description".into(),
                        message: "the analysing thread panicked".into(),
                    })
                })
            })
            .collect()
    });
    let mut apis = Vec::new();
    let mut failures = Diagnostics::default();
    for analysis in analyses {
        match analysis {
            Ok(done) => apis.push(done),
            Err(Error::Spec(diags)) => failures.items.extend(diags.items),
            Err(other) => return Err(other),
        }
    }
    if !failures.items.is_empty() {
        return Err(Error::Spec(failures));
    }
    let links: Vec<normalize::CrateLinks> = apis
        .iter()
        .zip(&settings.crates)
        .filter_map(|((api, _), c)| {
            normalize::CrateLinks::of(api, c.options.api_reference_url.as_deref())
        })
        .collect();
    for (api, _) in &mut apis {
        normalize::link_replacements(api, &links);
    }
    let mut files = Files::new();
    let mut crates = Vec::new();
    for ((api, warnings), c) in apis.iter().zip(&settings.crates) {
        let prefix = format!("{}/", api.package_name);
        let crate_files = emit::emit_reusing(api, &c.options, reuse, &prefix)?;
        crates.push(CrateSummary {
            folder: api.package_name.clone(),
            operations: api.operations.len(),
            models: api.models.len(),
            files: crate_files.len(),
            warnings: warnings.clone(),
        });
        files.extend(
            crate_files
                .into_iter()
                .map(|(path, text)| (format!("{prefix}{path}"), text)),
        );
    }
    if let Some(facade) = &settings.facade {
        let versions: Vec<(&ir::Api, &Options)> = apis
            .iter()
            .zip(&settings.crates)
            .map(|((api, _), c)| (api, &c.options))
            .collect();
        let facade_files = emit::facade(facade, &versions)?;
        crates.push(CrateSummary {
            folder: facade.package_name.clone(),
            operations: 0,
            models: 0,
            files: facade_files.len(),
            warnings: Diagnostics::default(),
        });
        files.extend(
            facade_files
                .into_iter()
                .map(|(path, text)| (format!("{}/{path}", facade.package_name), text)),
        );
    }
    Ok(WorkspaceOutput { files, crates })
}
