//! Finding configuration the way SailPoint's other SDKs and CLI do: environment variables, then
//! `./config.json`, then the CLI's `~/.sailpoint/config.yaml`.
//!
//! The first source that has anything is used alone, never merged with the others, so a
//! base URL from one tenant is never paired with credentials for another. An incomplete source
//! is an error that names it and what it lacks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::ClientBuilder;
use crate::error::ConfigError;
use crate::secret::Secret;

const ENV_VARS: [&str; 6] = [
    "SAIL_BASE_URL",
    "SAIL_API_URL",
    "SAIL_CLIENT_ID",
    "SAIL_CLIENT_SECRET",
    "SAIL_ACCESS_TOKEN",
    "SAIL_TOKEN_URL",
];

/// Settings read from one configuration source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadedConfig {
    /// The source they came from, e.g. `environment variables` or a file path.
    pub source: String,
    /// The tenant base URL.
    pub base_url: Option<String>,
    /// An API root used as is.
    pub api_url: Option<String>,
    /// A token endpoint override.
    pub token_url: Option<String>,
    /// The client id.
    pub client_id: Option<Secret>,
    /// The client secret.
    pub client_secret: Option<Secret>,
    /// A static access token, which replaces client credentials.
    pub access_token: Option<Secret>,
}

impl LoadedConfig {
    /// A builder with these settings; other settings can still be changed on it.
    pub fn into_builder(self) -> ClientBuilder {
        let mut builder = ClientBuilder::default();
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(url) = self.api_url {
            builder = builder.api_url(url);
        }
        if let Some(url) = self.token_url {
            builder = builder.token_url(url);
        }
        if let Some(token) = self.access_token {
            builder = builder.access_token(token.expose());
        } else if let (Some(id), Some(secret)) = (self.client_id, self.client_secret) {
            builder = builder.client_credentials(id.expose(), secret.expose());
        }
        builder
    }
}

// Here rather than in `client.rs`, so that dependencies run one way: loader → config → client.
impl crate::client::Client {
    /// Builds a client from the environment, `./config.json` or the SailPoint CLI's
    /// `~/.sailpoint/config.yaml`, in that order (or the environment `SAIL_ENVIRONMENT` names);
    /// see [`ConfigLoader`].
    pub fn from_env() -> Result<crate::client::Client, ConfigError> {
        ConfigLoader::new().load()?.into_builder().build()
    }
}

/// Names the CLI environment to use, as [`ConfigLoader::environment`] does.
pub const ENVIRONMENT_VAR: &str = "SAIL_ENVIRONMENT";

/// Loads configuration; every source can be replaced, which is how tests stay hermetic.
#[derive(Debug, Clone)]
pub struct ConfigLoader {
    /// `None` reads the process environment.
    env: Option<BTreeMap<String, String>>,
    config_json: Option<PathBuf>,
    legacy_yaml: Option<PathBuf>,
    environment: Option<String>,
}

impl Default for ConfigLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigLoader {
    /// The process environment, `./config.json` and `$HOME/.sailpoint/config.yaml`.
    pub fn new() -> Self {
        let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
        Self {
            env: None,
            config_json: Some(PathBuf::from("config.json")),
            legacy_yaml: home.map(|h| PathBuf::from(h).join(".sailpoint").join("config.yaml")),
            environment: None,
        }
    }

    /// Uses the environment `name` of the CLI's `config.yaml` (a tenant such as `sandbox` or
    /// `prod`), not its active one; the `SAIL_ENVIRONMENT` variable does the same, and this
    /// method wins over it. A chosen environment is read from the CLI's configuration alone:
    /// asking for a tenant by name and getting the settings of another source would be
    /// the wrong tenant.
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.environment = Some(name.into());
        self
    }

    /// Reads these variables instead of the process environment.
    pub fn env<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.env = Some(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Reads `config.json` from this path.
    pub fn config_json(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_json = Some(path.into());
        self
    }

    /// Reads the CLI's YAML configuration from this path.
    pub fn legacy_yaml(mut self, path: impl Into<PathBuf>) -> Self {
        self.legacy_yaml = Some(path.into());
        self
    }

    /// Skips `config.json`.
    pub fn without_config_json(mut self) -> Self {
        self.config_json = None;
        self
    }

    /// Skips the CLI's YAML configuration.
    pub fn without_legacy_yaml(mut self) -> Self {
        self.legacy_yaml = None;
        self
    }

    /// Reads the first source that has configuration and checks it is complete; or, when an
    /// environment is chosen, that environment of the CLI's configuration.
    pub fn load(&self) -> Result<LoadedConfig, ConfigError> {
        if let Some(name) = self
            .environment
            .clone()
            .or_else(|| self.var(ENVIRONMENT_VAR))
        {
            return self.load_environment(&name);
        }
        let mut tried = Vec::new();
        if let Some(config) = self.read_env() {
            return check(config, &EnvNames);
        }
        tried.push(format!(
            "environment variables (none of {} set)",
            ENV_VARS[..5].join(", ")
        ));

        if let Some(path) = &self.config_json {
            match read(path)? {
                Some(text) => return check(parse_config_json(path, &text)?, &JsonNames),
                None => tried.push(format!("{} (not found)", path.display())),
            }
        }
        if let Some(path) = &self.legacy_yaml {
            match read(path)? {
                Some(text) => {
                    let (config, names) = parse_legacy_yaml(path, &text, None)?;
                    return check(config, &names);
                }
                None => tried.push(format!("{} (not found)", path.display())),
            }
        }
        Err(ConfigError::NotFound {
            tried: tried.join(", "),
        })
    }

    fn load_environment(&self, name: &str) -> Result<LoadedConfig, ConfigError> {
        let Some(path) = &self.legacy_yaml else {
            return Err(ConfigError::NotFound {
                tried: format!("the CLI configuration for environment `{name}` (none to read)"),
            });
        };
        let Some(text) = read(path)? else {
            return Err(ConfigError::NotFound {
                tried: format!("{} for environment `{name}` (not found)", path.display()),
            });
        };
        let (config, names) = parse_legacy_yaml(path, &text, Some(name))?;
        check(config, &names)
    }

    /// A variable from the environment (or the map given to [`env`](Self::env)), trimmed;
    /// `None` when unset or blank.
    fn var(&self, name: &str) -> Option<String> {
        let value = match &self.env {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    fn read_env(&self) -> Option<LoadedConfig> {
        let get = |name: &str| self.var(name);
        if ENV_VARS.iter().all(|name| get(name).is_none()) {
            return None;
        }
        Some(LoadedConfig {
            source: "environment variables".to_owned(),
            base_url: get("SAIL_BASE_URL"),
            api_url: get("SAIL_API_URL"),
            token_url: get("SAIL_TOKEN_URL"),
            client_id: get("SAIL_CLIENT_ID").map(Secret::new),
            client_secret: get("SAIL_CLIENT_SECRET").map(Secret::new),
            access_token: get("SAIL_ACCESS_TOKEN").map(Secret::new),
        })
    }
}

/// How each source spells its settings, for error messages.
trait SettingNames {
    fn base_url(&self) -> String;
    fn client_id(&self) -> String;
    fn client_secret(&self) -> String;
    fn hint(&self) -> &'static str {
        ""
    }
}

struct EnvNames;
impl SettingNames for EnvNames {
    fn base_url(&self) -> String {
        "SAIL_BASE_URL (or SAIL_API_URL)".to_owned()
    }
    fn client_id(&self) -> String {
        "SAIL_CLIENT_ID".to_owned()
    }
    fn client_secret(&self) -> String {
        "SAIL_CLIENT_SECRET".to_owned()
    }
    fn hint(&self) -> &'static str {
        " (or SAIL_ACCESS_TOKEN instead of client credentials)"
    }
}

struct JsonNames;
impl SettingNames for JsonNames {
    fn base_url(&self) -> String {
        "BaseURL".to_owned()
    }
    fn client_id(&self) -> String {
        "ClientId".to_owned()
    }
    fn client_secret(&self) -> String {
        "ClientSecret".to_owned()
    }
}

struct YamlNames {
    environment: String,
}
impl SettingNames for YamlNames {
    fn base_url(&self) -> String {
        format!("environments.{}.baseurl", self.environment)
    }
    fn client_id(&self) -> String {
        format!("environments.{}.pat.clientid", self.environment)
    }
    fn client_secret(&self) -> String {
        format!("environments.{}.pat.clientsecret", self.environment)
    }
    fn hint(&self) -> &'static str {
        " (newer CLI versions keep credentials in the OS keyring; set SAIL_CLIENT_ID and SAIL_CLIENT_SECRET instead)"
    }
}

fn check(config: LoadedConfig, names: &dyn SettingNames) -> Result<LoadedConfig, ConfigError> {
    let mut missing = Vec::new();
    if config.base_url.is_none() && config.api_url.is_none() {
        missing.push(names.base_url());
    }
    // An access token stands in for both client credentials.
    let mut hint = "";
    if config.access_token.is_none() {
        if config.client_id.is_none() {
            missing.push(names.client_id());
            hint = names.hint();
        }
        if config.client_secret.is_none() {
            missing.push(names.client_secret());
            hint = names.hint();
        }
    }
    if missing.is_empty() {
        return Ok(config);
    }
    Err(ConfigError::Missing {
        source_name: config.source,
        missing: format!("{}{hint}", missing.join(", ")),
    })
}

/// `Ok(None)` when the file does not exist.
fn read(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::Malformed {
            source_name: path.display().to_string(),
            message: format!("could not be read: {e}"),
        }),
    }
}

fn malformed(path: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError::Malformed {
        source_name: path.display().to_string(),
        message: message.into(),
    }
}

/// `config.json` as the Go and Python SDKs read it: `BaseURL`, `ClientId`, `ClientSecret`
/// (keys matched case-insensitively, as Go's JSON decoder does), and optionally `TokenURL`.
fn parse_config_json(path: &Path, text: &str) -> Result<LoadedConfig, ConfigError> {
    // Syntax errors give a line and column only, never the text around them, so a secret in a
    // broken file cannot end up in the message.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        malformed(
            path,
            format!("not valid JSON (line {}, column {})", e.line(), e.column()),
        )
    })?;
    let serde_json::Value::Object(object) = value else {
        return Err(malformed(path, "expected a JSON object"));
    };
    let get = |key: &str| -> Result<Option<String>, ConfigError> {
        match object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            None | Some((_, serde_json::Value::Null)) => Ok(None),
            Some((_, serde_json::Value::String(s))) => {
                Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
            }
            Some((k, _)) => Err(malformed(path, format!("`{k}` must be a string"))),
        }
    };
    Ok(LoadedConfig {
        source: path.display().to_string(),
        base_url: get("BaseURL")?,
        api_url: None,
        token_url: get("TokenURL")?,
        client_id: get("ClientId")?.map(Secret::new),
        client_secret: get("ClientSecret")?.map(Secret::new),
        access_token: None,
    })
}

/// The SailPoint CLI's `config.yaml`. Viper lower-cases keys, and the layout moved between CLI
/// versions, so this looks in several places: the active environment's `baseurl` and
/// `pat.clientid`/`pat.clientsecret`, then the same keys at the top level.
///
/// With `chosen`, that environment is used instead of the active one, and must exist; the
/// top-level keys are then not read, since they may belong to another tenant.
fn parse_legacy_yaml(
    path: &Path,
    text: &str,
    chosen: Option<&str>,
) -> Result<(LoadedConfig, YamlNames), ConfigError> {
    use serde_yaml::Value;
    let root: Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        malformed(path, format!("not valid YAML{at}"))
    })?;
    let root = match root {
        Value::Mapping(map) => map,
        Value::Null => serde_yaml::Mapping::new(),
        _ => return Err(malformed(path, "expected a YAML mapping")),
    };
    fn lookup<'a>(map: &'a serde_yaml::Mapping, key: &str) -> Option<&'a Value> {
        map.iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|(_, v)| v)
    }
    fn string(map: Option<&serde_yaml::Mapping>, keys: &[&str]) -> Option<String> {
        let (last, parents) = keys.split_last()?;
        let mut map = map?;
        for key in parents {
            map = lookup(map, key)?.as_mapping()?;
        }
        let value = lookup(map, last)?;
        let text = match value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(text).filter(|s| !s.is_empty())
    }

    let environments = lookup(&root, "environments").and_then(Value::as_mapping);
    let active = string(Some(&root), &["activeenvironment"]).or_else(|| {
        // With a single environment there is nothing to choose.
        environments
            .filter(|envs| envs.len() == 1)
            .and_then(|envs| envs.keys().next()?.as_str().map(str::to_owned))
    });
    let active = chosen
        .map(str::to_owned)
        .or(active)
        .unwrap_or_else(|| "default".to_owned());
    let environment = environments
        .and_then(|envs| lookup(envs, &active))
        .and_then(Value::as_mapping);
    if chosen.is_some() && environment.is_none() {
        let known: Vec<&str> = environments
            .into_iter()
            .flat_map(|envs| envs.keys().filter_map(Value::as_str))
            .collect();
        return Err(malformed(
            path,
            format!(
                "has no environment `{active}` (it has: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
        ));
    }
    let top = if chosen.is_some() { None } else { Some(&root) };
    let first = |candidates: &[(Option<&serde_yaml::Mapping>, &[&str])]| {
        candidates.iter().find_map(|(map, keys)| string(*map, keys))
    };
    let config = LoadedConfig {
        source: format!("{} (environment `{active}`)", path.display()),
        base_url: first(&[
            (environment, &["baseurl"]),
            (environment, &["base_url"]),
            (top, &["baseurl"]),
            (top, &["base_url"]),
        ]),
        api_url: None,
        token_url: first(&[(environment, &["tokenurl"]), (top, &["tokenurl"])]),
        client_id: first(&[
            (environment, &["pat", "clientid"]),
            (environment, &["clientid"]),
            (top, &["pat", "clientid"]),
            (top, &["clientid"]),
        ])
        .map(Secret::new),
        client_secret: first(&[
            (environment, &["pat", "clientsecret"]),
            (environment, &["clientsecret"]),
            (top, &["pat", "clientsecret"]),
            (top, &["clientsecret"]),
        ])
        .map(Secret::new),
        access_token: None,
    };
    Ok((
        config,
        YamlNames {
            environment: active,
        },
    ))
}
