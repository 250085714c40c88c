//! Where the bytes of a file go: a file, or standard output.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::FormatError;

/// Where to write: standard output, or a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, created or truncated.
    File(PathBuf),
}

impl Output {
    /// Standard output when `path` is `None` or `-`, else that file.
    pub fn of(path: Option<&Path>) -> Output {
        match path {
            None => Output::Stdout,
            Some(p) if p.as_os_str() == "-" => Output::Stdout,
            Some(p) => Output::File(p.to_owned()),
        }
    }

    /// Whether this is standard output.
    pub fn is_stdout(&self) -> bool {
        *self == Output::Stdout
    }

    /// The same, with `extension` added to a file name that has none.
    pub fn with_default_extension(self, extension: &str) -> Output {
        match self {
            Output::File(mut path) if path.extension().is_none() => {
                path.set_extension(extension);
                Output::File(path)
            }
            other => other,
        }
    }

    /// Writes all of `bytes`: to standard output, or to the file (created, or truncated if it
    /// exists). A failure names the file (`-` for standard output).
    pub fn write(&self, bytes: &[u8]) -> Result<(), FormatError> {
        match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|()| out.flush())
                    .map_err(|source| FormatError::io(Path::new("-"), source))
            }
            Output::File(path) => {
                std::fs::write(path, bytes).map_err(|source| FormatError::io(path, source))
            }
        }
    }
}

/// An [`Output`] written piece by piece (a long export), buffered; [`Stream::finish`] flushes.
pub struct Stream {
    inner: std::io::BufWriter<Box<dyn std::io::Write>>,
    name: PathBuf,
}

impl Output {
    /// Opens this output for writing piece by piece: the file created (or truncated), or
    /// standard output.
    pub fn stream(&self) -> Result<Stream, FormatError> {
        let (inner, name): (Box<dyn std::io::Write>, PathBuf) = match self {
            Output::Stdout => (Box::new(std::io::stdout()), PathBuf::from("-")),
            Output::File(path) => (
                Box::new(
                    std::fs::File::create(path).map_err(|source| FormatError::io(path, source))?,
                ),
                path.clone(),
            ),
        };
        Ok(Stream {
            inner: std::io::BufWriter::new(inner),
            name,
        })
    }
}

impl Stream {
    /// Writes all of `bytes`; a failure names the file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), FormatError> {
        self.inner
            .write_all(bytes)
            .map_err(|source| FormatError::io(&self.name, source))
    }

    /// Flushes what is buffered; a failure names the file.
    pub fn finish(mut self) -> Result<(), FormatError> {
        self.inner
            .flush()
            .map_err(|source| FormatError::io(&self.name, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_and_dash_are_stdout() {
        assert_eq!(Output::of(None), Output::Stdout);
        assert_eq!(Output::of(Some(Path::new("-"))), Output::Stdout);
        assert_eq!(
            Output::of(Some(Path::new("a.csv"))),
            Output::File("a.csv".into())
        );
        assert_eq!(
            Output::of(Some(Path::new("week"))).with_default_extension("md"),
            Output::File("week.md".into())
        );
        assert_eq!(
            Output::of(Some(Path::new("w.txt"))).with_default_extension("md"),
            Output::File("w.txt".into())
        );
        assert_eq!(Output::Stdout.with_default_extension("md"), Output::Stdout);
    }

    #[test]
    fn writes_a_file_and_names_it_when_it_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        Output::File(path.clone()).write(b"a,b\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\r\n");
        let missing = dir.path().join("no/such/dir.csv");
        let err = Output::File(missing.clone()).write(b"x").unwrap_err();
        assert!(err.to_string().starts_with(&missing.display().to_string()));
    }
}
