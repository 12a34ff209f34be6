//! Text from workbooks, made safe to print on a terminal: a cell can hold
//! escape sequences that recolour, retitle or clear the terminal, and bidi
//! controls that make a line read as something else.

/// `s` without terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL`
/// or `ESC \`, and two-byte `ESC x`), control characters (tabs and line
/// breaks become one space) and bidi or invisible format characters.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, up to a final byte @ … ~.
                Some('[') => {
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC, DCS, APC, PM, SOS: a string ended by BEL or ESC \.
                Some(']' | 'P' | '_' | '^' | 'X') => {
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' {
                            break;
                        }
                        if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {} // ESC and one character
            },
            // The 8-bit CSI: same as ESC [.
            '\u{9b}' => {
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            }
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => {}
            // Bidi embeddings, overrides, isolates and marks; zero-width characters.
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escape_sequences_and_controls_are_removed_and_text_kept() {
        assert_eq!(printable("Thé vert 100 g"), "Thé vert 100 g");
        assert_eq!(printable("\u{1b}[2J\u{1b}[1;31mRED\u{1b}[0m tea"), "RED tea"); // clear screen, colour
        assert_eq!(printable("a\u{1b}]0;owned\u{7}b"), "ab"); // window title (OSC … BEL)
        assert_eq!(printable("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"), "alinkb"); // hyperlink (OSC … ST)
        assert_eq!(printable("x\u{1b}cy"), "xy"); // reset terminal (ESC c)
        assert_eq!(printable("x\u{9b}31my"), "xy"); // 8-bit CSI
        assert_eq!(printable("one\ntwo\tthree\r"), "one two three ");
        assert_eq!(printable("bell\u{7}\u{0}\u{7f}"), "bell");
        assert_eq!(printable("abc\u{202e}fed\u{2066}"), "abcfed"); // right-to-left override, isolate
        assert_eq!(printable("unfinished \u{1b}[31"), "unfinished ");
    }
}
