//! Text helpers every step shares: white space folded as a printed line shows it, the
//! no-break spaces written on purpose, characters that print nothing, and plural endings.

/// Folds runs of white space (line breaks included) into single spaces. No-break spaces are
/// kept: they are written on purpose, to hold words together (`10\u{a0}km`).
pub fn fold(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() && !is_no_break_space(c))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// U+00A0 NO-BREAK SPACE, U+2007 FIGURE SPACE and U+202F NARROW NO-BREAK SPACE.
pub fn is_no_break_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// White space and characters that print nothing (soft hyphen, joiners, variation selectors),
/// which no font needs to have.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{ad}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
        )
}

/// The plural ending of a count: `""` for one, `"s"` otherwise (`3 problem{s}`).
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
