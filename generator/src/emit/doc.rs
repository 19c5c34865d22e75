//! Description text made safe for rustdoc.
//!
//! Descriptions are Markdown written for a web page. In a doc comment, a code fence without a
//! language or an indented block would be compiled as a doctest, `[word]` would be read as an
//! intra-doc link, a bare URL and raw HTML trip rustdoc's lints. These rules keep the text's
//! meaning and make `cargo doc` and `cargo test --doc` quiet.

/// The lines of a `///` comment for `text`.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Continuation lines of a list item or a block quote must say they continue it, or
    // rustdoc and clippy read them as lazy continuations.
    let mut continuation: Option<String> = None;
    for raw in text.trim_end().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_string());
            } else {
                // Any fence becomes text: examples in descriptions are not Rust.
                out.push("```text".to_string());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Four columns of indentation (spaces or a tab) would start an indented code block,
        // i.e. a doctest.
        let line = if super::text::is_code_indent(line) {
            trimmed
        } else {
            line
        };
        if trimmed.is_empty() {
            continuation = None;
            out.push(String::new());
        } else if let Some(marker) = list_marker(trimmed) {
            continuation = Some(" ".repeat(marker));
            out.push(escape_inline(trimmed));
        } else if trimmed.starts_with('>') {
            continuation = Some("> ".to_string());
            out.push(escape_inline(trimmed));
        } else if let Some(prefix) = &continuation {
            out.push(format!("{prefix}{}", escape_inline(trimmed)));
        } else {
            out.push(escape_inline(line));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// The width of a list item's marker (`- `, `* `, `12. `), if the line starts one.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
        .then_some(digits + 2)
}

/// Escapes one line outside code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    // For each open bracket: whether it was escaped, so its closing bracket is escaped too.
    let mut brackets: Vec<bool> = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' if out.trim().is_empty() => out.push('>'),
            '>' => out.push_str("&gt;"),
            '[' => {
                // `[text](url)` is a link; any other bracket is escaped so that rustdoc does not
                // take it for an intra-doc link.
                let rest: String = chars[i..].iter().collect();
                let link = is_markdown_link(&rest);
                brackets.push(!link);
                out.push_str(if link { "[" } else { "\\[" });
            }
            ']' => out.push_str(if brackets.pop().unwrap_or(true) {
                "\\]"
            } else {
                "]"
            }),
            'h' if starts_url(&chars[i..]) && !preceded_by_link(&out) => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || *c == ')')
                    .map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn is_markdown_link(rest: &str) -> bool {
    let Some(close) = rest.find(']') else {
        return false;
    };
    rest[close + 1..].starts_with('(') && !rest[1..close].contains('[')
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://")
}

/// Inside `[text](url)`, the url is already a link.
fn preceded_by_link(out: &str) -> bool {
    out.ends_with("](") || out.ends_with('<')
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn fences_become_text_and_indentation_goes() {
        let lines = doc_lines("a\n```\nlet x = 1;\n```\n    indented");
        assert_eq!(lines, vec!["a", "```text", "let x = 1;", "```", "indented"]);
        // A tab is four columns here as in the reference pages.
        assert_eq!(doc_lines("a\n\tindented"), vec!["a", "indented"]);
    }

    #[test]
    fn html_brackets_and_urls_are_escaped() {
        assert_eq!(
            doc_lines("<script>alert(1)</script>"),
            vec!["&lt;script&gt;alert(1)&lt;/script&gt;"]
        );
        assert_eq!(
            doc_lines("see [V3](https://x.y/z) and [x]"),
            vec!["see [V3](https://x.y/z) and \\[x\\]"]
        );
        assert_eq!(
            doc_lines("go to https://x.y/z."),
            vec!["go to <https://x.y/z>."]
        );
        assert_eq!(doc_lines("`<T>` stays"), vec!["`<T>` stays"]);
        assert_eq!(doc_lines(">**NOTE:** quote"), vec![">**NOTE:** quote"]);
    }

    #[test]
    fn lists_and_quotes_continue_explicitly() {
        assert_eq!(
            doc_lines("- item\nmore\n\nafter"),
            vec!["- item", "  more", "", "after"]
        );
        assert_eq!(doc_lines("12. item\nmore"), vec!["12. item", "    more"]);
        assert_eq!(doc_lines("> quote\nmore"), vec!["> quote", "> more"]);
    }
}
