//! A byte-preserving rewrite of the string values of a JSON text.
//!
//! Scrubbing must not re-serialize provider bodies through `serde_json::Value`: that would round
//! big integers through `f64`, respell `1.10` as `1.1` and defeat the fixture format's promise that
//! bodies are served exactly as the provider sent them. So the rewriter walks the text once,
//! tracking the path of every value, copies every byte it does not change, and asks a callback
//! about each string value (object keys are never changed: paths must survive).

use std::fmt;

/// Nesting deeper than this is refused (serde_json's own default recursion limit).
const MAX_DEPTH: usize = 128;

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path as JSONPath (`$.records[0].Email`, `$['odd key']`), for messages.
pub fn display_path(path: &[Seg]) -> String {
    let mut out = String::from("$");
    for seg in path {
        match seg {
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            Seg::Key(k) if is_identifier(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Key(k) => {
                out.push_str("['");
                for ch in k.chars() {
                    match ch {
                        '\'' => out.push_str("\\'"),
                        '\\' => out.push_str("\\\\"),
                        c => out.push(c),
                    }
                }
                out.push_str("']");
            }
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The text is not the JSON the rewriter expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewriteError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for RewriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for RewriteError {}

/// Calls `replace(path, value)` for every string value of `text` (in document order) and
/// substitutes the returned string, JSON-escaped; everything else is copied byte for byte.
pub fn rewrite_strings(
    text: &str,
    replace: &mut dyn FnMut(&[Seg], &str) -> Option<String>,
) -> Result<String, RewriteError> {
    let mut walker = Walker {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out: String::with_capacity(text.len()),
        path: Vec::new(),
        replace,
    };
    walker.whitespace();
    walker.value(0)?;
    walker.whitespace();
    if walker.pos != walker.bytes.len() {
        return Err(walker.error("trailing characters after the JSON value"));
    }
    Ok(walker.out)
}

/// Visits every string value with its path, without changing anything.
pub fn visit_strings(text: &str, visit: &mut dyn FnMut(&[Seg], &str)) -> Result<(), RewriteError> {
    rewrite_strings(text, &mut |path, value| {
        visit(path, value);
        None
    })
    .map(drop)
}

struct Walker<'t, 'f> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    out: String,
    path: Vec<Seg>,
    replace: &'f mut dyn FnMut(&[Seg], &str) -> Option<String>,
}

impl Walker<'_, '_> {
    fn error(&self, message: &str) -> RewriteError {
        RewriteError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Copies `text[from..self.pos]` to the output.
    fn copy_from(&mut self, from: usize) {
        self.out.push_str(&self.text[from..self.pos]);
    }

    fn whitespace(&mut self) {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
        self.copy_from(start);
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), RewriteError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            self.out.push(char::from(byte));
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), RewriteError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let (range, decoded) = self.string()?;
                let text = self.text;
                let raw = &text[range];
                match (self.replace)(&self.path, &decoded) {
                    Some(new) if new != decoded => {
                        let encoded = serde_json::to_string(&new)
                            .map_err(|e| self.error(&format!("cannot encode a string: {e}")))?;
                        self.out.push_str(&encoded);
                    }
                    _ => self.out.push_str(raw),
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
                ) {
                    self.pos += 1;
                }
                let token = &self.text[start..self.pos];
                let valid = matches!(token, "true" | "false" | "null")
                    || serde_json::from_str::<serde_json::Number>(token).is_ok()
                    || is_big_number(token);
                if !valid {
                    self.pos = start;
                    return Err(self.error(&format!("unexpected token `{token}`")));
                }
                self.copy_from(start);
                Ok(())
            }
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    /// Reads a string token; returns where its raw text is (quotes included) and its value.
    fn string(&mut self) -> Result<(std::ops::Range<usize>, String), RewriteError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => self.pos += 2,
                Some(_) => self.pos += 1,
                None => return Err(self.error("unterminated string")),
            }
        }
        if self.pos > self.bytes.len() {
            return Err(self.error("unterminated string"));
        }
        let decoded: String = serde_json::from_str(&self.text[start..self.pos])
            .map_err(|e| self.error(&format!("invalid string literal: {e}")))?;
        Ok((start..self.pos, decoded))
    }

    fn object(&mut self, depth: usize) -> Result<(), RewriteError> {
        self.expect(b'{', "`{`")?;
        self.whitespace();
        if self.peek() == Some(b'}') {
            return self.expect(b'}', "`}`");
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.error("expected an object key"));
            }
            let (range, key) = self.string()?;
            let text = self.text;
            self.out.push_str(&text[range]);
            self.whitespace();
            self.expect(b':', "`:`")?;
            self.whitespace();
            self.path.push(Seg::Key(key));
            let result = self.value(depth + 1);
            self.path.pop();
            result?;
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.expect(b',', "`,`")?;
                    self.whitespace();
                }
                Some(b'}') => return self.expect(b'}', "`}`"),
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), RewriteError> {
        self.expect(b'[', "`[`")?;
        self.whitespace();
        if self.peek() == Some(b']') {
            return self.expect(b']', "`]`");
        }
        let mut index = 0;
        loop {
            self.path.push(Seg::Index(index));
            let result = self.value(depth + 1);
            self.path.pop();
            result?;
            index += 1;
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.expect(b',', "`,`")?;
                    self.whitespace();
                }
                Some(b']') => return self.expect(b']', "`]`"),
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }
}

/// Lays out valid JSON with two-space indentation, as if it were nested `base` spaces deep in a
/// pretty-printed document (so an embedded body lines up with the fixture around it). Only
/// whitespace outside strings changes: numbers and string escapes keep their exact spelling.
pub fn reindent(text: &str, base: usize) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = base / 2;
    let base_depth = depth;
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth * 2));
    };
    while let Some(ch) = chars.next() {
        match ch {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '{' | '[' => {
                out.push(ch);
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1).max(base_depth);
                newline(&mut out, depth);
                out.push(ch);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Integers too big for `serde_json::Number` without `arbitrary_precision` are still JSON.
fn is_big_number(token: &str) -> bool {
    let digits = token.strip_prefix('-').unwrap_or(token);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(text: &str) -> String {
        rewrite_strings(text, &mut |_, v| Some(v.to_uppercase())).unwrap()
    }

    #[test]
    fn only_string_values_change_and_everything_else_is_kept_byte_for_byte() {
        let text = r#" { "id" : 123456789012345678901234567890, "v":1.10,"e":0.5e1 ,
            "name":"ada", "t":true,"n":null,"list":[ "x" , {"k":"y"} ],"esc":"a\"b\u00e9" } "#;
        let out = upper(text);
        assert_eq!(
            out,
            r#" { "id" : 123456789012345678901234567890, "v":1.10,"e":0.5e1 ,
            "name":"ADA", "t":true,"n":null,"list":[ "X" , {"k":"Y"} ],"esc":"A\"BÉ" } "#
        );
    }

    #[test]
    fn unchanged_strings_keep_their_escapes() {
        let text = r#"{"a":"caf\u00e9 \/ x"}"#;
        let out = rewrite_strings(text, &mut |_, _| None).unwrap();
        assert_eq!(out, text);
        let same = rewrite_strings(text, &mut |_, v| Some(v.to_owned())).unwrap();
        assert_eq!(same, text);
    }

    #[test]
    fn paths_are_tracked() {
        let mut seen = Vec::new();
        visit_strings(
            r#"{"records":[{"Email":"a"},{"x":["b"]}],"odd key":"c"}"#,
            &mut |path, v| seen.push((display_path(path), v.to_owned())),
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![
                ("$.records[0].Email".to_owned(), "a".to_owned()),
                ("$.records[1].x[0]".to_owned(), "b".to_owned()),
                ("$['odd key']".to_owned(), "c".to_owned()),
            ]
        );
    }

    #[test]
    fn reindent_changes_only_whitespace() {
        let text = r#"{"a":[1.10,{"b":"x, y: {z}","c":[]}],"d":{},"e":"q\"{"}"#;
        let pretty = reindent(text, 0);
        assert_eq!(
            pretty,
            "{\n  \"a\": [\n    1.10,\n    {\n      \"b\": \"x, y: {z}\",\n      \"c\": []\n    }\n  ],\n  \"d\": {},\n  \"e\": \"q\\\"{\"\n}"
        );
        let nested = reindent(r#"{"a":1}"#, 8);
        assert_eq!(nested, "{\n          \"a\": 1\n        }");
        assert_eq!(reindent(" [ ] ", 4), "[]");
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&pretty), strip(text));
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        for bad in [
            "",
            "{",
            "[1,",
            r#"{"a"}"#,
            r#"{"a":1,}"#,
            "\"abc",
            "tru",
            "[1] x",
            "{1:2}",
            "\"\\",
            "[\"\\u12\"]",
        ] {
            assert!(
                rewrite_strings(bad, &mut |_, _| None).is_err(),
                "accepted {bad:?}"
            );
        }
        let deep = "[".repeat(500) + &"]".repeat(500);
        assert!(rewrite_strings(&deep, &mut |_, _| None).is_err());
    }
}
