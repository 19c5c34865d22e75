//! Description text made safe for the reference pages.
//!
//! The pages are compiled twice: as MDX by the docs site, and by rustdoc, which runs their code
//! blocks as doctests. MDX reads `{`…`}` as a JavaScript expression, `<` as the start of a JSX
//! tag, and a line starting with `import `/`export ` as an ES module statement; rustdoc compiles
//! any fence without a language and any indented block as Rust. These rules keep the text's
//! Markdown (emphasis, links, lists, code spans) and neutralise the rest.

/// A description as Markdown blocks.
pub fn block(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for raw in text.trim_end().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some((marker, length)) = fence {
            if closes_fence(trimmed, marker, length) {
                out.push(marker.to_string().repeat(length));
                fence = None;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if let Some((marker, length, info)) = opens_fence(trimmed) {
            out.extend(prose_lines(&prose));
            prose.clear();
            out.push(format!(
                "{}{}",
                marker.to_string().repeat(length),
                fence_language(info)
            ));
            fence = Some((marker, length));
            continue;
        }
        prose.push(line);
    }
    out.extend(prose_lines(&prose));
    if let Some((marker, length)) = fence {
        out.push(marker.to_string().repeat(length));
    }
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// Text for one table cell: one line, with `|` escaped as GFM tables require.
pub fn cell(text: &str) -> String {
    let one_line = text
        .trim()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ");
    inline(&one_line).replace('|', "\\|")
}

/// Literal text, such as a type or a name, with no Markdown meaning.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '{' | '}' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text of a code span, with enough backticks around it.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Lines of prose between fences.
fn prose_lines(lines: &[&str]) -> Vec<String> {
    if lines.is_empty() {
        return Vec::new();
    }
    let joined = lines
        .iter()
        .map(|line| {
            // Four columns of indentation would start an indented code block: a doctest for
            // rustdoc. Three keep a line inside the list item it continues.
            let body = line.trim_start();
            let line = if crate::emit::text::is_code_indent(line) {
                format!("   {body}")
            } else {
                line.to_string()
            };
            module_statement(&line)
        })
        .collect::<Vec<_>>()
        .join("\n");
    inline(&joined).split('\n').map(str::to_string).collect()
}

/// A line MDX would parse as `import`/`export`: its first letter becomes a character reference.
fn module_statement(line: &str) -> String {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    for (keyword, reference) in [("import", "&#105;"), ("export", "&#101;")] {
        if let Some(rest) = body.strip_prefix(keyword) {
            if rest.is_empty() || rest.starts_with([' ', '\t', '{', '*']) {
                return format!("{indent}{reference}{}", &body[1..]);
            }
        }
    }
    line.to_string()
}

/// Escapes `{`, `}` and `<` outside code spans; a code span may cross lines, not paragraphs.
fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                match closing_run(&chars, i + run, run) {
                    Some(end) => {
                        out.extend(&chars[i..end + run]);
                        i = end + run;
                    }
                    None => {
                        out.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
                continue;
            }
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '{' | '}' | '<' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where a run of exactly `length` backticks starts at or after `from`, before a blank line.
fn closing_run(chars: &[char], from: usize, length: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '\n' {
            let next_line = chars[i + 1..].iter().take_while(|c| **c != '\n');
            if next_line.clone().all(|c| c.is_whitespace()) {
                return None;
            }
        }
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if run == length {
                return Some(i);
            }
            i += run;
            continue;
        }
        i += 1;
    }
    None
}

fn opens_fence(trimmed: &str) -> Option<(char, usize, &str)> {
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == marker).count();
    let info = trimmed[length..].trim();
    (length >= 3 && !(marker == '`' && info.contains('`'))).then_some((marker, length, info))
}

fn closes_fence(trimmed: &str, marker: char, length: usize) -> bool {
    let run = trimmed.chars().take_while(|c| *c == marker).count();
    run >= length && trimmed[run..].trim().is_empty()
}

/// A fence's language for the pages: rustdoc compiles a fence with no language, or with a
/// Rust one, so the examples of a description are shown as text.
fn fence_language(info: &str) -> String {
    let language = info.split([' ', ',', '\t']).next().unwrap_or_default();
    let rust_like = language.is_empty()
        || language.starts_with("rust")
        || matches!(
            language,
            "ignore"
                | "no_run"
                | "should_panic"
                | "compile_fail"
                | "edition2015"
                | "edition2018"
                | "edition2021"
                | "edition2024"
                | "test_harness"
        );
    if rust_like {
        "text".to_string()
    } else {
        language.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_and_angle_brackets_are_escaped_outside_code() {
        assert_eq!(
            block("a {b} <c> `{d} <e>` f"),
            "a \\{b\\} \\<c> `{d} <e>` f"
        );
        assert_eq!(block("``a ` {b}`` {c}"), "``a ` {b}`` \\{c\\}");
        assert_eq!(block("an ` alone {x}"), "an ` alone \\{x\\}");
        assert_eq!(
            block("a `code\nacross {lines}` b"),
            "a `code\nacross {lines}` b"
        );
        assert_eq!(
            block("not `code\n\nacross {p}` b"),
            "not `code\n\nacross \\{p\\}` b"
        );
        assert_eq!(block("kept \\{ escape"), "kept \\{ escape");
    }

    #[test]
    fn markdown_stays() {
        let text =
            "Use *this* and **that**.\n\n- a [link](https://x.y/z)\n- `code`\n\n>**NOTE:** quoted";
        assert_eq!(block(text), text);
    }

    #[test]
    fn fences_keep_their_text_and_become_non_rust() {
        assert_eq!(
            block("a\n```\nlet x = {1};\n```\nb"),
            "a\n```text\nlet x = {1};\n```\nb"
        );
        assert_eq!(block("```rust\nfn f() {}\n```"), "```text\nfn f() {}\n```");
        assert_eq!(
            block("```json\n{\"a\": 1}\n```"),
            "```json\n{\"a\": 1}\n```"
        );
        assert_eq!(block("```\nunclosed {"), "```text\nunclosed {\n```");
    }

    #[test]
    fn a_blank_line_before_a_fence_stays() {
        assert_eq!(block("a\n\n```\nx\n```\n\nb"), "a\n\n```text\nx\n```\n\nb");
    }

    #[test]
    fn indentation_never_makes_a_code_block() {
        assert_eq!(
            block("a\n\n    indented {x}\n\tx"),
            "a\n\n   indented \\{x\\}\n   x"
        );
    }

    #[test]
    fn module_statements_are_broken() {
        assert_eq!(
            block("import data daily\nexport it"),
            "&#105;mport data daily\n&#101;xport it"
        );
        assert_eq!(block("imports stay"), "imports stay");
    }

    #[test]
    fn cells_are_one_line_with_escaped_pipes() {
        assert_eq!(cell("a | b\nc `d|e` {f}"), "a \\| b c `d\\|e` \\{f\\}");
    }

    #[test]
    fn plain_text_has_no_markdown() {
        assert_eq!(plain("Vec<Account>"), "Vec\\<Account\\>");
        assert_eq!(
            plain("BTreeMap<String, {x}>|*"),
            "BTreeMap\\<String, \\{x\\}\\>\\|\\*"
        );
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
