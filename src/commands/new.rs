//! `talkposter new`: a starter event to fill in, every key present (the
//! optional ones commented out with a word on each), valid as it is; with
//! `--series DIR`, a series folder with its first talk; with `--sheet`, an
//! empty schedule. Nothing existing is
//! ever overwritten. Each YAML file's first line points editors at the
//! schema written beside it, for completion and checks as one types.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::ToSpan;

use crate::cli::NewArgs;
use talkposter::diag::{Diagnostic, Failure};
use talkposter::event::format::{self, EVENT_SCHEMA_FILE, SERIES_SCHEMA_FILE};
use talkposter::files::{folder_of, io_reason};

const TALK: &str = include_str!("../../templates/new/talk.yaml");
const SERIES: &str = include_str!("../../templates/new/series.yaml");
const SERIES_TALK: &str = include_str!("../../templates/new/series-talk.yaml");

pub(super) fn run(args: NewArgs) -> Result<ExitCode, Failure> {
    // A date two weeks ahead: a real one, so the starter passes `check`.
    let date = jiff::Zoned::now().date().checked_add(14.days()).map_err(|e| Diagnostic::new(e.to_string()))?;
    if let Some(path) = args.sheet {
        return sheet(&path, date);
    }
    match args.series {
        Some(dir) => series(&dir, &date.to_string()),
        None => talk(&with_yaml_extension(args.file.unwrap_or_else(|| PathBuf::from("talk.yaml"))), &date.to_string()),
    }
}

/// `talk` means `talk.yaml`: folders and `batch` look for `.yaml` files.
fn with_yaml_extension(path: PathBuf) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => path,
        _ => {
            let mut name = path.into_os_string();
            name.push(".yaml");
            PathBuf::from(name)
        }
    }
}

fn talk(path: &Path, date: &str) -> Result<ExitCode, Failure> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let stem = path.file_stem().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let text = TALK.replace("TALK_DATE", date).replace("TALK_FILE", &name).replace("TALK_STEM", &stem);
    create(path, &text)?;
    schema_beside(path, EVENT_SCHEMA_FILE, format::event_schema(), "event")?;
    out!("wrote {}", path.display());
    out!("next: fill it in, then run `talkposter watch {}`", path.display());
    Ok(ExitCode::SUCCESS)
}

fn series(dir: &Path, date: &str) -> Result<ExitCode, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Diagnostic::new(format!("cannot create the folder `{}`: {}", dir.display(), io_reason(&e))))?;
    let series_file = dir.join(talkposter::series::SERIES_FILE);
    let talk_file = dir.join(format!("{date}-first-talk.yaml"));
    // Both names free before either is written: no half-made folder.
    for path in [&series_file, &talk_file] {
        refuse_existing(path)?;
    }
    create(&series_file, &SERIES.replace("SERIES_DIR", &dir.display().to_string()))?;
    create(&talk_file, &SERIES_TALK.replace("TALK_DATE", date))?;
    schema_beside(&series_file, SERIES_SCHEMA_FILE, format::series_schema(), "series")?;
    schema_beside(&series_file, EVENT_SCHEMA_FILE, format::event_schema(), "event")?;
    out!("wrote {} and {}", series_file.display(), talk_file.display());
    out!("next: fill them in, then run `talkposter batch {}`", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn sheet(path: &Path, date: jiff::civil::Date) -> Result<ExitCode, Failure> {
    let kind = talkposter::sheet::Kind::of(path).filter(|k| *k != talkposter::sheet::Kind::Ods).ok_or_else(|| {
        Diagnostic::new(format!("`{}`: a schedule is written as .xlsx or .csv", path.display()))
            .help("name the file schedule.xlsx (Excel, LibreOffice, online sheets) or schedule.csv")
    })?;
    let bytes = talkposter::sheet::blank::schedule(kind, date).map_err(Diagnostic::new)?;
    create_bytes(path, &bytes)?;
    out!("wrote {}", path.display());
    out!("next: one row per talk, then run `talkposter batch {}`", path.display());
    Ok(ExitCode::SUCCESS)
}

fn refuse_existing(path: &Path) -> Result<(), Failure> {
    if path.exists() || path.is_symlink() {
        return Err(Diagnostic::new(format!(
            "`{}` already exists: talkposter new never overwrites a file",
            path.display()
        ))
        .help("give another name, e.g. `talkposter new next-talk.yaml`")
        .into());
    }
    Ok(())
}

/// Writes `text` to `path`, which must not exist yet (checked by the
/// system as the file is created, so a race cannot overwrite either).
pub(super) fn create(path: &Path, text: &str) -> Result<(), Failure> {
    create_bytes(path, text.as_bytes())
}

fn create_bytes(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    refuse_existing(path)?;
    let folder = folder_of(path);
    std::fs::create_dir_all(folder)
        .map_err(|e| Diagnostic::new(format!("cannot create the folder `{}`: {}", folder.display(), io_reason(&e))))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::new(format!("cannot create `{}`: {}", path.display(), io_reason(&e))))?;
    file.write_all(bytes)
        .map_err(|e| Diagnostic::new(format!("cannot write `{}`: {}", path.display(), io_reason(&e))).into())
}

/// The schema the editor hint names, beside `file`, unless a file of that
/// name is already there (then it is left alone, and said so if it differs).
fn schema_beside(file: &Path, name: &str, schema: String, kind: &str) -> Result<(), Failure> {
    let path = folder_of(file).join(name);
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing == schema => Ok(()),
        Ok(_) => {
            err!(
                "note: `{}` is left as it was; `talkposter schema {kind} > {name}` writes the current one",
                path.display()
            );
            Ok(())
        }
        Err(_) => create(&path, &schema),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_yaml_gets_it() {
        assert_eq!(with_yaml_extension("talk".into()), PathBuf::from("talk.yaml"));
        assert_eq!(with_yaml_extension("a.b/talk.v2".into()), PathBuf::from("a.b/talk.v2.yaml"));
        assert_eq!(with_yaml_extension("talk.yml".into()), PathBuf::from("talk.yml"));
        assert_eq!(with_yaml_extension("x/talk.yaml".into()), PathBuf::from("x/talk.yaml"));
    }
}
