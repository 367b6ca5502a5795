//! A seminar series: a folder of talk files with an optional `series.yaml`,
//! or a series file with a `talks:` list. `defaults:` are deep-merged under
//! every talk (maps key by key; lists and scalars replaced; the talk wins).
//! Paths resolve against the file they are written in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_yaml::{Mapping, Value};

use crate::diag::{Diagnostic, Failure, SourceText};
use crate::event::positions::{KeyPath, Positions};
use crate::event::{self, Event, Layer, Origin, validate};

/// The file name that holds a folder's series settings.
pub const SERIES_FILE: &str = "series.yaml";

const SERIES_KEYS: &[&str] = &["series", "defaults", "talks"];

/// One talk to render: where it came from and the name of its outputs.
#[derive(Debug)]
pub struct Talk {
    /// Output file stem: the talk file's stem, or `<date>-<speaker>` inline.
    pub stem: String,
    /// For messages: the talk file, or `series.yaml (talks[2])`.
    pub label: String,
    /// The checked event, or everything wrong with it.
    pub event: Result<Event, Failure>,
    /// The merged event as YAML, for the incremental-build hash.
    pub merged: String,
}

/// A series file's `talks:` entries, with the file's text and positions.
type TalkList = (Vec<Value>, Arc<SourceText>, Arc<Positions>);

/// A series file's settings, with paths already made absolute.
#[derive(Default)]
struct Settings {
    defaults: Option<(Value, Arc<SourceText>, Arc<Positions>)>,
}

/// Every talk under `paths` (folders, series files, talk files), in order.
/// A broken series file stops everything (it concerns every talk); a broken
/// talk only marks that talk failed.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Talk>, Failure> {
    let mut talks = Vec::new();
    for path in paths {
        if path.is_dir() {
            talks.extend(folder(path)?);
        } else if is_series_file(path)? {
            talks.extend(series_file(path)?);
        } else {
            let settings = match path.parent().map(|d| d.join(SERIES_FILE)).filter(|p| p.is_file()) {
                Some(series) => load_settings(&series)?.0,
                None => Settings::default(),
            };
            talks.push(talk_file(path, &settings));
        }
    }
    check_unique(&talks)?;
    Ok(talks)
}

fn folder(dir: &Path) -> Result<Vec<Talk>, Failure> {
    let series = dir.join(SERIES_FILE);
    if series.is_file() && read_map(&series)?.1.contains_key("talks") {
        return series_file(&series);
    }
    let settings = if series.is_file() { load_settings(&series)?.0 } else { Settings::default() };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(format!("cannot read the folder: {}", event::io_reason(&e))).in_file(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter(|p| p.file_name().is_some_and(|n| n != SERIES_FILE))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new("no talk files (*.yaml) in this folder").in_file(dir).into());
    }
    Ok(files.iter().map(|f| talk_file(f, &settings)).collect())
}

/// Whether a file is a series file: named `series.yaml`, or has `talks:`.
fn is_series_file(path: &Path) -> Result<bool, Failure> {
    if path.file_name().is_some_and(|n| n == SERIES_FILE) {
        return Ok(true);
    }
    // A talk file that cannot be read is reported as that talk's failure.
    Ok(read_map(path).map(|(_, m)| m.contains_key("talks")).unwrap_or(false))
}

fn read_map(path: &Path) -> Result<(SourceText, Mapping), Failure> {
    let source = event::read_source(path)?;
    match event::parse_yaml(&source)? {
        Value::Mapping(m) => Ok((source, m)),
        _ => Ok((source, Mapping::new())),
    }
}

/// Reads `series:` and `defaults:`; returns the settings and the `talks:` list.
fn load_settings(path: &Path) -> Result<(Settings, Option<TalkList>), Failure> {
    let (source, map) = read_map(path)?;
    let positions = Positions::index(&source.text);
    let origin = Origin::single(source.clone(), positions.clone());
    let source = Arc::new(source);
    let positions = Arc::new(positions);
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut errors = Vec::new();
    for key in map.keys() {
        let k = key.as_str().unwrap_or("?");
        if !SERIES_KEYS.contains(&k) {
            let mut d = origin.key_error(&KeyPath::root().key(k), format!("unknown key `{k}` in a series file"));
            d = d.help(match validate::nearest(k, SERIES_KEYS) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "a series file has `series:` (its name), `defaults:` (keys for every talk) and `talks:`".into(),
            });
            errors.push(d);
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

    resolve_paths(&mut defaults, &base);
    let talks = match map.get("talks") {
        None | Some(Value::Null) => None,
        Some(Value::Sequence(items)) => Some((items.clone(), source.clone(), positions.clone())),
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
    Ok((Settings { defaults: Some((defaults, source, positions)) }, talks))
}

fn series_file(path: &Path) -> Result<Vec<Talk>, Failure> {
    let (settings, talks) = load_settings(path)?;
    let Some((items, source, positions)) = talks else {
        // `series.yaml` without `talks:`: the other files of its folder.
        let dir = path.parent().unwrap_or(Path::new("."));
        return folder(if dir.as_os_str().is_empty() { Path::new(".") } else { dir });
    };
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(name) => out.push(talk_file(&base.join(name), &settings)),
            Value::Mapping(_) => {
                let layer = Layer {
                    source: (*source).clone(),
                    positions: (*positions).clone(),
                    prefix: KeyPath::root().key("talks").index(i),
                };
                let label = format!("{} (talks[{i}])", path.display());
                out.push(build(item.clone(), layer, &base, &settings, None, label));
            }
            _ => {
                let origin = Origin::single((*source).clone(), (*positions).clone());
                let d = origin.error(&KeyPath::root().key("talks").index(i), "should be a file name or an inline talk");
                out.push(Talk {
                    stem: format!("talk-{i}"),
                    label: format!("{} (talks[{i}])", path.display()),
                    event: Err(d.into()),
                    merged: String::new(),
                });
            }
        }
    }
    Ok(out)
}

fn talk_file(path: &Path, settings: &Settings) -> Talk {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "talk".into());
    let label = path.display().to_string();
    let loaded = event::read_source(path).and_then(|source| Ok((event::parse_yaml(&source)?, source)));
    match loaded {
        Ok((value, source)) => {
            let layer = Layer { positions: Positions::index(&source.text), source, prefix: KeyPath::root() };
            let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
            build(value, layer, &base, settings, Some(stem), label)
        }
        Err(f) => Talk { stem, label, event: Err(f), merged: String::new() },
    }
}

/// Merges the defaults under a talk's value and validates the result.
fn build(value: Value, layer: Layer, base: &Path, settings: &Settings, stem: Option<String>, label: String) -> Talk {
    let mut layers = vec![layer];
    let merged = match &settings.defaults {
        Some((defaults, source, positions)) if !value.is_null() => {
            layers.push(Layer {
                source: (**source).clone(),
                positions: (**positions).clone(),
                prefix: KeyPath::root().key("defaults"),
            });
            merge(defaults.clone(), value)
        }
        _ => value,
    };
    let origin = Arc::new(Origin { layers });
    let event = validate::validate(&merged, origin, base);
    let stem = stem.unwrap_or_else(|| match &event {
        Ok(e) => inline_stem(e),
        Err(_) => "talk".into(),
    });
    Talk { stem, label, merged: serde_yaml::to_string(&merged).unwrap_or_default(), event }
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

/// Makes the file paths in `v` (event keys) absolute against `base`, so they
/// still point at the right file once merged into a talk from elsewhere.
fn resolve_paths(v: &mut Value, base: &Path) {
    let Value::Mapping(m) = v else { return };
    let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());

    let absolutize = |x: &mut Value| {
        if let Value::String(s) = x
            && !s.is_empty()
        {
            *s = base.join(&*s).to_string_lossy().to_string();
        }
    };
    if let Some(Value::Mapping(org)) = m.get_mut("organizer")
        && let Some(logo) = org.get_mut("logo")
    {
        absolutize(logo);
    }
    if let Some(t) = m.get_mut("template")
        && t.as_str().is_some_and(|s| s.ends_with(".typ") || s.contains('/'))
    {
        absolutize(t);
    }
    let speakers: Vec<&mut Value> = match m.get_mut("speaker") {
        Some(Value::Sequence(list)) => list.iter_mut().collect(),
        Some(s) => vec![s],
        None => vec![],
    };
    for s in speakers {
        if let Value::Mapping(s) = s
            && let Some(p) = s.get_mut("photo")
        {
            absolutize(p);
        }
    }
}

/// `2024-07-01-someone`: an inline talk's output name.
fn inline_stem(e: &Event) -> String {
    let name = e.speakers.first().map(|s| s.name.pick(e.language).to_string()).unwrap_or_default();
    format!("{}-{}", e.time.date, slug(&name))
}

/// Lower-case letters and digits joined by `-`; titles dropped.
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !crate::event::is_honorific(w))
        .collect();
    if words.is_empty() { "talk".into() } else { words.join("-") }
}

/// Two talks that would write the same file: an error before anything runs.
fn check_unique(talks: &[Talk]) -> Result<(), Failure> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    for t in talks {
        if let Some(first) = seen.insert(&t.stem, &t.label) {
            errors.push(
                Diagnostic::new(format!("two talks would both write `{}.pdf`: {first} and {}", t.stem, t.label))
                    .help("rename one of the files (outputs are named after the talk file)"),
            );
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Failure(errors)) }
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

    #[test]
    fn slugs() {
        assert_eq!(slug("Dr. Yilun Xu"), "yilun-xu");
        assert_eq!(slug("Prof. Ana-María López"), "ana-maría-lópez");
        assert_eq!(slug("王亦洲"), "王亦洲");
        assert_eq!(slug("Weijian Luo 博士"), "weijian-luo");
        assert_eq!(slug("Dr."), "talk");
    }
}
