//! Rule entities (dates, times, money, percents, quantities, numbers) on arbitrary text: no
//! panic, every span non-empty, on character boundaries and inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for e in claimscan::entities::rule_entities(&text) {
        assert!(e.start < e.end, "empty entity {e:?}");
        assert!(text.get(e.start..e.end).is_some(), "{e:?} off the char boundaries of {text:?}");
    }
});
