//! "Did you mean": the names closest to one that is not known. One word
//! for a typo (a key, a layout, a column), several for a font family, where
//! a name can also be part of another (`Noto` in `Noto Sans CJK SC`).

/// The closest of `options` to `word`, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    options
        .iter()
        .map(|o| (strsim::damerau_levenshtein(&word, o), *o))
        .filter(|(d, o)| *d <= (o.len() / 3).max(1) + usize::from(o.len() > 6))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// Up to three families whose names are close to `family` (a typo, another
/// spelling, a name inside a longer one), closest first.
pub fn nearest_families(family: &str, names: &[String]) -> Vec<String> {
    let wanted = family.to_lowercase();
    let mut scored: Vec<(f64, &String)> = names
        .iter()
        .map(|n| {
            let name = n.to_lowercase();
            let contains = name.contains(&wanted) || wanted.contains(&name);
            let score = strsim::normalized_damerau_levenshtein(&wanted, &name) + if contains { 0.3 } else { 0.0 };
            (score, n)
        })
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}
