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
use crate::reuse::Reuse;
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

struct Renderer<'a> {
    tera: tera::Tera,
    /// Files a previous run rendered from the same keys are read back instead.
    reuse: &'a Reuse,
    /// Where this crate's files are in `reuse`'s folder (`""` or `sailpoint-v3/`).
    prefix: &'a str,
}

/// What a rendered template becomes: text as it is, text after a header, or Rust parsed and
/// printed with a header naming the description (`output::rust_file`).
#[derive(Clone, Copy)]
enum Form<'a> {
    Text,
    Headed(&'a str),
    Rust { spec: &'a str },
}

/// One file to render: where it goes, what it is (for errors and for `FileMap`), and the
/// context its template reads.
struct Job<C> {
    path: String,
    subject: String,
    template: &'static str,
    context: C,
}

impl Renderer<'_> {
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

    /// The text of one file, rendered, or read back when a previous run rendered it from the
    /// same key (`reuse`).
    fn file<C: Serialize>(&self, job: &Job<C>, form: Form) -> Result<String, Error> {
        let key = || {
            let (form_name, spec) = match form {
                Form::Text => ("text", ""),
                Form::Headed(header) => ("headed", header),
                Form::Rust { spec } => ("rust", spec),
            };
            self.reuse
                .key(job.template, &format!("{form_name} {spec}"), &job.context)
        };
        let path = format!("{}{}", self.prefix, job.path);
        self.reuse.obtain(&path, key, || {
            let text = self.render(job.template, &job.subject, &job.context)?;
            match form {
                Form::Text => Ok(text),
                Form::Headed(header) => Ok(format!("{header}{text}")),
                Form::Rust { spec } => output::rust_file(&text, job.template, &job.subject, spec),
            }
        })
    }

    /// Renders one file and adds it.
    fn add<C: Serialize>(&self, job: Job<C>, form: Form, files: &mut FileMap) -> Result<(), Error> {
        let text = self.file(&job, form)?;
        files.add(job.path, text, &job.subject)
    }

    /// Makes and renders a file for each of `items` on every available core and adds them in
    /// the order of `items`. Each file is made and rendered on its own, so the output is the
    /// same whatever the number of threads; each context is dropped once rendered.
    fn add_all<'i, T: Sync, C: Serialize + Send>(
        &self,
        items: &'i [T],
        make: impl Fn(&'i T) -> Job<C> + Sync,
        form: Form,
        files: &mut FileMap,
    ) -> Result<(), Error> {
        self.add_each(items, make, form, files, false).map(drop)
    }

    /// [`Self::add_all`], returning the jobs, whose contexts other files read.
    fn add_all_keeping<'i, T: Sync, C: Serialize + Send>(
        &self,
        items: &'i [T],
        make: impl Fn(&'i T) -> Job<C> + Sync,
        form: Form,
        files: &mut FileMap,
    ) -> Result<Vec<Job<C>>, Error> {
        self.add_each(items, make, form, files, true)
    }

    fn add_each<'i, T: Sync, C: Serialize + Send>(
        &self,
        items: &'i [T],
        make: impl Fn(&'i T) -> Job<C> + Sync,
        form: Form,
        files: &mut FileMap,
        keep: bool,
    ) -> Result<Vec<Job<C>>, Error> {
        // One item at a time to whichever thread is free: files differ a hundredfold in size
        // (an API of forty operations, a two-field model), so fixed shares leave a core idle.
        let results = crate::parallel::map(items, |item| -> Result<_, Error> {
            let job = make(item);
            let text = self.file(&job, form)?;
            let (path, subject) = (job.path.clone(), job.subject.clone());
            Ok((path, subject, text, keep.then_some(job)))
        });
        let mut jobs = Vec::new();
        for result in results {
            let (path, subject, text, job) = result.unwrap_or_else(|| {
                Err(Error::Render {
                    template: "(files)".into(),
                    subject: "a generated file".into(),
                    message: "the rendering thread panicked".into(),
                })
            })?;
            files.add(path, text, &subject)?;
            jobs.extend(job);
        }
        Ok(jobs)
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

/// What the manifest and the README read.
#[derive(Serialize)]
struct ManifestContext<'a> {
    package: PackageContext<'a>,
    runtime: RuntimeContext<'a>,
    standalone: bool,
    api: ApiSummary<'a>,
    tags: &'a [crate::ir::Tag],
    features: FeaturesContext,
}

/// The API's own facts, without its operations and models.
#[derive(Serialize)]
struct ApiSummary<'a> {
    title: &'a str,
    version: &'a str,
    description: Option<&'a str>,
    version_path: &'a str,
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
    emit_reusing(api, options, &Reuse::none(), "")
}

/// [`emit`], reading back the files `reuse` says a previous run rendered from the same key;
/// `prefix` is where the crate's files are in `reuse`'s folder (`""` or `sailpoint-v3/`).
pub fn emit_reusing(
    api: &Api,
    options: &Options,
    reuse: &Reuse,
    prefix: &str,
) -> Result<Files, Error> {
    let renderer = Renderer {
        tera: engine()?,
        reuse,
        prefix,
    };
    let rust = Form::Rust {
        spec: options.spec_display.as_str(),
    };
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
    let tag_features: Vec<String> = api
        .tags_with_operations()
        .map(|(_, t)| t.feature.clone())
        .collect();
    let manifest = ManifestContext {
        package,
        runtime,
        standalone: options.standalone,
        api: ApiSummary {
            title: &api.title,
            version: &api.version,
            description: api.description.as_deref(),
            version_path: &api.version_path,
        },
        tags: &api.tags,
        features: FeaturesContext {
            default_full: options.default_full,
            full: tag_features.iter().map(|f| types::literal(f)).collect(),
            tags: tag_features,
        },
    };
    let hash_header = output::hash_header(spec);
    renderer.add(
        Job {
            path: "Cargo.toml".into(),
            subject: "the manifest".into(),
            template: "rust/Cargo.toml.tera",
            context: &manifest,
        },
        Form::Headed(&hash_header),
        &mut files,
    )?;
    let markdown_header = output::markdown_header(spec);
    renderer.add(
        Job {
            path: "README.md".into(),
            subject: "the README".into(),
            template: "rust/README.md.tera",
            context: &manifest,
        },
        Form::Headed(&markdown_header),
        &mut files,
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
    renderer.add(
        Job {
            path: "src/lib.rs".into(),
            subject: "the crate root".into(),
            template: "rust/lib.rs.tera",
            context: lib,
        },
        rust,
        &mut files,
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
    renderer.add(
        Job {
            path: "src/apis/mod.rs".into(),
            subject: "the apis module".into(),
            template: "rust/apis_mod.rs.tera",
            context: ModContext {
                modules: tag_modules,
            },
        },
        rust,
        &mut files,
    )?;
    #[derive(Serialize)]
    struct ApiTypeRoot<'a> {
        api_type: &'a apis::TagContext,
    }
    renderer.add_all(
        &tag_contexts,
        |tag| Job {
            path: format!("src/apis/{}", tag.file),
            subject: format!("the `{}` API", tag.name),
            template: "rust/api.rs.tera",
            context: ApiTypeRoot { api_type: tag },
        },
        rust,
        &mut files,
    )?;

    let model_modules = api
        .models
        .iter()
        .map(|model| GatedModule {
            module: &model.module,
            name: &model.name.rust,
            cfg: cfg_predicate(&model.features),
        })
        .collect();
    renderer.add(
        Job {
            path: "src/models/mod.rs".into(),
            subject: "the models module".into(),
            template: "rust/models_mod.rs.tera",
            context: ModContext {
                modules: model_modules,
            },
        },
        rust,
        &mut files,
    )?;
    #[derive(Serialize)]
    struct ModelRoot {
        model: models::ModelContext,
    }
    // Each model's context is made on the thread that renders it, and dropped there.
    renderer.add_all(
        &api.models,
        |model| {
            let model = models::model_context(api, model);
            Job {
                path: format!("src/models/{}", model.file),
                subject: format!("the model `{}`", model.name),
                template: model.template,
                context: ModelRoot { model },
            }
        },
        rust,
        &mut files,
    )?;
    markdown::emit(api, options, &renderer, &mut files)?;
    Ok(files.into_files())
}
