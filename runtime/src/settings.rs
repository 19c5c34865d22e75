//! Plain settings the client holds: where calls go and how long they may take.

use std::time::Duration;

/// Timeouts applied to every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a TCP/TLS connection (default 5 s).
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response (default 60 s).
    pub attempt: Duration,
    /// The whole call across attempts and waits; `None` (the default) for no limit.
    pub deadline: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(60),
            deadline: None,
        }
    }
}

/// Where API calls go: a tenant, under which each operation adds its version path, or one
/// root used as is (a mock server serving one version's description at its root).
#[derive(Debug, Clone)]
pub(crate) enum ApiRoot {
    Tenant(String),
    Unversioned(String),
}

impl ApiRoot {
    pub(crate) fn url(&self) -> &str {
        match self {
            ApiRoot::Tenant(url) | ApiRoot::Unversioned(url) => url,
        }
    }

    /// The root of one API version, without trailing `/`.
    pub(crate) fn for_version(&self, version_path: &str) -> String {
        match self {
            ApiRoot::Tenant(base) => {
                let version = version_path.trim_matches('/');
                if version.is_empty() {
                    base.clone()
                } else {
                    format!("{base}/{version}")
                }
            }
            ApiRoot::Unversioned(root) => root.clone(),
        }
    }
}
