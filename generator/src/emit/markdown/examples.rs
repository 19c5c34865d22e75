//! Example values and example programs.
//!
//! Values come from the description: a parameter's `example` (or `default`), a request body's
//! first named example, a schema's `example`, or one built from its properties' examples. A
//! value that does not fit its Rust type is replaced by a built one, so every program compiles
//! and every model example decodes. The pages' doctests check both.

use super::types;
use super::values::{fits, fitting, model_value, value_of};
use crate::emit::types::literal;
use crate::ir::{Api, IntWidth, Model, ModelKind, Operation, Parameter, Success, Tag, TypeRef};
use crate::names;
use serde_json::Value;

/// Rust source for a JSON value, laid out for `indent` spaces.
fn json_macro(value: &Value, indent: usize) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    let pad = " ".repeat(indent);
    let body = pretty.lines().collect::<Vec<_>>().join(&format!("\n{pad}"));
    format!("serde_json::json!({body})")
}

/// A statement that binds `var` to a value of `ty` decoded from `value`.
pub(super) fn decoded(var: &str, ty: &TypeRef, value: &Value) -> String {
    format!(
        "let {var}: {} = serde_json::from_value({})?;",
        types::code(ty),
        json_macro(value, 4)
    )
}

/// A Rust expression of type `ty` for a parameter value, or `None` when the value has to be
/// decoded from JSON.
pub(super) fn literal_expr(
    api: &Api,
    ty: &TypeRef,
    value: Option<&Value>,
    fallback: &str,
) -> Option<String> {
    Some(match ty {
        TypeRef::String | TypeRef::FormattedString(_) => literal(&match value {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => fallback.to_string(),
            Some(other) => other.to_string(),
        }),
        TypeRef::Integer(width) => {
            let n = value.and_then(Value::as_i64).unwrap_or(0);
            match width {
                IntWidth::I32 if i32::try_from(n).is_err() => "0".to_string(),
                _ => n.to_string(),
            }
        }
        TypeRef::Number => {
            let n = value
                .and_then(Value::as_f64)
                .filter(|n| n.is_finite())
                .unwrap_or(0.0);
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{n:.1}")
            } else {
                format!("{n}")
            }
        }
        TypeRef::Boolean => value.and_then(Value::as_bool).unwrap_or(false).to_string(),
        TypeRef::Named(name) => {
            let model = api.model(name)?;
            match &model.kind {
                ModelKind::Enum(e) => {
                    let wanted = value.and_then(Value::as_str);
                    match e
                        .variants
                        .iter()
                        .find(|v| Some(v.name.wire.as_str()) == wanted)
                        .or(e.variants.first())
                    {
                        Some(variant) => format!("models::{name}::{}", variant.name.rust),
                        None => format!(
                            "models::{name}::Unknown({}.to_string())",
                            literal(wanted.unwrap_or("value"))
                        ),
                    }
                }
                ModelKind::Alias(target) => literal_expr(api, target, value, fallback)?,
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Names the example programs use for themselves; a parameter of the same name is renamed.
const LOCALS: &[&str] = &["api", "client", "result", "items", "item", "models"];

pub(super) fn variable(name: &str) -> String {
    if LOCALS.contains(&names::unraw(name)) {
        format!("{}_value", names::unraw(name))
    } else {
        name.to_string()
    }
}

/// One value passed to an operation: bound to a variable first, or written in place.
struct Argument {
    binding: Option<String>,
    expr: String,
}

fn parameter_argument(api: &Api, param: &Parameter) -> Argument {
    let value = param.example.as_ref().or(param.default.as_ref());
    let var = variable(&param.name.rust);
    let fallback = param.name.wire.clone();
    match literal_expr(api, &param.ty, value, &fallback) {
        Some(expr) if param.required => {
            let comment = short_comment(param.description.as_deref());
            Argument {
                binding: Some(format!("let {var} = {expr};{comment}")),
                expr: var,
            }
        }
        Some(expr) => Argument {
            binding: None,
            expr,
        },
        None => {
            let value = fitting(api, &param.ty, value);
            Argument {
                binding: Some(decoded(&var, &param.ty, &value)),
                expr: var,
            }
        }
    }
}

/// A description short enough to follow a statement as a comment.
fn short_comment(description: Option<&str>) -> String {
    match description.map(str::trim) {
        Some(text) if !text.is_empty() && !text.contains('\n') && text.len() <= 60 => {
            format!(" // {text}")
        }
        _ => String::new(),
    }
}

/// The arguments and the call of an operation example.
pub(super) struct Call {
    pub(super) bindings: Vec<String>,
    /// `api.op(args)`, then one setter per optional parameter.
    pub(super) chain: Vec<String>,
    pub(super) deprecated: bool,
    /// Paths the bindings need imported (a form type, `FilePart`).
    pub(super) uses: Vec<String>,
}

/// The arguments and call of `op`: with every optional parameter when `optional`, and the
/// body `chosen` (a comment saying what it is, and the value) in place of the description's
/// examples when given.
pub(super) fn call(
    api: &Api,
    op: &Operation,
    optional: bool,
    chosen: Option<(String, Value)>,
) -> Call {
    let mut bindings = Vec::new();
    let mut uses = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for param in op.parameters.iter().filter(|p| optional || p.required) {
        let argument = parameter_argument(api, param);
        bindings.extend(argument.binding);
        if param.required {
            args.push(argument.expr);
        } else {
            setters.push(format!(".{}({})", param.name.rust, argument.expr));
        }
    }
    if let Some(body) = op.body.as_ref().filter(|b| optional || b.required) {
        let var = variable(&body.name.rust);
        let value = match body.examples.iter().find(|e| fits(api, &body.ty, &e.value)) {
            _ if chosen.is_some() => {
                let (comment, value) = chosen.clone().unwrap_or_default();
                bindings.push(comment);
                value
            }
            Some(example) => {
                let mut origin = format!("// The \"{}\" example", example.name);
                if let Some(summary) = example.summary.as_deref().and_then(|s| s.lines().next()) {
                    origin.push_str(&format!(": {}", summary.trim()));
                }
                bindings.push(origin);
                let others: Vec<&str> = body
                    .examples
                    .iter()
                    .filter(|e| e.name != example.name)
                    .map(|e| e.name.as_str())
                    .collect();
                if !others.is_empty() {
                    bindings.push(format!(
                        "// (the description also has: {})",
                        others.join(", ")
                    ));
                }
                example.value.clone()
            }
            None => value_of(api, &body.ty),
        };
        match &body.form {
            Some(form) => {
                let taken: Vec<&str> = op.parameters.iter().map(|p| p.name.rust.as_str()).collect();
                bindings.extend(super::transfers::form_binding(api, form, &var, &taken));
                uses.extend(super::transfers::form_uses(api, op, form));
            }
            None => bindings.push(decoded(&var, &body.ty, &value)),
        }
        if body.required {
            args.push(var);
        } else {
            setters.push(format!(".{}({var})", body.name.rust));
        }
    }
    let mut chain = vec![format!("api.{}({})", op.name.rust, args.join(", "))];
    chain.extend(setters);
    Call {
        bindings,
        chain,
        deprecated: op.deprecated.is_some(),
        uses,
    }
}

/// `chain` as one statement, laid out as rustfmt would: on one line when it fits, else the
/// call on its own line, else one call per line.
pub(super) fn statement(head: &str, chain: &[String], tail: &[&str]) -> String {
    let parts: Vec<&str> = chain
        .iter()
        .map(String::as_str)
        .chain(tail.iter().copied())
        .collect();
    let expr = parts.concat();
    let one_line = format!("    {head}{expr};");
    if one_line.len() <= 100 {
        return one_line;
    }
    if chain.len() == 1 && expr.len() + 8 <= 100 {
        return format!("    {}\n        {expr};", head.trim_end());
    }
    let (receiver, first) = parts[0].split_once('.').unwrap_or((parts[0], ""));
    let mut text = format!("    {head}{receiver}\n        .{first}");
    for part in &parts[1..] {
        text.push_str("\n        ");
        text.push_str(part);
    }
    text.push(';');
    text
}

/// An async `main` around `body`, with the imports it needs and the client it calls through.
pub(super) fn program(
    api: &Api,
    tag: &Tag,
    op: &Operation,
    extra_uses: &[&str],
    call: &Call,
    body: Vec<String>,
) -> String {
    let mut lines = vec![
        "#[tokio::main]".to_string(),
        "async fn main() -> Result<(), Box<dyn std::error::Error>> {".to_string(),
        "    // The client reads its settings from the SAIL_* environment variables, ./config.json"
            .to_string(),
        "    // or the SailPoint CLI's configuration.".to_string(),
    ];
    if op.experimental {
        lines.push("    // The operation is experimental: the client has to allow it.".to_string());
        lines.push(format!(
            "    let client = {}::runtime::ConfigLoader::new().load()?.into_builder().experimental(true).build()?;",
            api.lib_name
        ));
    } else {
        lines.push("    let client = Client::from_env()?;".to_string());
    }
    lines.push(format!("    let api = {}::new(client);", tag.name.rust));
    lines.push(String::new());
    lines.extend(call.bindings.iter().map(|b| format!("    {b}")));
    if !call.bindings.is_empty() {
        lines.push(String::new());
    }
    lines.extend(body);
    lines.push("    Ok(())".to_string());
    lines.push("}".to_string());
    let mut items = Vec::new();
    if lines.iter().any(|line| line.contains("models::")) {
        items.push("models".to_string());
    }
    items.push(tag.name.rust.clone());
    items.push("Client".to_string());
    let mut head: Vec<String> = extra_uses
        .iter()
        .copied()
        .chain(call.uses.iter().map(String::as_str))
        .map(|u| format!("use {u};"))
        .collect();
    head.push(format!("use {}::{{{}}};", api.lib_name, items.join(", ")));
    head.push(String::new());
    head.extend(lines);
    head.join("\n")
}

const ALLOW_DEPRECATED: &str = "    #[allow(deprecated)] // The API deprecates this operation.";

/// A complete program that calls `op` with every parameter set, and prints the result.
pub fn operation(api: &Api, tag: &Tag, op: &Operation) -> String {
    let call = call(api, op, true, None);
    let mut body = Vec::new();
    if let Some(summary) = op.summary.as_deref().and_then(|s| s.lines().next()) {
        body.push(format!("    // {}", summary.trim()));
    }
    if call.chain.len() > 1 {
        body.push(
            "    // Every optional parameter is set here; leave out those you do not need."
                .to_string(),
        );
    }
    if call.deprecated {
        body.push(ALLOW_DEPRECATED.to_string());
    }
    match &op.success {
        Success::Unit => {
            body.push(statement("", &call.chain, &[".send()", ".await?"]));
            body.push("    println!(\"done\");".to_string());
        }
        success @ Success::Body { raw: true, .. } => {
            body.extend(super::transfers::download(success, &call));
        }
        success => {
            // The type is written out: the doctest checks that it is what the call returns.
            body.push(statement(
                &format!("let result: {} = ", success.code()),
                &call.chain,
                &[".send()", ".await?"],
            ));
            body.push("    println!(\"{}\", serde_json::to_string_pretty(&result)?);".to_string());
        }
    }
    program(api, tag, op, &[], &call, body)
}

/// A program that reads every item of a paginated operation, page after page.
pub fn stream(api: &Api, tag: &Tag, op: &Operation) -> Option<String> {
    op.pagination.as_ref()?;
    let call = call(api, op, false, None);
    let mut body =
        vec!["    // Pages are fetched one after the other as the stream is read.".to_string()];
    if call.deprecated {
        body.push(ALLOW_DEPRECATED.to_string());
    }
    body.push(statement(
        "let mut items = ",
        &call.chain,
        &[".into_stream()"],
    ));
    body.push("    while let Some(item) = items.try_next().await? {".to_string());
    body.push("        println!(\"{}\", serde_json::to_string(&item)?);".to_string());
    body.push("    }".to_string());
    Some(program(
        api,
        tag,
        op,
        &["futures_util::TryStreamExt"],
        &call,
        body,
    ))
}

/// A program that builds `model` from its example and prints it; it runs as a doctest, so the
/// example is known to decode.
pub fn model(api: &Api, model: &Model) -> String {
    let name = &model.name.rust;
    let var = names::snake(name);
    let var = if LOCALS.contains(&names::unraw(&var)) {
        format!("{}_value", names::unraw(&var))
    } else {
        var
    };
    // The module, not the type: a model may be called `Result` or `Option`.
    let import = format!("use {}::models;", api.lib_name);
    match &model.kind {
        ModelKind::Enum(e) => {
            let listed: Vec<&str> = e.variants.iter().map(|v| v.name.wire.as_str()).collect();
            let mut unlisted = "NOT_A_LISTED_VALUE".to_string();
            while listed.contains(&unlisted.as_str()) {
                unlisted.push('_');
            }
            let mut lines = vec![import, String::new(), "fn main() {".to_string()];
            let wanted = model.example.as_ref().and_then(Value::as_str);
            if let Some(variant) = e
                .variants
                .iter()
                .find(|v| Some(v.name.wire.as_str()) == wanted)
                .or(e.variants.first())
            {
                let wire = literal(&variant.name.wire);
                lines.push(format!(
                    "    let {var} = models::{name}::{};",
                    variant.name.rust
                ));
                lines.push(format!("    assert_eq!({var}.as_str(), {wire});"));
                lines.push(format!(
                    "    assert_eq!({wire}.parse::<models::{name}>(), Ok({var}));"
                ));
            }
            lines.push(
                "    // A value this version of the SDK does not list is kept as sent.".to_string(),
            );
            let unlisted = literal(&unlisted);
            lines.push(format!(
                "    assert_eq!(models::{name}::from({unlisted}), models::{name}::Unknown({unlisted}.to_string()));"
            ));
            lines.push("}".to_string());
            lines.join("\n")
        }
        _ => {
            let value = model_value(api, model);
            [
                import,
                String::new(),
                "fn main() -> Result<(), serde_json::Error> {".to_string(),
                format!(
                    "    let {var}: models::{name} = serde_json::from_value({})?;",
                    json_macro(&value, 4)
                ),
                // A raw identifier (`r#mod`) cannot be captured in a format string.
                if var.starts_with("r#") {
                    format!("    println!(\"{{:#?}}\", {var});")
                } else {
                    format!("    println!(\"{{{var}:#?}}\");")
                },
                "    Ok(())".to_string(),
                "}".to_string(),
            ]
            .join("\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_for_its_place() {
        let value = serde_json::json!({"a": [1, 2]});
        assert_eq!(
            json_macro(&value, 4),
            "serde_json::json!({\n      \"a\": [\n        1,\n        2\n      ]\n    })"
        );
    }

    #[test]
    fn locals_are_not_shadowed() {
        assert_eq!(variable("api"), "api_value");
        assert_eq!(variable("r#type"), "r#type");
        assert_eq!(variable("id"), "id");
    }
}
