//! Properties of the name sanitiser over arbitrary Unicode strings.

use generator::names::{pascal, snake, Scope, KEYWORDS};
use proptest::prelude::*;

/// `syn` accepts raw identifiers (`r#type`) and refuses keywords and invalid text.
fn is_identifier(ident: &str) -> bool {
    syn::parse_str::<syn::Ident>(ident).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn snake_names_are_identifiers_and_never_bare_keywords(wire in "\\PC*") {
        let ident = snake(&wire);
        prop_assert!(is_identifier(&ident), "{wire:?} -> {ident:?}");
        prop_assert!(!KEYWORDS.contains(&ident.as_str()), "{wire:?} -> {ident:?}");
        prop_assert_eq!(&ident, &snake(&wire));
    }

    #[test]
    fn type_names_are_identifiers_and_never_bare_keywords(wire in "\\PC*") {
        let ident = pascal(&wire);
        prop_assert!(is_identifier(&ident), "{wire:?} -> {ident:?}");
        prop_assert!(!KEYWORDS.contains(&ident.as_str()), "{wire:?} -> {ident:?}");
        prop_assert_eq!(&ident, &pascal(&wire));
    }

    #[test]
    fn distinct_names_in_one_scope_stay_distinct(wires in proptest::collection::btree_set("\\PC{0,12}", 1..40)) {
        let mut scope = Scope::new();
        let mut seen = std::collections::BTreeSet::new();
        for wire in &wires {
            let ident = scope.claim(snake(wire), wire);
            prop_assert!(is_identifier(&ident), "{wire:?} -> {ident:?}");
            prop_assert!(seen.insert(ident.trim_start_matches("r#").to_ascii_lowercase()), "{wire:?} reused a name");
        }
    }
}
