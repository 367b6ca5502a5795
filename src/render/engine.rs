//! The Typst engine: built once per process (per template folder), with the
//! built-in templates and the fonts in memory. Plays typst-cli's `world.rs`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic, Warned};
use typst::foundations::Dict;
use typst::syntax::DiagSpanKind;
use typst_as_lib::file_resolver::FileSystemResolver;
use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::{TypstEngine, TypstTemplateCollection, TypstWorld};
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, SourceText};

/// Built-in templates, served at `/talkposter/<name>` to every template.
pub const BUILT_IN_SOURCES: &[(&str, &str)] = &[
    ("/talkposter/lib.typ", include_str!("../../templates/lib.typ")),
    ("/talkposter/flyer.typ", include_str!("../../templates/flyer.typ")),
    ("/talkposter/card.typ", include_str!("../../templates/card.typ")),
    ("/talkposter/screen.typ", include_str!("../../templates/screen.typ")),
    ("/talkposter/contact-sheet.typ", include_str!("../../templates/contact-sheet.typ")),
    ("/talkposter/check-markup.typ", "#import \"/talkposter/lib.typ\": body\n#body(sys.inputs.text)\n"),
];

/// How many compilations a cached layout result may go unused before it is
/// dropped: keeps memory flat in a batch while reusing work between talks.
const CACHE_MAX_AGE: usize = 10;

pub struct Engine {
    typst: TypstEngine<TypstTemplateCollection>,
    /// Folder of a custom template: its files are read from here.
    root: Option<PathBuf>,
}

impl Engine {
    /// An engine with the built-in templates; `root` adds a custom template's
    /// folder, read from disk (not cached, so edits are seen).
    pub fn new(fonts: Vec<typst::text::Font>, root: Option<&Path>) -> Self {
        let mut builder = TypstEngine::builder()
            .fonts(fonts)
            // Typst's own embedded faces (math, monospace) after ours.
            .search_fonts_with(TypstKitFontOptions::new().include_system_fonts(false).include_embedded_fonts(true))
            .comemo_evict_max_age(None)
            .with_static_source_file_resolver(BUILT_IN_SOURCES.iter().copied());
        if let Some(root) = root {
            builder = builder.add_file_resolver(FileSystemResolver::new(root.to_path_buf()));
        }
        Engine { typst: builder.build(), root: root.map(Path::to_path_buf) }
    }

    /// Compiles `main` (a path inside the engine, such as `/talkposter/flyer.typ`)
    /// with `inputs` as `sys.inputs`. Errors come back located in their file.
    pub fn compile(&self, main: &str, inputs: Dict) -> Result<Compiled, Vec<Diagnostic>> {
        let world = self
            .typst
            .world_builder(main)
            .with_inputs(inputs)
            .build()
            .map_err(|e| vec![Diagnostic::new(format!("the layout engine could not start: {e}"))])?;
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        evict_caches();
        match output {
            Ok(document) => Ok(Compiled { document, warnings: self.convert(&world, &warnings) }),
            Err(errors) => Err(self.convert(&world, &errors)),
        }
    }

    /// Typst diagnostics as ours: file, line, column and the source line.
    fn convert(&self, world: &TypstWorld, diags: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        diags
            .iter()
            .map(|d| {
                let mut out = Diagnostic::new(d.message.to_string());
                if let DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } = d.span.get()
                    && let (Some(range), Ok(source)) = (world.range(d.span), world.source(id))
                {
                    let vpath = id.get().vpath().get_without_slash().to_string();
                    let path = match (&self.root, vpath.starts_with("talkposter/")) {
                        (Some(root), false) => root.join(&vpath),
                        _ => PathBuf::from(format!("<built-in>/{vpath}")),
                    };
                    let text = SourceText { path, text: Arc::from(source.text()) };
                    out = out.at(&text, range);
                }
                for hint in &d.hints {
                    out = out.help(hint.v.to_string());
                }
                out.warning = d.severity == Severity::Warning;
                out
            })
            .collect()
    }
}

/// Drops cached layout results not used in the last few compilations.
/// Process-wide; safe while other threads compile (comemo is thread-safe).
fn evict_caches() {
    typst::comemo::evict(CACHE_MAX_AGE);
}

pub struct Compiled {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
}
