//! Segmenter on arbitrary text (and the `lines` splitter): spans must be in bounds, on char
//! boundaries, trimmed, non-empty, ordered and non-overlapping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for spans in [claimscan::segment::segment(&text), claimscan::segment::split_lines(&text)] {
        let mut last_end = 0;
        for span in spans {
            assert!(span.start < span.end && span.end <= text.len());
            assert!(span.start >= last_end, "spans overlap");
            let piece = text.get(span.start..span.end).expect("span on char boundaries");
            assert_eq!(piece.trim(), piece, "span not trimmed");
            last_end = span.end;
        }
    }
});
