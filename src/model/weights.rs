//! A safetensors weight file read one tensor at a time.
//!
//! tch's readers load a whole file and build every tensor before the caller sees one; loading
//! the 260 MB cased encoder into a variable store that way held three copies at once (the
//! store's initial values, the file's bytes and the tensors read from them), about 700 MB of
//! peak memory for a model whose int8 inference pass keeps a fraction of it. Here the file is
//! memory-mapped, a tensor is copied out only when asked for, and the pages it was copied
//! from are handed back to the kernel, so a load holds little more than what the caller keeps.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::{Mmap, UncheckedAdvice};
use safetensors::SafeTensors;
use tch::Tensor;

use super::ModelError;

/// A memory-mapped safetensors file.
pub struct WeightFile {
    path: PathBuf,
    map: Mmap,
    /// Every tensor's shape, from the header.
    shapes: HashMap<String, Vec<i64>>,
}

impl WeightFile {
    /// Maps `path` and checks its header.
    pub fn open(path: &Path) -> Result<Self, ModelError> {
        let file = File::open(path).map_err(|e| ModelError::Missing {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        // SAFETY: the map is read-only; a model file changed by another process while
        // claimscan reads it is outside what claimscan supports (as with any reader).
        let map = unsafe { Mmap::map(&file) }.map_err(|e| ModelError::Missing {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let shapes = SafeTensors::deserialize(&map)
            .map_err(|e| invalid(path, format!("not a safetensors file: {e:?}")))?
            .tensors()
            .into_iter()
            .map(|(name, view)| (name, view.shape().iter().map(|&d| d as i64).collect()))
            .collect();
        Ok(WeightFile {
            path: path.to_path_buf(),
            map,
            shapes,
        })
    }

    /// The file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The shape of tensor `name`, read from the header (None if the file has no such tensor).
    pub fn shape(&self, name: &str) -> Option<&[i64]> {
        self.shapes.get(name).map(Vec::as_slice)
    }

    /// A copy of tensor `name` in its stored dtype. The file pages it came from are released
    /// from this process's memory (they stay in the page cache).
    pub fn tensor(&self, name: &str) -> Result<Tensor, ModelError> {
        let file = SafeTensors::deserialize(&self.map)
            .map_err(|e| invalid(&self.path, format!("{e:?}")))?;
        let view = file
            .tensor(name)
            .map_err(|_| invalid(&self.path, format!("no tensor {name}")))?;
        let data = view.data();
        let offset = data.as_ptr() as usize - self.map.as_ptr() as usize;
        let length = data.len();
        let tensor = Tensor::try_from(view).map_err(|e| invalid(&self.path, e))?;
        // SAFETY: the map is a read-only, file-backed shared mapping, so dropping its pages
        // loses nothing: a later read faults them back in from the file unchanged.
        unsafe {
            self.map
                .unchecked_advise_range(UncheckedAdvice::DontNeed, offset, length)
        }
        .map_err(|e| ModelError::Runtime(format!("{}: madvise: {e}", self.path.display())))?;
        Ok(tensor)
    }
}

fn invalid(path: &Path, reason: impl std::fmt::Display) -> ModelError {
    ModelError::Invalid {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    #[test]
    fn tensors_come_back_as_written_and_missing_names_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.safetensors");
        let a = Tensor::arange(6, (Kind::Float, Device::Cpu)).view([2, 3]);
        let b = Tensor::from_slice(&[1.5f32, -2.0]).to_kind(Kind::Half);
        Tensor::write_safetensors(&[("a", &a), ("b", &b)], &path).unwrap();
        let file = WeightFile::open(&path).unwrap();
        assert_eq!(file.shape("a"), Some([2i64, 3].as_slice()));
        assert_eq!(file.shape("b"), Some([2i64].as_slice()));
        assert_eq!(file.shape("c"), None);
        for _ in 0..2 {
            // Read twice: released pages fault back in unchanged.
            assert!(file.tensor("a").unwrap().equal(&a));
        }
        let read_b = file.tensor("b").unwrap();
        assert_eq!(read_b.kind(), Kind::Half);
        assert!(read_b.equal(&b));
        let err = file.tensor("c").unwrap_err().to_string();
        assert!(
            err.contains("no tensor c") && err.contains("w.safetensors"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_is_not_safetensors_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.safetensors");
        std::fs::write(&path, b"not a weight file").unwrap();
        let err = WeightFile::open(&path).err().unwrap().to_string();
        assert!(err.contains("junk.safetensors"), "{err}");
    }
}
