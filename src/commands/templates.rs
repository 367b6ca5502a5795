//! `talkposter templates`: the built-in layouts, one line each.

use std::process::ExitCode;

use talkposter::diag::Failure;
use talkposter::templates::LAYOUTS;

pub(super) fn list() -> Result<ExitCode, Failure> {
    for layout in LAYOUTS {
        out!("{:<8} {}", layout.name, layout.about);
    }
    Ok(ExitCode::SUCCESS)
}
