//! What a run generates and how the generated crate is described.

use crate::diagnostics::{Diagnostics, Location};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Options of one run. Everything but `spec` has a default, so any OpenAPI 3.0 description can
/// be generated with no settings at all (names then come from `info.title`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The root file of the description.
    pub spec: PathBuf,
    /// How the headers of generated files name the description (`spec/openapi.yaml`).
    pub spec_display: String,
    /// Cargo package name of the generated crate; `None` takes the kebab-case `info.title`.
    pub package_name: Option<String>,
    /// Version of the generated crate.
    pub package_version: String,
    /// `description` of the generated crate; `None` derives one from `info.title`.
    pub package_description: Option<String>,
    /// `repository` of the generated crate, when it has one.
    pub repository: Option<String>,
    /// Path from the generated crate's folder to the runtime crate.
    pub runtime_path: String,
    /// Version requirement on the runtime crate (path dependencies that are published need one).
    pub runtime_version: String,
    /// Adds an empty `[workspace]` table, for a crate generated outside this workspace.
    pub standalone: bool,
    /// Treats every warning as an error.
    pub strict: bool,
    /// The version segment of the reference pages' ids, slugs and keywords (`beta` gives
    /// `beta-accounts` and `/tools/sdk/rust/beta/...`); `None` takes the package name without a
    /// leading `sailpoint-`.
    pub docs_version: Option<String>,
    /// The site path the reference pages live under, before the version (`/tools/sdk/rust`).
    pub docs_slug_root: String,
    /// The API reference each operation's page links to, as `<url>/<kebab-operation-id>`
    /// (`https://developer.sailpoint.com/docs/api/beta`); no link when `None`.
    pub api_reference_url: Option<String>,
    /// The path every request adds after the tenant's base URL (`/beta`); `None` takes the
    /// path of the description's first server URL.
    pub version_path: Option<String>,
    /// Whether `default` turns every tag's feature on (`full`). A crate generated on its own
    /// does, so it compiles whole; SailPoint's version crates do not (see the README).
    pub default_full: bool,
}

impl Options {
    /// Options for `spec` with every default.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        let spec = spec.into();
        Self {
            spec_display: spec.display().to_string(),
            spec,
            package_name: None,
            package_version: "0.1.0".to_string(),
            package_description: None,
            repository: None,
            runtime_path: "../../runtime".to_string(),
            runtime_version: "0.1.0".to_string(),
            standalone: false,
            strict: false,
            docs_version: None,
            docs_slug_root: "/tools/sdk/rust".to_string(),
            api_reference_url: None,
            version_path: None,
            default_full: true,
        }
    }

    pub fn with_spec_display(mut self, display: impl Into<String>) -> Self {
        self.spec_display = display.into();
        self
    }

    pub fn with_runtime_path(mut self, path: impl Into<String>) -> Self {
        self.runtime_path = path.into();
        self
    }

    pub fn with_standalone(mut self, standalone: bool) -> Self {
        self.standalone = standalone;
        self
    }

    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Applies a settings file of one crate; its keys are the fields of [`Settings`].
    pub fn with_settings_file(self, path: &Path) -> Result<Self, Diagnostics> {
        let file = path.display().to_string();
        let text = read_settings(path)?;
        let settings: Settings =
            serde_yaml::from_str(&text).map_err(|e| settings_error(&file, &e))?;
        Ok(self.with_settings(settings))
    }

    /// Applies settings: each one that is set replaces the current value.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.package_name = settings.package_name.or(self.package_name);
        self.package_version = settings.package_version.unwrap_or(self.package_version);
        self.package_description = settings.package_description.or(self.package_description);
        self.repository = settings.repository.or(self.repository);
        self.runtime_version = settings.runtime_version.unwrap_or(self.runtime_version);
        self.docs_version = settings.docs_version.or(self.docs_version);
        self.docs_slug_root = settings.docs_slug_root.unwrap_or(self.docs_slug_root);
        self.api_reference_url = settings.api_reference_url.or(self.api_reference_url);
        self.version_path = settings.version_path.or(self.version_path);
        self.default_full = settings.default_full.unwrap_or(self.default_full);
        self
    }
}

fn read_settings(path: &Path) -> Result<String, Diagnostics> {
    std::fs::read_to_string(path).map_err(|e| {
        let mut diags = Diagnostics::default();
        diags.error(
            Location::new(path.display().to_string(), ""),
            format!("cannot read the settings: {e}"),
        );
        diags
    })
}

fn settings_error(file: &str, e: &serde_yaml::Error) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut location = Location::new(file.to_string(), "");
    location.line = e.location().map(|l| l.line());
    diags.error(location, format!("invalid settings: {e}"));
    diags
}

/// The settings of one crate: every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    pub package_name: Option<String>,
    pub package_version: Option<String>,
    pub package_description: Option<String>,
    pub repository: Option<String>,
    pub runtime_version: Option<String>,
    pub docs_version: Option<String>,
    pub docs_slug_root: Option<String>,
    pub api_reference_url: Option<String>,
    pub version_path: Option<String>,
    pub default_full: Option<bool>,
}

/// The settings file of a workspace of crates (`spec/generator.yaml`): settings shared by every
/// crate, the crates (each a description and its own settings, which win), and the facade crate
/// that re-exports them. Adding an API version is one more entry under `crates`.
#[derive(Debug, Clone)]
pub struct WorkspaceSettings {
    /// The folder the crates are written to, relative to the settings file's project
    /// (`generated`).
    pub out: String,
    pub crates: Vec<CrateSettings>,
    pub facade: Option<FacadeSettings>,
}

/// One crate of a workspace.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    /// The root description, relative to the settings file's folder.
    pub spec: String,
    pub options: Options,
}

/// The crate that re-exports every version crate behind a feature named after its docs version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FacadeSettings {
    pub package_name: String,
    pub package_description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WorkspaceFile {
    out: String,
    #[serde(default)]
    shared: Settings,
    facade: Option<FacadeSettings>,
    crates: Vec<CrateFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CrateFile {
    spec: String,
    #[serde(default)]
    settings: Settings,
}

impl WorkspaceSettings {
    /// Reads a workspace settings file. Descriptions are named relative to its folder, and the
    /// generated files' headers name them relative to `project` (`spec/sailpoint/…`).
    pub fn read(path: &Path, project: &Path) -> Result<Self, Diagnostics> {
        let file = path.display().to_string();
        let text = read_settings(path)?;
        let parsed: WorkspaceFile =
            serde_yaml::from_str(&text).map_err(|e| settings_error(&file, &e))?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let crates = parsed
            .crates
            .into_iter()
            .map(|entry| {
                let spec = folder.join(&entry.spec);
                let display = spec
                    .strip_prefix(project)
                    .unwrap_or(&spec)
                    .display()
                    .to_string()
                    .replace('\\', "/");
                let options = Options::new(&spec)
                    .with_spec_display(display)
                    .with_settings(parsed.shared.clone())
                    .with_settings(entry.settings);
                CrateSettings {
                    spec: entry.spec,
                    options,
                }
            })
            .collect();
        Ok(Self {
            out: parsed.out,
            crates,
            facade: parsed.facade,
        })
    }
}
