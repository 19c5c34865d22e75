//! The headers of a call that are the same on every attempt.

use http::header::{HeaderName, ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::body::RequestBody;
use crate::client::{Client, EXPERIMENTAL_HEADER};
use crate::request::Request;

impl Client {
    /// Headers that are the same on every attempt: the operation's, then the client's
    /// default headers where the operation set none of that name, then the caller's per-call
    /// headers, which replace any of the same name.
    pub(crate) fn fixed_headers(
        &self,
        request: &Request,
        body: Option<&RequestBody>,
    ) -> Result<HeaderMap, String> {
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let (name, value) = parse_header(name, value)?;
            headers.append(name, value);
        }
        let accept = request.accept.unwrap_or("application/json");
        let accept = HeaderValue::from_str(accept)
            .map_err(|_| format!("`{accept}` is not a valid media type"))?;
        headers.insert(ACCEPT, accept);
        if let Some(body) = body {
            let content_type = HeaderValue::from_str(&body.content_type)
                .map_err(|_| format!("`{}` is not a valid content type", body.content_type))?;
            headers.insert(CONTENT_TYPE, content_type);
        }
        if request.experimental {
            headers.insert(EXPERIMENTAL_HEADER, HeaderValue::from_static("true"));
        }
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        for (name, value) in &self.inner.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name, value.clone());
            }
        }
        let mut replaced = Vec::new();
        for (name, value) in &request.options.headers {
            let (name, value) = parse_header(name, value)?;
            if !replaced.contains(&name) {
                headers.remove(&name);
                replaced.push(name.clone());
            }
            headers.append(name, value);
        }
        Ok(headers)
    }
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header `{name}` is not a valid header value"))?;
    Ok((name, value))
}
