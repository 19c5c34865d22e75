//! Finds the line of a JSON pointer in a YAML or JSON text, for diagnostics.
//!
//! `serde_yaml` keeps no positions, so a located finding re-reads the one file it is about with
//! `yaml-rust2`'s event parser, which reports a mark for every node. A pointer to a mapping
//! member is reported at the line of its key, which is where a reader looks.

use yaml_rust2::parser::{Event, Parser};

enum Frame {
    Mapping { key: Option<String> },
    Sequence { index: usize },
}

/// The 1-based line of `pointer` in `text`, or of the nearest ancestor found.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let target: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .trim_start_matches('/')
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // The deepest prefix of the target matched so far, with its line.
    let mut best: Option<(usize, usize)> = None;
    let path_matches = |stack: &[Frame], extra: Option<&str>| -> Option<usize> {
        let mut depth = 0;
        for frame in stack {
            let segment = match frame {
                Frame::Mapping { key: Some(k) } => k.clone(),
                Frame::Mapping { key: None } => return None,
                Frame::Sequence { index } => index.to_string(),
            };
            if target.get(depth) != Some(&segment) {
                return None;
            }
            depth += 1;
        }
        if let Some(extra) = extra {
            if target.get(depth).map(String::as_str) != Some(extra) {
                return None;
            }
            depth += 1;
        }
        Some(depth)
    };
    while let Ok((event, mark)) = parser.next_token() {
        let line = mark.line().max(1);
        // A scalar in key position of a mapping is a key, not a node.
        if let (Event::Scalar(value, ..), Some(Frame::Mapping { key: key @ None })) =
            (&event, stack.last_mut())
        {
            *key = Some(value.clone());
            if let Some(depth) = path_matches(&stack, None) {
                if depth == target.len() {
                    return Some(line);
                }
                if best.is_none_or(|(d, _)| depth > d) {
                    best = Some((depth, line));
                }
            }
            continue;
        }
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Alias(..)
        );
        if starts_node {
            if let Some(depth) = path_matches(&stack, None) {
                if depth == target.len() {
                    return Some(line);
                }
            }
        }
        match event {
            Event::MappingStart(..) => stack.push(Frame::Mapping { key: None }),
            Event::SequenceStart(..) => stack.push(Frame::Sequence { index: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                finish_value(&mut stack);
            }
            Event::Scalar(..) | Event::Alias(..) => finish_value(&mut stack),
            Event::StreamEnd => break,
            _ => {}
        }
    }
    best.map(|(_, line)| line)
}

/// A value ended inside the top frame: a mapping waits for its next key, a sequence moves on.
fn finish_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Mapping { key }) => *key = None,
        Some(Frame::Sequence { index }) => *index += 1,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const YAML: &str = "openapi: 3.0.1\npaths:\n  /a~b/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n      parameters:\n        - name: x\n        - name: y\n          in: query\n";

    #[test]
    fn finds_keys_and_items() {
        assert_eq!(line_of(YAML, ""), Some(1));
        assert_eq!(line_of(YAML, "/openapi"), Some(1));
        assert_eq!(line_of(YAML, "/paths"), Some(2));
        assert_eq!(line_of(YAML, "/paths/~1a~0b~1{id}/get"), Some(4));
        assert_eq!(
            line_of(YAML, "/paths/~1a~0b~1{id}/get/responses/200/description"),
            Some(7)
        );
        assert_eq!(
            line_of(YAML, "/paths/~1a~0b~1{id}/get/parameters/1"),
            Some(10)
        );
        assert_eq!(
            line_of(YAML, "/paths/~1a~0b~1{id}/get/parameters/1/in"),
            Some(11)
        );
    }

    #[test]
    fn missing_members_fall_back_to_the_nearest_ancestor() {
        assert_eq!(line_of(YAML, "/paths/~1a~0b~1{id}/get/nothing"), Some(4));
    }

    #[test]
    fn json_texts_work_too() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n 2]\n  }\n}";
        assert_eq!(line_of(json, "/a/b"), Some(3));
        assert_eq!(line_of(json, "/a/b/1"), Some(4));
    }
}
