//! A parser for the subset of SOQL our connector emits, strict where Salesforce is strict.
//!
//! `SELECT f1, f2 FROM Lead [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...]
//! [LIMIT n] [OFFSET n]`, where `cond` combines `=`, `!=`/`<>`, `<`, `<=`, `>`, `>=`, `[NOT] IN
//! (...)`, `LIKE`, `NOT`, parentheses, and `AND`/`OR` (mixing the two without parentheses is an
//! error, as in SOQL). Literals: single-quoted strings with the SOQL escapes `\\ \' \" \n \r \t
//! \b \f` (and `\%` `\_` only in a LIKE pattern), unquoted dates (`2024-01-01`) and date-times
//! (`2024-01-01T00:00:00Z`, `...+05:30`, optional milliseconds), numbers, `null`, `true`, `false`.
//!
//! Anything else is `MALFORMED_QUERY` with Salesforce's message layout (the query line, a caret,
//! `ERROR at Row:r:Column:c`, the reason), so an escaping bug in a client shows up as the same
//! error the real API would give, never as a different result set.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A SOQL error: Salesforce's `errorCode` and `message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoqlError {
    pub code: &'static str,
    pub message: String,
}

/// A field reference with its character offset in the query (for error positions).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    pub name: String,
    pub pos: usize,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A quoted string, escapes decoded.
    String(String),
    Null,
    Bool(bool),
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
}

/// One element of a LIKE pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternPart {
    /// A character matched literally (case-insensitively), including escaped `\%` and `\_`.
    Char(char),
    /// `%`: any run of characters.
    AnySequence,
    /// `_`: exactly one character.
    AnyChar,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A WHERE condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        field: FieldRef,
        op: CompareOp,
        value: Literal,
        pos: usize,
    },
    In {
        field: FieldRef,
        negated: bool,
        values: Vec<Literal>,
        pos: usize,
    },
    Like {
        field: FieldRef,
        pattern: Vec<PatternPart>,
        pos: usize,
    },
}

/// One ORDER BY item.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderBy {
    pub field: FieldRef,
    pub descending: bool,
    pub nulls_last: bool,
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub select: Vec<FieldRef>,
    pub object: FieldRef,
    pub filter: Option<Condition>,
    pub order_by: Vec<OrderBy>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// Salesforce's limit on the length of a SOQL statement.
pub const MAX_QUERY_CHARS: usize = 100_000;
/// Deepest nesting of parentheses and `NOT`s accepted (keeps the recursive parser's stack small).
const MAX_DEPTH: usize = 64;

/// Parse `soql` (already URL-decoded).
pub fn parse(soql: &str) -> Result<Query, SoqlError> {
    let chars: Vec<char> = soql.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(SoqlError {
            code: "MALFORMED_QUERY",
            message: format!("SOQL statements cannot be longer than {MAX_QUERY_CHARS} characters."),
        });
    }
    let tokens = lex(&chars);
    Parser {
        chars: &chars,
        tokens,
        at: 0,
        depth: 0,
    }
    .query()
}

/// Salesforce's MALFORMED_QUERY message: the offending line, a caret, the position, the reason.
pub(crate) fn positioned(chars: &[char], pos: usize, reason: &str) -> String {
    let pos = pos.min(chars.len());
    let mut row = 1;
    let mut line_start = 0;
    for (i, c) in chars.iter().enumerate().take(pos) {
        if *c == '\n' {
            row += 1;
            line_start = i + 1;
        }
    }
    let line_end = chars[line_start..]
        .iter()
        .position(|c| *c == '\n')
        .map(|p| line_start + p)
        .unwrap_or(chars.len());
    let line: String = chars[line_start..line_end].iter().collect();
    let col = pos - line_start + 1;
    format!(
        "\n{line}\n{caret:>width$}\nERROR at Row:{row}:Column:{col}\n{reason}",
        caret = "^",
        width = col
    )
}

fn malformed(chars: &[char], pos: usize, reason: &str) -> SoqlError {
    SoqlError {
        code: "MALFORMED_QUERY",
        message: positioned(chars, pos, reason),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str {
        value: String,
        pattern: Vec<PatternPart>,
        like_escape: Option<char>,
        raw: String,
    },
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    LParen,
    RParen,
    Comma,
    Op(CompareOp),
    Eof,
    /// Lexing stopped here; the parser reports this error only if it gets this far, so a
    /// grammar error earlier in the query wins (as `unexpected token: brien` does for `'o'brien'`).
    Error(Box<SoqlError>),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    pos: usize,
    text: String,
}

fn lex(chars: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    if let Err(e) = lex_into(chars, &mut out) {
        let pos = out
            .last()
            .map(|t| t.pos + t.text.chars().count())
            .unwrap_or(0);
        out.push(Token {
            tok: Tok::Error(Box::new(e)),
            pos,
            text: String::new(),
        });
    }
    out
}

fn lex_into(chars: &[char], out: &mut Vec<Token>) -> Result<(), SoqlError> {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '(' | ')' | ',' => {
                i += 1;
                let tok = match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    _ => Tok::Comma,
                };
                out.push(Token {
                    tok,
                    pos: start,
                    text: c.to_string(),
                });
            }
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', _) => (CompareOp::Eq, 1),
                    ('!', Some('=')) => (CompareOp::Ne, 2),
                    ('<', Some('>')) => (CompareOp::Ne, 2),
                    ('<', Some('=')) => (CompareOp::Le, 2),
                    ('<', _) => (CompareOp::Lt, 1),
                    ('>', Some('=')) => (CompareOp::Ge, 2),
                    ('>', _) => (CompareOp::Gt, 1),
                    _ => return Err(malformed(chars, start, "unexpected token: !")),
                };
                i += len;
                out.push(Token {
                    tok: Tok::Op(op),
                    pos: start,
                    text: chars[start..i].iter().collect(),
                });
            }
            '\'' => {
                let (tok, end) = lex_string(chars, start)?;
                i = end;
                out.push(Token {
                    tok,
                    pos: start,
                    text: chars[start..i].iter().collect(),
                });
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], ':' | '.' | '+' | '-'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let tok = classify_number(&text)
                    .ok_or_else(|| malformed(chars, start, &format!("unexpected token: {text}")))?;
                out.push(Token {
                    tok,
                    pos: start,
                    text,
                });
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '.'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                out.push(Token {
                    tok: Tok::Ident(text.clone()),
                    pos: start,
                    text,
                });
            }
            other => {
                return Err(malformed(
                    chars,
                    start,
                    &format!("line 1:{start} no viable alternative at character '{other}'"),
                ))
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: chars.len(),
        text: "<EOF>".into(),
    });
    Ok(())
}

/// A quoted string starting at `start` (the opening quote). Returns the token and the index
/// after the closing quote.
fn lex_string(chars: &[char], start: usize) -> Result<(Tok, usize), SoqlError> {
    let mut value = String::new();
    let mut pattern = Vec::new();
    let mut like_escape = None;
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(malformed(
                chars,
                chars.len(),
                &format!(
                    "line 1:{} mismatched character '<EOF>' expecting '''",
                    chars.len()
                ),
            ));
        };
        match c {
            '\'' => {
                let raw: String = chars[start..=i].iter().collect();
                return Ok((
                    Tok::Str {
                        value,
                        pattern,
                        like_escape,
                        raw,
                    },
                    i + 1,
                ));
            }
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err(malformed(
                        chars,
                        chars.len(),
                        &format!(
                            "line 1:{} mismatched character '<EOF>' expecting '''",
                            chars.len()
                        ),
                    ));
                };
                let decoded = match e {
                    '\\' => '\\',
                    '\'' => '\'',
                    '"' => '"',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '%' | '_' => {
                        like_escape.get_or_insert(e);
                        e
                    }
                    other => {
                        let literal = closing_literal(chars, start);
                        return Err(malformed(
                            chars,
                            start,
                            &format!(
                                "Invalid string literal '{literal}'. Illegal character sequence '\\{other}' in string literal."
                            ),
                        ));
                    }
                };
                value.push(decoded);
                pattern.push(PatternPart::Char(decoded));
                i += 2;
            }
            '%' => {
                value.push(c);
                pattern.push(PatternPart::AnySequence);
                i += 1;
            }
            '_' => {
                value.push(c);
                pattern.push(PatternPart::AnyChar);
                i += 1;
            }
            _ => {
                value.push(c);
                pattern.push(PatternPart::Char(c));
                i += 1;
            }
        }
    }
}

/// The literal's text for error messages: up to the next unescaped quote or the end.
fn closing_literal(chars: &[char], start: usize) -> String {
    let mut i = start + 1;
    let mut out = String::new();
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            break;
        }
        out.push(c);
        if c == '\\' {
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
                i += 1;
            }
        }
        i += 1;
    }
    out
}

fn classify_number(text: &str) -> Option<Tok> {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let is_date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if is_date && b.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Tok::Date);
    }
    if is_date && b[10] == b'T' {
        // hh:mm:ss, optional .fraction, then Z or +hh:mm / -hh:mm
        if !(digits(11..13)
            && b.get(13) == Some(&b':')
            && digits(14..16)
            && b.get(16) == Some(&b':')
            && digits(17..19))
        {
            return None;
        }
        let mut rest = &text[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 || n > 3 {
                return None;
            }
            rest = &frac[n..];
        }
        let zone_ok = rest == "Z"
            || (rest.len() == 6
                && matches!(rest.as_bytes()[0], b'+' | b'-')
                && rest.as_bytes()[3] == b':'
                && rest[1..3].bytes().all(|c| c.is_ascii_digit())
                && rest[4..6].bytes().all(|c| c.is_ascii_digit()));
        if !zone_ok {
            return None;
        }
        return DateTime::parse_from_rfc3339(text).ok().map(Tok::DateTime);
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let valid = match unsigned.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|c| c.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|c| c.is_ascii_digit())
        }
        None => !unsigned.is_empty() && unsigned.bytes().all(|c| c.is_ascii_digit()),
    };
    if valid {
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Tok::Number)
    } else {
        None
    }
}

const KEYWORDS: &[&str] = &[
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "ASC", "DESC",
    "NULLS", "FIRST", "LAST", "LIMIT", "OFFSET", "NULL", "TRUE", "FALSE", "GROUP", "HAVING",
    "INCLUDES", "EXCLUDES", "WITH", "FOR", "USING",
];

struct Parser<'a> {
    chars: &'a [char],
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        t
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        if let Tok::Error(e) = &t.tok {
            return (**e).clone();
        }
        malformed(self.chars, t.pos, &format!("unexpected token: {}", t.text))
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: Tok) -> Result<(), SoqlError> {
        if self.peek().tok == tok {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn field(&mut self) -> Result<FieldRef, SoqlError> {
        match &self.peek().tok {
            Tok::Ident(name) if !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name)) => {
                let name = name.clone();
                let pos = self.bump().pos;
                Ok(FieldRef { name, pos })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(mut self) -> Result<Query, SoqlError> {
        self.expect_kw("SELECT")?;
        let mut select = vec![self.field()?];
        while self.peek().tok == Tok::Comma {
            self.bump();
            select.push(self.field()?);
        }
        self.expect_kw("FROM")?;
        let object = self.field()?;
        let filter = if self.eat_kw("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let field = self.field()?;
                let descending = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                let nulls_last = if self.eat_kw("NULLS") {
                    if self.eat_kw("LAST") {
                        true
                    } else {
                        self.expect_kw("FIRST")?;
                        false
                    }
                } else {
                    false
                };
                order_by.push(OrderBy {
                    field,
                    descending,
                    nulls_last,
                });
                if self.peek().tok == Tok::Comma {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        let limit = if self.eat_kw("LIMIT") {
            Some(self.count()?)
        } else {
            None
        };
        let offset = if self.eat_kw("OFFSET") {
            Some(self.count()?)
        } else {
            None
        };
        if self.peek().tok != Tok::Eof {
            return Err(self.unexpected());
        }
        Ok(Query {
            select,
            object,
            filter,
            order_by,
            limit,
            offset,
        })
    }

    fn count(&mut self) -> Result<u64, SoqlError> {
        match self.peek().tok {
            Tok::Number(n) if n >= 0.0 && n.fract() == 0.0 && !self.peek().text.contains('.') => {
                self.bump();
                Ok(n as u64)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// AND-chains or OR-chains; mixing them at one level needs parentheses.
    fn condition(&mut self) -> Result<Condition, SoqlError> {
        let first = self.unary()?;
        for (joiner, other) in [("AND", "OR"), ("OR", "AND")] {
            if self.is_kw(joiner) {
                let mut parts = vec![first];
                while self.eat_kw(joiner) {
                    parts.push(self.unary()?);
                }
                if self.is_kw(other) {
                    return Err(self.unexpected());
                }
                return Ok(if joiner == "AND" {
                    Condition::And(parts)
                } else {
                    Condition::Or(parts)
                });
            }
        }
        Ok(first)
    }

    fn unary(&mut self) -> Result<Condition, SoqlError> {
        if self.depth >= MAX_DEPTH {
            let pos = self.peek().pos;
            return Err(malformed(self.chars, pos, "Query is too complicated"));
        }
        self.depth += 1;
        let result = if self.eat_kw("NOT") {
            self.unary().map(|c| Condition::Not(Box::new(c)))
        } else if self.peek().tok == Tok::LParen {
            self.bump();
            self.condition()
                .and_then(|c| self.expect(Tok::RParen).map(|()| c))
        } else {
            self.simple()
        };
        self.depth -= 1;
        result
    }

    fn simple(&mut self) -> Result<Condition, SoqlError> {
        let field = self.field()?;
        let pos = self.peek().pos;
        if let Tok::Op(op) = self.peek().tok {
            self.bump();
            let value = self.literal()?;
            return Ok(Condition::Compare {
                field,
                op,
                value,
                pos,
            });
        }
        let negated = self.eat_kw("NOT");
        if self.eat_kw("IN") {
            self.expect(Tok::LParen)?;
            let mut values = vec![self.literal()?];
            while self.peek().tok == Tok::Comma {
                self.bump();
                values.push(self.literal()?);
            }
            self.expect(Tok::RParen)?;
            return Ok(Condition::In {
                field,
                negated,
                values,
                pos,
            });
        }
        if !negated && self.eat_kw("LIKE") {
            return match self.peek().tok.clone() {
                Tok::Str { pattern, .. } => {
                    self.bump();
                    Ok(Condition::Like {
                        field,
                        pattern,
                        pos,
                    })
                }
                _ => Err(self.unexpected()),
            };
        }
        Err(self.unexpected())
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let t = self.peek().clone();
        let lit = match &t.tok {
            Tok::Str {
                value,
                like_escape,
                raw,
                ..
            } => {
                if let Some(e) = like_escape {
                    let inner = &raw[1..raw.len() - 1];
                    return Err(malformed(
                        self.chars,
                        t.pos,
                        &format!(
                            "Invalid string literal '{inner}'. Illegal character sequence '\\{e}' in string literal."
                        ),
                    ));
                }
                Literal::String(value.clone())
            }
            Tok::Number(n) => Literal::Number(*n),
            Tok::Date(d) => Literal::Date(*d),
            Tok::DateTime(d) => Literal::DateTime(*d),
            Tok::Ident(s) if s.eq_ignore_ascii_case("null") => Literal::Null,
            Tok::Ident(s) if s.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Ident(s) if s.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Err(self.unexpected()),
        };
        self.bump();
        Ok(lit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(q: &str) -> Literal {
        match parse(q).unwrap().filter.unwrap() {
            Condition::Compare { value, .. } => value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(
            lit(r#"SELECT Id FROM Lead WHERE Name = 'o\'b\\r\n\t\"'"#),
            Literal::String("o'b\\r\n\t\"".into())
        );
    }

    #[test]
    fn bad_escape_and_unterminated_are_malformed() {
        for q in [
            r"SELECT Id FROM Lead WHERE Name = 'a\q'",
            r"SELECT Id FROM Lead WHERE Name = 'a",
            r"SELECT Id FROM Lead WHERE Name = 'a\'",
            r"SELECT Id FROM Lead WHERE Name = 'a\%'",
            "SELECT Id FROM Lead WHERE Name = 'o'brien'",
            "SELECT Id FROM Lead WHERE Name = 'a' AND Email = 'b' OR Id = 'c'",
            "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01T00:00:00 05:30",
            "SELECT Id FROM Lead LIMIT 1.5",
            "SELECT Id, FROM Lead",
        ] {
            assert_eq!(parse(q).unwrap_err().code, "MALFORMED_QUERY", "{q}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let q = format!(
            "SELECT Id FROM Lead WHERE {}Name = 'a'{}",
            "(".repeat(50_000),
            ")".repeat(50_000)
        );
        assert_eq!(parse(&q).unwrap_err().code, "MALFORMED_QUERY");
        let q = format!(
            "SELECT Id FROM Lead WHERE {}Name = 'a'",
            "NOT ".repeat(20_000)
        );
        assert_eq!(parse(&q).unwrap_err().code, "MALFORMED_QUERY");
        let q = format!(
            "SELECT Id FROM Lead WHERE {}Name = 'a'{}",
            "(".repeat(10),
            ")".repeat(10)
        );
        assert!(parse(&q).is_ok());
    }

    #[test]
    fn datetimes_and_dates() {
        assert!(matches!(
            lit("SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01T00:00:00+05:30"),
            Literal::DateTime(_)
        ));
        assert!(matches!(
            lit("SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01T00:00:00.123Z"),
            Literal::DateTime(_)
        ));
        assert!(matches!(
            lit("SELECT Id FROM Lead WHERE ConvertedDate = 2024-02-29"),
            Literal::Date(_)
        ));
        assert!(parse("SELECT Id FROM Lead WHERE ConvertedDate = 2023-02-29").is_err());
    }

    #[test]
    fn error_message_points_at_the_token() {
        let e = parse("SELECT Id FROM Lead WHERE Name = 'o'brien'").unwrap_err();
        assert!(
            e.message.contains("ERROR at Row:1:Column:37"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("unexpected token: brien"),
            "{}",
            e.message
        );
    }
}
