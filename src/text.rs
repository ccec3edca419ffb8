//! Text helpers every step shares: white space folded as a printed line shows it, the
//! no-break spaces written on purpose, characters that print nothing, plural endings, and
//! texts shortened at a word's end.

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

/// `text` in at most `max` characters: cut after the last whole word that fits, with `…`
/// after it (a single word longer than that is cut inside). White space is folded first.
pub fn shorten(text: &str, max: usize) -> String {
    let text = fold(text);
    if text.chars().count() <= max {
        return text;
    }
    let room = max.saturating_sub(1);
    let end = text.char_indices().nth(room).map_or(text.len(), |(i, _)| i);
    let kept = &text[..end];
    // Cut at the last space when the cut falls inside a word, unless that leaves too little.
    let mid_word = !text[end..].starts_with(' ');
    let cut = match kept.rfind(' ') {
        Some(space) if mid_word && kept[..space].chars().count() >= room / 2 => &kept[..space],
        _ => kept,
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
    format!("{cut}…")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_after_a_whole_word() {
        let title =
            "Strengthening the Canada–Republic of Korea Comprehensive Strategic Partnership";
        assert_eq!(shorten(title, 22), "Strengthening the…");
        assert_eq!(shorten(title, 200), title);
        assert_eq!(shorten("one, two, three", 11), "one, two…");
        // One long word is cut inside: nothing shorter would say anything.
        assert_eq!(shorten("Donaudampfschifffahrt", 8), "Donauda…");
    }
}
