//! The query language: a lexer and a recursive-descent parser producing an [`Node`] tree,
//! with positioned errors.
//!
//! We do not use tantivy's `QueryParser`: it does not report the column of an error, it
//! has no `published:2024-06` / `published:..2011-06-30` date syntax, and it cannot
//! bound prefix expansion. The tree is compiled into tantivy `Query` objects directly
//! (see `compile.rs`).
//!
//! # Syntax
//!
//! - `word` — an analysed word (lowercased, ASCII-folded, no stemming) searched in the
//!   title and the body. A "word" that the analyser splits (`kim-jong-il`, `U.S.`) is
//!   searched as a phrase. A word with nothing searchable in it (`&`) is ignored.
//! - Juxtaposition is **AND**: `putin treaty` = `putin AND treaty`.
//! - `"exact phrase"`, and proximity `"putin treaty"~10` (the words within a total
//!   distance of 10 positions; transposing two words costs 2).
//! - `AND`, `OR`, `NOT` (upper case only; lower-case `and` is a word) and parentheses.
//!   Precedence: `NOT` binds tighter than `AND` (explicit or implicit), which binds
//!   tighter than `OR`: `a b OR c` = `(a AND b) OR c`. Use parentheses when in doubt.
//! - `-word` (or `-"phrase"`, `-(…)`, `-field:value`) excludes; same as `NOT`.
//! - `treat*` — prefix; expands to at most [`MAX_EXPANSIONS`] index terms, else an error
//!   naming the prefix.
//! - Field filters: `title:word`, `title:"phrase"`, `title:treat*`; exact and
//!   case-insensitive `outlet:KCNA`, `outlet:"Rodong Sinmun"`, `lang:en`,
//!   `entity:vladimir-putin`, `type:message`; publication date `published:2024`,
//!   `published:2024-06`, `published:2024-06-01`, `published:2024-06-01..2024-12-31`,
//!   open ends `published:..2011-06-30`, `published:2011-01-01..` (each end may be a
//!   year, a month or a day).
//! - A query (or a parenthesised group, or an `OR` branch) made only of exclusions
//!   means "everything except": `-foo` matches every document without `foo`.
//!
//! # Bounds
//!
//! At most [`MAX_QUERY_CHARS`] characters, [`MAX_TERMS`] terms (each word of a phrase
//! counts), parentheses nested at most [`MAX_DEPTH`] deep. Violations, unbalanced
//! parentheses or quotes, dangling operators, bad dates, unknown fields and empty
//! queries are [`QueryError`]s with the 1-based column where the problem is.

use std::fmt;

use annalist_model::{EventType, PartialDate};

use crate::schema::date_key;

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Most terms in one query (each word of a phrase counts, each filter counts).
pub const MAX_TERMS: usize = 64;
/// Deepest nesting of parentheses and negations.
pub const MAX_DEPTH: usize = 16;
/// Most index terms a prefix (`treat*`) may expand to.
pub const MAX_EXPANSIONS: usize = 1_000;
/// Most index terms all the prefixes of one query may expand to together.
pub const MAX_TOTAL_EXPANSIONS: usize = 4_000;

/// Why a query was not answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryErrorKind {
    /// The query is malformed or cannot be run as written (a user error).
    #[default]
    Syntax,
    /// The query would read more than its budget allows; refused before running.
    TooCostly,
    /// The query ran out of time (or was cancelled) and was stopped.
    TimedOut,
    /// The index could not be read (damaged or missing files): not the query's fault.
    Index,
}

/// A query the parser (or the compiler) rejects, with the 1-based column (in characters)
/// where the problem is (0 when the problem is not at one place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// 1-based column, counted in characters of the query; 0 for the whole query.
    pub position: usize,
    pub message: String,
    pub kind: QueryErrorKind,
}

impl QueryError {
    pub fn new(position: usize, message: impl Into<String>) -> Self {
        QueryError { position, message: message.into(), kind: QueryErrorKind::Syntax }
    }

    /// Refused by the cost model (see `budget`).
    pub fn too_costly(position: usize, message: impl Into<String>) -> Self {
        QueryError { position, message: message.into(), kind: QueryErrorKind::TooCostly }
    }

    /// Stopped at its deadline.
    pub fn timed_out(message: impl Into<String>) -> Self {
        QueryError { position: 0, message: message.into(), kind: QueryErrorKind::TimedOut }
    }

    /// The index failed to answer.
    pub fn index(message: impl Into<String>) -> Self {
        QueryError { position: 0, message: message.into(), kind: QueryErrorKind::Index }
    }

    /// Two lines for people: the query, and a caret under the column of the error.
    pub fn caret_line(&self, query: &str) -> String {
        let q: String = query.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        format!("{q}\n{}^", " ".repeat(self.position.saturating_sub(1)))
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.position) {
            (QueryErrorKind::Syntax, p) | (QueryErrorKind::TooCostly, p) if p > 0 => {
                write!(f, "query error at column {p}: {}", self.message)
            }
            (QueryErrorKind::Index, _) => write!(f, "search index error: {}", self.message),
            _ => write!(f, "query error: {}", self.message),
        }
    }
}

impl std::error::Error for QueryError {}

/// Free-text fields a word or phrase can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// Title and body (the default).
    All,
    Title,
}

/// Exact keyword fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordField {
    Outlet,
    Lang,
    Entity,
    Type,
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// A word as typed (analysed at compile time).
    Word {
        field: TextField,
        text: String,
        pos: usize,
    },
    Phrase {
        field: TextField,
        text: String,
        slop: u32,
        pos: usize,
    },
    Prefix {
        field: TextField,
        prefix: String,
        pos: usize,
    },
    Keyword {
        field: KeywordField,
        value: String,
        pos: usize,
    },
    /// Inclusive `yyyymmdd` bounds on the publication date.
    DateRange {
        from: Option<i64>,
        to: Option<i64>,
        pos: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    /// `-` directly before a term.
    Minus,
    Word(String),
    Phrase {
        text: String,
        slop: Option<u32>,
    },
    /// `name:` — the value follows as the next token.
    Field(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based column of the token's first character.
    col: usize,
}

fn is_word_end(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '"'
}

fn lex(chars: &[char]) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Token { tok: Tok::LParen, col });
            i += 1;
        } else if c == ')' {
            out.push(Token { tok: Tok::RParen, col });
            i += 1;
        } else if c == '"' {
            let (tok, next) = lex_phrase(chars, i)?;
            out.push(Token { tok, col });
            i = next;
        } else if c == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() && chars[i + 1] != ')' {
            out.push(Token { tok: Tok::Minus, col });
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !is_word_end(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match word.split_once(':') {
                Some((name, value)) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) => {
                    out.push(Token { tok: Tok::Field(name.to_string()), col });
                    let vcol = col + name.chars().count() + 1;
                    if !value.is_empty() {
                        out.push(Token { tok: Tok::Word(value.to_string()), col: vcol });
                    } else if i < chars.len() && chars[i] == '"' {
                        let (tok, next) = lex_phrase(chars, i)?;
                        out.push(Token { tok, col: vcol });
                        i = next;
                    } else {
                        return Err(QueryError::new(col, format!("missing value after '{name}:'")));
                    }
                }
                _ => out.push(Token { tok: Tok::Word(word), col }),
            }
        }
    }
    Ok(out)
}

/// Lexes a quoted phrase starting at `chars[start] == '"'`, with an optional `~N`.
fn lex_phrase(chars: &[char], start: usize) -> Result<(Tok, usize), QueryError> {
    let mut i = start + 1;
    while i < chars.len() && chars[i] != '"' {
        i += 1;
    }
    if i >= chars.len() {
        return Err(QueryError::new(start + 1, "unbalanced quote: this '\"' is never closed"));
    }
    let text: String = chars[start + 1..i].iter().collect();
    i += 1;
    let mut slop = None;
    if i < chars.len() && chars[i] == '~' {
        let tilde = i;
        i += 1;
        let ds = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = chars[ds..i].iter().collect();
        if digits.is_empty() || (i < chars.len() && !is_word_end(chars[i])) {
            return Err(QueryError::new(
                tilde + 1,
                "'~' after a phrase needs a distance, like \"putin treaty\"~10",
            ));
        }
        let n: u32 = digits
            .parse()
            .ok()
            .filter(|n| *n <= 1_000)
            .ok_or_else(|| QueryError::new(ds + 1, "proximity distance must be at most 1000"))?;
        slop = Some(n);
    }
    if i < chars.len() && !is_word_end(chars[i]) {
        return Err(QueryError::new(i + 1, "unexpected text right after a closing quote (add a space)"));
    }
    Ok((Tok::Phrase { text, slop }, i))
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    terms: usize,
    /// Column just past the end of the query, for errors at the end.
    end_col: usize,
}

/// Parses a query into its tree.
pub fn parse(query: &str) -> Result<Node, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(QueryError::new(
            MAX_QUERY_CHARS + 1,
            format!("query too long ({} characters; at most {MAX_QUERY_CHARS})", chars.len()),
        ));
    }
    let toks = lex(&chars)?;
    if toks.is_empty() {
        return Err(QueryError::new(1, "empty query"));
    }
    let mut p = Parser { toks, i: 0, terms: 0, end_col: chars.len() + 1 };
    let node = p.parse_or(0)?;
    if let Some(t) = p.peek() {
        // Only a stray ')' can stop parse_or before the end.
        return Err(QueryError::new(t.col, "unbalanced parenthesis: this ')' has no matching '('"));
    }
    Ok(node)
}

fn is_op(t: &Token, op: &str) -> bool {
    matches!(&t.tok, Tok::Word(w) if w == op)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.i).cloned();
        self.i += 1;
        t
    }

    /// True when the next token cannot start an operand.
    fn at_operand_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(t) => matches!(t.tok, Tok::RParen) || is_op(t, "AND") || is_op(t, "OR"),
        }
    }

    fn count_terms(&mut self, n: usize, col: usize) -> Result<(), QueryError> {
        self.terms += n;
        if self.terms > MAX_TERMS {
            return Err(QueryError::new(col, format!("too many terms (at most {MAX_TERMS})")));
        }
        Ok(())
    }

    fn parse_or(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut items = vec![self.parse_and(depth)?];
        while let Some(t) = self.peek() {
            if !is_op(t, "OR") {
                break;
            }
            let col = t.col;
            self.next();
            if self.at_operand_end() {
                return Err(QueryError::new(col, "dangling OR: it needs a term on its right"));
            }
            items.push(self.parse_and(depth)?);
        }
        Ok(if items.len() == 1 { items.pop().expect("one item") } else { Node::Or(items) })
    }

    fn parse_and(&mut self, depth: usize) -> Result<Node, QueryError> {
        let mut items = vec![self.parse_unary(depth)?];
        while let Some(t) = self.peek() {
            if matches!(t.tok, Tok::RParen) || is_op(t, "OR") {
                break;
            }
            if is_op(t, "AND") {
                let col = t.col;
                self.next();
                if self.at_operand_end() {
                    return Err(QueryError::new(col, "dangling AND: it needs a term on its right"));
                }
            }
            items.push(self.parse_unary(depth)?);
        }
        Ok(if items.len() == 1 { items.pop().expect("one item") } else { Node::And(items) })
    }

    fn parse_unary(&mut self, depth: usize) -> Result<Node, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(QueryError::new(self.end_col, "unexpected end of query"));
        };
        let negation = matches!(t.tok, Tok::Minus) || is_op(&t, "NOT");
        if negation {
            if depth + 1 > MAX_DEPTH {
                return Err(QueryError::new(t.col, format!("nesting too deep (at most {MAX_DEPTH} levels)")));
            }
            self.next();
            if self.at_operand_end() {
                let what = if matches!(t.tok, Tok::Minus) { "-" } else { "NOT" };
                return Err(QueryError::new(t.col, format!("dangling {what}: it needs a term to exclude")));
            }
            let inner = self.parse_unary(depth + 1)?;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.parse_primary(depth)
    }

    fn parse_primary(&mut self, depth: usize) -> Result<Node, QueryError> {
        let Some(t) = self.next() else {
            return Err(QueryError::new(self.end_col, "unexpected end of query"));
        };
        match t.tok {
            Tok::LParen => {
                if depth + 1 > MAX_DEPTH {
                    return Err(QueryError::new(
                        t.col,
                        format!("nesting too deep (at most {MAX_DEPTH} levels)"),
                    ));
                }
                if matches!(self.peek(), Some(Token { tok: Tok::RParen, .. })) {
                    return Err(QueryError::new(t.col, "empty parentheses"));
                }
                if self.peek().is_none() {
                    return Err(QueryError::new(t.col, "unbalanced parenthesis: this '(' is never closed"));
                }
                let inner = self.parse_or(depth + 1)?;
                match self.next() {
                    Some(Token { tok: Tok::RParen, .. }) => Ok(inner),
                    _ => Err(QueryError::new(t.col, "unbalanced parenthesis: this '(' is never closed")),
                }
            }
            Tok::RParen => {
                Err(QueryError::new(t.col, "unbalanced parenthesis: this ')' has no matching '('"))
            }
            Tok::Minus => unreachable!("handled by parse_unary"),
            Tok::Word(w) if w == "AND" || w == "OR" => {
                Err(QueryError::new(t.col, format!("dangling {w}: it needs a term on its left")))
            }
            Tok::Word(w) => {
                self.count_terms(1, t.col)?;
                word_node(TextField::All, w, t.col)
            }
            Tok::Phrase { text, slop } => {
                self.count_terms(text.split_whitespace().count().max(1), t.col)?;
                Ok(Node::Phrase { field: TextField::All, text, slop: slop.unwrap_or(0), pos: t.col })
            }
            Tok::Field(name) => self.parse_field(&name, t.col),
        }
    }

    fn parse_field(&mut self, name: &str, col: usize) -> Result<Node, QueryError> {
        let value = self.next().expect("the lexer always emits a value after a field");
        let vcol = value.col;
        let (text, quoted, slop) = match value.tok {
            Tok::Word(w) => (w, false, None),
            Tok::Phrase { text, slop } => (text, true, slop),
            _ => unreachable!("the lexer emits a word or a phrase after a field"),
        };
        let keyword = |field: KeywordField, parser: &mut Parser| -> Result<Node, QueryError> {
            parser.count_terms(1, col)?;
            if slop.is_some() {
                return Err(QueryError::new(
                    vcol,
                    format!("'{name}:' takes an exact value, not a proximity phrase"),
                ));
            }
            if !quoted && text.ends_with('*') {
                return Err(QueryError::new(
                    vcol,
                    format!("'{name}:' takes an exact value; wildcards work on words and title: only"),
                ));
            }
            let value = text.trim().to_lowercase();
            if value.is_empty() {
                return Err(QueryError::new(vcol, format!("empty value after '{name}:'")));
            }
            if field == KeywordField::Type && EventType::parse(&value).is_none() {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                return Err(QueryError::new(
                    vcol,
                    format!("unknown event type '{value}' (one of: {})", known.join(", ")),
                ));
            }
            Ok(Node::Keyword { field, value, pos: col })
        };
        match name {
            "title" => {
                if quoted {
                    self.count_terms(text.split_whitespace().count().max(1), col)?;
                    Ok(Node::Phrase { field: TextField::Title, text, slop: slop.unwrap_or(0), pos: col })
                } else {
                    self.count_terms(1, col)?;
                    word_node(TextField::Title, text, vcol).map(|n| match n {
                        Node::Word { field, text, .. } => Node::Word { field, text, pos: col },
                        other => other,
                    })
                }
            }
            "outlet" => keyword(KeywordField::Outlet, self),
            "lang" | "language" => keyword(KeywordField::Lang, self),
            "entity" => keyword(KeywordField::Entity, self),
            "type" => keyword(KeywordField::Type, self),
            "published" | "date" => {
                self.count_terms(1, col)?;
                if quoted {
                    return Err(QueryError::new(
                        vcol,
                        "a date is written without quotes, like published:2024-06",
                    ));
                }
                parse_date_range(&text, vcol).map(|(from, to)| Node::DateRange { from, to, pos: col })
            }
            _ => Err(QueryError::new(
                col,
                format!(
                    "unknown field '{name}' (known: title, outlet, lang, entity, type, published; \
                     quote the text to search for it literally)"
                ),
            )),
        }
    }
}

fn word_node(field: TextField, w: String, col: usize) -> Result<Node, QueryError> {
    if let Some(prefix) = w.strip_suffix('*') {
        if prefix.is_empty() || prefix.contains('*') {
            return Err(QueryError::new(
                col,
                "a wildcard needs a prefix of at least one letter, like treat*",
            ));
        }
        return Ok(Node::Prefix { field, prefix: prefix.to_string(), pos: col });
    }
    Ok(Node::Word { field, text: w, pos: col })
}

/// Parses `A`, `A..B`, `..B`, `A..` (each end `YYYY`, `YYYY-MM` or `YYYY-MM-DD`) into
/// inclusive `yyyymmdd` bounds.
fn parse_date_range(v: &str, col: usize) -> Result<(Option<i64>, Option<i64>), QueryError> {
    let bad = |c: usize, s: &str| {
        QueryError::new(c, format!("bad date '{s}' (want YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B)"))
    };
    let one = |s: &str, c: usize| -> Result<PartialDate, QueryError> {
        s.parse::<PartialDate>().map_err(|_| bad(c, s))
    };
    match v.split_once("..") {
        None => {
            let d = one(v, col)?;
            Ok((
                Some(date_key(d.first_day().ok_or_else(|| bad(col, v))?)),
                Some(date_key(d.last_day().ok_or_else(|| bad(col, v))?)),
            ))
        }
        Some((a, b)) => {
            let bcol = col + a.chars().count() + 2;
            if a.is_empty() && b.is_empty() {
                return Err(QueryError::new(col, "empty date range '..'"));
            }
            let from = if a.is_empty() {
                None
            } else {
                let d = one(a, col)?;
                Some(date_key(d.first_day().ok_or_else(|| bad(col, a))?))
            };
            let to = if b.is_empty() {
                None
            } else {
                let d = one(b, bcol)?;
                Some(date_key(d.last_day().ok_or_else(|| bad(bcol, b))?))
            };
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                return Err(QueryError::new(col, format!("date range '{v}' ends before it starts")));
            }
            Ok((from, to))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> (usize, String) {
        let e = parse(q).expect_err(q);
        (e.position, e.message)
    }

    #[test]
    fn precedence() {
        let n = parse("a b OR c").unwrap();
        assert!(matches!(n, Node::Or(ref v) if matches!(v[0], Node::And(_))));
        let n = parse("a AND (b OR c) -d").unwrap();
        match n {
            Node::And(v) => {
                assert_eq!(v.len(), 3);
                assert!(matches!(v[1], Node::Or(_)));
                assert!(matches!(v[2], Node::Not(_)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates() {
        let n = parse("published:2024-06").unwrap();
        assert_eq!(n, Node::DateRange { from: Some(20240601), to: Some(20240630), pos: 1 });
        let n = parse("published:..2011-06-30").unwrap();
        assert!(matches!(n, Node::DateRange { from: None, to: Some(20110630), .. }));
        let n = parse("published:2011..").unwrap();
        assert!(matches!(n, Node::DateRange { from: Some(20110101), to: None, .. }));
        assert_eq!(err("x published:2011-02-30").0, 13);
        assert_eq!(err("published:2011-01-01..2011-13").0, 23);
    }

    #[test]
    fn caret() {
        let e = parse("kim (jong").unwrap_err();
        assert_eq!(e.position, 5);
        assert_eq!(e.caret_line("kim (jong"), "kim (jong\n    ^");
        assert_eq!(
            e.to_string(),
            "query error at column 5: unbalanced parenthesis: this '(' is never closed"
        );
    }
}
