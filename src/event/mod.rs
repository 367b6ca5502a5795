//! Reading an event file: read once, parse (the values, and where each key
//! stands: see `source`), then validate into a typed model.

pub mod clock;
pub mod dates;
pub mod format;
pub mod model;
pub mod origin;
pub mod positions;
pub mod source;
pub mod texts;
pub mod validate;

use std::path::Path;
use std::sync::Arc;

pub use model::*;
pub use origin::{Layer, Origin};
pub use texts::{Shape, Texts};

use crate::diag::Failure;
use crate::files::folder_of;
use crate::limits::MAX_EVENT_FILE_BYTES;

/// Reads and checks one event file.
pub fn load(path: &Path) -> Result<Event, Failure> {
    load_located(path).map(|(event, _)| event)
}

/// Reads and checks one event file, keeping where each value was written.
pub fn load_located(path: &Path) -> Result<(Event, Arc<Origin>), Failure> {
    let doc = source::load(path, MAX_EVENT_FILE_BYTES, "an event file")?;
    let origin = Arc::new(Origin::single(&doc));
    let event = validate::validate(&doc.value, &origin, folder_of(path))?;
    Ok((event, origin))
}

/// An event from YAML text, for unit tests (paths resolve against `.`).
#[cfg(test)]
pub fn from_yaml(yaml: &str) -> Event {
    let doc = source::parse(crate::diag::SourceText { path: "t.yaml".into(), text: yaml.into() }).unwrap();
    validate::validate(&doc.value, &Origin::single(&doc), Path::new(".")).unwrap()
}
