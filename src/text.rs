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

/// The name of a character that sets the direction of the text around it by force
/// (embeddings, overrides and isolates, U+202A to U+202E and U+2066 to U+2069), if `c` is one.
/// They print nothing yet reorder what follows, so that text can read otherwise than it was
/// written; right-to-left scripts need none of them, Unicode's bidirectional algorithm (which
/// typst follows) orders Arabic and Hebrew by their letters.
pub fn direction_control(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => return None,
    })
}

/// The plural ending of a count: `""` for one, `"s"` otherwise (`3 problem{s}`).
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
