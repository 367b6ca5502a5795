//! What a reader sees of a text written with `markup: typst`, as plain
//! text: for the outputs that are not laid out by Typst (announcements,
//! the calendar, alt text, the contact sheet's captions). `*bold*` is
//! `bold`, `$"GL"_n$` is `GLₙ`, `#link("https://…")[the site]` is `the
//! site`; code that sets styles or defines things shows nothing.
//!
//! Read from Typst's own syntax tree, so it never evaluates anything: this
//! runs in the main process on any text.

use typst::syntax::ast::{self, AstNode};
use typst::syntax::{SyntaxKind, SyntaxNode};

use crate::event::Markup;

/// `s` as a reader sees it, for text with the given markup.
pub fn plain(s: &str, markup: Markup) -> String {
    match markup {
        Markup::Plain => s.to_string(),
        Markup::Typst => {
            let mut out = String::with_capacity(s.len());
            walk(&typst::syntax::parse(s), &mut out);
            tidy(&out)
        }
    }
}

/// Runs of spaces made single, each line trimmed.
fn tidy(s: &str) -> String {
    let lines: Vec<String> = s.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    lines.join("\n").trim().to_string()
}

fn walk(node: &SyntaxNode, out: &mut String) {
    match node.kind() {
        SyntaxKind::Text | SyntaxKind::MathText => out.push_str(node.leaf_text()),
        SyntaxKind::Space => out.push(' '),
        SyntaxKind::Linebreak => out.push('\n'),
        SyntaxKind::Parbreak => out.push_str("\n\n"),
        SyntaxKind::Escape => out.extend(node.cast::<ast::Escape>().map(|e| e.get())),
        SyntaxKind::Shorthand => {
            if let Some(c) = node.cast::<ast::Shorthand>().map(|s| s.get()).filter(|c| *c != '\u{00AD}') {
                out.push(c);
            }
        }
        SyntaxKind::MathShorthand => out.extend(node.cast::<ast::MathShorthand>().map(|s| s.get())),
        SyntaxKind::SmartQuote => out.push_str(node.leaf_text()),
        SyntaxKind::Raw => {
            if let Some(raw) = node.cast::<ast::Raw>() {
                let lines: Vec<&str> = raw.lines().map(|l| l.get().as_str()).collect();
                out.push_str(&lines.join("\n"));
            }
        }
        SyntaxKind::Link => out.push_str(node.leaf_text()),
        SyntaxKind::Str => {
            if let Some(s) = node.cast::<ast::Str>() {
                out.push_str(&s.get());
            }
        }
        SyntaxKind::MathIdent => out.push_str(node.leaf_text()),
        SyntaxKind::MathPrimes => {
            let n = node.cast::<ast::MathPrimes>().map_or(1, |p| p.count());
            out.extend(std::iter::repeat_n('′', n));
        }
        SyntaxKind::MathAttach => attach(node, out),
        SyntaxKind::MathFrac => {
            if let Some(frac) = node.cast::<ast::MathFrac>() {
                walk(frac.num().to_untyped(), out);
                out.push('/');
                walk(frac.denom().to_untyped(), out);
            }
        }
        SyntaxKind::MathRoot => {
            out.push('√');
            node.children().for_each(|c| walk(c, out));
        }
        // Code: what it shows is in its content blocks (`#emph[…]`), or
        // for a call without one, in its string arguments (`#link("…")`).
        SyntaxKind::FuncCall => call(node, out),
        SyntaxKind::Label
        | SyntaxKind::Ref
        | SyntaxKind::LetBinding
        | SyntaxKind::SetRule
        | SyntaxKind::ShowRule
        | SyntaxKind::ModuleImport
        | SyntaxKind::ModuleInclude
        | SyntaxKind::LineComment
        | SyntaxKind::BlockComment
        | SyntaxKind::Hash
        | SyntaxKind::Dollar
        | SyntaxKind::HeadingMarker
        | SyntaxKind::ListMarker
        | SyntaxKind::EnumMarker
        | SyntaxKind::TermMarker
        | SyntaxKind::Star
        | SyntaxKind::Underscore
        | SyntaxKind::Hat
        | SyntaxKind::Slash
        | SyntaxKind::Root
        | SyntaxKind::Colon
        | SyntaxKind::LeftBracket
        | SyntaxKind::RightBracket
        | SyntaxKind::Ident
        | SyntaxKind::FieldAccess
        | SyntaxKind::CodeBlock
        | SyntaxKind::Semicolon => {}
        // Other leaves are what they say: `(`, `,`, `=` in maths.
        _ if node.children().len() == 0 => out.push_str(node.leaf_text()),
        _ => node.children().for_each(|c| walk(c, out)),
    }
}

/// `x_i^2`: the base, then the subscript and superscript as Unicode's
/// small letters where it has them all, else `_(…)` and `^(…)`.
fn attach(node: &SyntaxNode, out: &mut String) {
    let Some(a) = node.cast::<ast::MathAttach>() else { return };
    walk(a.base().to_untyped(), out);
    for (part, mark) in [(a.bottom(), '_'), (a.top(), '^')] {
        let Some(part) = part else { continue };
        let mut text = String::new();
        walk(part.to_untyped(), &mut text);
        // `y_(i j)`: Typst drops the parentheses that group an attachment.
        let text = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(inner) => inner.to_string(),
            None => text,
        };
        let small: Option<String> =
            text.chars().map(|c| if mark == '_' { subscript(c) } else { superscript(c) }).collect();
        match small {
            Some(s) if !text.is_empty() => out.push_str(&s),
            _ if text.chars().count() == 1 => {
                out.push(mark);
                out.push_str(&text);
            }
            _ => {
                out.push(mark);
                out.push('(');
                out.push_str(&text);
                out.push(')');
            }
        }
    }
}

fn call(node: &SyntaxNode, out: &mut String) {
    let Some(call) = node.cast::<ast::FuncCall>() else { return };
    let mut blocks = false;
    for arg in call.args().items() {
        match arg {
            ast::Arg::Pos(ast::Expr::ContentBlock(block)) => {
                blocks = true;
                walk(block.body().to_untyped(), out);
            }
            // In maths, `bb(R)`, `sqrt(x)`: the argument is what shows.
            ast::Arg::Pos(ast::Expr::Math(math)) => {
                blocks = true;
                walk(math.to_untyped(), out);
            }
            _ => {}
        }
    }
    if !blocks {
        for arg in call.args().items() {
            if let ast::Arg::Pos(ast::Expr::Str(s)) = arg {
                out.push_str(&s.get());
            }
        }
    }
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => char::from_u32(0x2080 + (c as u32 - '0' as u32))?,
        '+' => '₊',
        '-' | '−' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        'a' => 'ₐ',
        'e' => 'ₑ',
        'h' => 'ₕ',
        'i' => 'ᵢ',
        'j' => 'ⱼ',
        'k' => 'ₖ',
        'l' => 'ₗ',
        'm' => 'ₘ',
        'n' => 'ₙ',
        'o' => 'ₒ',
        'p' => 'ₚ',
        'r' => 'ᵣ',
        's' => 'ₛ',
        't' => 'ₜ',
        'u' => 'ᵤ',
        'v' => 'ᵥ',
        'x' => 'ₓ',
        _ => return None,
    })
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4'..='9' => char::from_u32(0x2074 + (c as u32 - '4' as u32))?,
        '+' => '⁺',
        '-' | '−' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'i' => 'ⁱ',
        'n' => 'ⁿ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str) -> String {
        plain(s, Markup::Typst)
    }

    #[test]
    fn markup_reads_as_its_text() {
        assert_eq!(shown("*Bold* and _emphasis_"), "Bold and emphasis");
        assert_eq!(shown(r#"The group $"GL"_n$ over $FF_q$"#), "The group GLₙ over FF_q");
        assert_eq!(shown("$x^2 + y_(i j)$"), "x² + y_(i j)");
        assert_eq!(shown("$a/b$ and $sqrt(x)$"), "a/b and sqrt(x)");
        assert_eq!(
            shown(r#"See #link("https://example.org")[the site] or #link("https://a.org")."#),
            "See the site or https://a.org."
        );
        assert_eq!(shown(r"C\# costs \$5 -- really"), "C# costs $5 – really");
        assert_eq!(shown("#set text(red)\nred text #emph[here]"), "red text here");
        assert_eq!(shown("line one \\\nline two"), "line one\nline two");
        assert_eq!(plain("$x$ *raw*", Markup::Plain), "$x$ *raw*");
    }

    #[test]
    fn any_text_reads_without_panicking() {
        for s in
            ["$", "#", "#let", "*", "_", "$x_$", "#f(", "[", "]", "\\", "$\"GL\"_$", "#link(1)", "= Heading", "- item"]
        {
            let _ = shown(s);
        }
    }
}
