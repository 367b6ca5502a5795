//! Typst's compile loop (typst 0.15.1, `compile_impl` in its lib.rs) for the
//! built-in layouts, which measure a good deal: one layout where Typst does
//! two.
//!
//! Typst lays a document out again while what it asked of the previous
//! layout (page numbers, counters, the positions of things) changes. Content
//! that is *measured* asks too: each paragraph or image in it looks for "the
//! same element in the real document" (`Introspector::locator`), to give
//! counters inside measured content their real values. In the first layout
//! there is no document yet, so every answer changes in the second, and the
//! second layout measures everything again (a built-in poster's fitting
//! search is most of its time: about a third of it went to that second
//! pass). The built-in layouts with plain text measure no counters or
//! other location-dependent content, so here measured content always takes
//! the measuring context's location (what Typst gives it in the first
//! layout), and a document needs a second layout only for what it really
//! asks (the programme's page count). Custom templates and the event's own
//! Typst markup keep Typst's loop (`Engine::measures_nothing_placed`).

use std::num::NonZeroUsize;

use typst::World;
use typst::comemo::{Constraint, Track, Tracked};
use typst::diag::{SourceDiagnostic, SourceResult, StrResult, Warned};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Content, Label, Output, Selector, StyleChain, Target, TargetElem};
use typst::introspection::{DocumentPosition, EmptyIntrospector, Introspector, Location, MAX_ITERS};
use typst::model::Numbering;
use typst::syntax::{Span, VirtualPath};
use typst::utils::Protected;
use typst_layout::PagedDocument;

/// Compiles the world's main file to pages, as `typst::compile` does, with
/// measured content placed at its measuring context (see the module's
/// comment). Also says how many times the document was laid out.
pub(super) fn compile(world: &dyn World) -> (Warned<SourceResult<PagedDocument>>, usize) {
    let mut sink = Sink::new();
    let mut layouts = 0;
    let output = compile_impl(world.track(), Traced::default().track(), &mut sink, &mut layouts).map_err(deduplicate);
    (Warned { output, warnings: sink.warnings() }, layouts)
}

fn compile_impl(
    world: Tracked<dyn World + '_>,
    traced: Tracked<Traced>,
    sink: &mut Sink,
    layouts: &mut usize,
) -> SourceResult<PagedDocument> {
    let library = world.library();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);

    let main = world.source(world.main()).map_err(|e| {
        typst::diag::eco_vec![SourceDiagnostic::error(Span::detached(), typst::diag::EcoString::from(e))]
    })?;
    let content =
        typst_eval::eval(world, library, traced, sink.track_mut(), Route::default().track(), &main)?.content();

    let mut history: Vec<PagedDocument> = Vec::with_capacity(MAX_ITERS);
    let document = loop {
        let blind = history.last().map(|doc| MeasureBlind(Output::introspector(doc)));
        let introspector: &dyn Introspector = match &blind {
            Some(b) => b,
            None => &EmptyIntrospector,
        };
        let constraint = Constraint::new();
        let mut subsink = Sink::new();
        let mut engine = Engine {
            library,
            world,
            introspector: Protected::new(introspector.track_with(&constraint)),
            traced,
            sink: subsink.track_mut(),
            route: Route::default(),
        };
        *layouts += 1;
        let document = PagedDocument::create(&mut engine, &content, styles)?;
        let next: &dyn Introspector = &MeasureBlind(Output::introspector(&document));
        if constraint.validate(next) {
            sink.extend_from_sink(subsink);
            break document;
        }
        if history.len() + 1 == MAX_ITERS {
            // Not stable within Typst's limit: its warnings say what moved.
            let mut blinds: Vec<MeasureBlind> = history.iter().map(|d| MeasureBlind(Output::introspector(d))).collect();
            blinds.push(MeasureBlind(Output::introspector(&document)));
            let mut introspectors: [&dyn Introspector; MAX_ITERS + 1] = [&EmptyIntrospector; MAX_ITERS + 1];
            for (slot, b) in introspectors.iter_mut().skip(1).zip(&blinds) {
                *slot = b;
            }
            let warnings = typst::introspection::analyze(world, introspectors, subsink.introspections());
            sink.extend_from_sink(subsink);
            for warning in warnings {
                sink.warn(warning);
            }
            break document;
        }
        history.push(document);
    };

    let delayed = sink.delayed();
    if !delayed.is_empty() {
        return Err(delayed);
    }
    Ok(document)
}

/// The same error twice (one span, one message) is shown once, as Typst does.
fn deduplicate(mut diags: typst::diag::EcoVec<SourceDiagnostic>) -> typst::diag::EcoVec<SourceDiagnostic> {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(typst::utils::hash128(&(&d.span, &d.message))));
    diags
}

/// A document's introspector that finds no element for measured content
/// (as in the first layout, when there is no document): everything else it
/// answers as the document's.
struct MeasureBlind<'a>(&'a dyn Introspector);

impl Introspector for MeasureBlind<'_> {
    fn query(&self, selector: &Selector) -> typst::diag::EcoVec<Content> {
        self.0.query(selector)
    }

    fn query_first(&self, selector: &Selector) -> Option<Content> {
        self.0.query_first(selector)
    }

    fn query_unique(&self, selector: &Selector) -> StrResult<Content> {
        self.0.query_unique(selector)
    }

    fn query_label(&self, label: Label) -> StrResult<&Content> {
        self.0.query_label(label)
    }

    fn query_labelled(&self) -> typst::diag::EcoVec<Content> {
        self.0.query_labelled()
    }

    fn query_count_before(&self, selector: &Selector, end: Location) -> usize {
        self.0.query_count_before(selector, end)
    }

    fn label_count(&self, label: Label) -> usize {
        self.0.label_count(label)
    }

    fn locator(&self, _key: u128, _base: Location) -> Option<Location> {
        None
    }

    fn pages(&self, location: Location) -> Option<NonZeroUsize> {
        self.0.pages(location)
    }

    fn page(&self, location: Location) -> Option<NonZeroUsize> {
        self.0.page(location)
    }

    fn position(&self, location: Location) -> Option<DocumentPosition> {
        self.0.position(location)
    }

    fn page_numbering(&self, location: Location) -> Option<&Numbering> {
        self.0.page_numbering(location)
    }

    fn page_supplement(&self, location: Location) -> Option<&Content> {
        self.0.page_supplement(location)
    }

    fn anchor(&self, location: Location) -> Option<&typst::diag::EcoString> {
        self.0.anchor(location)
    }

    fn document(&self, location: Location) -> Option<Location> {
        self.0.document(location)
    }

    fn path(&self, location: Location) -> Option<&VirtualPath> {
        self.0.path(location)
    }
}
