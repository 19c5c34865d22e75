//! Every identifier the generator writes is made here: case conversion, keyword escaping and
//! collision handling live in this one module.
//!
//! Policy, chosen once:
//! - case comes from `heck` (`snake_case` for functions, fields and modules, `UpperCamelCase`
//!   for types and variants, kebab-case for doc slugs);
//! - characters that cannot appear in an identifier separate words; a non-ASCII letter is
//!   spelt `u` + its hex code point so that distinct names stay distinct;
//! - `+1`/`-1` become `plus1`/`minus1`;
//! - a leading digit gets a prefix: `_` for snake case, `N` for type names (`_` would trip
//!   `non_camel_case_types`);
//! - a keyword becomes a raw identifier (`r#type`), except those raw identifiers cannot spell
//!   (`self`, `Self`, `super`, `crate`, `_`), which get a `_` suffix;
//! - an empty name becomes `empty`/`Empty`;
//! - collisions in one scope get a stable numeric suffix in first-come order (`Scope::claim`).

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// Every Rust keyword of every edition, strict and reserved, including 2018's `async`, `await`,
/// `dyn`, `try` and 2024's `gen`.
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a wire name into ASCII words that `heck` can recase.
fn ascii_words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    let mut chars = wire.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '+' if chars.peek().is_some_and(char::is_ascii_digit) => out.push_str(" plus"),
            '-' if out.trim().is_empty() && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str(" minus")
            }
            c if c.is_ascii() => out.push(' '),
            c => match latin(c) {
                // Accented Latin letters read best as their base letter; a name that then
                // equals another is told apart by `Scope::claim`.
                Some(plain) => out.push_str(plain),
                // Any other character keeps its identity as a hex word.
                None => out.push_str(&format!(" u{:x} ", c as u32)),
            },
        }
    }
    out
}

/// The ASCII spelling of a Latin-1 letter.
fn latin(c: char) -> Option<&'static str> {
    const UPPER: [&str; 31] = [
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", "D", "N",
        "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH",
    ];
    const LOWER: [&str; 32] = [
        "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d",
        "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th",
    ];
    let code = c as u32;
    let plain = match code {
        0xC0..=0xDE => UPPER[(code - 0xC0) as usize],
        0xDF..=0xFE => LOWER[(code - 0xDF) as usize],
        0xFF => "y",
        _ => return None,
    };
    (!plain.is_empty()).then_some(plain)
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

// A cache is only looked up, never iterated, so its order cannot reach the output.
#[allow(clippy::disallowed_types)]
type Recased = std::cell::RefCell<std::collections::HashMap<String, String>>;
type Memo = std::thread::LocalKey<Recased>;

thread_local! {
    // `heck` recases through the formatting machinery, char by char, and a run recases the
    // same wire names again and again (a field is named wherever its schema is lowered, an
    // example variable wherever it is shown): each thread remembers what it recased.
    static SNAKE: Recased = Default::default();
    static PASCAL: Recased = Default::default();
}

fn memo(cache: &'static Memo, wire: &str, recase: fn(&str) -> String) -> String {
    if let Some(known) = cache.with_borrow(|c| c.get(wire).cloned()) {
        return known;
    }
    let ident = recase(wire);
    cache.with_borrow_mut(|c| c.insert(wire.to_string(), ident.clone()));
    ident
}

/// A function, field, parameter or module name.
pub fn snake(wire: &str) -> String {
    memo(&SNAKE, wire, snake_uncached)
}

fn snake_uncached(wire: &str) -> String {
    let mut ident = ascii_words(wire).to_snake_case();
    if ident.is_empty() {
        ident = "empty".to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    escape_keyword(ident)
}

/// A type or variant name.
pub fn pascal(wire: &str) -> String {
    memo(&PASCAL, wire, pascal_uncached)
}

fn pascal_uncached(wire: &str) -> String {
    let mut ident = ascii_words(wire).to_upper_camel_case();
    if ident.is_empty() {
        ident = "Empty".to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'N');
    }
    escape_keyword(ident)
}

/// The kebab-case slug the published docs use for anchors and page names
/// (`OAuthClient` → `o-auth-client`, `Attribute401Response` → `attribute401-response`).
pub fn kebab(wire: &str) -> String {
    let slug = ascii_words(wire).to_kebab_case();
    if slug.is_empty() {
        "empty".to_string()
    } else {
        slug
    }
}

/// A type name derived from another (`ListAccounts` + `Error`): the base loses its `r#` and the
/// `_` that escaped a keyword, since the longer name is no keyword.
pub fn suffixed(ident: &str, suffix: &str) -> String {
    format!("{}{suffix}", unraw(ident).trim_end_matches('_'))
}

/// A Rust identifier without its `r#` prefix, for building derived names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// One namespace (a module's types, a struct's fields, an enum's variants). Names are claimed in
/// a deterministic order; a name already taken gets the first free numeric suffix.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeMap<String, String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves names that generated code already uses in this scope.
    pub fn reserve(&mut self, ident: &str) {
        self.taken
            .insert(unraw(ident).to_ascii_lowercase(), String::new());
    }

    /// Claims `ident` for `wire`; returns the identifier to use, suffixed when it was taken.
    /// Names are compared case-insensitively, since `Foo` and `FOO` in one scope read as a clash
    /// (and would map to the same file name on case-insensitive file systems).
    pub fn claim(&mut self, ident: String, wire: &str) -> String {
        let key = unraw(&ident).to_ascii_lowercase();
        if let Entry::Vacant(slot) = self.taken.entry(key) {
            slot.insert(wire.to_string());
            return ident;
        }
        let base = unraw(&ident).trim_end_matches('_').to_string();
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let mut n = 2;
        loop {
            let candidate = format!("{base}{separator}{n}");
            let key = candidate.to_ascii_lowercase();
            if let Entry::Vacant(slot) = self.taken.entry(key) {
                slot.insert(wire.to_string());
                return candidate;
            }
            n += 1;
        }
    }

    /// Claims like [`Scope::claim`] and describes the collision when the name had to change:
    /// `Some((wire name that holds it, name given))`.
    pub fn claim_reporting(&mut self, ident: String, wire: &str) -> (String, Option<String>) {
        let holder = self.owner(&ident).map(str::to_string);
        let taken = self.taken.contains_key(&unraw(&ident).to_ascii_lowercase());
        let claimed = self.claim(ident.clone(), wire);
        if taken {
            let holder = holder.map_or_else(
                || "a name the generated code uses".to_string(),
                |h| format!("`{h}`"),
            );
            (
                claimed.clone(),
                Some(format!(
                    "`{wire}` and {holder} both become `{}`; `{wire}` is named `{claimed}`",
                    unraw(&ident)
                )),
            )
        } else {
            (claimed, None)
        }
    }

    /// The wire name that took `ident`, when it was claimed rather than reserved.
    pub fn owner(&self, ident: &str) -> Option<&str> {
        self.taken
            .get(&unraw(ident).to_ascii_lowercase())
            .map(String::as_str)
            .filter(|wire| !wire.is_empty())
    }
}

/// Why a Rust name differs from its wire name beyond case conversion, for the docs; `None`
/// when the difference is only case.
pub fn rename_reason(wire: &str, rust: &str) -> Option<&'static str> {
    let plain = unraw(rust);
    if rust.starts_with("r#") {
        return Some("keyword, written as a raw identifier");
    }
    if NOT_RAW.iter().any(|kw| format!("{kw}_") == plain)
        && NOT_RAW
            .iter()
            .any(|kw| kw.eq_ignore_ascii_case(&wire.to_snake_case()))
    {
        return Some("keyword that cannot be a raw identifier, suffixed with `_`");
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    if squash(wire) == squash(plain) {
        None
    } else if plain.ends_with(|c: char| c.is_ascii_digit())
        && squash(plain).starts_with(&squash(wire))
        && !squash(wire).is_empty()
    {
        Some("collides with another name in the same scope, suffixed")
    } else {
        Some("not a valid Rust identifier as written")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_escaped_in_snake_case() {
        for kw in KEYWORDS {
            let ident = snake(kw);
            let expected = match *kw {
                "self" | "super" | "crate" => format!("{kw}_"),
                // `Self` recases to `self`.
                "Self" => "self_".to_string(),
                _ => format!("r#{kw}"),
            };
            assert_eq!(ident, expected, "keyword {kw}");
        }
    }

    #[test]
    fn keyword_table_includes_2024_gen_and_2018_async() {
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("try"), "r#try");
        assert_eq!(snake("dyn"), "r#dyn");
    }

    #[test]
    fn type_names_escape_self_only() {
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal("Option"), "Option");
        assert_eq!(pascal("Result"), "Result");
        assert_eq!(pascal("type"), "Type");
    }

    #[test]
    fn case_conversion() {
        let cases = [
            (
                "listAccounts",
                "list_accounts",
                "ListAccounts",
                "list-accounts",
            ),
            (
                "OAuthClient",
                "o_auth_client",
                "OAuthClient",
                "o-auth-client",
            ),
            (
                "Attribute401Response",
                "attribute401_response",
                "Attribute401Response",
                "attribute401-response",
            ),
            (
                "DISPLAY_NAME",
                "display_name",
                "DisplayName",
                "display-name",
            ),
            (
                "unlockIDNAccount",
                "unlock_idn_account",
                "UnlockIdnAccount",
                "unlock-idn-account",
            ),
            (
                "sp:scopes:all",
                "sp_scopes_all",
                "SpScopesAll",
                "sp-scopes-all",
            ),
        ];
        for (wire, s, p, k) in cases {
            assert_eq!(snake(wire), s, "snake {wire}");
            assert_eq!(pascal(wire), p, "pascal {wire}");
            assert_eq!(kebab(wire), k, "kebab {wire}");
        }
    }

    #[test]
    fn odd_names() {
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(pascal("2fa"), "N2fa");
        assert_eq!(snake("+1"), "plus1");
        assert_eq!(snake("-1"), "minus1");
        assert_eq!(pascal("+1"), "Plus1");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(snake(""), "empty");
        assert_eq!(pascal("   "), "Empty");
        assert_eq!(snake("_"), "empty");
        assert_eq!(snake("café"), "cafe");
        assert_eq!(pascal("Ünïcödé"), "Unicode");
        assert_eq!(snake("größe"), "grosse");
        assert_eq!(snake("名前"), "u540d_u524d");
        assert_eq!(snake("naïve"), snake("naive"));
        assert_eq!(snake("$count"), "count");
        assert_eq!(snake("a.b"), "a_b");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim(snake("a-b"), "a-b"), "a_b");
        assert_eq!(scope.claim(snake("a_b"), "a_b"), "a_b_2");
        assert_eq!(scope.claim(snake("A B"), "A B"), "a_b_3");
        let mut types = Scope::new();
        assert_eq!(types.claim(pascal("Foo"), "Foo"), "Foo");
        assert_eq!(types.claim(pascal("FOO"), "FOO"), "Foo2");
        assert_eq!(types.owner("Foo"), Some("Foo"));
        let mut fields = Scope::new();
        assert_eq!(fields.claim(snake("self"), "self"), "self_");
        assert_eq!(fields.claim(snake("Self"), "Self"), "self_2");
        assert_eq!(suffixed("Self_", "Api"), "SelfApi");
        assert_eq!(suffixed("Type", "Error"), "TypeError");
    }

    #[test]
    fn reserved_names_are_avoided() {
        let mut scope = Scope::new();
        scope.reserve("client");
        assert_eq!(scope.claim(snake("client"), "client"), "client_2");
    }

    #[test]
    fn rename_reasons() {
        assert_eq!(rename_reason("firstName", "first_name"), None);
        assert!(rename_reason("type", "r#type").is_some());
        assert!(rename_reason("self", "self_").is_some());
        assert!(rename_reason("a_b", "a_b_2").is_some());
        assert!(rename_reason("2fa", "_2fa").is_none());
        assert!(rename_reason("+1", "plus1").is_some());
    }
}
