//! WARC archives (`.warc`, `.warc.gz`): every `response` record whose HTTP payload is an HTML
//! page becomes a document; other records (requests, metadata, images, PDFs) are skipped and
//! counted.
//!
//! Records stream one at a time through the `warc` crate, so memory follows the largest
//! record, not the archive. Gzip is undone first, per record or for the whole file alike
//! (concatenated gzip members). The HTTP message inside a record is parsed with `httparse`;
//! chunked transfer encoding and a gzip or deflate Content-Encoding are undone; the charset
//! comes from the HTTP Content-Type, else from the page (see [`super::html`]).
//!
//! Ids are the records' target URIs (the run makes repeats unique with `#2` …); the source is
//! `path:record N`, and an error names the record and its byte offset in the (uncompressed)
//! archive. A damaged archive costs the records from the damage on: one failed item says where
//! reading stopped.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use ::warc::{RawRecordHeader, WarcHeader, WarcReader};

use super::html::{self, PageContext};
use super::{FailedInput, InputItem, InputOptions};

/// Counts the bytes read through it, shared with whoever holds the counter.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

// Raw records: the crate's typed records unwrap header values as UTF-8 and would panic on a
// damaged one (found by fuzzing); the headers are read here, lossily.
type RecordStream = ::warc::RawRecordIter<BufReader<Counting<Box<dyn Read + Send>>>>;

/// The documents of one WARC archive.
pub struct WarcRecords {
    name: String,
    location: String,
    records: Option<RecordStream>,
    /// Bytes of the uncompressed archive read so far (the record offsets of messages).
    offset: Arc<AtomicU64>,
    /// Records read so far.
    record: usize,
    opts: InputOptions,
    skipped: Arc<AtomicUsize>,
    /// A failure found before the first record (not a WARC file, broken gzip header).
    pending_failure: Option<InputItem>,
}

impl WarcRecords {
    /// Reads `reader` (gzip or not, sniffed from its first bytes) as a WARC archive; skipped
    /// records are added to `skipped`.
    pub fn new<R: Read + Send + 'static>(
        name: &str,
        location: &str,
        reader: R,
        opts: &InputOptions,
        skipped: Arc<AtomicUsize>,
    ) -> Self {
        let mut this = WarcRecords {
            name: name.to_string(),
            location: location.to_string(),
            records: None,
            offset: Arc::new(AtomicU64::new(0)),
            record: 0,
            opts: opts.clone(),
            skipped,
            pending_failure: None,
        };
        let mut raw = BufReader::new(reader);
        let gzip = match raw.fill_buf() {
            Ok(head) => head.starts_with(&[0x1f, 0x8b]),
            Err(e) => {
                this.pending_failure = Some(this.failed(1, format!("cannot read: {e}")));
                return this;
            }
        };
        let decoded: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            Box::new(raw)
        };
        let mut counted = BufReader::new(Counting {
            inner: decoded,
            read: this.offset.clone(),
        });
        // The crate reads a record's header up to its blank line: on a file that is no WARC
        // at all that could be the whole file, so the magic is checked first.
        match counted.fill_buf() {
            Ok(head) if head.starts_with(b"WARC/") => {
                this.records = Some(WarcReader::new(counted).iter_raw_records());
            }
            Ok([]) => {}
            Ok(_) => {
                this.pending_failure = Some(
                    this.failed(
                        1,
                        "not a WARC archive (it does not start with WARC/): read web pages with \
                     --input-format html"
                            .to_string(),
                    ),
                );
            }
            Err(e) => {
                this.pending_failure =
                    Some(this.failed(1, format!("cannot decompress: {e} (damaged gzip?)")));
            }
        }
        this
    }

    /// A failed item for record `n` (1-based), sourced `path:record n`.
    fn failed(&self, n: usize, msg: String) -> InputItem {
        InputItem::Failed(FailedInput::new(
            format!("{}:record {n}", self.name),
            format!("{}:record {n}", self.location),
            msg,
        ))
    }

    /// One record as a document, a skip (`None`), or a failed item.
    fn document(&self, headers: &RawRecordHeader, block: &[u8]) -> Option<InputItem> {
        let header = |name: WarcHeader| {
            headers
                .headers
                .get(&name)
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
        };
        if !header(WarcHeader::WarcType).is_some_and(|t| t.eq_ignore_ascii_case("response")) {
            return None;
        }
        let source = format!("{}:record {}", self.location, self.record);
        let uri = header(WarcHeader::TargetURI)
            .map(|u| u.trim_matches(['<', '>']).to_string())
            .unwrap_or_default();
        let id = if uri.is_empty() {
            format!("{}:record {}", self.name, self.record)
        } else {
            uri.clone()
        };
        let fail = |msg: String| {
            Some(InputItem::Failed(FailedInput::new(
                id.clone(),
                source.clone(),
                msg,
            )))
        };
        let content_type = header(WarcHeader::ContentType)
            .map(|c| c.to_ascii_lowercase())
            .unwrap_or_default();
        if !content_type.starts_with("application/http") {
            return None;
        }
        let message = match HttpResponse::parse(block) {
            Ok(m) => m,
            Err(e) => return fail(format!("bad HTTP response in the record: {e}")),
        };
        let media = message
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let is_html = media.is_empty()
            || media.starts_with("text/html")
            || media.starts_with("application/xhtml");
        if !is_html || !(200..300).contains(&message.status) {
            return None;
        }
        let body = match message.payload(self.opts.max_document_bytes) {
            Ok(b) => b,
            Err(e) => return fail(e),
        };
        let charset = media
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("charset="))
            .next()
            .map(|c| c.trim_matches(['"', '\'']).to_string());
        let context = PageContext {
            url: (!uri.is_empty()).then_some(uri),
            charset,
            warc_record_id: header(WarcHeader::RecordID),
        };
        // A panic while extracting one page costs that record, not the rest of the archive.
        let opts = &self.opts;
        let page = crate::isolate::run_isolated(|| {
            html::page_document(&id, &source, &body, context, opts)
        });
        Some(page.unwrap_or_else(|msg| {
            InputItem::Failed(FailedInput::new(
                id.clone(),
                source.clone(),
                format!("extraction failed: {msg} (a bug: please report it with the record)"),
            ))
        }))
    }
}

impl Iterator for WarcRecords {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if let Some(failure) = self.pending_failure.take() {
            return Some(failure);
        }
        loop {
            let at = self.offset.load(Ordering::Relaxed);
            let next = self.records.as_mut()?.next()?;
            self.record += 1;
            match next {
                Ok((headers, block)) => match self.document(&headers, &block) {
                    Some(item) => return Some(item),
                    None => {
                        self.skipped.fetch_add(1, Ordering::Relaxed);
                    }
                },
                Err(e) => {
                    // The stream position is lost: the rest of the archive cannot be trusted.
                    self.records = None;
                    return Some(self.failed(
                        self.record,
                        format!(
                            "record {} (near byte {at} of the uncompressed archive) is damaged or \
                         truncated ({e}); the rest of this archive was not read",
                            self.record
                        ),
                    ));
                }
            }
        }
    }
}

/// An HTTP response message as a WARC response record holds it.
struct HttpResponse<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let mut slots = [httparse::EMPTY_HEADER; 128];
        let mut response = httparse::Response::new(&mut slots);
        let header_len = match response.parse(bytes) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => return Err("headers cut off".into()),
            Err(e) => return Err(e.to_string()),
        };
        let headers = response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_ascii_lowercase(),
                    String::from_utf8_lossy(h.value).trim().to_string(),
                )
            })
            .collect();
        Ok(HttpResponse {
            status: response.code.unwrap_or(0),
            headers,
            body: &bytes[header_len..],
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The page bytes: chunked transfer and gzip/deflate content encoding undone.
    fn payload(&self, limit: usize) -> Result<Vec<u8>, String> {
        let chunked = self
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(self.body)?
        } else {
            self.body.to_vec()
        };
        let encoding = self
            .header("content-encoding")
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut out = Vec::new();
        let cap = limit as u64 + 1;
        let read = match encoding.trim() {
            "" | "identity" => return Ok(body),
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
                .take(cap)
                .read_to_end(&mut out),
            "deflate" => flate2::read::ZlibDecoder::new(&body[..])
                .take(cap)
                .read_to_end(&mut out),
            other => {
                return Err(format!(
                    "Content-Encoding {other} is not supported (gzip and deflate are)"
                ))
            }
        };
        read.map_err(|e| format!("cannot undo Content-Encoding {encoding}: {e}"))?;
        Ok(out)
    }
}

/// Undoes chunked transfer encoding.
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let (header_len, size) = match httparse::parse_chunk_size(body) {
            Ok(httparse::Status::Complete(parsed)) => parsed,
            // Crawlers often store a body cut at the last chunk: keep what arrived.
            Ok(httparse::Status::Partial) => return Ok(out),
            Err(_) => return Err("bad chunked transfer encoding".into()),
        };
        if size == 0 {
            return Ok(out);
        }
        let size = usize::try_from(size).map_err(|_| "chunk too large".to_string())?;
        let data = &body[header_len..];
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        if take < size {
            return Ok(out);
        }
        body = data[size..].strip_prefix(b"\r\n").unwrap_or(&data[size..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One WARC record (CRLF line ends, the two CRLFs after the block).
    pub(crate) fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-12-01T10:00:00Z\r\n\
             WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\n\
             Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
            uri.len(),
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn http(headers: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
        out.extend_from_slice(body);
        out
    }

    const PAGE: &str = "<html><head><title>Dock strike ends</title></head><body><article>\
        <p>Dock workers in Vella returned to work on Tuesday after a nine-day strike, their \
        union said, ending the longest stoppage at the port in a decade.</p>\
        <p>The agreement raises wages by four percent this year and three percent next year, \
        according to the text published by the port authority.</p></article></body></html>";

    fn read_all(bytes: Vec<u8>) -> (Vec<InputItem>, usize) {
        let skipped = Arc::new(AtomicUsize::new(0));
        let items = WarcRecords::new(
            "a.warc",
            "a.warc",
            io::Cursor::new(bytes),
            &InputOptions::default(),
            skipped.clone(),
        )
        .collect();
        (items, skipped.load(Ordering::Relaxed))
    }

    #[test]
    fn responses_with_html_become_documents_and_the_rest_is_counted() {
        let mut archive = record("warcinfo", "", b"software: test\r\n");
        archive.extend(record(
            "request",
            "https://news.example/a",
            b"GET /a HTTP/1.1\r\n\r\n",
        ));
        archive.extend(record(
            "response",
            "https://news.example/a",
            &http(
                "Content-Type: text/html; charset=utf-8\r\n",
                PAGE.as_bytes(),
            ),
        ));
        archive.extend(record(
            "response",
            "https://news.example/logo.png",
            &http("Content-Type: image/png\r\n", b"\x89PNG"),
        ));
        let (items, skipped) = read_all(archive);
        assert_eq!(skipped, 3);
        assert_eq!(items.len(), 1);
        let InputItem::Document(doc) = &items[0] else {
            panic!("{:?}", items[0])
        };
        assert_eq!(doc.id, "https://news.example/a");
        assert!(
            doc.text.contains("returned to work on Tuesday"),
            "{}",
            doc.text
        );
        let page = doc.page.as_ref().expect("page");
        assert_eq!(page.url, "https://news.example/a");
        assert!(page.warc_record_id.starts_with("<urn:uuid:"));
    }

    #[test]
    fn chunked_and_gzip_payloads_and_gzip_records() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(PAGE.as_bytes()).unwrap();
        let zipped = gz.finish().unwrap();
        let mut chunked = Vec::new();
        for piece in zipped.chunks(100) {
            chunked.extend(format!("{:x}\r\n", piece.len()).into_bytes());
            chunked.extend_from_slice(piece);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let block = http(
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
            &chunked,
        );
        // Each record its own gzip member, as Common Crawl writes them.
        let mut archive = Vec::new();
        for uri in ["https://news.example/1", "https://news.example/2"] {
            let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            member.write_all(&record("response", uri, &block)).unwrap();
            archive.extend(member.finish().unwrap());
        }
        let (items, _) = read_all(archive);
        assert_eq!(items.len(), 2);
        for item in &items {
            let InputItem::Document(doc) = item else {
                panic!("{item:?}")
            };
            assert!(doc.text.contains("nine-day strike"), "{}", doc.text);
        }
    }

    #[test]
    fn damaged_archives_fail_where_the_damage_is() {
        let good = record(
            "response",
            "https://news.example/a",
            &http("Content-Type: text/html\r\n", PAGE.as_bytes()),
        );
        // A record cut in the middle of its block.
        let mut truncated = good.clone();
        truncated.extend_from_slice(&good[..good.len() / 2]);
        let (items, _) = read_all(truncated);
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], InputItem::Document(_)));
        let InputItem::Failed(f) = &items[1] else {
            panic!("truncation not reported")
        };
        assert!(f.error.contains("record 2"), "{}", f.error);
        assert!(f.error.contains("truncated"), "{}", f.error);
        // A header value that is not UTF-8 (found by fuzzing: it made the warc crate's typed
        // records panic) is read lossily.
        let mut odd = record(
            "response",
            "https://news.example/\u{1}",
            &http("Content-Type: text/html\r\n", PAGE.as_bytes()),
        );
        let at = odd.windows(2).position(|w| w == b"\x01\r").expect("marker");
        odd[at] = 0xed;
        let (items, _) = read_all(odd);
        assert!(matches!(&items[..], [InputItem::Document(_)]), "{items:?}");
        // Not a WARC file at all.
        let (items, _) = read_all(b"<html><body>a page</body></html>".to_vec());
        let InputItem::Failed(f) = &items[0] else {
            panic!("accepted")
        };
        assert!(f.error.contains("not a WARC archive"), "{}", f.error);
        // A gzip stream cut short.
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&good).unwrap();
        gz.write_all(&good).unwrap();
        let zipped = gz.finish().unwrap();
        let (items, _) = read_all(zipped[..zipped.len() * 2 / 3].to_vec());
        assert!(
            items.iter().any(|i| matches!(i, InputItem::Failed(_))),
            "cut gzip not reported: {items:?}"
        );
    }
}
