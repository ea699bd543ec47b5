//! A fast pass over the source, before oxc sees it, that bounds how deeply brackets nest.
//!
//! Why: when a parenthesis turns out not to open arrow-function parameters, oxc parses its
//! contents a second time (`(a = (a = (a = …`), so parse time grows with the square of the
//! nesting depth: a 256 KiB contract nested 60 000 deep takes minutes. Refusing deep nesting
//! first bounds parse time by depth × size.
//!
//! The pass is a lexer reduced to what decides bracket depth: comments, strings, template
//! literals and regular expressions, whose contents are not code. Where only a full parser can
//! tell a regular expression from a division (`/` after `}`, `yield`, `await`, `of`, …) it
//! refuses instead of guessing, because a wrong guess could hide brackets from the count. It
//! also refuses HTML-like comments (`<!--`, `-->`), which oxc and the engine may skip under
//! different rules, so that the code checked is the code run.

/// Deepest allowed nesting of `(`, `[`, `{` and `${` taken together.
pub const MAX_NESTING: usize = 64;

/// Why [`check_nesting`] refused a source; offsets are bytes into it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    TooDeep { offset: usize },
    Unsupported { offset: usize, message: &'static str },
}

/// What a `/` means after the previous token.
#[derive(Clone, Copy)]
enum Slash {
    Regex,
    Divide,
    /// Only a parser could tell; the message says how to make it clear.
    Unclear(&'static str),
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    /// `control` marks the head of `if`, `while`, `for` and `with`, after which `/` starts a
    /// regular expression (`if (x) /re/.test(y)`).
    Paren {
        control: bool,
    },
    Bracket,
    Brace,
    /// `${` inside a template literal; its `}` resumes the template text.
    Substitution,
}

const AFTER_BRACE: &str = "'/' right after '}' could be a division or a regular expression; \
                           add ';' or parentheses to make it clear";
const AFTER_WORD: &str = "'/' after this word could be a division or a regular expression; \
                          add parentheses to make it clear";
const HTML_COMMENT: &str = "HTML-like comments ('<!--', '-->') are not supported";

/// Refuses `source` if brackets nest deeper than [`MAX_NESTING`] or if its tokens cannot be
/// told apart without a parser (see the module documentation).
pub(crate) fn check_nesting(source: &str) -> Result<(), Refusal> {
    Scanner::new(source).run()
}

struct Scanner<'s> {
    src: &'s str,
    bytes: &'s [u8],
    pos: usize,
    stack: Vec<Open>,
    slash: Slash,
    /// The previous token was `.`, `?.` or `#`: the next word is a property name.
    after_dot: bool,
    /// The previous token was `if`, `while`, `for`, `with`, or `await` after `for`.
    before_control: bool,
    /// The previous token was the keyword `for` (for `for await (`).
    after_for: bool,
    /// A line break came after the previous token (`a \n ++b` is a prefix increment).
    newline: bool,
}

impl<'s> Scanner<'s> {
    fn new(src: &'s str) -> Self {
        let mut scanner = Scanner {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            stack: Vec::new(),
            slash: Slash::Regex,
            after_dot: false,
            before_control: false,
            after_for: false,
            newline: false,
        };
        if src.starts_with("#!") {
            scanner.skip_line();
        }
        scanner
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn run(mut self) -> Result<(), Refusal> {
        while let Some(c) = self.src[self.pos..].chars().next() {
            let start = self.pos;
            if is_line_terminator(c) {
                self.newline = true;
                self.pos += c.len_utf8();
                continue;
            }
            if is_whitespace(c) {
                self.pos += c.len_utf8();
                continue;
            }
            let mut control = false;
            let mut is_for = false;
            let mut dot = false;
            match c {
                '/' if self.peek(1) == b'/' => {
                    self.skip_line();
                    continue;
                }
                '/' if self.peek(1) == b'*' => {
                    self.skip_block_comment();
                    continue;
                }
                '/' => match self.slash {
                    Slash::Regex => {
                        self.skip_regex();
                        self.slash = Slash::Divide;
                    }
                    Slash::Divide => {
                        self.pos += 1;
                        self.slash = Slash::Regex;
                    }
                    Slash::Unclear(message) => {
                        return Err(Refusal::Unsupported { offset: start, message });
                    }
                },
                '\'' | '"' => {
                    self.skip_string(c as u8);
                    self.slash = Slash::Divide;
                }
                '`' => {
                    self.pos += 1;
                    self.template_text()?;
                }
                '(' => {
                    self.open(Open::Paren { control: self.before_control }, start)?;
                }
                '[' => self.open(Open::Bracket, start)?,
                '{' => self.open(Open::Brace, start)?,
                ')' => {
                    self.pos += 1;
                    self.slash = Slash::Divide;
                    if let Some(&Open::Paren { control }) = self.stack.last() {
                        self.stack.pop();
                        if control {
                            self.slash = Slash::Regex;
                        }
                    }
                }
                ']' => {
                    self.pos += 1;
                    self.close(Open::Bracket);
                    self.slash = Slash::Divide;
                }
                '}' => {
                    self.pos += 1;
                    if self.stack.last() == Some(&Open::Substitution) {
                        self.stack.pop();
                        self.template_text()?;
                    } else {
                        self.close(Open::Brace);
                        self.slash = Slash::Unclear(AFTER_BRACE);
                    }
                }
                '<' if self.src[self.pos..].starts_with("<!--") => {
                    return Err(Refusal::Unsupported { offset: start, message: HTML_COMMENT });
                }
                '-' | '+' if self.peek(1) == c as u8 => {
                    if c == '-' && self.peek(2) == b'>' {
                        return Err(Refusal::Unsupported { offset: start, message: HTML_COMMENT });
                    }
                    self.pos += 2;
                    // After an operand (and on the same line) `++`/`--` is postfix, and an
                    // operator may follow; otherwise it is prefix and an operand follows.
                    let postfix = matches!(self.slash, Slash::Divide) && !self.newline;
                    self.slash = if postfix { Slash::Divide } else { Slash::Regex };
                }
                '.' if self.peek(1).is_ascii_digit() => self.skip_number(),
                '.' if self.peek(1) == b'.' && self.peek(2) == b'.' => {
                    self.pos += 3;
                    self.slash = Slash::Regex;
                }
                '.' | '#' => {
                    self.pos += 1;
                    dot = true;
                    self.slash = Slash::Regex;
                }
                '?' if self.peek(1) == b'.' && !self.peek(2).is_ascii_digit() => {
                    self.pos += 2;
                    dot = true;
                    self.slash = Slash::Regex;
                }
                '0'..='9' => self.skip_number(),
                c if is_word_char(c) => {
                    let escaped = self.skip_word();
                    let word = &self.src[start..self.pos];
                    self.slash = if escaped {
                        Slash::Unclear(AFTER_WORD)
                    } else if self.after_dot {
                        Slash::Divide
                    } else {
                        control =
                            matches!(word, "if" | "while" | "for" | "with") || (word == "await" && self.after_for);
                        is_for = word == "for";
                        slash_after_word(word)
                    };
                }
                _ => {
                    self.pos += c.len_utf8();
                    self.slash = Slash::Regex;
                }
            }
            self.after_dot = dot;
            self.before_control = control;
            self.after_for = is_for;
            self.newline = false;
        }
        Ok(())
    }

    fn open(&mut self, open: Open, start: usize) -> Result<(), Refusal> {
        self.pos += 1;
        self.push(open, start)
    }

    fn push(&mut self, open: Open, start: usize) -> Result<(), Refusal> {
        self.stack.push(open);
        self.slash = Slash::Regex;
        if self.stack.len() > MAX_NESTING {
            return Err(Refusal::TooDeep { offset: start });
        }
        Ok(())
    }

    /// Pops `open` if it is innermost. A closer that does not match is a syntax error that
    /// oxc reports; ignoring it can only overstate the depth, never understate it.
    fn close(&mut self, open: Open) {
        if self.stack.last() == Some(&open) {
            self.stack.pop();
        }
    }

    /// Skips template text up to the closing backtick or the next `${`.
    fn template_text(&mut self) -> Result<(), Refusal> {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'`' => {
                    self.pos += 1;
                    self.slash = Slash::Divide;
                    return Ok(());
                }
                b'$' if self.peek(1) == b'{' => {
                    let start = self.pos;
                    self.pos += 2;
                    return self.push(Open::Substitution, start);
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.bytes.len();
        Ok(())
    }

    /// Skips a quoted string; an unescaped line break ends it (oxc reports the error).
    fn skip_string(&mut self, quote: u8) {
        self.pos += 1;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                // `\` before CR LF continues the line; skip all three.
                b'\\' if self.bytes[self.pos + 1..].starts_with(b"\r\n") => self.pos += 3,
                b'\\' => self.pos += 2,
                b'\n' | b'\r' => return,
                b if b == quote => {
                    self.pos += 1;
                    return;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.bytes.len();
    }

    /// Skips a regular expression literal with oxc's rules: `/` inside `[...]` or after `\`
    /// does not end it, a line break does.
    fn skip_regex(&mut self) {
        self.pos += 1;
        let mut in_class = false;
        while let Some(c) = self.src[self.pos..].chars().next() {
            if is_line_terminator(c) {
                return;
            }
            self.pos += c.len_utf8();
            match c {
                '\\' => match self.src[self.pos..].chars().next() {
                    Some(next) if !is_line_terminator(next) => self.pos += next.len_utf8(),
                    _ => return,
                },
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
        }
        while matches!(self.peek(0), b'$' | b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9') {
            self.pos += 1;
        }
    }

    /// Skips a numeric literal; only where it ends matters, not whether it is valid.
    fn skip_number(&mut self) {
        self.pos += 1;
        while matches!(self.peek(0), b'.' | b'_' | b'$' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9') {
            self.pos += 1;
        }
        self.slash = Slash::Divide;
    }

    /// Skips an identifier or keyword; returns whether it contains a `\u` escape.
    fn skip_word(&mut self) -> bool {
        let mut escaped = false;
        while let Some(c) = self.src[self.pos..].chars().next() {
            if !is_word_char(c) {
                break;
            }
            self.pos += c.len_utf8();
            if c == '\\' {
                escaped = true;
                let rest = &self.src[self.pos..];
                self.pos += match rest.strip_prefix("u{") {
                    Some(braced) => braced.find('}').map_or(rest.len(), |end| end + 3),
                    None => rest.chars().next().map_or(0, char::len_utf8),
                };
            }
        }
        escaped
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.src[self.pos..].chars().next() {
            if is_line_terminator(c) {
                return;
            }
            self.pos += c.len_utf8();
        }
    }

    fn skip_block_comment(&mut self) {
        let body = &self.src[self.pos + 2..];
        let end = body.find("*/").map_or(body.len(), |end| end + 2);
        self.newline |= body[..end].chars().any(is_line_terminator);
        self.pos += 2 + end;
    }
}

/// What `/` means after a word that is not a property name.
fn slash_after_word(word: &str) -> Slash {
    match word {
        // An operand follows these.
        "return" | "typeof" | "instanceof" | "in" | "new" | "delete" | "void" | "throw" | "case" | "do" | "else"
        | "extends" => Slash::Regex,
        // These depend on context (generator, async function, for-of) or cannot be followed
        // by `/` at all.
        "yield" | "await" | "of" | "if" | "while" | "for" | "with" | "switch" | "catch" | "function" | "class"
        | "var" | "const" | "try" | "finally" | "break" | "continue" | "debugger" | "import" | "export" | "default"
        | "enum" => Slash::Unclear(AFTER_WORD),
        // Identifiers and `this`, `super`, `null`, `true`, `false` are operands.
        _ => Slash::Divide,
    }
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// ECMAScript WhiteSpace other than line terminators: tab, VT, FF, ZWNBSP and category Zs.
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// Characters that may appear in an identifier. Non-ASCII characters other than white space
/// count too: those that may not appear in one are syntax errors oxc reports.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '$' | '_' | '\\')
        || !(c.is_ascii() || is_whitespace(c) || is_line_terminator(c))
}

#[cfg(test)]
mod tests {
    use super::{check_nesting, Refusal, MAX_NESTING};

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("x = {}1{};", open.repeat(depth), close.repeat(depth))
    }

    fn too_deep(source: &str) -> bool {
        matches!(check_nesting(source), Err(Refusal::TooDeep { .. }))
    }

    fn unsupported(source: &str) -> bool {
        matches!(check_nesting(source), Err(Refusal::Unsupported { .. }))
    }

    #[test]
    fn every_bracket_kind_counts() {
        let kinds = [("(", ")", 1), ("[", "]", 1), ("{a:", "}", 1), ("`${", "}`", 1), ("[(", ")]", 2)];
        for (open, close, levels_per_unit) in kinds {
            let units = MAX_NESTING / levels_per_unit;
            assert_eq!(check_nesting(&nested(open, close, units)), Ok(()), "{open}");
            assert!(too_deep(&nested(open, close, units + 1)), "{open}");
        }
    }

    #[test]
    fn depth_is_reported_at_the_first_bracket_too_many() {
        let source = nested("(", ")", MAX_NESTING + 5);
        assert_eq!(check_nesting(&source), Err(Refusal::TooDeep { offset: 4 + MAX_NESTING }));
    }

    #[test]
    fn sequential_brackets_do_not_add_up() {
        let source = nested("(", ")", MAX_NESTING).repeat(10);
        assert_eq!(check_nesting(&source), Ok(()));
    }

    #[test]
    fn brackets_in_strings_comments_templates_and_regexes_do_not_count() {
        let opens = "(".repeat(MAX_NESTING + 1);
        for source in [
            format!("'{opens}'"),
            format!("\"{opens}\""),
            format!("`{opens}`"),
            format!("// {opens}"),
            format!("/* {opens} */"),
            format!("x = /{}/;", "\\(".repeat(MAX_NESTING + 1)),
            format!("x = /[{opens}]/;"),
            format!("#!{opens}\n"),
        ] {
            assert_eq!(check_nesting(&source), Ok(()), "{source}");
        }
    }

    #[test]
    fn closers_inside_strings_cannot_hide_real_depth() {
        for filler in ["\")\"", "')'", "`)`", "/)/", "/*)*/", "`${')'}`"] {
            let source = format!("x = {}1;", format!("({filler},").repeat(MAX_NESTING + 1));
            assert!(too_deep(&source), "{filler}");
        }
    }

    #[test]
    fn escapes_keep_strings_and_templates_open() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(check_nesting(&format!("x = '\\'{deep}';")), Ok(()), "escaped quote");
        assert!(too_deep(&format!("x = '\\\\'{deep}")), "escaped backslash");
        assert_eq!(check_nesting(&format!("x = 'a\\\r\n{deep}';")), Ok(()), "CR LF continuation");
        assert_eq!(check_nesting(&format!("x = `\\${{{deep}`;")), Ok(()), "escaped ${{");
        assert_eq!(check_nesting(&format!("x = /\\/{deep}/;")), Ok(()), "escaped slash");
    }

    #[test]
    fn regex_and_division_are_told_apart() {
        let deep = "(".repeat(MAX_NESTING + 1);
        // Regular expressions: brackets inside are text.
        for prefix in [
            "x = ",
            "if (a) ",
            "while (a) ",
            "for (;;) ",
            "return ",
            "typeof ",
            "(",
            ",",
            "!",
            "a ? ",
            "=> ",
            "\n",
            "x = ++",
        ] {
            let source = format!("{prefix}/{deep}/");
            assert_eq!(check_nesting(&source), Ok(()), "{prefix}");
        }
        // Divisions: what follows is code.
        for prefix in ["a ", "a.if ", "1 ", "(a) ", "a[0] ", "'s' ", "this ", "a++ ", "`t` ", "a.return "] {
            let source = format!("x = {prefix}/ {deep}");
            assert!(too_deep(&source), "{prefix}");
        }
    }

    #[test]
    fn ambiguous_slashes_are_refused() {
        for source in [
            "if (a) {} /re/.test(b);",
            "x = {} / 2;",
            "function* g() { yield /re/; }",
            "x = await / 2;",
            "for (x of /re/g) {}",
            "x = r\\u0065turn / 2;",
        ] {
            assert!(unsupported(source), "{source}");
        }
        for source in ["if (a) {} // note", "if (a) {}\n/* note */", "x = `${a}/${b}`;"] {
            assert_eq!(check_nesting(source), Ok(()), "{source}");
        }
    }

    #[test]
    fn html_like_comments_are_refused() {
        assert!(unsupported("x = a <!-- b"));
        assert!(unsupported("-->"));
        assert!(unsupported("x = a-->b"));
        assert_eq!(check_nesting("x = a-- > b; y = '<!--'; // -->"), Ok(()));
    }

    #[test]
    fn unicode_whitespace_and_escapes_are_handled() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(check_nesting(&format!("return\u{a0}/{deep}/")), Ok(()), "NBSP before regex");
        assert!(too_deep(&format!("x\u{2028}/{deep}/")), "no ASI: a division");
        assert_eq!(check_nesting("var \\u{61}b = 1, c\\u0064 = 2;"), Ok(()));
        assert_eq!(check_nesting("var é = 1; x = é / 2;"), Ok(()));
    }

    #[test]
    fn malformed_input_never_panics() {
        for source in [
            "'",
            "\"\\",
            "`",
            "`${",
            "/*",
            "/",
            "x = /[",
            "a\\",
            "a\\u{",
            "}",
            ")",
            "]",
            "\\é",
            "'\\é'",
            "`\\é`",
            "x = /\\é/",
        ] {
            let _ = check_nesting(source);
        }
    }
}
