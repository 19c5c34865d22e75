//! A string that must never reach logs, error texts or `Debug` output, and the masking of
//! credentials in bodies a server sends back.

use std::fmt;
use std::sync::Arc;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What `application/x-www-form-urlencoded` leaves alone (the WHATWG set reqwest uses); a
/// space becomes `+`.
const FORM_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');
/// RFC 3986 unreserved characters, which percent-encoding proper leaves alone.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What masked text shows in place of a credential.
pub(crate) const MASK: &str = "[redacted]";

/// A credential (client secret or access token).
///
/// `Debug` and `Display` print `[redacted]`, so a `Secret` can sit inside any struct that derives
/// `Debug` without leaking. The only way to read the value is [`Secret::expose`], which makes
/// every use easy to find in review. Cloning shares the value: a client hands its token to every
/// call.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// Returns the credential itself. Call this only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the credential is the empty string (treated as "not configured").
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(Arc::from(value))
    }
}

/// The credentials a client holds, to be masked in every body it keeps. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Arc<[Secret]>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} credentials)", self.secrets.len())
    }
}

impl Redactor {
    pub(crate) fn new(secrets: impl IntoIterator<Item = Secret>) -> Self {
        Self {
            secrets: secrets.into_iter().filter(|s| !s.is_empty()).collect(),
        }
    }

    /// The same credentials and one more (the access token an attempt used). A token the
    /// client already holds (a static one) is shared, not added again: that is every call.
    pub(crate) fn with(&self, extra: &Secret) -> Self {
        if extra.is_empty() || self.secrets.contains(extra) {
            return self.clone();
        }
        self.with_all([extra.clone()])
    }

    /// The same credentials and these.
    pub(crate) fn with_all(&self, extra: impl IntoIterator<Item = Secret>) -> Self {
        Self::new(self.secrets.iter().cloned().chain(extra))
    }

    /// `body` as text with every encoding of every credential masked; see [`mask`].
    pub(crate) fn mask(&self, body: &[u8]) -> String {
        mask(&String::from_utf8_lossy(body), &self.secrets)
    }
}

/// `text` with every credential in `secrets` replaced by `[redacted]`, in each encoding a
/// server may echo it in: as written, form-encoded (`+` for a space), percent-encoded (upper
/// and lower-case hex) and JSON-escaped (with and without `\/`).
///
/// Callers mask the whole body before cutting an excerpt from it: masking an excerpt would
/// leave the start of a credential that straddles the cut.
pub(crate) fn mask(text: &str, secrets: &[Secret]) -> String {
    let mut forms: Vec<String> = secrets
        .iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| encodings(s.expose()))
        .collect();
    // Longest first, so that a form containing another is masked whole.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    let mut text = text.to_owned();
    for form in &forms {
        if text.contains(form.as_str()) {
            text = text.replace(form.as_str(), MASK);
        }
    }
    text
}

/// The spellings of `secret` worth masking.
fn encodings(secret: &str) -> Vec<String> {
    let form = utf8_percent_encode(secret, FORM_KEEP)
        .to_string()
        .replace("%20", "+");
    let uri = utf8_percent_encode(secret, URI_KEEP).to_string();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    let mut out = vec![
        secret.to_owned(),
        lower_hex(&form),
        lower_hex(&uri),
        json.replace('/', "\\/"),
        form,
        uri,
        json,
    ];
    out.retain(|f| !f.is_empty());
    out
}

/// `%2B` → `%2b`: the same percent-encoding with lower-case hex digits.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if hex_left > 0 {
            out.push(c.to_ascii_lowercase());
            hex_left -= 1;
        } else {
            if c == '%' {
                hex_left = 2;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{mask, Redactor, Secret};

    const CANARY: &str = "CANARY+s3cr3t/XYZ=";

    fn masked(text: &str) -> String {
        mask(text, &[Secret::new(CANARY), Secret::new("my id")])
    }

    #[test]
    fn every_encoding_is_masked() {
        for (text, expected) in [
            ("secret=CANARY+s3cr3t/XYZ=&x", "secret=[redacted]&x"),
            ("secret=CANARY%2Bs3cr3t%2FXYZ%3D&x", "secret=[redacted]&x"),
            ("secret=CANARY%2bs3cr3t%2fXYZ%3d&x", "secret=[redacted]&x"),
            (r#"{"s":"CANARY+s3cr3t/XYZ="}"#, r#"{"s":"[redacted]"}"#),
            (r#"{"s":"CANARY+s3cr3t\/XYZ="}"#, r#"{"s":"[redacted]"}"#),
            (
                "id=my+id&id=my%20id&id=my id",
                "id=[redacted]&id=[redacted]&id=[redacted]",
            ),
            ("nothing here", "nothing here"),
        ] {
            assert_eq!(masked(text), expected, "{text}");
        }
    }

    #[test]
    fn json_escapes_are_masked() {
        let secret = Secret::new("a\"b\\c");
        assert_eq!(
            mask(r#"{"s":"a\"b\\c"}"#, &[secret]),
            r#"{"s":"[redacted]"}"#
        );
    }

    #[test]
    fn a_call_token_is_masked_beside_the_client_credentials() {
        let client = Redactor::new([Secret::new("client-secret")]);
        let call = client.with(&Secret::new("tok-1"));
        let body = b"client-secret tok-1 tok-2";
        assert_eq!(call.mask(body), "[redacted] [redacted] tok-2");
        assert_eq!(client.mask(body), "[redacted] tok-1 tok-2");
        let both = call.with(&Secret::new("tok-2"));
        assert_eq!(both.mask(body), "[redacted] [redacted] [redacted]");
        assert_eq!(format!("{both:?}"), "Redactor(3 credentials)");
        // A token the client already masks (a static one) is not counted twice.
        let same = client.with(&Secret::new("client-secret"));
        assert_eq!(format!("{same:?}"), "Redactor(1 credentials)");
    }

    #[test]
    fn empty_secrets_mask_nothing() {
        assert_eq!(mask("abc", &[Secret::new("")]), "abc");
    }

    #[test]
    fn debug_and_display_redact() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(secret.expose(), "hunter2");
    }
}
