//! Cues, attribution and the label stage on arbitrary text: no panic, every cue and the
//! attribution span on character boundaries inside the sentence and equal to the text they
//! name, the three probabilities summing to 1.
#![no_main]

use claimscan::classify::{self, attribution, cues};
use claimscan::model::heads::SentenceScores;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = cues::find_cues(&text);
    for cue in found.speculation.iter().chain(&found.opinion) {
        assert_eq!(text.get(cue.start..cue.end), Some(cue.text.as_str()));
    }
    if let Some(a) = attribution::find_attribution(&text) {
        assert_eq!(text.get(a.start..a.end), Some(a.source.as_str()));
    }
    let scores = SentenceScores {
        p_fact: 0.4,
        p_speculation: 0.3,
        p_opinion: 0.3,
        checkworthy: 0.5,
    };
    let s = classify::label_sentence(&text, scores).scores;
    assert!((s.p_fact + s.p_speculation + s.p_opinion - 1.0).abs() < 1e-6);
});
