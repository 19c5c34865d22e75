//! Facts about description text that both emitters need to agree on.

/// The column a line's text starts at, as Markdown counts it: a tab advances to the next
/// multiple of four. Four columns or more start an indented code block, which rustdoc would
/// compile as a doctest, whether they are spaces or a tab.
pub fn indent_columns(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .fold(0, |column, c| {
            if c == '\t' {
                column / 4 * 4 + 4
            } else {
                column + 1
            }
        })
}

/// Whether a line would start an indented code block.
pub fn is_code_indent(line: &str) -> bool {
    indent_columns(line) >= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_count_to_the_next_stop() {
        assert_eq!(indent_columns("\tx"), 4);
        assert_eq!(indent_columns("  \tx"), 4);
        assert_eq!(indent_columns("   x"), 3);
        assert!(is_code_indent("\tx"));
        assert!(is_code_indent("    x"));
        assert!(!is_code_indent("   x"));
    }
}
