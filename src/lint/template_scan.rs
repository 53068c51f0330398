//! Go-template source, byte by byte: which bytes are plain text and which belong to a
//! `{{ ... }}` action or a quoted string.
//!
//! Every reader of template source needs the same answer before it can look for a `:`, a
//! ` #` comment, a `,` between flow items or the space between two arguments: those mean
//! nothing inside `{{ .Values.x | default "a: b" }}` or inside `"a # b"`. One scanner gives
//! that answer, so the readers cannot disagree on where an action ends.
//!
//! Actions nest (`{{` inside an action opens another level) and a `}}` outside any action is
//! plain text; quotes are not tracked inside actions. Where a quote may open a string depends
//! on the YAML context ([`Quotes`]).

/// Where a quote (`"` or `'`) outside an action opens a quoted string; until the same quote
/// character comes again every byte is [`Class::Quoted`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quotes {
    /// Never: quotes are plain text (the words of an argument, `-u "{{ .port }}"`).
    Plain,
    /// Only as the first byte: a mapping key (`"a": b`; `it's: x` is a plain key).
    AtStart,
    /// At the start or after a space: a plain value, where `it's` holds no string.
    AtWordStart,
    /// Anywhere: the items of a flow sequence (`["a",'b']`).
    Anywhere,
}

/// What a byte of template source is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Plain text, outside actions and quoted strings.
    Text,
    /// An action, its `{{` and `}}` included.
    Action,
    /// A quoted string, its quotes included.
    Quoted,
}

/// Every byte of `text` with its index and [`Class`].
#[derive(Clone, Debug)]
pub struct TemplateScan<'a> {
    bytes: &'a [u8],
    i: usize,
    quotes: Quotes,
    /// The quote character of the open string.
    quote: Option<u8>,
    /// How many actions are open.
    depth: usize,
    /// The second byte of a `{{` or `}}` that the previous step consumed.
    pending: Option<u8>,
}

impl<'a> TemplateScan<'a> {
    /// Scans `text`, opening quoted strings where `quotes` says.
    pub fn new(text: &'a str, quotes: Quotes) -> Self {
        TemplateScan {
            bytes: text.as_bytes(),
            i: 0,
            quotes,
            quote: None,
            depth: 0,
            pending: None,
        }
    }

    /// Whether the scan stands in plain text: at the end, whether the text closed every
    /// action and string it opened.
    pub fn in_text(&self) -> bool {
        self.quote.is_none() && self.depth == 0
    }

    fn opens_quote(&self, i: usize) -> bool {
        match self.quotes {
            Quotes::Plain => false,
            Quotes::AtStart => i == 0,
            Quotes::AtWordStart => i == 0 || self.bytes[i - 1] == b' ',
            Quotes::Anywhere => true,
        }
    }
}

impl Iterator for TemplateScan<'_> {
    type Item = (usize, u8, Class);

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.i;
        let &c = self.bytes.get(i)?;
        self.i += 1;
        if let Some(second) = self.pending.take() {
            return Some((i, second, Class::Action));
        }
        if let Some(q) = self.quote {
            if c == q {
                self.quote = None;
            }
            return Some((i, c, Class::Quoted));
        }
        let next = self.bytes.get(i + 1).copied();
        if c == b'{' && next == Some(b'{') {
            self.depth += 1;
            self.pending = next;
            return Some((i, c, Class::Action));
        }
        if c == b'}' && next == Some(b'}') && self.depth > 0 {
            self.depth -= 1;
            self.pending = next;
            return Some((i, c, Class::Action));
        }
        if self.depth > 0 {
            return Some((i, c, Class::Action));
        }
        if (c == b'"' || c == b'\'') && self.opens_quote(i) {
            self.quote = Some(c);
            return Some((i, c, Class::Quoted));
        }
        Some((i, c, Class::Text))
    }
}

/// Splits `text` into words at plain whitespace, keeping a template action (`{{ .port }}`)
/// whole; each word with its character offset in `text`. Quotes are plain text: argv items
/// are words as the kubelet passes them.
pub fn words(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut push = |from: usize, to: usize| {
        let chars = text[..from].chars().count();
        out.push((&text[from..to], chars));
    };
    for (i, c, class) in TemplateScan::new(text, Quotes::Plain) {
        let blank = class == Class::Text && c.is_ascii_whitespace();
        match (blank, start) {
            (true, Some(s)) => {
                push(s, i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str, quotes: Quotes) -> String {
        TemplateScan::new(text, quotes)
            .map(|(_, _, c)| match c {
                Class::Text => '.',
                Class::Action => 'a',
                Class::Quoted => 'q',
            })
            .collect()
    }

    #[test]
    fn actions_nest_and_a_stray_close_is_text() {
        assert_eq!(classes("x {{ a }} }}", Quotes::Plain), "..aaaaaaa...");
        assert_eq!(classes("{{ {{ }} }}y", Quotes::Plain), "aaaaaaaaaaa.");
        assert_eq!(classes("{{ \"}}\" }}", Quotes::Plain), "aaaaaa....");
        let mut open = TemplateScan::new("a {{ b", Quotes::Plain);
        open.by_ref().for_each(drop);
        assert!(!open.in_text());
    }

    #[test]
    fn quotes_open_where_the_context_allows() {
        assert_eq!(classes("'a' b", Quotes::AtStart), "qqq..");
        assert_eq!(classes("b 'a'", Quotes::AtStart), ".....");
        assert_eq!(classes("it's 'a'", Quotes::AtWordStart), ".....qqq");
        assert_eq!(classes("x,'a'", Quotes::Anywhere), "..qqq");
        assert_eq!(classes("\"{{\" x", Quotes::Plain), ".aaaaa");
        assert_eq!(classes("\"{{\" x", Quotes::Anywhere), "qqqq..");
    }

    #[test]
    fn words_keep_actions_whole() {
        assert_eq!(
            words("-u {{ .port | int }}  -v"),
            [("-u", 0), ("{{ .port | int }}", 3), ("-v", 22)]
        );
        assert_eq!(words("  é {{ a"), [("é", 2), ("{{ a", 4)]);
        assert_eq!(words(""), []);
    }
}
