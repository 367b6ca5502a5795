//! The examples in the documentation are files a user will copy: each one
//! is written out beside what it names (a photo, a logo, a talk file) and
//! must render.

use std::fs;
use std::path::Path;

use crate::common::*;

/// The ```yaml blocks of a Markdown file, in order.
fn yaml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// A small JPEG, so that `photo: photos/yilun-xu.jpg` names a real photo.
fn write_photo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(40, 50, image::Rgb([120, 90, 70])).save(path).unwrap();
}

/// Writes `block` as `name` in a fresh folder with the files the examples
/// refer to, and returns the folder.
fn example_folder(block: &str, name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), block).unwrap();
    write_photo(&dir.path().join("photos/yilun-xu.jpg"));
    let logo = repo().join("events/assets/cfcs-placeholder-logo.svg");
    fs::copy(&logo, dir.path().join("logo.svg")).unwrap();
    fs::create_dir_all(dir.path().join("assets")).unwrap();
    fs::copy(&logo, dir.path().join("assets/logo.svg")).unwrap();
    dir
}

fn renders(block: &str, origin: &str) {
    let dir = example_folder(block, "talk.yaml");
    let out = dir.path().join("out");
    let o = render(&dir.path().join("talk.yaml"), &out, &["--format", "pdf"]);
    assert!(o.status.success(), "the example in {origin} does not render:\n{block}\n{}", stderr(&o));
    assert_eq!(files(&out), ["talk.pdf"]);
}

#[test]
fn the_event_format_examples_render() {
    let doc = fs::read_to_string(repo().join("docs/event-format.md")).unwrap();
    let blocks = yaml_blocks(&doc);
    let series = blocks.iter().find(|b| b.contains("\ntalks:")).expect("a series example");
    renders(&blocks[0], "docs/event-format.md");
    // Other blocks are pieces of a talk: each makes a poster in a small one.
    for piece in blocks.iter().skip(1).filter(|b| *b != series) {
        renders(&format!("{MINIMAL}{piece}"), "docs/event-format.md (a piece of a talk)");
    }

    // The series names the talk above as a file beside it, and writes one inline.
    let dir = example_folder(series, "series.yaml");
    fs::write(dir.path().join("2024-06-13-yilun-xu.yaml"), &blocks[0]).unwrap();
    let out = dir.path().join("out");
    let o = batch(&[s(&dir.path().join("series.yaml")), "-o", s(&out), "--format", "pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written: Vec<String> = files(&out).into_iter().filter(|f| !f.starts_with('.')).collect();
    assert_eq!(written, ["2024-06-13-yilun-xu.pdf", "2024-07-01-someone.pdf", "contact-sheet.png", "programme.pdf"]);
    let text = squash(&pdf_text(&out.join("2024-07-01-someone.pdf")));
    assert!(text.contains("cfcsfrontiertalks") && text.contains("静园五院204室"), "{text}");
}

#[test]
fn the_readme_example_renders() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = yaml_blocks(&readme);
    assert!(!blocks.is_empty(), "the README shows an event");
    for block in blocks.iter().filter(|b| b.contains("speaker:") && !b.contains("talks:")) {
        renders(block, "README.md");
    }
}
