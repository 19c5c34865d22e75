//! Every `format: date-time` and `format: date` example in SailPoint's vendored descriptions
//! (`spec/sailpoint/`): the wire text round-trips byte for byte, and the typed value parses,
//! except for the examples that are not dates at all, which are listed here by text.

use std::path::Path;

use rt::{Date, DateTime};
use sailpoint_sdk_runtime as rt;
use serde_yaml::Value;

/// Examples in the descriptions that are not dates a parser should accept (hour 42; a Unix
/// `date` with a zone abbreviation, whose offset cannot be known), kept as text.
const NOT_DATES: [&str; 5] = [
    "2020-09-07T42:14:00.364Z",
    "2020-09-07T42:14:00.521Z",
    "2020-09-07T42:14:01.137Z",
    "Mon Aug 21 14:55:39 CDT 2023",
    "Mon Aug 21 14:57:39 CDT 2023",
];

/// (format, example) for every schema with both, in every file under `dir`.
fn examples(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            examples(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            walk(&value, out);
        }
    }
}

fn walk(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            let get = |key: &str| map.get(Value::String(key.to_owned()));
            if let (Some(Value::String(format)), Some(example)) = (get("format"), get("example")) {
                if format == "date-time" || format == "date" {
                    // A number (epoch milliseconds) is kept as `#` + its text, to be counted.
                    let text = match example {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => format!("#{n}"),
                        other => panic!("a {format} example of another kind: {other:?}"),
                    };
                    out.push((format.clone(), text));
                }
            }
            map.values().for_each(|v| walk(v, out));
        }
        Value::Sequence(items) => items.iter().for_each(|v| walk(v, out)),
        _ => {}
    }
}

#[test]
fn every_vendored_date_example_round_trips_and_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/sailpoint");
    let mut found = Vec::new();
    examples(&root, &mut found);
    let (mut date_times, mut dates, mut not_dates, mut numbers) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (format, text) in &found {
        if let Some(number) = text.strip_prefix('#') {
            // Not a string at all: a `DateTime` field refuses it, and lenient decoding drops it.
            numbers += 1;
            let number: serde_json::Value = serde_json::from_str(number).unwrap();
            assert!(serde_json::from_value::<DateTime>(number).is_err());
            continue;
        }
        let json = serde_json::to_string(text).unwrap();
        let typed = if format == "date" {
            dates += 1;
            let value: Date = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            value.value().map(drop).map_err(|e| e.to_string())
        } else {
            date_times += 1;
            let value: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            value.value().map(drop).map_err(|e| e.to_string())
        };
        match typed {
            Ok(()) => assert!(!NOT_DATES.contains(&text.as_str()), "{text} parsed"),
            Err(_) if NOT_DATES.contains(&text.as_str()) => not_dates += 1,
            Err(e) => failures.push(format!("{format}: {e}")),
        }
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{failures:#?}");
    eprintln!(
        "{date_times} date-time and {dates} date examples; {not_dates} are not dates, \
         {numbers} are numbers"
    );
    // The counts lock what was checked: a change in the descriptions shows up here.
    assert_eq!((date_times, dates, not_dates, numbers), (1009, 16, 36, 2));
}
