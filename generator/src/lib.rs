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
pub mod validate;

pub use diagnostics::{Diagnostic, Diagnostics, Error, Location, Severity};
pub use options::Options;
pub use output::Files;

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
    let (api, warnings) = analyze(options)?;
    let files = emit::emit(&api, options)?;
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
