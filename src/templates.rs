//! The built-in layouts and the rule that picks a layout for a talk. Every
//! name, description and source of a built-in layout lives here.

use std::path::Path;

use crate::event::TemplateRef;
use crate::event::validate::nearest;

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
        about: "A4 portrait flyer with abstract and biography (default); PNG 1240×1754 px",
        source: include_str!("../templates/flyer.typ"),
    },
    Layout {
        name: "card",
        about: "square social-media post: title, speakers, time, place, QR codes; PNG 1080×1080 px",
        source: include_str!("../templates/card.typ"),
    },
    Layout {
        name: "screen",
        about: "16:9 lobby display: title, speakers, time, place, QR codes; PNG 1920×1080 px",
        source: include_str!("../templates/screen.typ"),
    },
];

/// The layout used when neither the event nor the command line names one.
pub const DEFAULT: &str = "flyer";

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
        .map(|(n, s)| (builtin_path(n), s))
        .collect()
}

/// The template a talk is laid out with: `--template`, else the event's
/// `template:`, else the default.
pub fn choose(command_line: Option<&TemplateRef>, event: Option<&TemplateRef>) -> TemplateRef {
    command_line.or(event).cloned().unwrap_or_else(|| TemplateRef::BuiltIn(DEFAULT.into()))
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
pub fn resolve(name: &str, base: &Path, within: Option<&Path>) -> Result<TemplateRef, (String, String)> {
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
            return Err((
                format!("`{name}` is not a layout in this file's folder"),
                format!(
                    "a template named in an event or series file must be a .typ file inside `{}`, the folder of the file that names it; give any other with --template on the command line",
                    folder.display()
                ),
            ));
        }
    }
    if path.is_file() {
        return Ok(TemplateRef::File(path));
    }
    let looks_like_path = name.ends_with(".typ") || name.contains('/') || name.contains('\\');
    let names = names();
    if path.is_dir() {
        Err((format!("`{name}` is a folder, not a file"), "name the .typ file inside it".into()))
    } else if looks_like_path {
        Err((format!("file `{name}` not found"), format!("the path is read relative to `{}`", base.display())))
    } else {
        let help = match nearest(name, &names) {
            Some(n) => format!("did you mean `{n}`? Built-in layouts: {}", names.join(", ")),
            None => format!("built-in layouts: {}; or give a path to a .typ file", names.join(", ")),
        };
        Err((format!("`{name}` is not a built-in layout"), help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_built_in_layout_and_listed_first() {
        assert_eq!(LAYOUTS[0].name, DEFAULT);
        assert_eq!(choose(None, None), TemplateRef::BuiltIn(DEFAULT.into()));
        let card = TemplateRef::BuiltIn("card".into());
        let screen = TemplateRef::BuiltIn("screen".into());
        assert_eq!(choose(Some(&card), Some(&screen)), card, "the command line wins");
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
        assert_eq!(resolve("card", here, None), Ok(TemplateRef::BuiltIn("card".into())));
        let (message, help) = resolve("flyr", here, None).unwrap_err();
        assert_eq!(message, "`flyr` is not a built-in layout");
        assert_eq!(help, "did you mean `flyer`? Built-in layouts: flyer, card, screen");
        assert_eq!(resolve("x/none.typ", here, None).unwrap_err().0, "file `x/none.typ` not found");
    }
}
