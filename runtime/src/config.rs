//! `ClientBuilder`: every client setting, validated once in `build`.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::auth::{Auth, Bearer, TokenProvider};
use crate::client::{ApiRoot, Client, Inner, Timeouts};
use crate::clock::{Clock, Jitter, RandomJitter, SystemClock};
use crate::error::ConfigError;
use crate::middleware::Middleware;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::retry::RetryPolicy;
use crate::secret::{Redactor, Secret};

/// The default cap on a response body: large listings fit, a runaway body does not.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

// Here rather than in `client.rs`, so that the client does not depend on its builder.
impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Builds a [`Client`]. Obtain one with [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_url: Option<String>,
    client_credentials: Option<(Secret, Secret)>,
    access_token: Option<Secret>,
    token_url: Option<String>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    rate_limit: Option<RateLimit>,
    max_response_bytes: u64,
    experimental: bool,
    user_agent_suffix: Option<String>,
    default_headers: Vec<(String, String)>,
    strict_decoding: bool,
    middleware: Vec<Arc<dyn Middleware>>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_url", &self.api_url)
            .field("client_credentials", &self.client_credentials)
            .field("access_token", &self.access_token)
            .field("token_url", &self.token_url)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("experimental", &self.experimental)
            .field("strict_decoding", &self.strict_decoding)
            // Names only: a default header may carry a credential.
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("middleware", &self.middleware.len())
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_url: None,
            client_credentials: None,
            access_token: None,
            token_url: None,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            rate_limit: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            experimental: false,
            user_agent_suffix: None,
            default_headers: Vec::new(),
            strict_decoding: false,
            middleware: Vec::new(),
            clock: Arc::new(SystemClock),
            jitter: Arc::new(RandomJitter),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// The tenant base URL, e.g. `https://acme.api.identitynow.com`. Each operation adds its
    /// own API version path (`/v3`, `/beta`, `/v2024`, `/v2025`), so one client serves every
    /// version; the token URL is derived from it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// An API root used as is, with no version path added (a mock server such as Prism that
    /// serves one version's description at its root); takes the place of the base URL for API
    /// calls.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// OAuth2 client credentials (a personal access token's id and secret).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_credentials = Some((Secret::new(client_id), Secret::new(client_secret)));
        self
    }

    /// A static bearer token; takes the place of client credentials.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(Secret::new(token));
        self
    }

    /// The token endpoint (default `{base_url}/oauth/token`, or the API URL's origin +
    /// `/oauth/token` when only an API URL is set).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// All timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// The per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = timeout;
        self
    }

    /// An overall deadline per call, across attempts and waits.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.timeouts.deadline = Some(deadline);
        self
    }

    /// Enables the client-side rate limiter.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The largest response body accepted (default 32 MiB).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows experimental operations, which are sent with `X-SailPoint-Experimental: true`.
    pub fn experimental(mut self, enabled: bool) -> Self {
        self.experimental = enabled;
        self
    }

    /// Text appended to the `User-Agent` after `SailPoint-SDK-Rust/<version>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A header sent with every call (Prism's `Prefer`, a proxy's tenant header); repeatable.
    /// An operation's own header of the same name, or a per-call one, takes its place. An
    /// `Authorization` default replaces the bearer token: the client then fetches none.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Fails a call whose response has a value that does not fit the description (a string
    /// field that arrives as a number, a `null` in a list of strings), naming its JSON path.
    /// Off by default: the value is then dropped with a `tracing` warning, since one odd field
    /// should not cost the whole response.
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = strict;
        self
    }

    /// Adds a middleware run around every attempt; the first added runs outermost.
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// The clock used for waits and expiry (tests inject a fake one).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The jitter source for backoff (tests inject a fixed one).
    pub fn jitter(mut self, jitter: impl Jitter) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// A preconfigured reqwest client (proxies, TLS roots...). Its own connect timeout and
    /// redirect policy then apply instead of the builder's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let base_url = self
            .base_url
            .as_deref()
            .map(|u| parse_url("base_url", u))
            .transpose()?;
        let api_root = match (&self.api_url, &base_url) {
            (Some(api_url), _) => ApiRoot::Unversioned(parse_url("api_url", api_url)?),
            (None, Some(base)) => ApiRoot::Tenant(base.clone()),
            (None, None) => {
                return Err(ConfigError::Missing {
                    source_name: "the client builder".to_owned(),
                    missing: "base_url or api_url".to_owned(),
                })
            }
        };

        // The credentials every kept body is masked for; an attempt adds its access token.
        let redactor;
        let auth = match (self.access_token, self.client_credentials) {
            (Some(token), _) if !token.is_empty() => {
                redactor = Redactor::new([token.clone()]);
                Auth::Static(Bearer::new(token))
            }
            (_, Some((id, secret))) if !id.is_empty() && !secret.is_empty() => {
                redactor = Redactor::new([id.clone(), secret.clone()]);
                let token_url = match (&self.token_url, &base_url) {
                    (Some(url), _) => parse_url("token_url", url)?,
                    (None, Some(base)) => format!("{base}/oauth/token"),
                    (None, None) => format!("{}/oauth/token", origin(api_root.url())?),
                };
                let token_url =
                    reqwest::Url::parse(&token_url).map_err(|e| invalid("token_url", e))?;
                Auth::ClientCredentials(TokenProvider::new(token_url, id, secret))
            }
            _ => {
                return Err(ConfigError::Missing {
                    source_name: "the client builder".to_owned(),
                    missing: "client_credentials (client id and secret) or access_token".to_owned(),
                })
            }
        };

        let rate_limiter = match self.rate_limit {
            Some(limit) if limit.requests == 0 || limit.per.is_zero() => {
                return Err(ConfigError::Invalid {
                    field: "rate_limit",
                    reason: "requests and window must both be non-zero".to_owned(),
                })
            }
            Some(limit) => Some(RateLimiter::new(limit, self.clock.now())),
            None => None,
        };
        if self.max_response_bytes == 0 {
            return Err(ConfigError::Invalid {
                field: "max_response_bytes",
                reason: "must be at least 1".to_owned(),
            });
        }

        let mut user_agent = format!("SailPoint-SDK-Rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent_suffix.as_deref().filter(|s| !s.is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| ConfigError::Invalid {
            field: "user_agent_suffix",
            reason: "must be visible ASCII".to_owned(),
        })?;

        let mut default_headers = http::HeaderMap::new();
        for (name, value) in &self.default_headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("default_header", format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(
                    "default_header",
                    format!("the value of `{name}` is not a valid header value"),
                )
            })?;
            let mut value = value;
            // Keeps a custom `Authorization` (or any credential) out of debug output.
            value.set_sensitive(true);
            default_headers.append(name, value);
        }

        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.timeouts.connect)
                // An API call that redirects is unexpected; hand the 3xx to the caller rather
                // than replay a request (and its token) somewhere else.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| invalid("http client", e))?,
        };

        Ok(Client::from_inner(Inner {
            http,
            api_root,
            auth,
            redactor: redactor.with_all(self.default_headers.iter().filter_map(|(name, value)| {
                // A default `Authorization` (custom auth) or API key is a credential too.
                let name = name.to_ascii_lowercase();
                let credential = matches!(
                    name.as_str(),
                    "authorization" | "proxy-authorization" | "cookie" | "x-api-key"
                );
                credential.then(|| Secret::new(value.clone()))
            })),
            retry: self.retry,
            timeouts: self.timeouts,
            rate_limiter,
            max_response_bytes: self.max_response_bytes,
            experimental: self.experimental,
            user_agent,
            default_headers,
            strict_decoding: self.strict_decoding,
            middleware: self.middleware.into(),
            clock: self.clock,
            jitter: self.jitter,
        }))
    }
}

fn invalid(field: &'static str, reason: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        field,
        reason: reason.to_string(),
    }
}

/// Checks an http(s) URL and returns it without trailing `/`.
fn parse_url(field: &'static str, raw: &str) -> Result<String, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed)
        .map_err(|e| invalid(field, format!("`{trimmed}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(field, format!("`{trimmed}` is not an http(s) URL")));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid(
            field,
            "must not contain credentials, a query or a fragment".to_owned(),
        ));
    }
    Ok(trimmed.to_owned())
}

fn origin(url: &str) -> Result<String, ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid("api_url", e))?;
    Ok(parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debug(client: &Client) -> String {
        format!("{client:?}")
    }

    #[test]
    fn base_url_gets_the_version_path_and_token_url() {
        let client = ClientBuilder::default()
            .base_url("https://acme.api.identitynow.com/")
            .client_credentials("id", "secret")
            .build()
            .unwrap();
        assert_eq!(
            client.api_root("/beta"),
            "https://acme.api.identitynow.com/beta"
        );
        assert_eq!(
            client.api_root("v3/"),
            "https://acme.api.identitynow.com/v3"
        );
        assert_eq!(client.api_root(""), "https://acme.api.identitynow.com");
        assert!(debug(&client).contains("https://acme.api.identitynow.com/oauth/token"));
    }

    #[test]
    fn api_url_is_used_as_is() {
        let client = ClientBuilder::default()
            .base_url("https://acme.api.identitynow.com")
            .api_url("http://127.0.0.1:4010/")
            .client_credentials("id", "secret")
            .build()
            .unwrap();
        assert_eq!(client.api_root("/v2025"), "http://127.0.0.1:4010");
        assert!(debug(&client).contains("https://acme.api.identitynow.com/oauth/token"));
        let alone = ClientBuilder::default()
            .api_url("http://127.0.0.1:4010/mock/beta")
            .client_credentials("id", "secret")
            .build()
            .unwrap();
        assert!(debug(&alone).contains("http://127.0.0.1:4010/oauth/token"));
    }

    #[test]
    fn missing_settings_are_named() {
        let err = ClientBuilder::default()
            .access_token("t")
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration from the client builder is incomplete: missing base_url or api_url"
        );
        let err = ClientBuilder::default()
            .base_url("https://x.example")
            .client_credentials("id", "")
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration from the client builder is incomplete: missing client_credentials (client id and secret) or access_token"
        );
    }

    #[test]
    fn invalid_settings_are_refused() {
        let base = || ClientBuilder::default().access_token("t");
        for (builder, field) in [
            (base().base_url("acme.api.identitynow.com"), "base_url"),
            (base().base_url("ftp://x.example"), "base_url"),
            (base().api_url("https://user:pw@x.example"), "api_url"),
            (
                base().base_url("https://x.example").max_response_bytes(0),
                "max_response_bytes",
            ),
            (
                base()
                    .base_url("https://x.example")
                    .rate_limit(RateLimit::new(0, Duration::from_secs(1))),
                "rate_limit",
            ),
            (
                base()
                    .base_url("https://x.example")
                    .user_agent_suffix("bad\nvalue"),
                "user_agent_suffix",
            ),
        ] {
            match builder.build() {
                Err(ConfigError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected an invalid-setting error, got {other:?}"),
            }
        }
    }
}
