//! The example code of the operations that are not JSON in, JSON out: a form filled in (a
//! file part read from disk), a download streamed to a file, and a search streamed past
//! 10,000 records.

use super::examples::{call, decoded, literal_expr, program, statement, variable, Call};
use super::values::{fits, fitting, value_of};
use crate::emit::types::literal;
use crate::ir::{Api, Form, FormFieldKind, ModelKind, Operation, Success, Tag, TypeRef};
use serde_json::Value;

/// The imports a form example needs: the form type and `FilePart`.
pub fn form_uses(api: &Api, op: &Operation, form: &Form) -> Vec<String> {
    let module = &api.tags[op.tag].module;
    let mut uses = vec![format!(
        "{}::apis::{module}::{}",
        api.lib_name, form.type_name
    )];
    if form
        .fields
        .iter()
        .any(|f| matches!(f.kind, FormFieldKind::File | FormFieldKind::Files))
    {
        uses.push(format!("{}::runtime::FilePart", api.lib_name));
    }
    uses
}

/// Statements that bind `var` to a filled-in form: file parts read from files named after
/// what the description says they hold, text parts from the property's example. `taken` are
/// the names the operation's parameters already bind.
pub fn form_binding(api: &Api, form: &Form, var: &str, taken: &[&str]) -> Vec<String> {
    let mut bindings = Vec::new();
    let mut members = Vec::new();
    for field in &form.fields {
        let name = &field.name.rust;
        let value = match &field.kind {
            FormFieldKind::File => {
                file_expr(field.name.wire.as_str(), field.description.as_deref())
            }
            FormFieldKind::Files => format!(
                "vec![{}]",
                file_expr(field.name.wire.as_str(), field.description.as_deref())
            ),
            FormFieldKind::Text(ty) | FormFieldKind::Json(ty) => {
                let example = field.example.as_ref();
                match (ty, literal_expr(api, ty, example, &field.name.wire)) {
                    (TypeRef::String, Some(text)) => format!("{text}.to_string()"),
                    (
                        TypeRef::Named(_)
                        | TypeRef::Integer(_)
                        | TypeRef::Number
                        | TypeRef::Boolean,
                        Some(expr),
                    ) => expr,
                    _ => {
                        let mut local = variable(name);
                        if taken.contains(&local.as_str()) || local == var {
                            local = format!("form_{}", crate::names::unraw(&local));
                        }
                        bindings.push(decoded(&local, ty, &fitting(api, ty, example)));
                        local
                    }
                }
            }
        };
        let value = if field.required || field.kind == FormFieldKind::Files {
            value
        } else {
            format!("Some({value})")
        };
        members.push(format!("        {name}: {value},"));
    }
    let mut literal = format!("let {var} = {} {{", form.type_name);
    if members.is_empty() {
        literal.push_str("};");
    } else {
        for member in members {
            literal.push('\n');
            literal.push_str(&member);
        }
        literal.push_str("\n    };");
    }
    bindings.push(literal);
    bindings
}

/// A `FilePart` read from a file whose extension matches what the part is said to hold.
fn file_expr(wire: &str, description: Option<&str>) -> String {
    let text = description.unwrap_or_default().to_ascii_lowercase();
    let extension = [
        ("csv", "csv"),
        ("json", "json"),
        ("zip", "zip"),
        ("jar", "jar"),
        ("xml", "xml"),
        ("png", "png"),
        ("image", "png"),
        ("icon", "png"),
        ("logo", "png"),
    ]
    .iter()
    .find(|(word, _)| text.contains(word))
    .map_or("bin", |(_, ext)| ext);
    let stem: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!(
        "FilePart::from_path({}).await?",
        literal(&format!("{stem}.{extension}"))
    )
}

/// The statements that send a download operation and stream its body to a file.
pub fn download(success: &Success, call: &Call) -> Vec<String> {
    let mut body = vec![statement(
        &format!("let download: {} = ", success.code()),
        &call.chain,
        &[".send()", ".await?"],
    )];
    let save = [
        "    // The body goes to the file chunk by chunk; it is never held in memory whole.",
        "    let file_name = download.file_name().unwrap_or_else(|| \"download.bin\".to_string());",
        "    let written = download.save_to_file(&file_name).await?;",
        "    println!(\"{written} bytes written to {file_name}\");",
    ];
    if matches!(success, Success::Body { optional: true, .. }) {
        body.push("    if let Some(download) = download {".to_string());
        body.extend(save.iter().map(|line| format!("    {line}")));
        body.push("    }".to_string());
    } else {
        body.extend(save.iter().map(|line| (*line).to_string()));
    }
    body
}

/// A program that reads every record of a search, past the 10,000-record window: over every
/// identity when the body takes `indices` and a `query` (see `everything`).
pub fn search(api: &Api, tag: &Tag, op: &Operation) -> Option<String> {
    op.search.as_ref()?;
    let call = call(api, op, false, everything(api, op));
    let mut body = vec![
        "    // Pages come by offset, then by searchAfter past 10,000 records; the sort ends in"
            .to_string(),
        "    // `id`, so records that share a sort value are neither lost nor repeated."
            .to_string(),
    ];
    if call.deprecated {
        body.push("    #[allow(deprecated)] // The API deprecates this operation.".to_string());
    }
    body.push(statement(
        "let mut records = ",
        &call.chain,
        &[".into_search_stream()"],
    ));
    body.push("    let mut count = 0;".to_string());
    body.push("    while let Some(record) = records.try_next().await? {".to_string());
    body.push("        count += 1;".to_string());
    body.push("        println!(\"{}\", serde_json::to_string(&record)?);".to_string());
    body.push("    }".to_string());
    body.push("    println!(\"{count} records\");".to_string());
    Some(program(
        api,
        tag,
        op,
        &["futures_util::TryStreamExt"],
        &call,
        body,
    ))
}

/// A search body for every identity: `indices: [identities]` and the query `*`, with the
/// required members of the body's example; `None` when the body has no such members or the
/// result does not fit its type (the description's example is used then).
fn everything(api: &Api, op: &Operation) -> Option<(String, Value)> {
    let body = op.body.as_ref()?;
    let TypeRef::Named(name) = &body.ty else {
        return None;
    };
    let ModelKind::Struct(model) = &api.model(name)?.kind else {
        return None;
    };
    let has = |wire: &str| model.fields.iter().any(|f| f.name.wire == wire);
    if !has("indices") || !has("query") {
        return None;
    }
    let example = body
        .examples
        .iter()
        .map(|e| e.value.clone())
        .find(|v| fits(api, &body.ty, v))
        .unwrap_or_else(|| value_of(api, &body.ty));
    let mut value = serde_json::Map::new();
    for field in model.fields.iter().filter(|f| f.required) {
        if let Some(member) = example.get(&field.name.wire) {
            value.insert(field.name.wire.clone(), member.clone());
        }
    }
    value.insert("indices".into(), serde_json::json!(["identities"]));
    value.insert("query".into(), serde_json::json!({"query": "*"}));
    let value = Value::Object(value);
    fits(api, &body.ty, &value).then(|| ("// Every identity.".to_string(), value))
}
