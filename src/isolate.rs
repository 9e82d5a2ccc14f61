//! One bad document costs only itself: running a stage so that a panic becomes an error
//! message for the document being processed instead of the end of the run.
//!
//! Also the test-only fault hook: with `CLAIMSCAN_TEST_PANIC=STAGE:MARKER` in the environment,
//! the named stage panics on any input whose text contains `MARKER` (stages: `read`,
//! `segment`, `encode`, `label`). The end-to-end tests use it to check that a failing document
//! leaves every other row byte-identical; it costs one check of an empty option when unset.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use once_cell::sync::Lazy;

/// The environment variable of the test-only fault hook.
pub const FAULT_ENV: &str = "CLAIMSCAN_TEST_PANIC";

/// A stage the fault hook can make panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Decoding a document from its source.
    Read,
    /// Sentence segmentation.
    Segment,
    /// The encoder pass (a whole batch panics when one of its sentences holds the marker).
    Encode,
    /// Labels, cues, attribution and entity rules of one sentence.
    Label,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Segment => "segment",
            Stage::Encode => "encode",
            Stage::Label => "label",
        }
    }
}

static FAULT: Lazy<Option<(String, String)>> = Lazy::new(|| {
    let spec = std::env::var(FAULT_ENV).ok()?;
    let (stage, marker) = spec.split_once(':')?;
    (!marker.is_empty()).then(|| (stage.to_string(), marker.to_string()))
});

/// Panics when the fault hook names `stage` and `text` holds its marker (tests only).
pub fn fault_point(stage: Stage, text: &str) {
    if let Some((name, marker)) = FAULT.as_ref() {
        if name == stage.name() && text.contains(marker.as_str()) {
            panic!("injected fault in stage {} ({FAULT_ENV})", stage.name());
        }
    }
}

/// Runs `f`, turning a panic into `Err` with the panic's message.
///
/// The closure is asserted unwind-safe: every caller drops whatever `f` was building when it
/// panics and records only the message, so no half-updated state is observed afterwards.
pub fn run_isolated<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// The message a panic was raised with.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let r: Result<(), String> = run_isolated(|| panic!("boom {}", 7));
        assert_eq!(r, Err("boom 7".to_string()));
        assert_eq!(run_isolated(|| 3), Ok(3));
    }
}
