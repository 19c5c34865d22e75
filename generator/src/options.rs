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

    /// Applies a settings file (`spec/generator.yaml`); its keys are the fields of [`Settings`].
    pub fn with_settings_file(mut self, path: &Path) -> Result<Self, Diagnostics> {
        let mut diags = Diagnostics::default();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            diags.error(
                Location::new(file.clone(), ""),
                format!("cannot read the settings: {e}"),
            );
            diags.clone()
        })?;
        let settings: Settings = serde_yaml::from_str(&text).map_err(|e| {
            let mut location = Location::new(file.clone(), "");
            location.line = e.location().map(|l| l.line());
            diags.error(location, format!("invalid settings: {e}"));
            diags.clone()
        })?;
        self.package_name = settings.package_name.or(self.package_name);
        self.package_version = settings.package_version.unwrap_or(self.package_version);
        self.package_description = settings.package_description.or(self.package_description);
        self.repository = settings.repository.or(self.repository);
        self.runtime_version = settings.runtime_version.unwrap_or(self.runtime_version);
        self.docs_version = settings.docs_version.or(self.docs_version);
        self.docs_slug_root = settings.docs_slug_root.unwrap_or(self.docs_slug_root);
        self.api_reference_url = settings.api_reference_url.or(self.api_reference_url);
        Ok(self)
    }
}

/// The generator's settings file.
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
}
