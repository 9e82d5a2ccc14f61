//! Run-wide unique document ids: later duplicates become `id#2`, `id#3`, … in stream order.
//!
//! Output rows join on doc_id, so two documents sharing one would be indistinguishable.
//! The set of ids seen grows with the number of documents (not their size), which is the one
//! piece of input-stage state that is not bounded by a batch.

use std::collections::{HashMap, HashSet};

use super::InputItem;

/// Wraps an item stream and renames duplicate ids, warning on documents and noting it on failures.
pub(super) struct UniqueIds<I> {
    inner: I,
    seen: HashSet<String>,
    /// Next suffix to try per duplicated id, so a run of many duplicates stays linear.
    next_suffix: HashMap<String, u64>,
}

impl<I> UniqueIds<I> {
    pub(super) fn new(inner: I) -> Self {
        UniqueIds {
            inner,
            seen: HashSet::new(),
            next_suffix: HashMap::new(),
        }
    }

    /// Returns the id to use for `id`, or `None` when it is new.
    fn rename(&mut self, id: &str) -> Option<String> {
        if self.seen.insert(id.to_string()) {
            return None;
        }
        let mut n = self.next_suffix.get(id).copied().unwrap_or(2);
        // An input may itself use ids like `x#2`; skip over those rather than collide.
        let renamed = loop {
            let candidate = format!("{id}#{n}");
            n += 1;
            if self.seen.insert(candidate.clone()) {
                break candidate;
            }
        };
        self.next_suffix.insert(id.to_string(), n);
        Some(renamed)
    }
}

impl<I: Iterator<Item = InputItem>> Iterator for UniqueIds<I> {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let mut item = self.inner.next()?;
        if let Some(renamed) = self.rename(item.id()) {
            match &mut item {
                InputItem::Document(doc) => {
                    doc.warnings.push(format!(
                        "{}: duplicate doc_id \"{}\" renamed to \"{renamed}\"",
                        doc.source, doc.id
                    ));
                    doc.id = renamed;
                }
                InputItem::Failed(failed) => {
                    failed.error.push_str(&format!(
                        " (duplicate doc_id \"{}\" renamed to \"{renamed}\")",
                        failed.id
                    ));
                    failed.id = renamed;
                }
            }
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::input::FailedInput;

    fn doc(id: &str) -> InputItem {
        InputItem::Document(Document {
            id: id.into(),
            source: format!("src/{id}"),
            text: String::new(),
            presplit: false,
            warnings: Vec::new(),
            page: None,
        })
    }

    #[test]
    fn later_duplicates_get_numbered_suffixes() {
        let items = vec![doc("a"), doc("b"), doc("a"), doc("a#2"), doc("a")];
        let ids: Vec<String> = UniqueIds::new(items.into_iter())
            .map(|i| i.id().to_string())
            .collect();
        assert_eq!(ids, ["a", "b", "a#2", "a#2#2", "a#3"]);
    }

    #[test]
    fn failures_take_part_and_say_so() {
        let failed = InputItem::Failed(FailedInput::new("a", "x.csv:3", "bad row"));
        let out: Vec<InputItem> = UniqueIds::new(vec![doc("a"), failed].into_iter()).collect();
        match &out[1] {
            InputItem::Failed(f) => {
                assert_eq!(f.id, "a#2");
                assert!(
                    f.error
                        .ends_with("(duplicate doc_id \"a\" renamed to \"a#2\")"),
                    "{}",
                    f.error
                );
            }
            InputItem::Document(_) => panic!("expected the failure"),
        }
    }
}
