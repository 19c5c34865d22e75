//! Writes the URL check of one version crate from its IR: a harness program with one function
//! per operation that calls it through the generated builder with distinct values, then
//! compares what the loopback server received with what the description says (see
//! `tests/urls.rs`).

use generator::ir::{
    Api, FormFieldKind, IntWidth, ModelKind, Operation, ParamLocation, Storage, TypeRef,
};
use serde_json::{json, Value};
use std::fmt::Write;

/// The server, the request log and the checks, the same for every crate.
const PRELUDE: &str = include_str!("prelude.rs");

/// `main` runs the calls on a thread with a large stack: one future awaits every operation in
/// turn, and unoptimised it outgrows a default stack.
const MAIN: &str = "fn main() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect(\"a runtime\")
                .block_on(urls())
        })
        .expect(\"a thread\")
        .join()
        .expect(\"the calls\");
}
";

/// The harness's `main.rs` and the number of operations it checks.
pub fn harness(api: &Api) -> (String, usize) {
    let mut out = format!(
        "//! Written by `contract-tests/tests/urls.rs` from the IR. Do not edit.\n#![allow(deprecated, unused_mut, clippy::all)]\nuse {} as sdk;\n{PRELUDE}\n",
        api.lib_name
    );
    let mut calls = String::new();
    let mut seed = 0usize;
    for (index, op) in api.operations.iter().enumerate() {
        out.push_str(&operation(api, op, index, &mut seed));
        writeln!(calls, "    op_{index}(&client, &log, &mut report).await;").unwrap();
    }
    write!(
        out,
        "{MAIN}\nasync fn urls() {{\n    let (url, log) = serve();\n    let client = sdk::Client::builder().api_url(url).access_token(\"token\").experimental(true).build().unwrap();\n    let mut report = Report::default();\n{calls}    println!(\"url-check {}: {{}} operations checked, {{}} wrong\", report.checked, report.wrong);\n}}\n",
        api.lib_name
    )
    .unwrap();
    (out, api.operations.len())
}

/// One operation: bind a value for every parameter (and a required body), call, check.
fn operation(api: &Api, op: &Operation, index: usize, seed: &mut usize) -> String {
    let mut body = String::new();
    let mut args = Vec::new();
    let mut setters = String::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut path_texts = Vec::new();
    for (i, param) in op.parameters.iter().enumerate() {
        *seed += 1;
        let header = param.location == ParamLocation::Header;
        let value = value_of(api, &param.ty, &param.name.wire, *seed, header);
        writeln!(body, "    let v{i} = {};", value.expr).unwrap();
        if param.required {
            args.push(format!("v{i}.clone()"));
        } else {
            write!(setters, ".{}(v{i}.clone())", param.name.rust).unwrap();
        }
        let wire = format!("{:?}", param.name.wire);
        let text = |item: &Value1, var: &str| match &item.text {
            Some(text) => format!("{text:?}.to_string()"),
            None => format!("text_of(&{var})"),
        };
        match (param.location, &value.items) {
            (ParamLocation::Path, _) => {
                path_texts.push((param.name.wire.clone(), text(&value, &format!("v{i}"))))
            }
            (ParamLocation::Query, Some(items)) if param.explode => {
                for (k, item) in items.iter().enumerate() {
                    query.push(format!("({wire}, {})", text(item, &format!("v{i}[{k}]"))));
                }
            }
            (ParamLocation::Query | ParamLocation::Header, Some(items)) => {
                let joined: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(k, item)| text(item, &format!("v{i}[{k}]")))
                    .collect();
                let pair = format!("({wire}, [{}].join(\",\"))", joined.join(", "));
                if header {
                    headers.push(pair)
                } else {
                    query.push(pair)
                }
            }
            (ParamLocation::Query, None) => {
                query.push(format!("({wire}, {})", text(&value, &format!("v{i}"))))
            }
            (ParamLocation::Header, None) => {
                headers.push(format!("({wire}, {})", text(&value, &format!("v{i}"))))
            }
            // This SDK sends no cookies; the value is only passed.
            (ParamLocation::Cookie, _) => {}
        }
    }
    if let Some(request_body) = op.body.as_ref().filter(|b| b.required) {
        let expr = if let Some(form) = &request_body.form {
            // A form: a small file per file part, each other part from its schema (its type
            // inferred from the form's field).
            let module = &api.tags[op.tag].module;
            let members: Vec<String> = form
                .fields
                .iter()
                .map(|field| {
                    let file = "sdk::runtime::FilePart::from_bytes(\"f.csv\", \"a,b\\n\")";
                    let value = match &field.kind {
                        FormFieldKind::File => file.to_string(),
                        FormFieldKind::Files => format!("vec![{file}]"),
                        FormFieldKind::Text(ty) | FormFieldKind::Json(ty) => format!(
                            "::serde_json::from_str({:?}).unwrap()",
                            minimal(api, ty, 0).to_string()
                        ),
                    };
                    if field.required || field.kind == FormFieldKind::Files {
                        format!("{}: {value}", field.name.rust)
                    } else {
                        format!("{}: ::std::option::Option::Some({value})", field.name.rust)
                    }
                })
                .collect();
            format!(
                "sdk::apis::{module}::{} {{ {} }}",
                form.type_name,
                members.join(", ")
            )
        } else if request_body.raw {
            "::std::vec::Vec::<u8>::new()".to_string()
        } else {
            from_json(&request_body.ty, &minimal(api, &request_body.ty, 0))
        };
        writeln!(body, "    let body = {expr};").unwrap();
        args.push("body".to_string());
    }
    // The expected path: each placeholder replaced by the encoded text of its own parameter.
    let mut template = String::new();
    let mut values = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').expect("a closed placeholder");
        template.push_str(&rest[..open].replace('{', "{{").replace('}', "}}"));
        template.push_str("{}");
        let name = &rest[open + 1..close];
        let (_, text) = path_texts
            .iter()
            .find(|(wire, _)| wire == name)
            .unwrap_or_else(|| panic!("{}: no parameter for {{{name}}}", op.name.wire));
        values.push(format!("encode(&{text})"));
        rest = &rest[close + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path = if values.is_empty() {
        format!("{template:?}.to_string()")
    } else {
        format!("format!({template:?}, {})", values.join(", "))
    };
    let tag = &api.tags[op.tag].name.rust;
    format!(
        "async fn op_{index}(client: &sdk::Client, log: &Log, report: &mut Report) {{\n{body}    let api = sdk::apis::{tag}::new(client.clone());\n    let _ = api.{method}({args}){setters}.send().await;\n    check(log, report, {id:?}, {verb:?}, &{path}, &[{query}], &[{headers}]);\n}}\n",
        method = op.name.rust,
        args = args.join(", "),
        id = op.name.wire,
        verb = op.method.upper(),
        query = query.join(", "),
        headers = headers.join(", "),
    )
}

/// A value in the harness: the expression that builds it, its text on the wire when that is
/// known here (`None`: the harness computes it from the value), and for arrays the items.
struct Value1 {
    expr: String,
    text: Option<String>,
    items: Option<Vec<Value1>>,
}

/// A distinct, recognisable value of `ty` for the parameter `wire`. Strings carry characters
/// that must be percent-encoded; header values stay visible ASCII.
fn value_of(api: &Api, ty: &TypeRef, wire: &str, seed: usize, header: bool) -> Value1 {
    let word = if header {
        format!(
            "h{seed}-{}",
            wire.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        )
    } else {
        format!("{seed}:{wire} ä/?#%&=+")
    };
    match resolve(api, ty) {
        TypeRef::String | TypeRef::FormattedString(_) => Value1 {
            expr: format!("{word:?}.to_string()"),
            text: Some(word),
            items: None,
        },
        TypeRef::Integer(IntWidth::I32) => {
            let n = 1000 + seed as i64;
            Value1 {
                expr: format!("{n}i32"),
                text: Some(n.to_string()),
                items: None,
            }
        }
        TypeRef::Integer(IntWidth::I64) => {
            let n = 10_000_000_000 + seed as i64;
            Value1 {
                expr: format!("{n}i64"),
                text: Some(n.to_string()),
                items: None,
            }
        }
        TypeRef::Number => {
            let n = seed as f64 + 0.25;
            Value1 {
                expr: format!("{n:?}f64"),
                text: Some(n.to_string()),
                items: None,
            }
        }
        TypeRef::Boolean => {
            let b = seed % 2 == 1;
            Value1 {
                expr: b.to_string(),
                text: Some(b.to_string()),
                items: None,
            }
        }
        TypeRef::Array(item) => {
            let items: Vec<Value1> = (0..2)
                .map(|k| value_of(api, &item, &format!("{wire}{k}"), seed * 10 + k, header))
                .collect();
            let exprs: Vec<&str> = items.iter().map(|i| i.expr.as_str()).collect();
            Value1 {
                expr: format!("::std::vec![{}]", exprs.join(", ")),
                text: None,
                items: Some(items),
            }
        }
        TypeRef::Named(name) if is_enum(api, &name) => Value1 {
            // A value the enum does not list decodes into `Unknown` and is sent as it is.
            expr: from_json(&TypeRef::Named(name), &Value::String(word.clone())),
            text: Some(word),
            items: None,
        },
        other => Value1 {
            expr: from_json(&other, &minimal(api, &other, 0)),
            text: None,
            items: None,
        },
    }
}

fn is_enum(api: &Api, name: &str) -> bool {
    api.model(name)
        .is_some_and(|m| matches!(m.kind, ModelKind::Enum(_)))
}

/// The type behind named aliases.
fn resolve(api: &Api, ty: &TypeRef) -> TypeRef {
    let mut current = ty.clone();
    for _ in 0..16 {
        match &current {
            TypeRef::Named(name) => match api.model(name).map(|m| &m.kind) {
                Some(ModelKind::Alias(target)) => current = target.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    current
}

/// The smallest JSON value that decodes as `ty`: every field the struct stores plainly, the
/// first member of a union.
fn minimal(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => json!("x"),
        TypeRef::Integer(_) | TypeRef::Number => json!(0),
        TypeRef::Boolean => json!(false),
        TypeRef::Any => Value::Null,
        TypeRef::Array(_) => json!([]),
        TypeRef::Map(_) => json!({}),
        TypeRef::Named(name) => match api.model(name).map(|m| &m.kind) {
            Some(ModelKind::Struct(s)) => Value::Object(
                s.fields
                    .iter()
                    .filter(|f| f.storage == Storage::Plain)
                    .map(|f| (f.name.wire.clone(), minimal(api, &f.ty, depth + 1)))
                    .collect(),
            ),
            Some(ModelKind::Enum(_)) => json!("x"),
            Some(ModelKind::Alias(target)) => minimal(api, target, depth + 1),
            Some(ModelKind::Union(u)) => u
                .variants
                .first()
                .map_or(Value::Null, |v| minimal(api, &v.ty, depth + 1)),
            None => Value::Null,
        },
    }
}

fn from_json(ty: &TypeRef, value: &Value) -> String {
    format!(
        "::serde_json::from_str::<{}>({:?}).unwrap()",
        spell(ty),
        value.to_string()
    )
}

fn spell(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => "::std::string::String".into(),
        TypeRef::Integer(IntWidth::I32) => "i32".into(),
        TypeRef::Integer(IntWidth::I64) => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Any => "::serde_json::Value".into(),
        TypeRef::Named(name) => format!("sdk::models::{name}"),
        TypeRef::Array(item) => format!("::std::vec::Vec<{}>", spell(item)),
        TypeRef::Map(value) => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            spell(value)
        ),
    }
}
