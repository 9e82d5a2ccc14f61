//! Input readers on arbitrary bytes in every format: never panic, every record becomes a
//! document or a failure with a message, documents are valid UTF-8 by construction.
#![no_main]

use claimscan::input::{read_reader, InputItem, InputOptions, SourceFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = InputOptions::default();
    for format in [SourceFormat::Text, SourceFormat::Lines, SourceFormat::Jsonl, SourceFormat::Csv, SourceFormat::Tsv] {
        let reader = std::io::Cursor::new(data.to_vec());
        for item in read_reader("fuzz", "fuzz", reader, format, &opts) {
            match item {
                InputItem::Document(d) => assert!(!d.id.is_empty()),
                InputItem::Failed(f) => assert!(!f.error.is_empty()),
            }
        }
    }
});
