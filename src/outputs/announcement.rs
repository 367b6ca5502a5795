//! The announcement to paste into an e-mail, a WeChat post or a web page,
//! written from a template (minijinja) that a user can replace with their
//! own: `templates/announcement.txt` and `.md` are the built-in ones. The
//! template gets the talk in every language it is written in (`facts`).

use std::path::{Path, PathBuf};

use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

use super::facts::{self, Facts};
use crate::diag::{Diagnostic, Failure};
use crate::event::Event;
use crate::files::read_limited;
use crate::limits::{MAX_TEMPLATE_FILE_BYTES, MAX_TEMPLATE_FUEL};
use crate::text::is_wide;

/// Columns plain text is wrapped at (e-mail's customary width).
pub const WIDTH: usize = 72;

/// The two kinds of announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text => "announcement.txt",
            Kind::Markdown => "announcement.md",
        }
    }
}

const BUILT_IN: [(Kind, &str); 2] = [
    (Kind::Text, include_str!("../../templates/announcement.txt")),
    (Kind::Markdown, include_str!("../../templates/announcement.md")),
];

/// The built-in templates as (name, source), for the up-to-date check.
pub fn built_in_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILT_IN.iter().map(|(kind, source)| (kind.name(), *source))
}

/// The announcement templates of a run, parsed once.
pub struct Announcer {
    env: Environment<'static>,
    /// The user's own templates, by kind, for messages and the up-to-date check.
    custom: Vec<(Kind, PathBuf, String)>,
}

impl std::fmt::Debug for Announcer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcer").field("custom", &self.custom.iter().map(|c| &c.1).collect::<Vec<_>>()).finish()
    }
}

#[derive(Serialize)]
struct Context<'a> {
    versions: &'a [Facts],
    /// Columns to wrap at; none for text that is not wrapped (a calendar's description).
    width: Option<usize>,
}

impl Announcer {
    /// The built-in templates, with `custom` files (`*.txt` or `*.md`,
    /// which says which one they replace) in their place.
    pub fn new(custom: &[PathBuf]) -> Result<Self, Failure> {
        let mut env = Environment::new();
        let mut syntax = minijinja::syntax::SyntaxConfig::builder();
        syntax.trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true);
        env.set_syntax(syntax.build().map_err(|e| Diagnostic::new(e.to_string()))?);
        // A template is a program: fuel bounds what a loop in one can cost.
        env.set_fuel(Some(MAX_TEMPLATE_FUEL));
        env.set_recursion_limit(64);
        env.add_filter("wrap", wrap);
        env.add_filter("md", markdown_escape);
        env.add_filter("link", markdown_link);
        let mut announcer = Announcer { env, custom: Vec::new() };
        for (kind, source) in BUILT_IN {
            announcer.add(kind, source.to_string(), None)?;
        }
        for path in custom {
            let kind = kind_of(path)?;
            let bytes = read_limited(path, MAX_TEMPLATE_FILE_BYTES, "an announcement template")
                .map_err(|d| d.key("--announcement"))?;
            let source = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::new(format!("`{}` is not UTF-8 text", path.display())).key("--announcement")
            })?;
            announcer.add(kind, source.clone(), Some(path))?;
            announcer.custom.push((kind, path.clone(), source));
        }
        Ok(announcer)
    }

    fn add(&mut self, kind: Kind, source: String, path: Option<&Path>) -> Result<(), Failure> {
        self.env.add_template_owned(kind.name(), source).map_err(|e| template_error(&e, kind, path).into())
    }

    /// The user's templates' sources, for the up-to-date check.
    pub fn custom_sources(&self) -> impl Iterator<Item = &str> {
        self.custom.iter().map(|(_, _, s)| s.as_str())
    }

    /// The announcement of `e`, wrapped at `width` columns (none: not wrapped).
    pub fn write(&self, kind: Kind, e: &Event, width: Option<usize>) -> Result<String, Diagnostic> {
        let versions = facts::every_language(e);
        let template = self.env.get_template(kind.name()).map_err(|e| template_error(&e, kind, self.path(kind)))?;
        let text = template
            .render(Serde(Context { versions: &versions, width }))
            .map_err(|e| template_error(&e, kind, self.path(kind)))?;
        Ok(tidy(&text))
    }

    fn path(&self, kind: Kind) -> Option<&Path> {
        self.custom.iter().rev().find(|c| c.0 == kind).map(|c| c.1.as_path())
    }
}

/// `--announcement FILE`: `.md` replaces the Markdown template, anything
/// else (`.txt`, `.j2`…) the plain-text one.
fn kind_of(path: &Path) -> Result<Kind, Failure> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".j2").or(name.strip_suffix(".jinja")).unwrap_or(&name);
    if name.ends_with(".md") {
        Ok(Kind::Markdown)
    } else if name.ends_with(".txt") {
        Ok(Kind::Text)
    } else {
        Err(Diagnostic::new(format!("`{}`: an announcement template's name ends in `.txt` or `.md`", path.display()))
            .key("--announcement")
            .help("name it after what it writes, e.g. `announcement.txt` or `announcement.md`")
            .into())
    }
}

fn template_error(e: &minijinja::Error, kind: Kind, path: Option<&Path>) -> Diagnostic {
    let file = path.map_or_else(|| format!("the built-in {}", kind.name()), |p| p.display().to_string());
    let line = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
    let what = e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    let help = match e.kind() {
        minijinja::ErrorKind::OutOfFuel => "the template runs too long: look for a loop that never ends",
        _ => "see docs/announcements.md for the fields a template gets",
    };
    Diagnostic::new(format!("the announcement template {file}{line} has an error: {what}")).help(help)
}

/// Paragraphs of Latin text wrapped at `width` columns, later lines
/// starting with `indent`; text mostly in CJK characters is left whole
/// (Chinese e-mail and WeChat wrap it themselves, and a hard break inside a
/// Chinese sentence shows as a gap).
fn wrap(text: String, width: Option<usize>, indent: Option<String>) -> String {
    let Some(width) = width else { return text };
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    let wide = text.chars().filter(|c| is_wide(*c)).count();
    if wide * 2 > letters {
        return text;
    }
    // Lines break at spaces only: `text-to-image` stays whole.
    let indent = indent.unwrap_or_default();
    let options = textwrap::Options::new(width.max(20))
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .subsequent_indent(&indent);
    textwrap::fill(&text, options)
}

/// Markdown's special characters escaped, so text prints as typed
/// (`C# *not bold*` stays so).
fn markdown_escape(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        // A line break the author typed: Markdown's hard break.
        if c == '\n' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link target for Markdown: characters that would end the target or
/// open markup (`(`, `)`, `<`, `>`, space) percent-encoded. Addresses were
/// checked to hold none of the others.
fn markdown_link(url: String) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' | ')' | '<' | '>' | ' ' | '[' | ']' | '\\' | '`' | '"' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// No trailing spaces, no more than one blank line in a row, one newline at
/// the end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_wraps_and_cjk_text_does_not() {
        let latin = "word ".repeat(40);
        let wrapped = wrap(latin.trim().into(), Some(30), Some("  ".into()));
        assert!(wrapped.lines().all(|l| l.chars().count() <= 30));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  word")), "{wrapped}");
        let chinese = "本报告介绍离散扩散散度指导".repeat(10);
        assert_eq!(wrap(chinese.clone(), Some(30), None), chinese);
        assert_eq!(wrap(latin.clone(), None, None), latin);
        assert_eq!(wrap("aaaaaaaaaaaa text-to-image".into(), Some(20), None), "aaaaaaaaaaaa\ntext-to-image");
    }

    #[test]
    fn markdown_prints_as_typed() {
        assert_eq!(markdown_escape("C# *not bold* <tag>".into()), "C\\# \\*not bold\\* \\<tag\\>");
    }

    #[test]
    fn blank_lines_are_single() {
        assert_eq!(tidy("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    }

    #[test]
    fn a_template_that_loops_runs_out_of_fuel() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.txt");
        std::fs::write(&path, "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}")
            .unwrap();
        let announcer = Announcer::new(&[path]).unwrap();
        let event = crate::event::from_yaml(
            "title: T\nspeaker: {name: A}\ntime: {date: 2024-06-13, start: '16:00'}\nplace: P\n",
        );
        let error = announcer.write(Kind::Text, &event, Some(WIDTH)).unwrap_err();
        assert!(error.message.contains("loop.txt") && error.help[0].contains("never ends"), "{error:?}");
    }
}
