//! A seminar series: a folder of talk files with an optional `series.yaml`,
//! a series file with a `talks:` list, or a schedule sheet (one talk per
//! row, `series.yaml` beside it). `defaults:` are deep-merged under
//! every talk (maps key by key; lists and scalars replaced; the talk wins).
//! Paths resolve against the file they are written in. Every file is read
//! and parsed once, however many talks it concerns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_yaml::{Mapping, Value};

use crate::diag::{Diagnostic, Failure};
use crate::event::positions::KeyPath;
use crate::event::source::{self, Document};
use crate::event::validate;
use crate::event::{Event, Layer, Origin};
use crate::files::{self, folder_of};
use crate::limits::{MAX_EVENT_FILE_BYTES, MAX_SERIES_FILE_BYTES, over};
use crate::sheet;
use crate::suggest::nearest;
use crate::text::slug;

/// The file name that holds a folder's series settings.
pub const SERIES_FILE: &str = "series.yaml";

/// The keys of a series file.
pub const SERIES_KEYS: &[&str] = &["series", "defaults", "talks"];

/// One talk to render: where it came from and the name of its outputs.
#[derive(Debug)]
pub struct Talk {
    /// Output file stem: the talk file's stem, or `<date>-<speaker>` inline.
    pub stem: String,
    /// For messages: the talk file, or `series.yaml (talks[2])`.
    pub label: String,
    /// The checked event, or everything wrong with it.
    pub checked: Result<Checked, Failure>,
}

/// A talk whose event passed validation.
#[derive(Debug)]
pub struct Checked {
    pub event: Event,
    /// Where each value was written, for later errors.
    pub origin: Arc<Origin>,
    /// The merged event as YAML, for the incremental-build hash.
    pub merged: String,
}

impl Talk {
    fn failed(stem: String, label: String, failure: Failure) -> Self {
        Talk { stem, label, checked: Err(failure) }
    }
}

/// A series file's `defaults:`, paths already made absolute, and where they
/// were written.
#[derive(Debug, Clone, Default)]
struct Settings {
    defaults: Option<(Value, Layer)>,
}

/// How to read schedule sheets: which tab, and which series file gives
/// their defaults (else `series.yaml` beside the sheet).
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub sheet: Option<String>,
    pub series: Option<PathBuf>,
}

/// Every talk under `paths` (folders, series files, talk files, schedule
/// sheets), in order. A broken series file or sheet header stops everything
/// (it concerns every talk); a broken talk only marks that talk failed.
pub fn collect(paths: &[PathBuf], sources: &Sources) -> Result<Vec<Talk>, Failure> {
    let mut settings = SettingsCache::default();
    let mut talks = Vec::new();
    for path in paths {
        if path.is_dir() {
            talks.extend(folder(path, &mut settings)?);
            continue;
        }
        if sheet::is_schedule(path) {
            talks.extend(schedule(path, sources, &mut settings)?);
            continue;
        }
        let label = path.display().to_string();
        // A file given by name is a talk unless it proves to be a series (it
        // lists `talks:`): past a series file's limit, it is measured as a talk.
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size > MAX_SERIES_FILE_BYTES && path.file_name().is_none_or(|n| n != SERIES_FILE) {
            let (size, limit) = over(size, MAX_EVENT_FILE_BYTES);
            let d = Diagnostic::new(format!("the file is {size}, over the limit of {limit} for an event file"))
                .help("check that this is the file you meant; a talk's file is a few KB (a series file listing its talks may take 8 MB)");
            talks.push(Talk::failed(file_stem(path), label, d.in_file(path).into()));
            continue;
        }
        let doc = match source::load(path, MAX_SERIES_FILE_BYTES, "a series file") {
            Ok(doc) => doc,
            Err(f) => {
                talks.push(Talk::failed(file_stem(path), label, f));
                continue;
            }
        };
        if path.file_name().is_some_and(|n| n == SERIES_FILE) || has_talks(&doc) {
            talks.extend(series_file(path, doc)?);
        } else {
            let beside = folder_of(path).join(SERIES_FILE);
            let around = if beside.is_file() { settings.get(&beside)? } else { Arc::default() };
            talks.push(talk_file(path, Ok(doc), &around));
        }
    }
    Ok(talks)
}

/// The settings of each `series.yaml` met, read once.
#[derive(Default)]
struct SettingsCache(HashMap<PathBuf, Arc<Settings>>);

impl SettingsCache {
    fn get(&mut self, path: &Path) -> Result<Arc<Settings>, Failure> {
        let key = files::absolute(path);
        if let Some(s) = self.0.get(&key) {
            return Ok(s.clone());
        }
        let doc = source::load(path, MAX_SERIES_FILE_BYTES, "a series file")?;
        let (settings, _) = read_settings(path, &doc)?;
        let settings = Arc::new(settings);
        self.0.insert(key, settings.clone());
        Ok(settings)
    }
}

/// One talk per row of a schedule sheet, with the series' defaults under
/// each. Photos and other paths are relative to the sheet.
fn schedule(path: &Path, sources: &Sources, cache: &mut SettingsCache) -> Result<Vec<Talk>, Failure> {
    let beside = folder_of(path).join(SERIES_FILE);
    let settings = match &sources.series {
        Some(series) => cache.get(series)?,
        None if beside.is_file() => cache.get(&beside)?,
        None => Arc::default(),
    };
    let schedule = sheet::read(path, sources.sheet.as_deref())?;
    let base = folder_of(path);
    Ok(schedule
        .rows
        .into_iter()
        .map(|row| {
            let label = format!("{} (row {})", path.display(), row.number);
            let fallback = format!("row-{}", row.number);
            let talk = build(row.value, Layer::Row(row.cells), base, &settings, None, label, fallback);
            let found = match talk.checked {
                Ok(_) if row.problems.is_empty() => return talk,
                Ok(_) => Vec::new(),
                Err(f) => f.0,
            };
            // What the cells could not say, then what the event's checks
            // found about the other keys.
            let mut problems = row.problems;
            let said: Vec<Option<String>> = problems.iter().map(|d| d.key.clone()).collect();
            problems.extend(found.into_iter().filter(|d| !said.contains(&d.key)).map(sheet::in_sheet_words));
            Talk::failed(talk.stem, talk.label, Failure(problems))
        })
        .collect())
}

fn folder(dir: &Path, cache: &mut SettingsCache) -> Result<Vec<Talk>, Failure> {
    let series = dir.join(SERIES_FILE);
    let settings = if series.is_file() {
        let doc = source::load(&series, MAX_SERIES_FILE_BYTES, "a series file")?;
        if has_talks(&doc) {
            return series_file(&series, doc);
        }
        let settings = Arc::new(read_settings(&series, &doc)?.0);
        cache.0.insert(files::absolute(&series), settings.clone());
        settings
    } else {
        Arc::default()
    };
    let talk_files = talk_files_in(dir)?;
    if talk_files.is_empty() {
        return Err(Diagnostic::new("no talk files (*.yaml) in this folder").in_file(dir).into());
    }
    Ok(talk_files.iter().map(|f| talk_file(f, load_talk(f), &settings)).collect())
}

/// The `*.yaml` and `*.yml` files of a folder but `series.yaml`, sorted.
/// Anything else so named (a link to a device, a pipe) is listed too, to
/// fail as a talk with a message rather than vanish.
fn talk_files_in(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(format!("cannot read the folder: {}", files::io_reason(&e))).in_file(dir))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter(|p| p.file_name().is_some_and(|n| n != SERIES_FILE))
        .collect();
    out.sort();
    Ok(out)
}

/// Whether a file named in `talks:` may be read as a talk: a `.yaml` or
/// `.yml` file in the series' folder, a folder beside it (a term's list
/// often points at the talks' own folder) or below them, as far as can be
/// told without reading it. A file that does not exist is left to the
/// loader's message.
fn listed_talk(file: &Path, base: &Path) -> Result<(), String> {
    let yaml = file.extension().is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"));
    if !yaml {
        return Err(format!("`{}` is not a talk file (.yaml)", file.display()));
    }
    if let (Ok(file), Ok(base)) = (std::fs::canonicalize(file), std::fs::canonicalize(base)) {
        let reach = base.parent().unwrap_or(&base);
        if !file.starts_with(reach) {
            return Err(format!("`{}` is outside the series' folder and the folders beside it", file.display()));
        }
    }
    Ok(())
}

fn load_talk(path: &Path) -> Result<Document, Failure> {
    source::load(path, MAX_EVENT_FILE_BYTES, "an event file")
}

fn has_talks(doc: &Document) -> bool {
    doc.value.as_mapping().is_some_and(|m| m.contains_key("talks"))
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "talk".into())
}

/// Reads `series:` and `defaults:`; returns the settings and the `talks:` list.
fn read_settings(path: &Path, doc: &Document) -> Result<(Settings, Option<Vec<Value>>), Failure> {
    let origin = Origin::single(doc);
    let empty = Mapping::new();
    let map = doc.value.as_mapping().unwrap_or(&empty);
    let mut errors = Vec::new();
    for key in map.keys() {
        let k = key.as_str().unwrap_or("?");
        if !SERIES_KEYS.contains(&k) {
            let d = origin.key_error(&KeyPath::root().key(k), format!("unknown key `{k}` in a series file"));
            errors.push(d.help(match nearest(k, SERIES_KEYS) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "a series file has `series:` (its name), `defaults:` (keys for every talk) and `talks:`".into(),
            }));
        }
    }
    let mut defaults = match map.get("defaults") {
        None | Some(Value::Null) => Value::Mapping(Mapping::new()),
        Some(v @ Value::Mapping(_)) => v.clone(),
        Some(_) => {
            errors.push(origin.error(&KeyPath::root().key("defaults"), "should be a map of event keys"));
            Value::Null
        }
    };
    match map.get("series") {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(s)) => {
            for k in s.keys().filter_map(Value::as_str).filter(|k| *k != "name") {
                let path = KeyPath::root().key("series").key(k);
                errors.push(origin.key_error(&path, format!("unknown key `{k}`")).help("`series` has one key: `name`"));
            }
            if let Some(name) = s.get("name").filter(|v| !v.is_null())
                && let Value::Mapping(d) = &mut defaults
            {
                // The series name reaches every talk as its `series` key.
                d.entry(Value::from("series")).or_insert_with(|| name.clone());
            }
        }
        Some(_) => errors.push(
            origin
                .error(&KeyPath::root().key("series"), "should be a map with the series' `name`")
                .help("write `series: {name: {zh: 前沿计算系列讲座, en: CFCS Frontier Talks}}`"),
        ),
    }
    let talks = match map.get("talks") {
        None | Some(Value::Null) => None,
        Some(Value::Sequence(items)) => Some(items.clone()),
        Some(_) => {
            errors.push(
                origin
                    .error(&KeyPath::root().key("talks"), "should be a list")
                    .help("list talk files (relative to this file) or write talks inline, one `- ` each"),
            );
            None
        }
    };
    if !errors.is_empty() {
        return Err(Failure(errors));
    }
    let base = files::absolute(folder_of(path));
    for p in validate::file_paths(&mut defaults) {
        absolutize(p, &base);
    }
    let layer = Layer::of(doc, KeyPath::root().key("defaults"));
    Ok((Settings { defaults: Some((defaults, layer)) }, talks))
}

fn series_file(path: &Path, doc: Document) -> Result<Vec<Talk>, Failure> {
    let (settings, items) = read_settings(path, &doc)?;
    let Some(items) = items else {
        // `series.yaml` without `talks:`: the other files of its folder.
        return folder(folder_of(path), &mut SettingsCache::default());
    };
    let base = folder_of(path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = KeyPath::root().key("talks").index(i);
        let label = format!("{} ({at})", path.display());
        match item {
            Value::String(name) => {
                let file = base.join(&name);
                // Only the series' own talk files: a list received from
                // someone else cannot make talkposter read (and quote in
                // a message) another of the organizer's files.
                match listed_talk(&file, base) {
                    Ok(()) => out.push(talk_file(&file, load_talk(&file), &settings)),
                    Err(why) => {
                        let d = Origin::single(&doc).error(&at, why).help(
                            "list the talk files of this series: .yaml files in this folder, a folder beside it or one inside them",
                        );
                        out.push(Talk::failed(file_stem(&file), label, d.into()));
                    }
                }
            }
            Value::Mapping(_) => {
                let layer = Layer::of(&doc, at.clone());
                out.push(build(item, layer, base, &settings, None, label, at.to_string()));
            }
            _ => {
                let d = Origin::single(&doc).error(&at, "should be a file name or an inline talk");
                out.push(Talk::failed(at.to_string(), label, d.into()));
            }
        }
    }
    Ok(out)
}

fn talk_file(path: &Path, doc: Result<Document, Failure>, settings: &Settings) -> Talk {
    let (stem, label) = (file_stem(path), path.display().to_string());
    match doc {
        Ok(doc) if doc.source.text.len() as u64 > MAX_EVENT_FILE_BYTES => {
            let (size, limit) = over(doc.source.text.len() as u64, MAX_EVENT_FILE_BYTES);
            let d = Diagnostic::new(format!("the file is {size}, over the limit of {limit} for an event file"))
                .help("check that this is the file you meant; a file this large is not a talk's");
            Talk::failed(stem, label, d.in_file(path).into())
        }
        Ok(doc) => {
            let layer = Layer::of(&doc, KeyPath::root());
            build(doc.value, layer, folder_of(path), settings, Some(stem.clone()), label, stem)
        }
        Err(f) => Talk::failed(stem, label, f),
    }
}

/// Merges the defaults under a talk's value and validates the result. An
/// inline talk (no `stem`) is named after its date and speaker once valid,
/// else `fallback` (its place in the list).
fn build(
    value: Value,
    layer: Layer,
    base: &Path,
    settings: &Settings,
    stem: Option<String>,
    label: String,
    fallback: String,
) -> Talk {
    let mut layers = vec![layer];
    let merged = match &settings.defaults {
        Some((defaults, defaults_layer)) if !value.is_null() => {
            layers.push(defaults_layer.clone());
            merge(defaults.clone(), value)
        }
        _ => value,
    };
    let origin = Arc::new(Origin { layers });
    match validate::validate(&merged, &origin, base) {
        Ok(event) => {
            let stem = stem.unwrap_or_else(|| inline_stem(&event));
            let merged = serde_yaml::to_string(&merged).unwrap_or_default();
            Talk { stem, label, checked: Ok(Checked { event, origin, merged }) }
        }
        Err(f) => Talk::failed(stem.unwrap_or(fallback), label, f),
    }
}

/// `defaults` under `talk`: maps merge key by key, anything else is replaced.
pub fn merge(defaults: Value, talk: Value) -> Value {
    match (defaults, talk) {
        (Value::Mapping(mut base), Value::Mapping(over)) => {
            for (k, v) in over {
                let merged = match base.remove(&k) {
                    Some(d) => merge(d, v),
                    None => v,
                };
                base.insert(k, merged);
            }
            Value::Mapping(base)
        }
        (_, talk) => talk,
    }
}

/// Makes a path value absolute against `base`, so it still points at the
/// right file once merged into a talk written elsewhere.
fn absolutize(v: &mut Value, base: &Path) {
    if let Value::String(s) = v
        && !s.is_empty()
    {
        *s = base.join(&*s).to_string_lossy().to_string();
    }
}

/// `2024-07-01-someone`: an inline talk's output name.
pub fn inline_stem(e: &Event) -> String {
    let name = e.speakers.first().map(|s| s.name.pick(e.language).to_string()).unwrap_or_default();
    format!("{}-{}", e.time.date, slug(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap()
    }

    #[test]
    fn maps_merge_lists_and_scalars_are_replaced_talk_wins() {
        let d = yaml(
            "organizer: {name: Org, color: '#111111'}\nlanguage: zh\nhost: [A, B]\ntime: {timezone: Asia/Shanghai}",
        );
        let t = yaml("organizer: {color: '#222222'}\nhost: [C]\ntime: {date: 2024-01-01}");
        let m = merge(d, t);
        assert_eq!(
            m,
            yaml(
                "organizer: {name: Org, color: '#222222'}\nlanguage: zh\nhost: [C]\ntime: {timezone: Asia/Shanghai, date: 2024-01-01}"
            )
        );
    }
}
