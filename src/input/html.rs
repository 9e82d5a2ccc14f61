//! Web pages as documents: bytes decoded with the right charset, the article extracted from
//! the page (title, body paragraphs in order, headings and list items on their own lines;
//! navigation, menus, share buttons, related links, comments and footers dropped).
//!
//! Extraction is the `trafilatura` crate (a Rust port of go-trafilatura, itself a port of
//! Python trafilatura: DOM nodes scored by text and link density and tag/class hints, with
//! readability and jusText as fallbacks). `claimscan eval extract` scores it on
//! ../shared/data/html-extraction with the benchmark's own measure.
//!
//! The document's text is the title, a blank line, then the body (DESIGN.md); every offset of
//! the output indexes it, and texts.jsonl records the parts.

use crate::document::{Document, Page};
use crate::input::{FailedInput, InputItem, InputOptions};

/// Pages larger than this are no article (a data dump, an inlined image gallery): they fail
/// with a message instead of costing the run seconds and hundreds of MB to parse.
pub const MAX_PAGE_BYTES: usize = 16 << 20;

/// How much of a page's borderline text the extractor keeps (trafilatura's focus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExtractionFocus {
    /// The crate's default balance.
    Balanced,
    /// Keep borderline blocks: the default, because it beat `Balanced` on both halves of the
    /// dev pages (`claimscan eval extract … --focus balanced|recall` prints each half).
    #[default]
    Recall,
    /// Drop borderline blocks.
    Precision,
}

impl ExtractionFocus {
    fn options(self) -> trafilatura::Options {
        let options = trafilatura::Options::default();
        match self {
            ExtractionFocus::Balanced => options,
            ExtractionFocus::Recall => {
                options.with_focus(trafilatura::ExtractionFocus::FavorRecall)
            }
            ExtractionFocus::Precision => {
                options.with_focus(trafilatura::ExtractionFocus::FavorPrecision)
            }
        }
    }
}

/// What the HTTP layer knows about a page (WARC records), absent for files.
#[derive(Debug, Clone, Default)]
pub struct PageContext {
    /// The page's address.
    pub url: Option<String>,
    /// The charset of the HTTP Content-Type header.
    pub charset: Option<String>,
    /// The WARC-Record-ID.
    pub warc_record_id: Option<String>,
}

/// The encoding of a page: the HTTP charset, else a byte-order mark, else `<meta charset>` /
/// `http-equiv` in the first 4 KiB, else detected from the bytes (chardetng, Firefox's
/// detector). Unknown labels fall through to the next step.
pub fn page_encoding(bytes: &[u8], http_charset: Option<&str>) -> &'static encoding_rs::Encoding {
    if let Some(enc) =
        http_charset.and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
    {
        return enc;
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = meta_charset(&bytes[..bytes.len().min(4096)]) {
        return enc;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes[..bytes.len().min(64 << 10)], bytes.len() <= 64 << 10);
    detector.guess(None, true)
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("charset=") {
        let value = rest[at + "charset=".len()..]
            .trim_start_matches(['"', '\'', ' '])
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .next()
            .unwrap_or("");
        if let Some(enc) = encoding_rs::Encoding::for_label(value.as_bytes()) {
            // A page that declares UTF-16 in ASCII is not UTF-16 (the HTML standard's rule).
            return Some(
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    enc
                },
            );
        }
        rest = &rest[at + 1..];
    }
    None
}

/// Whether decoded text looks like an HTML page at all.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(8192)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<html",
        "<!doctype html",
        "<body",
        "<head",
        "<p>",
        "<p ",
        "<div",
        "<article",
        "<title",
    ]
    .iter()
    .any(|tag| head.contains(tag))
}

/// One page as a document (or the reason it cannot be one). `name` is the document id.
pub fn page_document(
    name: &str,
    location: &str,
    bytes: &[u8],
    context: PageContext,
    opts: &InputOptions,
) -> InputItem {
    let fail = |msg: String| InputItem::Failed(FailedInput::new(name, location, msg));
    let limit = MAX_PAGE_BYTES.min(opts.max_document_bytes);
    if bytes.len() > limit {
        return fail(format!(
            "page of {} MB is larger than {} MB: not an article page (read it as text with \
             --input-format text if it is)",
            bytes.len() >> 20,
            limit >> 20
        ));
    }
    let encoding = page_encoding(bytes, context.charset.as_deref());
    let (decoded, _, had_errors) = encoding.decode(bytes);
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push(format!(
            "{location}: bytes invalid in {} were replaced by U+FFFD",
            encoding.name()
        ));
    }
    if !looks_like_html(&decoded) {
        return fail(
            "not an HTML page (no <html>, <body> or <p> in its first 8 KiB): read it with \
             --input-format text"
                .to_string(),
        );
    }
    let options = opts.extraction_focus.options();
    let extracted = match trafilatura::extract(&decoded, &options) {
        Ok(result) => result,
        Err(e) => {
            // A page with no article (a front page of links): an empty document, accounted for.
            warnings.push(format!("{location}: no article found ({e})"));
            return InputItem::Document(Document {
                id: name.to_string(),
                source: location.to_string(),
                text: String::new(),
                presplit: false,
                warnings,
                page: Some(Box::new(Page {
                    url: context.url.clone().unwrap_or_default(),
                    warc_record_id: context.warc_record_id.clone().unwrap_or_default(),
                    ..Page::default()
                })),
            });
        }
    };
    let title = one_line(&extracted.metadata.title);
    let mut body = match body_lines(&extracted.content_html) {
        lines if !lines.is_empty() => lines,
        _ => tidy_body(&extracted.content_text),
    };
    // The article's own headline repeats the title: once is enough.
    if let Some((first, rest)) = body.split_once('\n') {
        if !title.is_empty() && first.eq_ignore_ascii_case(&title) {
            body = rest.to_string();
        }
    }
    let text = if title.is_empty() {
        body.clone()
    } else if body.is_empty() {
        title.clone()
    } else {
        format!("{title}\n\n{body}")
    };
    let body_start = text.len() - body.len();
    let url = context
        .url
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| extracted.metadata.url.clone());
    InputItem::Document(Document {
        id: name.to_string(),
        source: location.to_string(),
        text,
        presplit: false,
        warnings,
        page: Some(Box::new(Page {
            url,
            title,
            published: extracted
                .metadata
                .date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            author: one_line(&extracted.metadata.author),
            body_start,
            warc_record_id: context.warc_record_id.unwrap_or_default(),
        })),
    })
}

/// Elements that start a block of their own.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "main",
    "br",
    "hr",
    "caption",
    "summary",
    "details",
];

/// The extracted article (trafilatura's cleaned HTML) as text with one block per line: a
/// paragraph, a heading or a table row per line, a list item as `- item` (the segmenter reads
/// it as a list item and keeps the dash out of the sentence). Walked without recursion, so a
/// deeply nested page cannot exhaust the stack.
fn body_lines(content_html: &str) -> String {
    use ego_tree::iter::Edge;
    use scraper::node::Node;
    let fragment = scraper::Html::parse_fragment(content_html);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut item = false;
    let flush = |line: &mut String, item: &mut bool, lines: &mut Vec<String>| {
        let text = one_line(line);
        if !text.is_empty() {
            lines.push(if *item { format!("- {text}") } else { text });
        }
        line.clear();
        *item = false;
    };
    for edge in fragment.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(text) => line.push_str(text),
                Node::Element(e) if BLOCKS.contains(&e.name()) => {
                    flush(&mut line, &mut item, &mut lines);
                    item = e.name() == "li";
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if BLOCKS.contains(&e.name()) {
                        flush(&mut line, &mut item, &mut lines);
                    } else if e.name() == "td" || e.name() == "th" {
                        line.push(' ');
                    }
                }
            }
        }
    }
    flush(&mut line, &mut item, &mut lines);
    lines.join("\n")
}

/// Whitespace runs to one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The extracted body with one block (paragraph, heading, list item) per line: spaces inside a
/// line collapsed, blank lines dropped, so the segmenter reads each block as its own unit.
fn tidy_body(content: &str) -> String {
    content
        .lines()
        .map(one_line)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> InputItem {
        page_document(
            "p.html",
            "p.html",
            html.as_bytes(),
            PageContext::default(),
            &InputOptions::default(),
        )
    }

    const ARTICLE: &str = "<html><head><title>Harbour to reopen | Coast Times</title>\
        <meta name=\"author\" content=\"Ana Ruiz\"></head><body>\
        <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\
        <article><h1>Harbour to reopen</h1>\
        <p>The harbour of Vella will reopen on Monday after three weeks of repairs, the port \
        authority said on Friday. Ships waiting offshore will enter in the order they arrived.</p>\
        <h2>Costs</h2>\
        <p>The repairs cost 4.2 million euros, more than twice the first estimate, according to \
        the authority's figures. The council will debate the overrun next month.</p>\
        <p>Fishermen said the closure had cost them most of the spring season, and asked for \
        compensation from the regional government.</p></article>\
        <footer>Copyright Coast Times. All rights reserved. Share on social media.</footer>\
        </body></html>";

    #[test]
    fn the_article_is_kept_and_the_page_around_it_dropped() {
        let InputItem::Document(doc) = page(ARTICLE) else {
            panic!("page failed")
        };
        let page = doc.page.as_ref().expect("page metadata");
        assert!(doc.text.contains("will reopen on Monday"), "{}", doc.text);
        assert!(doc.text.contains("Fishermen said"), "{}", doc.text);
        assert!(!doc.text.contains("All rights reserved"), "{}", doc.text);
        assert!(!doc.text.contains("Sport"), "{}", doc.text);
        assert!(doc.text.starts_with(&page.title));
        assert!(doc.text[page.body_start..].contains("The repairs cost"));
        // One block per line: paragraphs and headings never run into each other.
        assert!(doc.text.lines().any(|l| l == "Costs"), "{}", doc.text);
        assert!(
            doc.text.lines().any(|l| l.starts_with("The repairs cost")),
            "{}",
            doc.text
        );
    }

    #[test]
    fn charsets_come_from_http_meta_or_detection() {
        let latin1 =
            b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9</p></body></html>";
        assert_eq!(page_encoding(latin1, None).name(), "windows-1252");
        assert_eq!(page_encoding(latin1, Some("utf-8")).name(), "UTF-8");
        // An unknown label is passed over: detection reads the bytes.
        let undeclared = b"<p>Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e, \xe0 la fran\xe7aise</p>";
        assert_eq!(
            page_encoding(undeclared, Some("no-such-charset")).name(),
            "windows-1252"
        );
        let utf8 = "<html><body><p>Caf\u{e9} cr\u{e8}me</p></body></html>".as_bytes();
        assert_eq!(page_encoding(utf8, None).name(), "UTF-8");
    }

    #[test]
    fn bad_pages_fail_alone() {
        let InputItem::Failed(f) = page("just some words, no markup at all") else {
            panic!("plain text accepted as HTML")
        };
        assert!(f.error.contains("not an HTML page"), "{}", f.error);
        let huge = format!(
            "<html><body><p>{}</p></body></html>",
            "word ".repeat(4 << 20)
        );
        let InputItem::Failed(f) = page(&huge) else {
            panic!("huge page accepted")
        };
        assert!(f.error.contains("larger than"), "{}", f.error);
    }
}
