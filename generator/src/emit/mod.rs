//! Stage 5: render the IR through the Tera templates in `templates/`.
//!
//! Emitters read only the IR. Each builds a plain context (type spellings, attributes, doc
//! lines) and hands it to a template; Rust output is then parsed and printed by `output`.

mod apis;
mod doc;
mod facade;
mod forms;
mod markdown;
mod models;
mod responses;
mod text;
mod types;

use crate::diagnostics::Error;
use crate::ir::Api;
use crate::options::Options;
use crate::output::{self, FileMap, Files};
use serde::Serialize;

pub use facade::facade;

/// Templates are compiled into the generator, so it runs from any folder.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "rust/Cargo.toml.tera",
        include_str!("../../../templates/rust/Cargo.toml.tera"),
    ),
    (
        "rust/README.md.tera",
        include_str!("../../../templates/rust/README.md.tera"),
    ),
    (
        "rust/lib.rs.tera",
        include_str!("../../../templates/rust/lib.rs.tera"),
    ),
    (
        "rust/apis_mod.rs.tera",
        include_str!("../../../templates/rust/apis_mod.rs.tera"),
    ),
    (
        "rust/api.rs.tera",
        include_str!("../../../templates/rust/api.rs.tera"),
    ),
    (
        "rust/models_mod.rs.tera",
        include_str!("../../../templates/rust/models_mod.rs.tera"),
    ),
    (
        "rust/model_struct.rs.tera",
        include_str!("../../../templates/rust/model_struct.rs.tera"),
    ),
    (
        "rust/model_enum.rs.tera",
        include_str!("../../../templates/rust/model_enum.rs.tera"),
    ),
    (
        "rust/model_alias.rs.tera",
        include_str!("../../../templates/rust/model_alias.rs.tera"),
    ),
    (
        "rust/model_union.rs.tera",
        include_str!("../../../templates/rust/model_union.rs.tera"),
    ),
    (
        "facade/Cargo.toml.tera",
        include_str!("../../../templates/facade/Cargo.toml.tera"),
    ),
    (
        "facade/README.md.tera",
        include_str!("../../../templates/facade/README.md.tera"),
    ),
    (
        "facade/lib.rs.tera",
        include_str!("../../../templates/facade/lib.rs.tera"),
    ),
    (
        markdown::METHODS,
        include_str!("../../../templates/markdown/methods.md.tera"),
    ),
    (
        markdown::MODEL,
        include_str!("../../../templates/markdown/model.md.tera"),
    ),
    (
        markdown::METHODS_INDEX,
        include_str!("../../../templates/markdown/methods_index.md.tera"),
    ),
    (
        markdown::MODELS_INDEX,
        include_str!("../../../templates/markdown/models_index.md.tera"),
    ),
    (
        markdown::OVERLAY,
        include_str!("../../../templates/markdown/code_examples_overlay.yaml.tera"),
    ),
];

fn engine() -> Result<tera::Tera, Error> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    tera.register_filter("toml", toml_filter);
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| Error::Render {
            template: "(templates)".into(),
            subject: "the template set".into(),
            message: render_message(&e),
        })?;
    Ok(tera)
}

/// `{{ text | toml }}`: a TOML string for the manifest, so a Windows path or a quote in a
/// setting cannot break it.
#[allow(clippy::disallowed_types)] // Tera's filter signature; the map is never iterated.
fn toml_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    match value.as_str() {
        Some(text) => Ok(tera::Value::String(types::toml_string(text))),
        None => Err(tera::Error::msg("the `toml` filter takes a string")),
    }
}

/// Tera's error chain, outermost first.
fn render_message(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

struct Renderer {
    tera: tera::Tera,
}

impl Renderer {
    fn render(
        &self,
        template: &str,
        subject: &str,
        context: &impl Serialize,
    ) -> Result<String, Error> {
        let context = tera::Context::from_serialize(context).map_err(|e| Error::Render {
            template: template.into(),
            subject: subject.into(),
            message: render_message(&e),
        })?;
        self.tera
            .render(template, &context)
            .map_err(|e| Error::Render {
                template: template.into(),
                subject: subject.into(),
                message: render_message(&e),
            })
    }

    /// Renders Rust and checks it parses; see `output::rust_file`.
    fn rust(
        &self,
        template: &str,
        subject: &str,
        context: &impl Serialize,
        spec: &str,
    ) -> Result<String, Error> {
        let text = self.render(template, subject, context)?;
        output::rust_file(&text, template, subject, spec)
    }
}

#[derive(Serialize)]
struct PackageContext<'a> {
    name: &'a str,
    version: &'a str,
    description: String,
    repository: Option<&'a str>,
}

#[derive(Serialize)]
struct RuntimeContext<'a> {
    path: &'a str,
    version: &'a str,
}

/// The `cfg` predicate that is true when any of `features` is on: `feature = "a"` or
/// `any(feature = "a", feature = "b")`; empty for none (the item is always compiled).
pub(crate) fn cfg_predicate(features: &[String]) -> String {
    let each: Vec<String> = features
        .iter()
        .map(|f| format!("feature = {}", types::literal(f)))
        .collect();
    match each.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => format!("any({})", many.join(", ")),
    }
}

/// A module of `apis` or `models` and the features that compile it.
#[derive(Serialize)]
struct GatedModule<'a> {
    module: &'a str,
    name: &'a str,
    cfg: String,
}

/// The crate's features: one per tag with operations, and `full` for all of them.
#[derive(Serialize)]
struct FeaturesContext {
    default_full: bool,
    /// The members of `full`, as TOML strings.
    full: Vec<String>,
    /// The tag features, which `names` keeps to bare-key characters (`a-z`, `0-9`, `-`, `_`).
    tags: Vec<String>,
}

/// Every file of the generated crate, keyed by its path inside the output folder.
pub fn emit(api: &Api, options: &Options) -> Result<Files, Error> {
    let renderer = Renderer { tera: engine()? };
    let spec = options.spec_display.as_str();
    let mut files = FileMap::new();

    let description = options
        .package_description
        .clone()
        .unwrap_or_else(|| format!("Rust SDK for the {} (version {})", api.title, api.version));
    let package = PackageContext {
        name: &api.package_name,
        version: &options.package_version,
        description,
        repository: options.repository.as_deref(),
    };
    let runtime = RuntimeContext {
        path: &options.runtime_path,
        version: &options.runtime_version,
    };
    let mut context = tera::Context::new();
    context.insert("package", &package);
    context.insert("runtime", &runtime);
    context.insert("standalone", &options.standalone);
    context.insert("api", api);
    context.insert("tags", &api.tags);
    let tag_features: Vec<String> = api
        .tags_with_operations()
        .map(|(_, t)| t.feature.clone())
        .collect();
    context.insert(
        "features",
        &FeaturesContext {
            default_full: options.default_full,
            full: tag_features.iter().map(|f| types::literal(f)).collect(),
            tags: tag_features,
        },
    );
    let cargo = renderer
        .tera
        .render("rust/Cargo.toml.tera", &context)
        .map_err(|e| Error::Render {
            template: "rust/Cargo.toml.tera".into(),
            subject: "Cargo.toml".into(),
            message: render_message(&e),
        })?;
    files.add(
        "Cargo.toml".into(),
        output::hash_header(spec) + &cargo,
        "the manifest",
    )?;
    let readme = renderer
        .tera
        .render("rust/README.md.tera", &context)
        .map_err(|e| Error::Render {
            template: "rust/README.md.tera".into(),
            subject: "README.md".into(),
            message: render_message(&e),
        })?;
    files.add(
        "README.md".into(),
        output::markdown_header(spec) + &readme,
        "the README",
    )?;

    #[derive(Serialize)]
    struct LibContext<'a> {
        docs: Vec<String>,
        version_path: String,
        tags: Vec<GatedModule<'a>>,
        /// The reference pages, whose code blocks run as doctests.
        doctests: Vec<markdown::DoctestPage>,
    }
    let mut docs = vec![format!(
        "Rust SDK for the {}, version {}.",
        api.title, api.version
    )];
    if let Some(description) = &api.description {
        docs.push(String::new());
        docs.extend(doc::doc_lines(description));
    }
    let tags_with_ops: Vec<GatedModule> = api
        .tags_with_operations()
        .map(|(_, t)| GatedModule {
            module: &t.module,
            name: &t.name.rust,
            cfg: cfg_predicate(std::slice::from_ref(&t.feature)),
        })
        .collect();
    let lib = LibContext {
        docs,
        version_path: types::literal(&api.version_path),
        tags: tags_with_ops,
        doctests: markdown::doctest_pages(api),
    };
    files.add(
        "src/lib.rs".into(),
        renderer.rust("rust/lib.rs.tera", "the crate root", &lib, spec)?,
        "the crate root",
    )?;

    let tag_contexts: Vec<_> = api
        .tags_with_operations()
        .map(|(i, tag)| apis::tag_context(api, i, tag))
        .collect();
    #[derive(Serialize)]
    struct ModContext<'a> {
        modules: Vec<GatedModule<'a>>,
    }
    let tag_modules = api
        .tags_with_operations()
        .zip(&tag_contexts)
        .map(|((_, tag), context)| GatedModule {
            module: &context.module,
            name: &context.name,
            cfg: cfg_predicate(std::slice::from_ref(&tag.feature)),
        })
        .collect();
    files.add(
        "src/apis/mod.rs".into(),
        renderer.rust(
            "rust/apis_mod.rs.tera",
            "the apis module",
            &ModContext {
                modules: tag_modules,
            },
            spec,
        )?,
        "the apis module",
    )?;
    for tag in &tag_contexts {
        #[derive(Serialize)]
        struct ApiTypeRoot<'a> {
            api_type: &'a apis::TagContext,
        }
        let subject = format!("the `{}` API", tag.name);
        files.add(
            format!("src/apis/{}", tag.file),
            renderer.rust(
                "rust/api.rs.tera",
                &subject,
                &ApiTypeRoot { api_type: tag },
                spec,
            )?,
            &subject,
        )?;
    }

    let model_contexts: Vec<_> = api
        .models
        .iter()
        .map(|m| models::model_context(api, m))
        .collect();
    let model_modules = api
        .models
        .iter()
        .zip(&model_contexts)
        .map(|(model, context)| GatedModule {
            module: &context.module,
            name: &context.name,
            cfg: cfg_predicate(&model.features),
        })
        .collect();
    files.add(
        "src/models/mod.rs".into(),
        renderer.rust(
            "rust/models_mod.rs.tera",
            "the models module",
            &ModContext {
                modules: model_modules,
            },
            spec,
        )?,
        "the models module",
    )?;
    for (path, text, subject) in render_models(&renderer, &model_contexts, spec)? {
        files.add(path, text, &subject)?;
    }
    markdown::emit(api, options, &renderer, &mut files)?;
    Ok(files.into_files())
}

/// Renders the model files on every available core: each file is rendered, parsed and printed
/// on its own, and the results are collected into the sorted file map, so the output is the same
/// whatever the number of threads.
fn render_models(
    renderer: &Renderer,
    contexts: &[models::ModelContext],
    spec: &str,
) -> Result<Vec<(String, String, String)>, Error> {
    #[derive(Serialize)]
    struct ModelRoot<'a> {
        model: &'a models::ModelContext,
    }
    type Rendered = Vec<(String, String, String)>;
    let render = |chunk: &[models::ModelContext]| -> Result<Rendered, Error> {
        chunk
            .iter()
            .map(|model| {
                let subject = format!("the model `{}`", model.name);
                let text = renderer.rust(model.template, &subject, &ModelRoot { model }, spec)?;
                Ok((format!("src/models/{}", model.file), text, subject))
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let chunk_size = contexts.len().div_ceil(threads).max(1);
    let results: Vec<Result<Rendered, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = contexts
            .chunks(chunk_size)
            .map(|chunk| scope.spawn(move || render(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(Error::Render {
                        template: "(models)".into(),
                        subject: "a model file".into(),
                        message: "the rendering thread panicked".into(),
                    })
                })
            })
            .collect()
    });
    let mut files = Vec::new();
    for result in results {
        files.extend(result?);
    }
    Ok(files)
}
