//! The reference pages of the generated SDK, under `docs/`: a methods page per tag, a page per
//! model, an index page for each folder, and the code-sample overlay of SailPoint's docs site.
//!
//! The pages follow the layout of SailPoint's published SDK references, with Rust in place of
//! Python. They are compiled twice: as MDX by the docs site (so text is escaped, see `escape`,
//! and the `@generated` notice is an MDX comment after the front matter), and by rustdoc, which
//! runs their code blocks as doctests of the generated crate (see `doctest_pages`). Operation
//! examples are fenced as `rust no_run`: the docs site reads the language `rust` and ignores
//! the rest of the info string, rustdoc reads both words.

mod escape;
mod examples;
mod methods;
mod models;
mod transfers;
mod types;
mod values;

use super::{Form, Job, Renderer};
use crate::diagnostics::Error;
use crate::ir::Api;
use crate::names;
use crate::options::Options;
use crate::output::{self, FileMap};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The templates of this module, registered with the others in `emit::TEMPLATES`.
pub const METHODS: &str = "markdown/methods.md.tera";
pub const MODEL: &str = "markdown/model.md.tera";
pub const METHODS_INDEX: &str = "markdown/methods_index.md.tera";
pub const MODELS_INDEX: &str = "markdown/models_index.md.tera";
pub const OVERLAY: &str = "markdown/code_examples_overlay.yaml.tera";

/// Ids, slugs and labels of the pages, from the options.
pub struct DocsSettings {
    /// `beta`
    version: String,
    /// `Beta`
    version_pascal: String,
    /// `/tools/sdk/rust/beta`
    slug_base: String,
    api_reference_url: Option<String>,
}

impl DocsSettings {
    pub fn new(api: &Api, options: &Options) -> Self {
        let version = api.docs_version.clone();
        let root = options.docs_slug_root.trim_end_matches('/');
        Self {
            version_pascal: names::unraw(&names::pascal(&version)).to_string(),
            slug_base: format!("{root}/{version}"),
            version,
            api_reference_url: options
                .api_reference_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }

    /// The front matter of a page titled `title` in `folder` (`methods`, `models`).
    pub fn front_matter(&self, title: &str, folder: &str, slug: &str) -> FrontMatter {
        let pascal = names::unraw(&names::pascal(title)).to_string();
        FrontMatter {
            id: yaml(&format!("{}-{slug}", self.version)),
            title: yaml(title),
            keywords: yaml_list(&[
                "rust",
                "Rust",
                "sdk",
                title,
                &format!("{}{pascal}", self.version_pascal),
            ]),
            slug: yaml(&format!("{}/{folder}/{slug}", self.slug_base)),
            tags: yaml_list(&[
                "SDK",
                "Software Development Kit",
                title,
                &format!("{}{pascal}", self.version_pascal),
            ]),
        }
    }

    fn index_front_matter(&self, title: &str, folder: &str) -> FrontMatter {
        FrontMatter {
            id: yaml(&format!("{}-{folder}", self.version)),
            title: yaml(title),
            keywords: yaml_list(&["rust", "Rust", "sdk", title]),
            slug: yaml(&format!("{}/{folder}", self.slug_base)),
            tags: yaml_list(&["SDK", "Software Development Kit", title]),
        }
    }

    pub fn api_reference(&self, kebab: &str) -> Option<String> {
        self.api_reference_url
            .as_ref()
            .map(|url| format!("{url}/{kebab}"))
    }

    /// `SDK_tools/sdk/rust/beta/methods/accounts`
    pub fn overlay_label(&self, tag_slug: &str) -> String {
        format!(
            "SDK_{}/methods/{tag_slug}",
            self.slug_base.trim_start_matches('/')
        )
    }
}

#[derive(Serialize)]
pub struct FrontMatter {
    id: String,
    title: String,
    keywords: String,
    slug: String,
    tags: String,
}

/// A default value as the pages show it: numbers and booleans plain, anything else as code.
pub fn default_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
        other => escape::code(&other.to_string()),
    }
}

/// A YAML scalar: plain when that reads back as the same string, else single-quoted.
fn yaml(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./".contains(c))
        && !text.starts_with([' ', '-', '.'])
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

fn yaml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|i| format!("'{}'", i.replace('\'', "''")))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The file name (without `.md`) of every page, unique within its folder and never `index`.
#[derive(Debug)]
pub struct Slugs {
    tags: Vec<String>,
    models: BTreeMap<String, String>,
}

impl Slugs {
    pub fn new(api: &Api) -> Self {
        // Tag slugs are unique already (`normalize::assign_features`).
        let tags = api.tags.iter().map(|tag| tag.slug.clone()).collect();
        let mut taken: BTreeSet<String> = ["index".into(), "models".into()].into();
        let models = api
            .models
            .iter()
            .map(|m| {
                (
                    m.name.rust.clone(),
                    claim(&mut taken, &names::kebab(&m.name.rust)),
                )
            })
            .collect();
        Self { tags, models }
    }

    pub fn tag(&self, index: usize) -> &str {
        &self.tags[index]
    }

    pub fn model(&self, rust_name: &str) -> Option<&str> {
        self.models.get(rust_name).map(String::as_str)
    }
}

/// `wanted`, or `wanted-2`, `wanted-3`… if taken. A set, not a list: a description with
/// thousands of models would make a list's lookups quadratic.
fn claim(taken: &mut BTreeSet<String>, wanted: &str) -> String {
    let mut slug = wanted.to_string();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{wanted}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    slug
}

/// A page the generated crate compiles as doctests: `#[doc = include_str!(..)]` on a module.
#[derive(Debug, Clone, Serialize)]
pub struct DoctestPage {
    /// The path from `src/lib.rs` (`../docs/methods/accounts.md`).
    pub path: String,
    /// The module that carries it (`doctests_methods_accounts`).
    pub module: String,
    /// The `cfg` predicate of the features its code needs (`feature = "accounts"`); empty when
    /// it needs none.
    pub cfg: String,
}

/// Every page under `docs/` with the features its code needs, in the order of the `Files`
/// map: a methods page needs its tag's feature, a model page its model's, the methods index
/// the feature of the operation its example calls.
fn page_paths(api: &Api) -> Vec<(String, Vec<String>)> {
    let slugs = Slugs::new(api);
    let index_features = api
        .operations
        .first()
        .map(|op| vec![api.tags[op.tag].feature.clone()])
        .unwrap_or_default();
    let mut paths = vec![
        ("docs/methods/index.md".to_string(), index_features),
        ("docs/models/index.md".to_string(), Vec::new()),
    ];
    paths.extend(api.tags_with_operations().map(|(i, tag)| {
        (
            format!("docs/methods/{}.md", slugs.tag(i)),
            vec![tag.feature.clone()],
        )
    }));
    paths.extend(api.models.iter().filter_map(|m| {
        slugs
            .model(&m.name.rust)
            .map(|s| (format!("docs/models/{s}.md"), m.features.clone()))
    }));
    paths.sort();
    paths
}

/// Every page, for the crate root: each page's code blocks become doctests.
pub fn doctest_pages(api: &Api) -> Vec<DoctestPage> {
    page_paths(api)
        .into_iter()
        .map(|(path, features)| {
            let stem = path.trim_start_matches("docs/").trim_end_matches(".md");
            DoctestPage {
                module: format!("doctests_{}", names::unraw(&names::snake(stem))),
                path: format!("../{path}"),
                cfg: super::cfg_predicate(&features),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct IndexEntry {
    link: String,
    summary: String,
    count: usize,
}

#[derive(Serialize)]
struct IndexPage<'a> {
    front: FrontMatter,
    header: &'a str,
    lib_name: &'a str,
    package_name: &'a str,
    package_version: &'a str,
    title: String,
    version: &'a str,
    base_url: Option<String>,
    entries: Vec<IndexEntry>,
    example: Option<String>,
}

/// The first sentence (or line) of a description, for an index.
/// Lines of a table, a heading or a fence are skipped: an index cell shows prose (v2025's
/// `NamedConstructs` description opens with a table).
fn first_sentence(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with(['|', '#', '`', ':']))
        .unwrap_or_default();
    let end = line.find(". ").map_or(line.len(), |i| i + 1);
    escape::cell(&line[..end])
}

/// Every file under `docs/`.
pub fn emit(
    api: &Api,
    options: &Options,
    renderer: &Renderer,
    files: &mut FileMap,
) -> Result<(), Error> {
    let settings = DocsSettings::new(api, options);
    let slugs = Slugs::new(api);
    let header = output::mdx_header(&options.spec_display);
    let header = header.trim_end();

    let tags: Vec<_> = api.tags_with_operations().collect();
    let method_jobs = renderer.add_all_keeping(
        &tags,
        |&(index, tag)| Job {
            path: format!("docs/methods/{}.md", slugs.tag(index)),
            subject: format!("the methods page of `{}`", tag.name.wire),
            template: METHODS,
            context: methods::page(api, index, tag, &settings, &slugs, header),
        },
        Form::Text,
        files,
    )?;
    let pages: Vec<_> = method_jobs.iter().map(|job| &job.context).collect();
    let usage = models::usage(api, &slugs);
    renderer.add_all(
        &api.models,
        |model| Job {
            path: format!(
                "docs/models/{}.md",
                slugs.model(&model.name.rust).unwrap_or_default()
            ),
            subject: format!("the page of the model `{}`", model.name.rust),
            template: MODEL,
            context: models::page(api, model, &settings, &slugs, header, &usage),
        },
        Form::Text,
        files,
    )?;

    let first_op = api.operations.first();
    let methods_index = IndexPage {
        front: settings.index_front_matter("Methods", "methods"),
        header,
        lib_name: &api.lib_name,
        package_name: &api.package_name,
        package_version: &options.package_version,
        title: escape::plain(&api.title),
        version: &api.version,
        base_url: pages.first().and_then(|p| p.base_url.clone()),
        entries: api
            .tags_with_operations()
            .map(|(i, tag)| IndexEntry {
                link: format!(
                    "[**{}**]({}.md)",
                    escape::plain(&tag.name.rust),
                    slugs.tag(i)
                ),
                summary: tag
                    .description
                    .as_deref()
                    .map(first_sentence)
                    .unwrap_or_default(),
                count: api.operations_of(i).count(),
            })
            .collect(),
        example: first_op.map(|op| examples::operation(api, &api.tags[op.tag], op)),
    };
    renderer.add(
        Job {
            path: "docs/methods/index.md".into(),
            subject: "the methods index".into(),
            template: METHODS_INDEX,
            context: methods_index,
        },
        Form::Text,
        files,
    )?;
    let models_index = IndexPage {
        front: settings.index_front_matter("Models", "models"),
        header,
        lib_name: &api.lib_name,
        package_name: &api.package_name,
        package_version: &options.package_version,
        title: escape::plain(&api.title),
        version: &api.version,
        base_url: None,
        entries: api
            .models
            .iter()
            .map(|m| IndexEntry {
                link: format!(
                    "[**{}**]({}.md)",
                    escape::plain(&m.name.rust),
                    slugs.model(&m.name.rust).unwrap_or_default()
                ),
                summary: m
                    .description
                    .as_deref()
                    .or(m.title.as_deref())
                    .map(first_sentence)
                    .unwrap_or_default(),
                count: 0,
            })
            .collect(),
        example: None,
    };
    renderer.add(
        Job {
            path: "docs/models/index.md".into(),
            subject: "the models index".into(),
            template: MODELS_INDEX,
            context: models_index,
        },
        Form::Text,
        files,
    )?;

    #[derive(Serialize)]
    struct OverlayEntry {
        path: String,
        method: &'static str,
        label: String,
        source: String,
    }
    #[derive(Serialize)]
    struct Overlay {
        header: String,
        entries: Vec<OverlayEntry>,
    }
    let entries = pages
        .iter()
        .flat_map(|p| &p.ops)
        .map(|op| OverlayEntry {
            path: yaml(&op.overlay_path),
            method: op.overlay_method,
            label: yaml(&op.overlay_label),
            source: op
                .example
                .lines()
                .map(|line| {
                    if line.is_empty() {
                        String::new()
                    } else {
                        format!("        {line}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    let overlay = Overlay {
        header: output::hash_header(&options.spec_display),
        entries,
    };
    let text = renderer.render(OVERLAY, "the code sample overlay", &overlay)?;
    serde_yaml::from_str::<serde_yaml::Value>(&text).map_err(|e| Error::Render {
        template: OVERLAY.into(),
        subject: "the code sample overlay".into(),
        message: format!("the output is not valid YAML: {e}"),
    })?;
    files.add(
        "docs/rust_code_examples_overlay.yaml".into(),
        text,
        "the code sample overlay",
    )
}
