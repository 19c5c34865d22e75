//! Response statuses: the type and what is read from and said about one.

use serde::Serialize;

/// A response status as declared: a code, a range such as `4XX`, or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Status {
    Code(u16),
    Range(u8),
    Default,
}

impl Status {
    /// Reads a key of a `responses` map: `200`, `4XX` (or `4xx`), `default`.
    pub fn parse(key: &str) -> Option<Status> {
        if key.eq_ignore_ascii_case("default") {
            return Some(Status::Default);
        }
        if key.len() == 3 && (key.ends_with("XX") || key.ends_with("xx")) {
            let class = key[..1].parse::<u8>().ok()?;
            return (1..=5).contains(&class).then_some(Status::Range(class));
        }
        let code = key.parse::<u16>().ok()?;
        (100..=599).contains(&code).then_some(Status::Code(code))
    }

    /// The reason phrase of the status, as a Rust variant name (`BadRequest`).
    pub fn variant_name(self) -> String {
        match self {
            Status::Code(code) => reason(code)
                .map(str::to_string)
                .unwrap_or_else(|| format!("Status{code}")),
            Status::Range(class) => format!("Status{class}xx"),
            Status::Default => "Default".to_string(),
        }
    }

    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }

    pub fn label(self) -> String {
        match self {
            Status::Code(code) => code.to_string(),
            Status::Range(class) => format!("{class}XX"),
            Status::Default => "default".to_string(),
        }
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn statuses() {
        assert_eq!(Status::parse("200"), Some(Status::Code(200)));
        assert_eq!(Status::parse("4XX"), Some(Status::Range(4)));
        assert_eq!(Status::parse("4xx"), Some(Status::Range(4)));
        assert_eq!(Status::parse("default"), Some(Status::Default));
        assert_eq!(Status::parse("abc"), None);
        assert_eq!(Status::parse("99"), None);
        assert_eq!(Status::Code(429).variant_name(), "TooManyRequests");
        assert_eq!(Status::Code(299).variant_name(), "Status299");
        assert_eq!(Status::Range(5).variant_name(), "Status5xx");
    }
}
