//! The bodies the loopback server sends: the description's own example responses.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The accounts in one full page: SailPoint's largest `limit`.
pub const PAGE_SIZE: usize = 250;

/// The workspace root (the parent of this crate).
pub fn project_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map_or_else(|| here.to_path_buf(), Path::to_path_buf)
}

/// The public beta description, vendored in `spec/sailpoint/`, or `SAILPOINT_BETA_SPEC`; `None`
/// when neither is there.
pub fn public_beta_spec() -> Option<PathBuf> {
    let path = std::env::var_os("SAILPOINT_BETA_SPEC").map_or_else(
        || project_root().join("spec/sailpoint/sailpoint-api.beta.yaml"),
        PathBuf::from,
    );
    path.is_file().then_some(path)
}

/// One account: the first item of the `FullAccounts` example of `listAccounts` in
/// `spec/paths/accounts.yaml`, as compact JSON without its `id` member (which the server
/// varies, so pages differ).
#[derive(Debug, Clone)]
pub struct AccountTemplate {
    /// The members after `id`, starting with `,` (or empty), without the closing brace.
    rest: String,
}

impl AccountTemplate {
    /// Reads the example from the description.
    pub fn from_spec() -> Result<Self, String> {
        let path = project_root().join("spec/paths/accounts.yaml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let example = doc
            .pointer("/get/responses/200/content/application~1json/examples/FullAccounts/value/0")
            .ok_or("spec/paths/accounts.yaml has no FullAccounts example")?;
        let Value::Object(members) = example else {
            return Err("the FullAccounts example is not a list of objects".into());
        };
        let mut rest = String::new();
        for (name, value) in members.iter().filter(|(name, _)| *name != "id") {
            rest.push(',');
            rest.push_str(&Value::String(name.clone()).to_string());
            rest.push(':');
            rest.push_str(&value.to_string());
        }
        Ok(Self { rest })
    }

    /// One account with the given id, as JSON.
    pub fn account(&self, id: &str) -> String {
        let mut out = String::with_capacity(self.rest.len() + id.len() + 10);
        self.push_account(&mut out, id);
        out
    }

    fn push_account(&self, out: &mut String, id: &str) {
        out.push_str("{\"id\":\"");
        out.push_str(id);
        out.push('"');
        out.push_str(&self.rest);
        out.push('}');
    }

    /// A JSON array of `count` accounts whose ids are `acct-<first>`, `acct-<first + 1>`, ….
    pub fn page(&self, first: usize, count: usize) -> String {
        let mut out = String::with_capacity(count * (self.rest.len() + 24) + 2);
        out.push('[');
        for i in 0..count {
            if i > 0 {
                out.push(',');
            }
            self.push_account(&mut out, &format!("acct-{}", first + i));
        }
        out.push(']');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_valid_json_with_distinct_ids() {
        let template = AccountTemplate::from_spec().unwrap();
        let page: Vec<Value> = serde_json::from_str(&template.page(10, 3)).unwrap();
        assert_eq!(page.len(), 3);
        assert_eq!(page[2]["id"], "acct-12");
        assert_eq!(page[0]["name"], "Geovanni.0a7cad6df");
    }
}
