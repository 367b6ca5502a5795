//! SVG pictures, checked before anything draws them: no XML entities (they
//! can expand a small file to gigabytes), no references to other files (an
//! `<image href="/dev/zero">` would be read), pictures embedded as data only
//! within the pixel limit, and a cap on size, nodes and nesting.

use std::sync::Arc;

use base64::Engine as _;
use roxmltree::{Document, NodeType, ParsingOptions};

use crate::diag::Diagnostic;
use crate::limits::{self, MAX_SVG_DEPTH, MAX_SVG_FILE_BYTES, MAX_SVG_NODES};

/// Whether `bytes` look like an SVG file (text that starts like XML and has
/// an `<svg` element near the top).
pub fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let t = head.trim_start_matches('\u{FEFF}').trim_start();
    (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!--") || t.starts_with("<!DOCTYPE svg"))
        && head.contains("<svg")
}

/// Checks an SVG file. The error does not name the file.
pub fn check(bytes: &[u8]) -> Result<(), Diagnostic> {
    const REDO: &str = "open it in a browser or an SVG editor to check it, then export it again";
    if bytes.len() as u64 > MAX_SVG_FILE_BYTES {
        return Err(Diagnostic::new(format!(
            "the SVG file is {}, over the limit of {} for SVG pictures",
            limits::bytes(bytes.len() as u64),
            limits::bytes(MAX_SVG_FILE_BYTES)
        ))
        .help("simplify it, or export it as a PNG of about 1000 pixels"));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Diagnostic::new("the SVG file is not UTF-8 text").help(REDO))?
        .trim_start_matches('\u{FEFF}');
    // A DOCTYPE that only names the SVG standard is harmless; one that
    // defines entities is how a 1 KB file becomes gigabytes.
    if text.contains("<!ENTITY") {
        return Err(Diagnostic::new("the SVG defines XML entities (`<!ENTITY …>`), which talkposter does not read")
            .help("export it again from an SVG editor (they write no entities), or remove the `<!DOCTYPE …>` part"));
    }
    let options = ParsingOptions { allow_dtd: true, nodes_limit: MAX_SVG_NODES, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => Diagnostic::new(format!(
            "the SVG has more than {MAX_SVG_NODES} elements and texts, over the limit for SVG pictures"
        ))
        .help("simplify it, or export it as a PNG of about 1000 pixels"),
        e => Diagnostic::new(format!("it is not a valid SVG image: {e}")).help(REDO),
    })?;
    check_depth(&doc)?;
    check_references(&doc)?;
    usvg::Tree::from_data(bytes, &usvg_options())
        .map(|_| ())
        .map_err(|e| Diagnostic::new(format!("it is not a valid SVG image: {e}")).help(REDO))
}

fn check_depth(doc: &Document) -> Result<(), Diagnostic> {
    // Nodes come parents first, so each depth is its parent's plus one.
    let mut depth = vec![0usize; doc.descendants().count() + 1];
    for node in doc.descendants() {
        let d = node.parent().map_or(0, |p| depth[p.id().get_usize()] + 1);
        if d > MAX_SVG_DEPTH {
            return Err(Diagnostic::new(format!(
                "the SVG nests elements more than {MAX_SVG_DEPTH} deep, over the limit for SVG pictures"
            ))
            .help("simplify it (ungroup), or export it as a PNG of about 1000 pixels"));
        }
        depth[node.id().get_usize()] = d;
    }
    Ok(())
}

/// Every `href` must point inside the file (`#id`) or carry its picture as
/// data (`data:image/png;base64,…`) of at most the pixel limit. Links
/// (`<a href>`) only matter in a browser and are left alone.
fn check_references(doc: &Document) -> Result<(), Diagnostic> {
    for node in doc.descendants().filter(|n| n.node_type() == NodeType::Element) {
        if node.tag_name().name() == "a" {
            continue;
        }
        for attr in node.attributes().filter(|a| a.name() == "href") {
            let href = attr.value().trim();
            if href.starts_with('#') {
                continue;
            }
            match href.strip_prefix("data:") {
                Some(data) => check_embedded(data)?,
                None => {
                    let shown: String = href.chars().take(60).collect();
                    return Err(Diagnostic::new(format!(
                        "the SVG refers to another file (`{shown}`), which talkposter does not read"
                    ))
                    .help("embed the picture in the SVG (Inkscape: Extensions → Images → Embed Images), or export it as PNG"));
                }
            }
        }
    }
    Ok(())
}

/// A picture embedded in an SVG: a raster image within the pixel limit.
fn check_embedded(data: &str) -> Result<(), Diagnostic> {
    let (kind, payload) = data.split_once(',').unwrap_or((data, ""));
    if kind.contains("svg") {
        return Err(Diagnostic::new("the SVG holds another SVG inside it, which talkposter does not read")
            .help("export it again as one flat SVG, or as PNG"));
    }
    let bytes = if kind.ends_with(";base64") {
        let clean: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(clean)
            .map_err(|_| Diagnostic::new("the SVG holds an embedded picture that cannot be read (broken base64)"))?
    } else {
        payload.as_bytes().to_vec()
    };
    super::raster::check_pixels(&bytes).map_err(|d| {
        let message = d.message.replacen("it is", "the SVG holds a picture of", 1);
        Diagnostic::new(message).help("export the SVG again with a smaller embedded picture")
    })
}

/// usvg reading nothing but the SVG itself: embedded raster pictures, no
/// files, no nested SVG.
fn usvg_options() -> usvg::Options<'static> {
    let resolve_data: usvg::ImageHrefDataResolverFn = Box::new(|mime, data: Arc<Vec<u8>>, _| match mime {
        "image/jpg" | "image/jpeg" => Some(usvg::ImageKind::JPEG(data)),
        "image/png" => Some(usvg::ImageKind::PNG(data)),
        "image/gif" => Some(usvg::ImageKind::GIF(data)),
        "image/webp" => Some(usvg::ImageKind::WEBP(data)),
        _ => None,
    });
    let resolve_string: usvg::ImageHrefStringResolverFn = Box::new(|_, _| None);
    usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver { resolve_data, resolve_string },
        ..usvg::Options::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink""#;

    fn svg(inner: &str) -> String {
        format!(r#"<svg {NS} width="10" height="10">{inner}</svg>"#)
    }

    #[test]
    fn plain_svg_and_a_standard_doctype_pass() {
        assert!(check(svg(r#"<rect width="10" height="10"/>"#).as_bytes()).is_ok());
        let doctype = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n{}",
            svg("<circle r=\"3\"/>")
        );
        assert!(check(doctype.as_bytes()).is_ok());
        let linked = svg(r##"<a href="https://example.org"><rect width="5" height="5"/></a><use href="#x"/>"##);
        assert!(check(linked.as_bytes()).is_ok());
    }

    #[test]
    fn files_entities_and_nested_svg_are_refused() {
        let e = check(svg(r#"<image xlink:href="/dev/zero" width="10" height="10"/>"#).as_bytes()).unwrap_err();
        assert_eq!(e.message, "the SVG refers to another file (`/dev/zero`), which talkposter does not read");
        let e = check(svg(r#"<image href="logo.png"/>"#).as_bytes()).unwrap_err();
        assert!(e.message.contains("`logo.png`"), "{}", e.message);
        let entities =
            format!("<!DOCTYPE svg [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]>{}", svg("<text>&b;</text>"));
        let e = check(entities.as_bytes()).unwrap_err();
        assert!(e.message.contains("XML entities"), "{}", e.message);
        let nested = svg(r#"<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>"#);
        assert!(check(nested.as_bytes()).unwrap_err().message.contains("another SVG inside it"));
    }

    #[test]
    fn embedded_pictures_are_held_to_the_pixel_limit() {
        // A PNG header that declares 100000 × 100000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let data = base64::engine::general_purpose::STANDARD.encode(&png);
        let e = check(svg(&format!(r#"<image href="data:image/png;base64,{data}"/>"#)).as_bytes()).unwrap_err();
        assert!(e.message.contains("100000 × 100000 pixels"), "{}", e.message);
    }

    #[test]
    fn depth_and_size_are_capped() {
        let deep = svg(&format!("{}{}", "<g>".repeat(MAX_SVG_DEPTH + 5), "</g>".repeat(MAX_SVG_DEPTH + 5)));
        assert!(check(deep.as_bytes()).unwrap_err().message.contains("nests elements"));
        let big = vec![b' '; MAX_SVG_FILE_BYTES as usize + 1];
        assert!(check(&big).unwrap_err().message.contains("over the limit"));
    }
}
