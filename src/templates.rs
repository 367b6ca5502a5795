//! The built-in layouts and the rule that picks a layout for a talk. Every
//! name, description and source of a built-in layout lives here.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::suggest::nearest;

/// Which layout draws an event: a built-in one by name, or a `.typ` file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TemplateRef {
    BuiltIn(String),
    File(PathBuf),
}

/// A built-in layout.
pub struct Layout {
    /// The name `template:` and `--template` take.
    pub name: &'static str,
    /// One line for `talkposter templates`.
    pub about: &'static str,
    pub source: &'static str,
}

/// The built-in layouts, the default first.
pub const LAYOUTS: &[Layout] = &[
    Layout {
        name: "flyer",
        about: "portrait flyer with abstract and biography, on A4 or any paper (default); PNG 1240×1754 px on A4",
        source: include_str!("../templates/flyer.typ"),
    },
    Layout {
        name: "card",
        about: "square social-media post: title, speakers, time, place, QR codes; PNG 1080×1080 px",
        source: include_str!("../templates/card.typ"),
    },
    Layout {
        name: "story",
        about: "9:16 story (Instagram, WeChat Channels, WhatsApp): the card's parts, tall; PNG 1080×1920 px",
        source: include_str!("../templates/story.typ"),
    },
    Layout {
        name: "portrait",
        about: "4:5 portrait post, the tallest a feed shows whole; PNG 1080×1350 px",
        source: include_str!("../templates/portrait.typ"),
    },
    Layout {
        name: "screen",
        about: "16:9 lobby display: title, speakers, time, place, QR codes; PNG 1920×1080 px",
        source: include_str!("../templates/screen.typ"),
    },
    Layout {
        name: "link",
        about: "1.91:1 link preview (LinkedIn, X, Facebook): title, speakers, when and where; PNG 1200×627 px",
        source: include_str!("../templates/link.typ"),
    },
    Layout {
        name: "cover",
        about: "2.35:1 WeChat article cover: title, speaker, date; drawn with its square thumbnail; PNG 900×383 px",
        source: include_str!("../templates/cover.typ"),
    },
    Layout {
        name: "thumb",
        about: "1:1 thumbnail for a WeChat article or a chat share: the date and a short title; PNG 500×500 px",
        source: include_str!("../templates/thumb.typ"),
    },
];

/// The layout used when neither the event nor the command line names one.
pub const DEFAULT: &str = "flyer";
/// The WeChat article cover, and the square thumbnail drawn with it.
pub const COVER: &str = "cover";
pub const THUMB: &str = "thumb";

/// Layouts talkposter uses itself: the contact sheet of a batch, and a
/// one-field layout that finds which field's `markup: typst` is broken.
pub const CONTACT_SHEET: &str = "contact-sheet";
pub const CHECK_MARKUP: &str = "check-markup";
/// The programme of a series (a user may give their own).
pub const PROGRAMME: &str = "programme";
const AUXILIARY: &[(&str, &str)] = &[
    (CONTACT_SHEET, include_str!("../templates/contact-sheet.typ")),
    (PROGRAMME, include_str!("../templates/programme.typ")),
    (CHECK_MARKUP, "#import \"/talkposter/lib.typ\": body\n#body(sys.inputs.text)\n"),
];

/// The shared helpers every layout imports.
const LIB: &str = include_str!("../templates/lib.typ");

/// Compositions several layouts share, each drawn at its own shape: posts
/// (card, story, portrait) and wide screens (screen, link).
const SHARED: &[(&str, &str)] =
    &[("post", include_str!("../templates/post.typ")), ("wide", include_str!("../templates/wide.typ"))];

/// Where a built-in file is served to every layout, custom ones included.
pub fn builtin_path(name: &str) -> String {
    format!("/talkposter/{name}.typ")
}

/// Every built-in file as (path inside the engine, source).
pub fn sources() -> Vec<(String, &'static str)> {
    let layouts = LAYOUTS.iter().map(|l| (l.name, l.source));
    std::iter::once(("lib", LIB))
        .chain(layouts)
        .chain(AUXILIARY.iter().copied())
        .chain(SHARED.iter().copied())
        .map(|(n, s)| (builtin_path(n), s))
        .collect()
}

/// The layouts a talk is drawn with: `--template`, else the event's
/// `template:`, else the default; each once, and a WeChat cover with its
/// square thumbnail (the platform asks for both).
pub fn choose(command_line: &[TemplateRef], event: &[TemplateRef]) -> Vec<TemplateRef> {
    let asked = if !command_line.is_empty() { command_line } else { event };
    let mut out: Vec<TemplateRef> = Vec::new();
    let default = [TemplateRef::BuiltIn(DEFAULT.into())];
    for t in if asked.is_empty() { &default[..] } else { asked } {
        let companion = (*t == TemplateRef::BuiltIn(COVER.into())).then(|| TemplateRef::BuiltIn(THUMB.into()));
        for t in std::iter::once(t.clone()).chain(companion) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// What the files of the `index`th layout a talk is drawn with add to its
/// name: nothing for the first (`talk.pdf`), the layout's name for the
/// others (`talk-story.png`, `talk-thumb.png`; a custom layout's file name).
pub fn suffix(index: usize, template: &TemplateRef) -> String {
    match (index, template) {
        (0, _) => String::new(),
        (_, TemplateRef::BuiltIn(name)) => format!("-{name}"),
        (_, TemplateRef::File(path)) => {
            format!("-{}", path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default())
        }
    }
}

/// Whether a layout is drawn on paper (`paper:`, `--bleed`): the flyer and
/// custom layouts; the others are screens and posts of a fixed pixel size.
pub fn on_paper(template: &TemplateRef) -> bool {
    match template {
        TemplateRef::BuiltIn(name) => name == DEFAULT,
        TemplateRef::File(_) => true,
    }
}

/// Whether `name` is a built-in layout's name (not a file).
pub fn is_builtin(name: &str) -> bool {
    LAYOUTS.iter().any(|l| l.name == name)
}

fn names() -> Vec<&'static str> {
    LAYOUTS.iter().map(|l| l.name).collect()
}

/// The one rule for `template:` and `--template`: a built-in layout's name,
/// or an existing `.typ` file relative to `base`. An error is (message, help).
///
/// With `within` (for `template:` in an event or series file), the file must
/// be a `.typ` file inside that folder, the folder of the file that names
/// it: a talk received from someone else cannot make talkposter read, and
/// print, another of the organizer's files (`/etc/hostname`,
/// `../../secret.txt`). Nothing is read to decide. `--template` on the
/// command line is the organizer's own choice and free.
pub fn resolve(name: &str, base: &Path, within: Option<&Path>) -> Result<TemplateRef, Diagnostic> {
    if is_builtin(name) {
        return Ok(TemplateRef::BuiltIn(name.to_string()));
    }
    let path = base.join(name);
    if let Some(folder) = within {
        let confined = || {
            let file = std::fs::canonicalize(&path).ok()?;
            let folder = std::fs::canonicalize(folder).ok()?;
            let typ = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("typ"));
            (typ && file.starts_with(&folder)).then_some(())
        };
        if path.exists() && confined().is_none() {
            return Err(Diagnostic::new(format!("`{name}` is not a layout in this file's folder")).help(format!(
                "a template named in an event or series file must be a .typ file inside `{}`, the folder of the file that names it; give any other with --template on the command line",
                folder.display()
            )));
        }
    }
    if path.is_file() {
        return Ok(TemplateRef::File(path));
    }
    let looks_like_path = name.ends_with(".typ") || name.contains('/') || name.contains('\\');
    let names = names();
    if path.is_dir() {
        Err(Diagnostic::new(format!("`{name}` is a folder, not a file")).help("name the .typ file inside it"))
    } else if looks_like_path {
        Err(Diagnostic::new(format!("file `{name}` not found"))
            .help(format!("the path is read relative to `{}`", base.display())))
    } else {
        let help = match nearest(name, &names) {
            Some(n) => format!("did you mean `{n}`? Built-in layouts: {}", names.join(", ")),
            None => format!("built-in layouts: {}; or give a path to a .typ file", names.join(", ")),
        };
        Err(Diagnostic::new(format!("`{name}` is not a built-in layout")).help(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_built_in_layout_and_listed_first() {
        assert_eq!(LAYOUTS[0].name, DEFAULT);
        assert_eq!(choose(&[], &[]), [TemplateRef::BuiltIn(DEFAULT.into())]);
        let card = TemplateRef::BuiltIn("card".into());
        let screen = TemplateRef::BuiltIn("screen".into());
        assert_eq!(
            choose(std::slice::from_ref(&card), std::slice::from_ref(&screen)),
            std::slice::from_ref(&card),
            "the command line wins"
        );
        assert_eq!(choose(&[], &[screen.clone(), card.clone(), screen.clone()]), [screen, card], "each once");
    }

    #[test]
    fn a_cover_comes_with_its_thumbnail_and_later_layouts_add_their_name() {
        let flyer = TemplateRef::BuiltIn(DEFAULT.into());
        let cover = TemplateRef::BuiltIn(COVER.into());
        let thumb = TemplateRef::BuiltIn(THUMB.into());
        let chosen = choose(&[flyer.clone(), cover.clone()], &[]);
        assert_eq!(chosen, [flyer.clone(), cover.clone(), thumb.clone()]);
        let names: Vec<String> = chosen.iter().enumerate().map(|(i, t)| suffix(i, t)).collect();
        assert_eq!(names, ["", "-cover", "-thumb"]);
        assert_eq!(suffix(1, &TemplateRef::File("/x/my-poster.typ".into())), "-my-poster");
        assert!(on_paper(&flyer) && !on_paper(&cover));
    }

    #[test]
    fn every_built_in_file_is_served_once() {
        let paths: Vec<String> = sources().into_iter().map(|(p, _)| p).collect();
        let mut unique = paths.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(paths.len(), unique.len());
        assert!(paths.contains(&"/talkposter/lib.typ".to_string()));
        assert!(paths.contains(&"/talkposter/flyer.typ".to_string()));
    }

    #[test]
    fn names_paths_and_typos() {
        let here = Path::new(".");
        assert_eq!(resolve("card", here, None).unwrap(), TemplateRef::BuiltIn("card".into()));
        let d = resolve("flyr", here, None).unwrap_err();
        assert_eq!(d.message, "`flyr` is not a built-in layout");
        assert_eq!(
            d.help,
            ["did you mean `flyer`? Built-in layouts: flyer, card, story, portrait, screen, link, cover, thumb"]
        );
        assert_eq!(resolve("x/none.typ", here, None).unwrap_err().message, "file `x/none.typ` not found");
    }
}
