//! How a builder decodes a response: the success type and its match arms, and the pattern of
//! each declared status.

use super::types::{option, rust_type};
use crate::ir::{Operation, Status, Success};
use serde::Serialize;

/// One arm of the match on the status of a success response.
#[derive(Serialize)]
pub struct Arm {
    pub pattern: String,
    pub expr: String,
}

/// The success type (decided by `normalize::decide_success`, read by the reference pages too)
/// and the match arms that decode it.
pub fn success(op: &Operation) -> (String, Vec<Arm>) {
    let error = &op.error_type;
    let (body_ty, raw, optional) = match &op.success {
        // Success statuses with different bodies decode, each, as a JSON value.
        Success::Json if op.responses.iter().any(|r| r.status.is_success()) => {
            (Some("::serde_json::Value".to_string()), false, false)
        }
        // No success status declared: any 2xx body is taken as JSON.
        Success::Json => {
            return (
                "::serde_json::Value".into(),
                vec![Arm {
                    pattern: "200..=299".into(),
                    expr: format!("response.json::<::serde_json::Value, {error}>()"),
                }],
            );
        }
        Success::Unit => (None, false, false),
        Success::Body {
            raw: true,
            optional,
            ..
        } => (Some("rt::Download".to_string()), true, *optional),
        Success::Body {
            ty,
            raw: false,
            optional,
        } => (Some(rust_type(ty)), false, *optional),
    };
    let arms = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .map(|r| {
            let has_body = r.raw || r.ty.is_some();
            let decode = match &body_ty {
                // The body is streamed: the download is handed over unread.
                Some(_) if raw => {
                    format!("::std::result::Result::<_, rt::Error<{error}>>::Ok(response)")
                }
                Some(ty) => format!("response.json::<{ty}, {error}>()"),
                None => String::new(),
            };
            let expr = match (&body_ty, has_body, optional) {
                (Some(_), true, true) if raw => format!(
                    "::std::result::Result::<_, rt::Error<{error}>>::Ok(::std::option::Option::Some(response))"
                ),
                (Some(_), true, false) => decode,
                (Some(_), true, true) => format!("{decode}.map(::std::option::Option::Some)"),
                (Some(_), false, _) if raw => format!(
                    "::std::result::Result::<_, rt::Error<{error}>>::Ok(::std::option::Option::None)"
                ),
                (Some(_), false, _) => {
                    format!("response.empty::<{error}>().map(|()| ::std::option::Option::None)")
                }
                (None, _, _) => format!("response.empty::<{error}>()"),
            };
            Arm { pattern: status_pattern(r.status), expr }
        })
        .collect();
    let ty = match (body_ty, optional) {
        (Some(ty), true) => option(&ty),
        (Some(ty), false) => ty,
        (None, _) => "()".to_string(),
    };
    (ty, arms)
}

pub fn status_pattern(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{0}00..={0}99", class),
        Status::Default => "_".to_string(),
    }
}
