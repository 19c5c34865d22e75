//! Bearer tokens: a static access token, or OAuth2 client credentials with a cached token that
//! is refreshed ahead of expiry, once for all concurrent callers.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::clock::Clock;
use crate::error::AuthError;
use crate::secret::Secret;
use crate::transport::{read_body, BodyError};

/// Refresh this long before expiry so a token never expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Used when the token endpoint omits `expires_in`; shorter than SailPoint's usual 749 s.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longer than any token SailPoint issues; a guard against nonsense, not a policy.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// A token response is a few hundred bytes; anything much bigger is not one.
const TOKEN_BODY_LIMIT: u64 = 64 * 1024;

/// How requests are authenticated.
pub(crate) enum Auth {
    /// A bearer token supplied by the caller; it cannot be refreshed.
    Static(Bearer),
    /// OAuth2 client credentials.
    ClientCredentials(TokenProvider),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Static(_) => f.write_str("AccessToken([redacted])"),
            Auth::ClientCredentials(p) => f
                .debug_struct("ClientCredentials")
                .field("token_url", &p.token_url.as_str())
                .field("client_id", &p.client_id)
                .field("client_secret", &p.client_secret)
                .finish(),
        }
    }
}

pub(crate) struct TokenProvider {
    token_url: reqwest::Url,
    client_id: Secret,
    client_secret: Secret,
    // A tokio mutex held across the token request: concurrent callers queue behind the one
    // fetching, then find the fresh token, so an expired token causes exactly one request.
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    token: Bearer,
    refresh_at: Instant,
}

/// An access token with its `Authorization` header value, built once per token rather than on
/// every call. Cloning shares both.
#[derive(Clone)]
pub(crate) struct Bearer {
    token: Secret,
    /// `None` when the token has characters a header cannot carry; each attempt reports that.
    authorization: Option<http::HeaderValue>,
}

impl Bearer {
    pub(crate) fn new(token: Secret) -> Self {
        let authorization = http::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .ok()
            .map(|mut value| {
                // Keeps the token out of any debug output of a header map (hyper, reqwest, us).
                value.set_sensitive(true);
                value
            });
        Self {
            token,
            authorization,
        }
    }

    pub(crate) fn token(&self) -> &Secret {
        &self.token
    }

    /// The `Authorization` header's value, or `None` if the token cannot be sent in one.
    pub(crate) fn authorization(&self) -> Option<&http::HeaderValue> {
        self.authorization.as_ref()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// What the token request needs from the client.
pub(crate) struct TokenContext<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) timeout: Duration,
    /// The same `User-Agent` API calls carry, so the tenant's logs show one client.
    pub(crate) user_agent: &'a http::HeaderValue,
}

impl Auth {
    /// The bearer token to send now.
    pub(crate) async fn token(&self, cx: &TokenContext<'_>) -> Result<Bearer, AuthError> {
        match self {
            Auth::Static(token) => Ok(token.clone()),
            Auth::ClientCredentials(provider) => provider.token(cx).await,
        }
    }

    /// Whether a 401 can be answered by fetching a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Auth::ClientCredentials(_))
    }

    /// Forgets `used` after the API rejected it, unless another caller already replaced it.
    pub(crate) async fn invalidate(&self, used: &Bearer) {
        if let Auth::ClientCredentials(provider) = self {
            let mut cache = provider.cache.lock().await;
            if cache.as_ref().is_some_and(|c| c.token.token == used.token) {
                *cache = None;
            }
        }
    }
}

impl TokenProvider {
    pub(crate) fn new(token_url: reqwest::Url, client_id: Secret, client_secret: Secret) -> Self {
        Self {
            token_url,
            client_id,
            client_secret,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    async fn token(&self, cx: &TokenContext<'_>) -> Result<Bearer, AuthError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            if cx.clock.now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let fetched_at = cx.clock.now();
        let response = self.fetch(cx).await?;
        // Capped so that an absurd `expires_in` cannot overflow the expiry instant.
        let lifetime = response
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs)
            .min(MAX_LIFETIME);
        let token = Bearer::new(Secret::new(response.access_token));
        *cache = Some(CachedToken {
            token: token.clone(),
            refresh_at: fetched_at + lifetime - REFRESH_MARGIN.min(lifetime / 2),
        });
        Ok(token)
    }

    async fn fetch(&self, cx: &TokenContext<'_>) -> Result<TokenResponse, AuthError> {
        tracing::debug!(token_url = %self.token_url, "requesting an access token");
        let send = async {
            let response = cx
                .http
                .post(self.token_url.clone())
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::USER_AGENT, cx.user_agent.clone())
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", self.client_id.expose()),
                    ("client_secret", self.client_secret.expose()),
                ])
                .send()
                .await
                .map_err(|e| auth_error(None, "the token request failed", None, Some(e)))?;
            let status = response.status();
            let body = read_body(response, TOKEN_BODY_LIMIT)
                .await
                .map_err(|e| match e {
                    BodyError::TooLarge => {
                        auth_error(Some(status), "the token response is too large", None, None)
                    }
                    BodyError::Transport(e) => auth_error(
                        Some(status),
                        "the token response could not be read",
                        None,
                        Some(e),
                    ),
                })?;
            Ok((status, body))
        };
        let (status, body) = tokio::time::timeout(cx.timeout, send).await.map_err(|_| {
            auth_error(
                None,
                &format!(
                    "the token request timed out after {}ms",
                    cx.timeout.as_millis()
                ),
                None,
                None,
            )
        })??;
        if !status.is_success() {
            // The endpoint may echo the form back: mask every encoding of both credentials in
            // the whole body first, then cut, so no part of one survives the cut.
            let masked = crate::secret::mask(
                &String::from_utf8_lossy(&body),
                &[self.client_id.clone(), self.client_secret.clone()],
            );
            let excerpt = crate::decode::excerpt(&masked).to_owned();
            return Err(auth_error(
                Some(status),
                "the token endpoint refused the request",
                Some(excerpt),
                None,
            ));
        }
        // No excerpt here: a 2xx body may hold a token. serde's message is left out too, since
        // it can quote values.
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            auth_error(
                Some(status),
                "the token response is not JSON with a string `access_token`",
                None,
                None,
            )
        })?;
        tracing::debug!(expires_in = parsed.expires_in, "obtained an access token");
        Ok(parsed)
    }
}

fn auth_error(
    status: Option<http::StatusCode>,
    message: &str,
    excerpt: Option<String>,
    source: Option<reqwest::Error>,
) -> AuthError {
    AuthError {
        status,
        message: message.to_owned(),
        excerpt,
        // The URL is the token endpoint: no credentials in it, but drop it anyway so error
        // chains stay short.
        source: source.map(reqwest::Error::without_url),
    }
}
