//! The facade crate: every version crate of a workspace re-exported behind a feature.

use super::{render_message, types};
use crate::diagnostics::Error;
use crate::ir::Api;
use crate::names;
use crate::options::{FacadeSettings, Options};
use crate::output::{self, Files};
use serde::Serialize;

#[derive(Serialize)]
struct Version {
    /// The feature and module name (`v2025`).
    feature: String,
    feature_literal: String,
    module: String,
    package: String,
    lib: String,
    title: String,
    version: String,
    path: String,
    version_path: String,
    operations: usize,
    models: usize,
}

#[derive(Serialize)]
struct Package {
    name: String,
    version: String,
    description: String,
    repository: Option<String>,
}

#[derive(Serialize)]
struct Runtime {
    version: String,
    path: String,
}

/// The facade's files: `Cargo.toml`, `README.md` and `src/lib.rs`. Its package version,
/// repository and runtime are the first crate's.
pub fn facade(settings: &FacadeSettings, versions: &[(&Api, &Options)]) -> Result<Files, Error> {
    let tera = super::engine()?;
    let first = versions.first().map(|(_, o)| *o);
    let package_version = first.map_or("0.1.0", |o| o.package_version.as_str());
    let contexts: Vec<Version> = versions
        .iter()
        .map(|(api, options)| {
            let feature = api.docs_version.clone();
            Version {
                feature_literal: types::literal(&feature),
                module: names::snake(&feature),
                package: api.package_name.clone(),
                lib: api.lib_name.clone(),
                title: api.title.clone(),
                version: types::literal(&options.package_version),
                path: types::literal(&format!("../{}", api.package_name)),
                version_path: api.version_path.clone(),
                operations: api.operations.len(),
                models: api.models.len(),
                feature,
            }
        })
        .collect();
    let spec = "spec/generator.yaml";
    let mut context = tera::Context::new();
    context.insert(
        "package",
        &Package {
            name: settings.package_name.clone(),
            version: package_version.to_string(),
            description: types::literal(&settings.package_description),
            repository: first
                .and_then(|o| o.repository.as_deref())
                .map(types::literal),
        },
    );
    context.insert(
        "runtime",
        &Runtime {
            version: types::literal(first.map_or("0.1.0", |o| o.runtime_version.as_str())),
            path: types::literal(first.map_or("../../runtime", |o| o.runtime_path.as_str())),
        },
    );
    let full: Vec<&str> = contexts
        .iter()
        .map(|v| v.feature_literal.as_str())
        .collect();
    context.insert("full", &full);
    context.insert("versions", &contexts);
    context.insert("example", &contexts.last());
    context.insert(
        "description",
        settings.package_description.trim_end_matches('.'),
    );
    context.insert("version", package_version);
    context.insert("crate_name", &settings.package_name);
    context.insert("crate_lib", &settings.package_name.replace('-', "_"));
    let render = |template: &str, subject: &str| {
        tera.render(template, &context).map_err(|e| Error::Render {
            template: template.into(),
            subject: subject.into(),
            message: render_message(&e),
        })
    };
    let mut files = Files::new();
    let cargo = render("facade/Cargo.toml.tera", "the facade's Cargo.toml")?;
    files.insert("Cargo.toml".into(), output::hash_header(spec) + &cargo);
    files.insert(
        "README.md".into(),
        output::markdown_header(spec) + &render("facade/README.md.tera", "the facade's README")?,
    );
    let lib = render("facade/lib.rs.tera", "the facade's crate root")?;
    files.insert(
        "src/lib.rs".into(),
        output::rust_file(&lib, "facade/lib.rs.tera", "the facade's crate root", spec)?,
    );
    Ok(files)
}
