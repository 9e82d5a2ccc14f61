//! Segmenter on arbitrary text: spans must be in bounds, on char boundaries, trimmed,
//! non-empty, ordered and non-overlapping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut last_end = 0;
    for span in claimscan::segment::segment(&text) {
        assert!(span.start < span.end && span.end <= text.len());
        assert!(span.start >= last_end, "spans overlap");
        let piece = &text[span.start..span.end];
        assert_eq!(piece.trim(), piece, "span not trimmed");
        last_end = span.end;
    }
});
