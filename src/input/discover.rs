//! Expands command-line inputs into sources: files as named, directories walked recursively
//! in path order, `-` as standard input.
//!
//! Walks follow symbolic links (corpora are often assembled from links) but never into a
//! directory that is already being walked above, so a loop ends as one failed item instead
//! of a hang. Entries are sorted by name at each level, which is the same as sorting full
//! paths component by component: the order is the same on every machine.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{InputError, InputFormat, InputOptions, InputSource, Origin, SourceFormat};

/// Extensions a directory walk takes (compared case-insensitively), with their auto format.
const KNOWN_EXTENSIONS: [(&str, SourceFormat); 11] = [
    ("txt", SourceFormat::Text),
    ("md", SourceFormat::Text),
    ("text", SourceFormat::Text),
    ("jsonl", SourceFormat::Jsonl),
    ("ndjson", SourceFormat::Jsonl),
    ("csv", SourceFormat::Csv),
    ("tsv", SourceFormat::Tsv),
    ("html", SourceFormat::Html),
    ("htm", SourceFormat::Html),
    ("xhtml", SourceFormat::Html),
    ("warc", SourceFormat::Warc),
];

/// What [`discover_report`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The sources to read, in order.
    pub sources: Vec<InputSource>,
    /// Paths a directory walk passed over: hidden, unknown extension, or not a regular file.
    /// Worth a note in the run log, since a misnamed corpus would otherwise read as empty.
    pub skipped: Vec<PathBuf>,
}

/// Expands files / directories (recursively, following no symlink loops, sorted by path for
/// determinism) / `-` into sources.
///
/// Errors are usage errors (a named path that does not exist, `-` twice, an empty field
/// name): the message names the path or option and says what to do. Paths that exist but
/// cannot be read become sources that read as failed items.
pub fn discover(inputs: &[PathBuf], opts: &InputOptions) -> Result<Vec<InputSource>, InputError> {
    discover_report(inputs, opts).map(|found| found.sources)
}

/// [`discover`], also listing what directory walks skipped.
pub fn discover_report(inputs: &[PathBuf], opts: &InputOptions) -> Result<Discovery, InputError> {
    check_options(opts)?;
    if inputs.is_empty() {
        return Err(InputError::NoInputs);
    }
    let mut found = Discovery::default();
    let mut stdin_seen = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            if stdin_seen {
                return Err(InputError::StdinTwice);
            }
            stdin_seen = true;
            let format = explicit_format(opts.format, None).unwrap_or(SourceFormat::Text);
            found.sources.push(InputSource::stdin(format));
            continue;
        }
        let name = id_of_path(input);
        let location = input.display().to_string();
        let metadata = match fs::metadata(input) {
            Ok(metadata) => metadata,
            // A dangling link exists as a name, so it is bad data, not a typo.
            Err(e)
                if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(input).is_err() =>
            {
                return Err(InputError::NotFound {
                    path: input.clone(),
                });
            }
            Err(e) => {
                let format = file_format(input, opts.format).unwrap_or(SourceFormat::Text);
                let error = format!("{location}: cannot access: {}", describe(&e));
                found
                    .sources
                    .push(unusable(input, input, name, location, format, error));
                continue;
            }
        };
        if metadata.is_dir() {
            let mut walk = Walk {
                root: input,
                opts,
                found: &mut found,
                ancestors: Vec::new(),
            };
            walk.dir(input, &name, &mut Vec::new());
        } else {
            // Named explicitly: read whatever it is (a pipe from `<(…)` included); unknown extensions as text.
            let format = file_format(input, opts.format).unwrap_or(SourceFormat::Text);
            found.sources.push(InputSource {
                origin: Origin::File(input.clone()),
                root: Some(input.clone()),
                name,
                location,
                format,
                error: None,
            });
        }
    }
    Ok(found)
}

fn check_options(opts: &InputOptions) -> Result<(), InputError> {
    if opts.text_field.trim().is_empty() {
        return Err(InputError::InvalidOption(
            "--text-field is empty: name the field or column holding the text".into(),
        ));
    }
    if opts.id_field.trim().is_empty() {
        return Err(InputError::InvalidOption(
            "--id-field is empty: name the field or column holding the id".into(),
        ));
    }
    if opts.max_document_bytes == 0 {
        return Err(InputError::InvalidOption(
            "the document size limit is 0 bytes: no document could be read".into(),
        ));
    }
    Ok(())
}

/// The format an explicit `--input-format` gives a file with extension `ext`; `None` for auto.
fn explicit_format(format: InputFormat, ext: Option<&str>) -> Option<SourceFormat> {
    match format {
        InputFormat::Auto => None,
        InputFormat::Text => Some(SourceFormat::Text),
        InputFormat::Lines => Some(SourceFormat::Lines),
        InputFormat::Jsonl => Some(SourceFormat::Jsonl),
        // The delimiter is not part of the format name on the command line; the extension says it.
        InputFormat::Csv if ext == Some("tsv") => Some(SourceFormat::Tsv),
        InputFormat::Csv => Some(SourceFormat::Csv),
        InputFormat::Html => Some(SourceFormat::Html),
        InputFormat::Warc => Some(SourceFormat::Warc),
    }
}

/// The format of a file by `--input-format` and extension; `None` when auto does not know the
/// extension (a walk skips such files, a named file is read as text).
fn file_format(path: &Path, format: InputFormat) -> Option<SourceFormat> {
    let mut ext = path
        .extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase);
    // `page.html.gz`, `crawl.warc.gz`: the format is the extension under `.gz`.
    if ext.as_deref() == Some("gz") {
        ext = path
            .file_stem()
            .map(Path::new)
            .and_then(Path::extension)
            .and_then(OsStr::to_str)
            .map(str::to_ascii_lowercase)
            .filter(|inner| matches!(inner.as_str(), "html" | "htm" | "xhtml" | "warc"));
    }
    let known = ext
        .as_deref()
        .and_then(|ext| KNOWN_EXTENSIONS.iter().find(|(e, _)| *e == ext))
        .map(|&(_, f)| f);
    match explicit_format(format, ext.as_deref()) {
        Some(format) => Some(format),
        None => known,
    }
}

fn is_known_extension(path: &Path) -> bool {
    file_format(path, InputFormat::Auto).is_some()
}

/// The id of a file named as `path`: the path as given, `/`-separated, without `./`.
fn id_of_path(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // An empty first part makes the join start with `/`.
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    match parts.as_slice() {
        [] => ".".to_string(),
        [only] if only.is_empty() => "/".to_string(),
        _ => parts.join("/"),
    }
}

/// A source that reads as one failed item.
fn unusable(
    path: &Path,
    root: &Path,
    name: String,
    location: String,
    format: SourceFormat,
    error: String,
) -> InputSource {
    InputSource {
        origin: Origin::File(path.to_path_buf()),
        root: Some(root.to_path_buf()),
        name,
        location,
        format,
        error: Some(error),
    }
}

fn describe(e: &io::Error) -> String {
    // ELOOP's OS text ("too many levels of symbolic links") does not say what to do.
    if e.raw_os_error() == Some(ELOOP) {
        return format!("{e}; a symbolic link loop: fix or remove the link");
    }
    e.to_string()
}

#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(all(unix, not(target_os = "linux")))]
const ELOOP: i32 = 62;
#[cfg(not(unix))]
const ELOOP: i32 = -1;

/// State of one directory walk.
struct Walk<'a> {
    root: &'a Path,
    opts: &'a InputOptions,
    found: &'a mut Discovery,
    /// Canonical paths of the directories being walked, outermost first.
    ancestors: Vec<PathBuf>,
}

impl Walk<'_> {
    /// The id of an entry at `rel` below the root: relative, `/`-separated.
    fn name(rel: &[String], root_name: &str) -> String {
        if rel.is_empty() {
            root_name.to_string()
        } else {
            rel.join("/")
        }
    }

    fn fail(&mut self, path: &Path, rel: &[String], root_name: &str, msg: String) {
        let location = path.display().to_string();
        let error = format!("{location}: {msg}");
        let source = unusable(
            path,
            self.root,
            Walk::name(rel, root_name),
            location,
            SourceFormat::Text,
            error,
        );
        self.found.sources.push(source);
    }

    /// Walks directory `dir`, found at `rel` (components below the root).
    fn dir(&mut self, dir: &Path, root_name: &str, rel: &mut Vec<String>) {
        let canonical = match fs::canonicalize(dir) {
            Ok(canonical) => canonical,
            Err(e) => {
                return self.fail(
                    dir,
                    rel,
                    root_name,
                    format!("cannot resolve directory: {}", describe(&e)),
                )
            }
        };
        if let Some(ancestor) = self.ancestors.iter().find(|a| **a == canonical) {
            let msg = format!(
                "symbolic link loop: this directory is {}, which is already being read; not followed",
                ancestor.display()
            );
            return self.fail(dir, rel, root_name, msg);
        }
        let listing = match fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(e) => {
                return self.fail(
                    dir,
                    rel,
                    root_name,
                    format!("cannot list directory: {}", describe(&e)),
                )
            }
        };
        let mut entries = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => entries.push(entry.file_name()),
                Err(e) => self.fail(
                    dir,
                    rel,
                    root_name,
                    format!("error while listing directory: {}", describe(&e)),
                ),
            }
        }
        entries.sort();
        self.ancestors.push(canonical);
        for file_name in entries {
            let path = dir.join(&file_name);
            if file_name.to_string_lossy().starts_with('.') {
                self.found.skipped.push(path);
                continue;
            }
            rel.push(file_name.to_string_lossy().into_owned());
            self.entry(&path, root_name, rel);
            rel.pop();
        }
        self.ancestors.pop();
    }

    /// One entry of a walk: recurse into directories, take files with a known extension.
    fn entry(&mut self, path: &Path, root_name: &str, rel: &mut Vec<String>) {
        let metadata = match fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(e) => {
                // A dangling link to a file we would not have read anyway is not worth an error row.
                let ignorable = e.kind() == io::ErrorKind::NotFound && !is_known_extension(path);
                if ignorable {
                    self.found.skipped.push(path.to_path_buf());
                } else {
                    self.fail(
                        path,
                        rel,
                        root_name,
                        format!("cannot access: {}", describe(&e)),
                    );
                }
                return;
            }
        };
        if metadata.is_dir() {
            return self.dir(path, root_name, rel);
        }
        let format = match file_format(path, self.opts.format) {
            // Special files (pipes, sockets, devices) could block or never end.
            Some(format) if metadata.is_file() && is_known_extension(path) => format,
            _ => {
                self.found.skipped.push(path.to_path_buf());
                return;
            }
        };
        self.found.sources.push(InputSource {
            origin: Origin::File(path.to_path_buf()),
            root: Some(self.root.to_path_buf()),
            name: Walk::name(rel, root_name),
            location: path.display().to_string(),
            format,
            error: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{read_documents, InputItem};

    fn write(dir: &Path, rel: &str, bytes: &[u8]) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    fn names(sources: &[InputSource]) -> Vec<&str> {
        sources.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn walks_recursively_in_path_order_skipping_unknown_and_hidden() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "b.txt",
            "a/z.md",
            "a/b/c.txt",
            "a-b.text",
            "A.TXT",
            "c.jsonl",
            "d.ndjson",
            "e.csv",
            "f.tsv",
        ] {
            write(dir.path(), rel, b"x");
        }
        for rel in [
            "image.png",
            "notes",
            ".hidden.txt",
            ".git/config.txt",
            "a/.cache/x.txt",
        ] {
            write(dir.path(), rel, b"x");
        }
        let found = discover_report(&[dir.path().to_path_buf()], &InputOptions::default()).unwrap();
        assert_eq!(
            names(&found.sources),
            [
                "A.TXT",
                "a/b/c.txt",
                "a/z.md",
                "a-b.text",
                "b.txt",
                "c.jsonl",
                "d.ndjson",
                "e.csv",
                "f.tsv"
            ]
        );
        let formats: Vec<SourceFormat> = found.sources.iter().map(|s| s.format).collect();
        use SourceFormat::*;
        assert_eq!(
            formats,
            [Text, Text, Text, Text, Text, Jsonl, Jsonl, Csv, Tsv]
        );
        let mut skipped: Vec<String> = found
            .skipped
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        skipped.sort();
        assert_eq!(
            skipped,
            [".git", ".hidden.txt", "a/.cache", "image.png", "notes"]
        );
        let s = &found.sources[1];
        assert_eq!(s.root.as_deref(), Some(dir.path()));
        assert_eq!(
            s.location,
            dir.path().join("a/b/c.txt").display().to_string()
        );
    }

    #[test]
    fn named_files_keep_their_path_and_unknown_extensions_read_as_text() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "notes.log", b"Plain text.");
        let path = dir.path().join("notes.log");
        let sources = discover(std::slice::from_ref(&path), &InputOptions::default()).unwrap();
        assert_eq!(sources[0].format, SourceFormat::Text);
        assert_eq!(sources[0].name, id_of_path(&path));
        assert_eq!(id_of_path(Path::new("./corpus/./a.txt")), "corpus/a.txt");
        assert_eq!(id_of_path(Path::new("/data/a.txt")), "/data/a.txt");
        assert_eq!(id_of_path(Path::new("../x/a.txt")), "../x/a.txt");
    }

    #[test]
    fn explicit_format_applies_to_walked_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"x");
        write(dir.path(), "b.tsv", b"x");
        let opts = InputOptions {
            format: InputFormat::Csv,
            ..InputOptions::default()
        };
        let sources = discover(&[dir.path().to_path_buf()], &opts).unwrap();
        let formats: Vec<SourceFormat> = sources.iter().map(|s| s.format).collect();
        assert_eq!(formats, [SourceFormat::Csv, SourceFormat::Tsv]);
    }

    #[test]
    fn nonexistent_path_is_a_usage_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-file.txt");
        let err = discover(std::slice::from_ref(&missing), &InputOptions::default()).unwrap_err();
        assert!(matches!(err, InputError::NotFound { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains(&missing.display().to_string()) && msg.contains("check the path"),
            "{msg}"
        );
    }

    #[test]
    fn usage_errors_for_stdin_twice_no_inputs_and_empty_fields() {
        let opts = InputOptions::default();
        let dash = PathBuf::from("-");
        assert!(matches!(
            discover(&[dash.clone(), dash.clone()], &opts),
            Err(InputError::StdinTwice)
        ));
        assert!(matches!(discover(&[], &opts), Err(InputError::NoInputs)));
        let bad = InputOptions {
            text_field: " ".into(),
            ..InputOptions::default()
        };
        assert!(matches!(
            discover(std::slice::from_ref(&dash), &bad),
            Err(InputError::InvalidOption(_))
        ));
        let sources = discover(&[dash], &opts).unwrap();
        assert_eq!(
            (sources[0].origin.clone(), sources[0].name.as_str()),
            (Origin::Stdin, "-")
        );
        assert_eq!(sources[0].format, SourceFormat::Text);
    }

    #[test]
    fn empty_directory_yields_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let found = discover_report(&[dir.path().to_path_buf()], &InputOptions::default()).unwrap();
        assert!(found.sources.is_empty() && found.skipped.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_become_failed_items_without_hanging() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a/one.txt", b"One.");
        symlink(dir.path().join("a"), dir.path().join("a/back")).unwrap();
        symlink(dir.path().join("self.txt"), dir.path().join("self.txt")).unwrap();
        symlink(dir.path().join("missing"), dir.path().join("dangling.png")).unwrap();
        write(dir.path(), "real/two.txt", b"Two.");
        symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
        let opts = InputOptions::default();
        let found = discover_report(&[dir.path().to_path_buf()], &opts).unwrap();
        assert_eq!(
            names(&found.sources),
            [
                "a/back",
                "a/one.txt",
                "linked/two.txt",
                "real/two.txt",
                "self.txt"
            ]
        );
        let items: Vec<InputItem> = read_documents(found.sources, &opts).collect();
        let errors: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                InputItem::Failed(f) => Some(f.error.as_str()),
                InputItem::Document(_) => None,
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("a/back: symbolic link loop"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].contains("self.txt: cannot access")
                && errors[1].contains("symbolic link loop"),
            "{}",
            errors[1]
        );
        assert!(found.skipped.iter().any(|p| p.ends_with("dangling.png")));
    }

    #[cfg(unix)]
    #[test]
    fn unlistable_directory_and_unreadable_file_are_failed_items() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "locked/x.txt", b"x");
        write(dir.path(), "secret.txt", b"x");
        write(dir.path(), "ok.txt", b"fine");
        let locked = dir.path().join("locked");
        let secret = dir.path().join("secret.txt");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything; the test only means something for other users.
        let root_can_read = fs::read_dir(&locked).is_ok();
        let opts = InputOptions::default();
        let sources = discover(&[dir.path().to_path_buf()], &opts).unwrap();
        let items: Vec<InputItem> = read_documents(sources, &opts).collect();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        if root_can_read {
            return;
        }
        let ids: Vec<&str> = items.iter().map(|i| i.id()).collect();
        assert_eq!(ids, ["locked", "ok.txt", "secret.txt"]);
        for i in [0, 2] {
            match &items[i] {
                InputItem::Failed(f) => {
                    assert!(f.error.contains("ermission denied"), "{}", f.error)
                }
                InputItem::Document(_) => panic!("expected a failure"),
            }
        }
    }
}
