//! The web readers on arbitrary bytes, read as an HTML page and as a WARC archive (gzip or
//! not): never panics, and every record becomes a document whose page metadata points inside
//! its text, or a failure with a message naming its source.
#![no_main]

use claimscan::input::{read_reader, InputItem, InputOptions, SourceFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = InputOptions::default();
    for format in [SourceFormat::Html, SourceFormat::Warc] {
        let reader = std::io::Cursor::new(data.to_vec());
        for item in read_reader("fuzz", "fuzz", reader, format, &opts) {
            match item {
                InputItem::Document(d) => {
                    assert!(!d.id.is_empty());
                    if let Some(page) = &d.page {
                        assert!(d.text.is_char_boundary(page.body_start.min(d.text.len())));
                        assert!(page.body_start <= d.text.len());
                    }
                }
                InputItem::Failed(f) => assert!(f.error.starts_with("fuzz")),
            }
        }
    }
});
