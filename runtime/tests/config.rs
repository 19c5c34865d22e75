//! Configuration sources: order, leniency, and error messages that name the source.

use std::path::{Path, PathBuf};

use rt::{ConfigError, ConfigLoader};
use sailpoint_sdk_runtime as rt;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn missing(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// A loader that sees only what the test gives it.
fn loader(env: &[(&str, &str)], json: &Path, yaml: &Path) -> ConfigLoader {
    ConfigLoader::new()
        .env(env.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .config_json(json)
        .legacy_yaml(yaml)
}

const JSON: &str = r#"{"BaseURL": "https://json.api.identitynow.com/", "ClientId": "json-id", "ClientSecret": "json-secret"}"#;

const YAML: &str = "
activeenvironment: prod
authtype: pat
environments:
  sandbox:
    baseurl: https://sandbox.api.identitynow.com
    pat:
      clientid: sandbox-id
      clientsecret: sandbox-secret
  prod:
    baseurl: https://prod.api.identitynow.com
    tenanturl: https://prod.identitynow.com
    pat:
      clientid: prod-id
      clientsecret: prod-secret
";

#[test]
fn environment_comes_first() {
    let dir = Dir::new();
    let env = [
        ("SAIL_BASE_URL", "https://env.api.identitynow.com"),
        ("SAIL_CLIENT_ID", "env-id"),
        ("SAIL_CLIENT_SECRET", "env-secret"),
    ];
    let config = loader(
        &env,
        &dir.file("config.json", JSON),
        &dir.file("config.yaml", YAML),
    )
    .load()
    .unwrap();
    assert_eq!(config.source, "environment variables");
    assert_eq!(
        config.base_url.as_deref(),
        Some("https://env.api.identitynow.com")
    );
    assert_eq!(config.client_id.unwrap().expose(), "env-id");
    assert_eq!(config.client_secret.unwrap().expose(), "env-secret");
}

#[test]
fn access_token_replaces_client_credentials() {
    let dir = Dir::new();
    let env = [
        ("SAIL_API_URL", "http://127.0.0.1:4010/"),
        ("SAIL_ACCESS_TOKEN", "env-token"),
    ];
    let config = loader(
        &env,
        &dir.missing("config.json"),
        &dir.missing("config.yaml"),
    )
    .load()
    .unwrap();
    assert_eq!(config.access_token.as_ref().unwrap().expose(), "env-token");
    let client = config.into_builder().build().unwrap();
    assert_eq!(client.api_root("/beta"), "http://127.0.0.1:4010");
}

#[test]
fn config_json_comes_second() {
    let dir = Dir::new();
    let json = dir.file("config.json", JSON);
    let config = loader(&[], &json, &dir.file("config.yaml", YAML))
        .load()
        .unwrap();
    assert_eq!(config.source, json.display().to_string());
    assert_eq!(
        config.base_url.as_deref(),
        Some("https://json.api.identitynow.com/")
    );
    let client = config.into_builder().build().unwrap();
    assert_eq!(
        client.api_root("/beta"),
        "https://json.api.identitynow.com/beta"
    );
}

#[test]
fn config_json_keys_are_case_insensitive() {
    let dir = Dir::new();
    let json = dir.file(
        "config.json",
        r#"{"baseUrl": "https://x.api.identitynow.com", "clientid": "i", "CLIENTSECRET": "s", "Extra": 1}"#,
    );
    let config = loader(&[], &json, &dir.missing("config.yaml"))
        .load()
        .unwrap();
    assert_eq!(config.client_id.unwrap().expose(), "i");
}

#[test]
fn legacy_yaml_uses_the_active_environment() {
    let dir = Dir::new();
    let yaml = dir.file("config.yaml", YAML);
    let config = loader(&[], &dir.missing("config.json"), &yaml)
        .load()
        .unwrap();
    assert_eq!(
        config.source,
        format!("{} (environment `prod`)", yaml.display())
    );
    assert_eq!(
        config.base_url.as_deref(),
        Some("https://prod.api.identitynow.com")
    );
    assert_eq!(config.client_id.unwrap().expose(), "prod-id");
    assert_eq!(config.client_secret.unwrap().expose(), "prod-secret");
}

#[test]
fn legacy_yaml_is_lenient() {
    let dir = Dir::new();
    // Mixed-case keys, a single environment and no `activeenvironment`.
    let single = dir.file(
        "single.yaml",
        "Environments:\n  Acme:\n    BaseURL: https://acme.api.identitynow.com\n    PAT:\n      ClientID: a\n      ClientSecret: b\n",
    );
    let config = loader(&[], &dir.missing("config.json"), &single)
        .load()
        .unwrap();
    assert_eq!(config.client_id.unwrap().expose(), "a");
    // Older CLI versions kept everything at the top level.
    let flat = dir.file(
        "flat.yaml",
        "baseurl: https://flat.api.identitynow.com\nclientid: f-id\nclientsecret: f-secret\n",
    );
    let config = loader(&[], &dir.missing("config.json"), &flat)
        .load()
        .unwrap();
    assert_eq!(
        config.base_url.as_deref(),
        Some("https://flat.api.identitynow.com")
    );
    assert_eq!(config.client_secret.unwrap().expose(), "f-secret");
}

#[test]
fn nothing_found_lists_every_source() {
    let dir = Dir::new();
    let (json, yaml) = (dir.missing("config.json"), dir.missing("config.yaml"));
    let err = loader(&[("UNRELATED", "x")], &json, &yaml)
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no SailPoint configuration found; looked at environment variables (none of SAIL_BASE_URL, SAIL_API_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, SAIL_ACCESS_TOKEN set), {} (not found), {} (not found)",
            json.display(),
            yaml.display()
        )
    );
}

#[test]
fn incomplete_environment_names_what_is_missing() {
    let dir = Dir::new();
    // The file is complete, but the environment is read first and used alone.
    let err = loader(
        &[
            ("SAIL_BASE_URL", "https://env.api.identitynow.com"),
            ("SAIL_CLIENT_ID", "id"),
        ],
        &dir.file("config.json", JSON),
        &dir.missing("config.yaml"),
    )
    .load()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "configuration from environment variables is incomplete: missing SAIL_CLIENT_SECRET (or SAIL_ACCESS_TOKEN instead of client credentials)"
    );
    let err = loader(
        &[("SAIL_CLIENT_ID", "id"), ("SAIL_CLIENT_SECRET", "s")],
        &dir.missing("c.json"),
        &dir.missing("c.yaml"),
    )
    .load()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "configuration from environment variables is incomplete: missing SAIL_BASE_URL (or SAIL_API_URL)"
    );
}

#[test]
fn incomplete_config_json_names_its_keys() {
    let dir = Dir::new();
    let json = dir.file(
        "config.json",
        r#"{"BaseURL": "https://x.api.identitynow.com", "ClientId": ""}"#,
    );
    let err = loader(&[], &json, &dir.missing("config.yaml"))
        .load()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::Missing {
            source_name: json.display().to_string(),
            missing: "ClientId, ClientSecret".to_owned(),
        }
    );
}

#[test]
fn legacy_yaml_without_credentials_points_at_the_keyring() {
    let dir = Dir::new();
    let yaml = dir.file(
        "config.yaml",
        "activeenvironment: prod\nenvironments:\n  prod:\n    baseurl: https://prod.api.identitynow.com\n",
    );
    let err = loader(&[], &dir.missing("config.json"), &yaml)
        .load()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("environments.prod.pat.clientid, environments.prod.pat.clientsecret"),
        "{text}"
    );
    assert!(text.contains("OS keyring"), "{text}");
    assert!(text.contains(&yaml.display().to_string()), "{text}");
}

#[test]
fn malformed_files_are_reported_without_their_content() {
    let dir = Dir::new();
    let json = dir.file(
        "config.json",
        r#"{"BaseURL": "https://x", "ClientSecret": "s3cr3t-value"#,
    );
    let err = loader(&[], &json, &dir.missing("config.yaml"))
        .load()
        .unwrap_err();
    assert!(matches!(&err, ConfigError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!(
        "configuration from {} is malformed: not valid JSON (line 1",
        json.display()
    )));
    assert!(!err.to_string().contains("s3cr3t"));

    let json = dir.file(
        "wrong-type.json",
        r#"{"BaseURL": "https://x", "ClientId": "i", "ClientSecret": 12345}"#,
    );
    let err = loader(&[], &json, &dir.missing("config.yaml"))
        .load()
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("is malformed: `ClientSecret` must be a string"),
        "{err}"
    );

    let yaml = dir.file(
        "config.yaml",
        "environments: [unclosed\n  clientsecret: s3cr3t-value",
    );
    let err = loader(&[], &dir.missing("absent.json"), &yaml)
        .load()
        .unwrap_err();
    assert!(
        err.to_string().contains("is malformed: not valid YAML"),
        "{err}"
    );
    assert!(!err.to_string().contains("s3cr3t"));

    let not_object = dir.file("array.json", "[1, 2]");
    let err = loader(&[], &not_object, &dir.missing("config.yaml"))
        .load()
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("is malformed: expected a JSON object"),
        "{err}"
    );
}

#[test]
fn loaded_config_debug_redacts_credentials() {
    let dir = Dir::new();
    let config = loader(
        &[],
        &dir.file("config.json", JSON),
        &dir.missing("config.yaml"),
    )
    .load()
    .unwrap();
    let debug = format!("{config:?}");
    assert!(!debug.contains("json-secret"), "{debug}");
    assert!(debug.contains("[redacted]"));
}

#[test]
fn a_named_environment_is_chosen_by_method_or_variable() {
    let dir = Dir::new();
    let yaml = dir.file("config.yaml", YAML);
    let json = dir.file("config.json", JSON);
    let sandbox = |config: rt::LoadedConfig| {
        assert_eq!(
            config.base_url.as_deref(),
            Some("https://sandbox.api.identitynow.com")
        );
        assert_eq!(config.client_id.unwrap().expose(), "sandbox-id");
        assert!(
            config.source.ends_with("(environment `sandbox`)"),
            "{}",
            config.source
        );
    };
    // The method: config.json, which would come first, is passed over for the named tenant.
    sandbox(
        loader(&[], &json, &yaml)
            .environment("sandbox")
            .load()
            .unwrap(),
    );
    // The variable, with the same effect.
    sandbox(
        loader(&[("SAIL_ENVIRONMENT", "sandbox")], &json, &yaml)
            .load()
            .unwrap(),
    );
    // The method wins over the variable.
    let prod = loader(&[("SAIL_ENVIRONMENT", "sandbox")], &json, &yaml)
        .environment("PROD")
        .load()
        .unwrap();
    assert_eq!(prod.client_id.unwrap().expose(), "prod-id");
}

#[test]
fn an_unknown_environment_is_named_with_the_known_ones() {
    let dir = Dir::new();
    let yaml = dir.file("config.yaml", YAML);
    let err = loader(&[], &dir.missing("config.json"), &yaml)
        .environment("staging")
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "configuration from {} is malformed: has no environment `staging` (it has: sandbox, prod)",
            yaml.display()
        )
    );
    let missing = dir.missing("none.yaml");
    let err = loader(&[], &missing, &missing)
        .environment("prod")
        .load()
        .unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }), "{err:?}");
}
