//! The jsonl reader on arbitrary bytes: never panics, every record becomes a document (valid
//! UTF-8 by construction, with an id) or a failure with a message naming its source.
#![no_main]

use claimscan::input::{read_reader, InputItem, InputOptions, SourceFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = InputOptions::default();
    for format in [SourceFormat::Jsonl] {
        let reader = std::io::Cursor::new(data.to_vec());
        for item in read_reader("fuzz", "fuzz", reader, format, &opts) {
            match item {
                InputItem::Document(d) => assert!(!d.id.is_empty()),
                InputItem::Failed(f) => assert!(f.error.starts_with("fuzz")),
            }
        }
    }
});
