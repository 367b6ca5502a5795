//! `talkposter fonts`: every font family a layout can use, and where it
//! comes from (bundled, Typst's own, `--font-path`, the system).

use std::process::ExitCode;

use crate::cli::FontsArgs;
use talkposter::diag::Failure;
use talkposter::layout::Layouter;

pub(super) fn list(args: FontsArgs) -> Result<ExitCode, Failure> {
    let library = Layouter::new(args.font_path).fonts(true)?;
    for (family, origin) in library.families() {
        out!("{family:<40} {}", origin.describe());
    }
    Ok(ExitCode::SUCCESS)
}
