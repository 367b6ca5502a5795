//! The Typst engine: built once per process (per template folder), with the
//! built-in templates and the fonts in memory. Plays typst-cli's `world.rs`.
//! Each compilation records the files of the template's folder it read, so
//! a batch knows exactly what a poster depends on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{FileResult, Severity, SourceDiagnostic, Warned};
use typst::foundations::{Binding, Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World, WorldExt};
use typst_as_lib::{TypstEngine, TypstTemplateCollection, TypstWorld};
use typst_layout::PagedDocument;

use super::fonts::FontLibrary;
use super::resolver::TemplateFolder;
use crate::diag::{Diagnostic, SourceText};
use crate::sync::LockAnyway;
use crate::templates;

/// How many compilations a cached layout result may go unused before it is
/// dropped: keeps memory flat in a batch while reusing work between talks.
/// 94 mixed real talks (one run each, with the allocator settings of
/// `memory`): at 10, 381–401 MB peak and 12.5–12.7 s of CPU; at 2, 263–271
/// MB and 11.4 s; 100 copies of one talk the same at both (2.2–2.4 s).
/// Later, with workers that keep freed pages a second (`memory`), 63 mixed
/// talks took the same time at 0 (nothing kept), 1 and 2, and peaked at
/// 261 MB at 1, 300 MB at 2; 100 copies of one talk took twice as long at
/// 0, the same at 1 and 2 (1.27 and 1.29 s): what a copy reuses is the
/// last talk's layout.
const CACHE_MAX_AGE: usize = 1;

pub struct Engine {
    typst: TypstEngine<TypstTemplateCollection>,
    fonts: Arc<FontLibrary>,
    /// A custom template's folder: its files are read from here.
    folder: Option<Arc<TemplateFolder>>,
}

/// A laid-out document, what Typst warned about, and the files of the
/// template's folder it read (path, blake3 of the bytes read).
pub struct Compiled {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
    pub read: Vec<(PathBuf, String)>,
}

impl Engine {
    /// An engine with the built-in templates; `root` adds a custom template's
    /// folder, read from disk.
    pub fn new(fonts: Arc<FontLibrary>, root: Option<&Path>) -> Result<Self, Diagnostic> {
        // The fonts are not given to typst-as-lib: the world of each
        // compilation hands Typst `fonts` (parsed on first use) itself.
        let mut builder = TypstEngine::builder().comemo_evict_max_age(None).with_static_source_file_resolver(
            templates::sources().into_iter().map(|(path, source)| {
                Source::new(file_id(&path).expect("built-in paths are valid"), source.to_string())
            }),
        );
        let folder = match root {
            Some(root) => {
                let folder = TemplateFolder::new(root).map_err(|e| {
                    Diagnostic::new(format!("cannot open the template's folder: {}", crate::files::io_reason(&e)))
                        .in_file(root)
                })?;
                let folder = Arc::new(folder);
                builder = builder.add_file_resolver(SharedFolder(folder.clone()));
                Some(folder)
            }
            None => None,
        };
        Ok(Engine { typst: builder.build(), fonts, folder })
    }

    /// Compiles `main` (a path inside the engine, such as
    /// `/talkposter/flyer.typ`) with `inputs` as `sys.inputs`. Errors come
    /// back located in their file.
    pub fn compile(&self, main: &str, inputs: Dict) -> Result<Compiled, Vec<Diagnostic>> {
        let once = self.measures_nothing_placed(&inputs);
        let world = self.world(main, inputs)?;
        let Warned { output, warnings } =
            if once { super::once::compile(&world).0 } else { typst::compile::<PagedDocument>(&world) };
        typst::comemo::evict(CACHE_MAX_AGE);
        match output {
            Ok(document) => {
                let warnings = self.convert(&world, &warnings);
                Ok(Compiled { document, warnings, read: self.files_read(&world) })
            }
            Err(errors) => Err(self.convert(&world, &errors)),
        }
    }

    /// Whether what the layout measures is known not to depend on where it
    /// is (no counters, no positions): the built-in layouts with plain text
    /// (the inputs' `markup`). Those are compiled by `once`, in one layout
    /// where Typst's loop takes two; a custom template, or the event's own
    /// Typst markup, keeps Typst's loop.
    fn measures_nothing_placed(&self, inputs: &Dict) -> bool {
        self.folder.is_none() && inputs.get("markup").map_or(true, |m| *m != "typst".into_value())
    }

    /// The world in which `main` is compiled with `inputs`.
    fn world(&self, main: &str, inputs: Dict) -> Result<Recording<'_>, Vec<Diagnostic>> {
        let main = file_id(main)?;
        let world = self
            .typst
            .world_builder(main)
            .with_inputs(inputs)
            .build()
            .map_err(|e| vec![Diagnostic::new(format!("the layout engine could not start: {e}"))])?;
        let library = with_inputs_in_std(world.library());
        Ok(Recording { inner: world, library, fonts: &self.fonts, read: Mutex::default() })
    }

    /// The real path and hash of each file of the template's folder read.
    fn files_read(&self, world: &Recording) -> Vec<(PathBuf, String)> {
        let Some(folder) = &self.folder else { return Vec::new() };
        let read = std::mem::take(&mut *world.read.lock_anyway());
        let mut files: Vec<(PathBuf, String)> =
            read.into_iter().filter_map(|(id, hash)| Some((folder.locate(id).ok()?, hash))).collect();
        files.sort();
        files
    }

    /// Typst diagnostics as ours: file, line, column and the source line.
    fn convert(&self, world: &Recording, diags: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        diags
            .iter()
            .map(|d| {
                let mut out = Diagnostic::new(d.message.to_string());
                if let DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } = d.span.get()
                    && let (Some(range), Ok(source)) = (world.range(d.span), world.inner.source(id))
                {
                    let vpath = id.get().vpath().get_without_slash().to_string();
                    let path = match (&self.folder, vpath.starts_with("talkposter/")) {
                        (Some(folder), false) => folder.root().join(&vpath),
                        _ => PathBuf::from(format!("<built-in>/{vpath}")),
                    };
                    let text = SourceText { path, text: Arc::from(source.text()) };
                    out = out.at(&text, range);
                }
                for hint in &d.hints {
                    out = out.help(hint.v.to_string());
                }
                if d.severity == Severity::Warning {
                    out = out.warning();
                }
                out
            })
            .collect()
    }
}

/// A path inside the engine as Typst's file id. typst-as-lib panics on a
/// path Typst cannot take (a backslash in a file name); here it is an error.
fn file_id(path: &str) -> Result<FileId, Vec<Diagnostic>> {
    let vpath = VirtualPath::new(path).map_err(|e| {
        vec![
            Diagnostic::new(format!("the layout's file name `{path}` cannot be used: {e}"))
                .help("rename the file with letters, digits, `-` and `_` only"),
        ]
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The library of a compilation as typst-as-lib makes it (the inputs in
/// its `sys` module), with `std`, the standard library as a value, made
/// from that same module: typst-as-lib leaves `std` the library without
/// the inputs, so a template's `std.sys.inputs` (how Typst reaches a name
/// the template shadows) was empty. Cloning shares the library's parts;
/// its hash, computed once per compilation, costs what it did (the
/// inputs are hashed twice, a few kilobytes).
fn with_inputs_in_std(library: &Library) -> LazyHash<Library> {
    let mut library = library.clone();
    library.std = Binding::detached(library.global.clone());
    LazyHash::new(library)
}

/// The template folder, shared between the engine's resolver and the code
/// that maps the files read back to their real paths.
struct SharedFolder(Arc<TemplateFolder>);

impl typst_as_lib::file_resolver::FileResolver for SharedFolder {
    fn resolve_binary(&self, id: FileId) -> FileResult<std::borrow::Cow<'_, Bytes>> {
        self.0.resolve_binary(id)
    }

    fn resolve_source(&self, id: FileId) -> FileResult<std::borrow::Cow<'_, Source>> {
        self.0.resolve_source(id)
    }
}

/// The world of one compilation: typst-as-lib's, with our fonts, noting
/// each file it hands Typst.
struct Recording<'a> {
    inner: TypstWorld<'a>,
    library: LazyHash<Library>,
    fonts: &'a FontLibrary,
    read: Mutex<HashMap<FileId, String>>,
}

impl Recording<'_> {
    fn note(&self, id: FileId, bytes: &[u8]) {
        if !id.vpath().get_without_slash().starts_with("talkposter/") {
            let hash = blake3::hash(bytes).to_hex().to_string();
            self.read.lock_anyway().insert(id, hash);
        }
    }
}

impl World for Recording<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.inner.main()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let source = self.inner.source(id)?;
        self.note(id, source.text().as_bytes());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let bytes = self.inner.file(id)?;
        self.note(id, &bytes);
        Ok(bytes)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.inner.today(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Assets;
    use crate::layout::{fonts::FontSources, inputs, once};
    use typst::foundations::Str;

    fn built_ins() -> Engine {
        let fonts = FontLibrary::new(&FontSources { dirs: Vec::new(), system: false }).unwrap();
        Engine::new(Arc::new(fonts), None).unwrap()
    }

    /// Each page as the PNG talkposter writes (72 ppi).
    fn pixels(document: &PagedDocument) -> Vec<Vec<u8>> {
        document.pages().iter().map(|p| crate::export::png_page(p, 72.0, "").unwrap()).collect()
    }

    #[test]
    fn the_flyer_is_laid_out_once_and_comes_out_as_from_typsts_own_loop() {
        // The seed talk (paths as seen from here).
        let yaml =
            std::fs::read_to_string("events/2024-06-13-yilun-xu.yaml").unwrap().replace(" assets/", " events/assets/");
        let event = crate::event::from_yaml(&yaml);
        let assets = Assets { photos: vec![None], logo: None, online_qr: None, registration_qr: None };
        let engine = built_ins();
        let world = engine.world(&templates::builtin_path("flyer"), inputs::build(&event, &assets)).unwrap();
        let (ours, layouts) = once::compile(&world);
        let theirs = typst::compile::<PagedDocument>(&world);
        assert_eq!(layouts, 1, "the flyer measures a good deal, and needs no second layout for it");
        let (ours, theirs) = (ours.output.unwrap(), theirs.output.unwrap());
        assert_eq!(ours.pages().len(), 1);
        assert!(pixels(&ours) == pixels(&theirs), "the same poster as Typst's two layouts give");
    }

    #[test]
    fn a_document_that_asks_for_its_page_count_is_laid_out_again() {
        let engine = built_ins();
        let mut inputs = Dict::new();
        inputs.insert(Str::from("markup"), "typst".into_value());
        inputs.insert(
            Str::from("text"),
            "page 1 of #context counter(page).final().first() #pagebreak() end".into_value(),
        );
        let world = engine.world(&templates::builtin_path(templates::CHECK_MARKUP), inputs).unwrap();
        let (warned, layouts) = once::compile(&world);
        assert_eq!(layouts, 2, "the count is known only after the first layout");
        let document = warned.output.unwrap();
        assert_eq!(document.pages().len(), 2);
        let theirs = typst::compile::<PagedDocument>(&world).output.unwrap();
        assert!(pixels(&document) == pixels(&theirs));
    }

    #[test]
    fn custom_templates_and_typst_markup_keep_typsts_loop() {
        let engine = built_ins();
        let markup = |m: &str| Dict::from_iter([(Str::from("markup"), m.into_value())]);
        assert!(engine.measures_nothing_placed(&Dict::new()));
        assert!(engine.measures_nothing_placed(&markup("plain")));
        assert!(!engine.measures_nothing_placed(&markup("typst")));
        let folder = tempfile::tempdir().unwrap();
        let custom = Engine::new(engine.fonts.clone(), Some(folder.path())).unwrap();
        assert!(!custom.measures_nothing_placed(&Dict::new()));
    }

    #[test]
    fn a_template_finds_its_inputs_through_std_too() {
        let folder = tempfile::tempdir().unwrap();
        let source = "#let sys = none\n#assert.eq(std.sys.inputs.at(\"title\"), \"Graphs\")\n#std.sys.inputs.title\n";
        std::fs::write(folder.path().join("t.typ"), source).unwrap();
        let fonts = FontLibrary::new(&FontSources { dirs: Vec::new(), system: false }).unwrap();
        let engine = Engine::new(Arc::new(fonts), Some(folder.path())).unwrap();
        let inputs = Dict::from_iter([(Str::from("title"), "Graphs".into_value())]);
        let compiled = engine.compile("/t.typ", inputs).map_err(|e| e[0].message.clone()).unwrap();
        assert_eq!(compiled.document.pages().len(), 1);
    }

    #[test]
    fn a_file_name_typst_cannot_take_is_an_error_not_a_panic() {
        let e = file_id("/a\\b.typ").unwrap_err();
        assert!(e[0].message.starts_with("the layout's file name `/a\\b.typ` cannot be used"), "{}", e[0].message);
        assert!(file_id("/talkposter/flyer.typ").is_ok());
    }
}
