//! `talkposter import FILE -o DIR`: a schedule sheet, a calendar file or an
//! Indico export turned into one commented YAML file per talk, each checked
//! as `check` would before it is written, so the organizer can add photos
//! and biographies and go on editing. Nothing existing is overwritten; a
//! talk that cannot be read is reported (with its row and column for a
//! sheet) and the others are written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use serde_yaml::Value;

use crate::cli::ImportArgs;
use talkposter::diag::{self, Diagnostic, Failure};
use talkposter::event::origin::RowCells;
use talkposter::event::{Layer, Origin, validate};
use talkposter::files::{self, folder_of};
use talkposter::import;
use talkposter::series::{self, Sources};
use talkposter::sheet;

/// The talks ready to write, and those that failed with where they came from.
type Sorted = (Vec<Ready>, Vec<(String, Failure)>);

/// A talk ready to write: its file's stem, the comment on top, the value.
struct Ready {
    stem: String,
    from: String,
    warnings: Vec<String>,
    value: Value,
}

pub(super) fn run(args: ImportArgs) -> Result<ExitCode, Failure> {
    let file = &args.file;
    let (ready, failed) = if sheet::is_schedule(file) {
        from_sheet(file, &args.sheets.sources())?
    } else if import::is_calendar(file) || import::is_indico(file) {
        from_export(file)?
    } else {
        return Err(Diagnostic::new(
            "talkposter imports schedules (.xlsx, .ods, .csv, .tsv), calendar files (.ics) and Indico exports (.json)",
        )
        .in_file(file)
        .into());
    };
    let mut written = 0;
    let mut failures = failed;
    let mut taken = HashSet::new();
    for talk in ready {
        let path = free_name(&args.output, &talk.stem, &mut taken);
        match super::new::create(&path, &yaml(&talk)) {
            Ok(()) => {
                written += 1;
                out!("wrote {}", path.display());
                for w in &talk.warnings {
                    out!("  to do: {w}");
                }
            }
            Err(f) => failures.push((talk.from, f)),
        }
    }
    for (what, f) in &failures {
        err!("FAILED {what}");
        diag::eprint(&f.0);
    }
    let files = if written == 1 { "talk file" } else { "talk files" };
    out!("{written} {files} written to {}, {} failed", args.output.display(), failures.len());
    if written > 0 {
        out!("next: add photos and biographies, then `talkposter batch {}`", args.output.display());
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Each row of a sheet, checked with the series' defaults as `batch` would.
fn from_sheet(file: &Path, sources: &Sources) -> Result<Sorted, Failure> {
    let rows = sheet::read(file, sources.sheet.as_deref())?.rows;
    let talks = series::collect(&[file.to_path_buf()], sources)?;
    let base = files::absolute(folder_of(file));
    let mut ready = Vec::new();
    let mut failed = Vec::new();
    for (row, talk) in rows.into_iter().zip(talks) {
        match talk.checked {
            Ok(_) => {
                let mut value = row.value;
                paths_from(&mut value, &base);
                ready.push(Ready { stem: talk.stem, from: talk.label, warnings: Vec::new(), value });
            }
            Err(f) => failed.push((talk.label, f)),
        }
    }
    Ok((ready, failed))
}

/// Each event of a calendar file or an Indico export, checked alone.
fn from_export(file: &Path) -> Result<Sorted, Failure> {
    let origin =
        Origin { layers: vec![Layer::Row(Arc::new(RowCells { file: file.to_path_buf(), cells: Vec::new() }))] };
    let mut ready = Vec::new();
    let mut failed = Vec::new();
    for found in import::talks(file)? {
        let from = format!("{}, {}", file.display(), found.place);
        match validate::validate(&found.value, &origin, folder_of(file)) {
            Ok(event) => ready.push(Ready {
                stem: series::inline_stem(&event),
                from,
                warnings: found.warnings,
                value: found.value,
            }),
            Err(f) => failed.push((from, f)),
        }
    }
    Ok((ready, failed))
}

/// A sheet's photo and logo paths, relative to the sheet, made absolute:
/// the talk files are written elsewhere.
fn paths_from(value: &mut Value, base: &Path) {
    match value {
        Value::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                let is_path = matches!(k.as_str(), Some("photo" | "logo"));
                match v {
                    Value::String(s) if is_path && Path::new(s.as_str()).is_relative() => {
                        *s = base.join(s.as_str()).to_string_lossy().to_string();
                    }
                    _ => paths_from(v, base),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| paths_from(v, base)),
        _ => {}
    }
}

/// `DIR/stem.yaml`, or `stem-2.yaml` when two talks share a date and a
/// speaker.
fn free_name(dir: &Path, stem: &str, taken: &mut HashSet<PathBuf>) -> PathBuf {
    let stem = if stem.is_empty() { "talk" } else { stem };
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}.yaml") } else { format!("{stem}-{n}.yaml") };
        let path = dir.join(name);
        if taken.insert(path.clone()) {
            return path;
        }
        n += 1;
    }
}

fn yaml(talk: &Ready) -> String {
    let mut out = format!("# Imported by talkposter from {}.\n", talk.from);
    for w in &talk.warnings {
        out.push_str(&format!("# To do: {w}.\n"));
    }
    out.push_str("# Add speaker.photo and speaker.bio as you like; `talkposter check` this file after editing.\n");
    out.push_str(&serde_yaml::to_string(&talk.value).unwrap_or_default());
    out
}
