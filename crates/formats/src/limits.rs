//! Bounds on the files peiyu reads: a ledger's size, a text file's size (tracks, batch rules,
//! holiday notices, column mappings, the calendar override: [`ReadLimits::read_text`]), and
//! for an XLSX workbook (a zip archive) the size its parts unpack to and how much they may
//! expand, checked from the archive's directory before anything is unpacked — a 5 MB zip bomb
//! is refused at once, not after filling memory. Every file the CLI reads goes through here.
//! The defaults (docs/operations.md) can be changed with the environment variables
//! `PEIYU_MAX_FILE_MB`, `PEIYU_MAX_TEXT_FILE_KB` and `PEIYU_MAX_UNPACKED_MB`. The caps on
//! fields typed by people are `peiyu_domain::limits`'; the server's on request bodies are
//! `peiyu_server`'s.

use std::io::Read;
use std::path::Path;

use crate::error::FormatError;

/// The bounds a read file must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// The largest ledger (CSV or XLSX) read, in bytes (default 64 MiB).
    pub max_file_bytes: u64,
    /// The largest text file read — a track, the batch rules, a holiday notice, a column
    /// mapping, the calendar override — in bytes (default 1 MiB; the shipped tracks are under
    /// 20 KiB).
    pub max_text_bytes: u64,
    /// The most an XLSX workbook's parts may unpack to in all, in bytes (default 512 MiB).
    pub max_unpacked_bytes: u64,
    /// The most one part may expand (unpacked size over packed size; default 200, where
    /// ordinary sheets expand 5 to 30 times).
    pub max_ratio: u64,
}

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_bytes: 64 * MIB,
            max_text_bytes: MIB,
            max_unpacked_bytes: 512 * MIB,
            max_ratio: 200,
        }
    }
}

impl ReadLimits {
    /// The defaults, with `PEIYU_MAX_FILE_MB` and `PEIYU_MAX_UNPACKED_MB` (whole mebibytes)
    /// and `PEIYU_MAX_TEXT_FILE_KB` (whole kibibytes) applied when set to a positive number.
    pub fn from_env() -> ReadLimits {
        let scaled = |var: &str, unit: u64| {
            std::env::var(var)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&n| n > 0)
                .map(|n| n.saturating_mul(unit))
        };
        let mb = |var: &str| scaled(var, MIB);
        let d = ReadLimits::default();
        ReadLimits {
            max_file_bytes: mb("PEIYU_MAX_FILE_MB").unwrap_or(d.max_file_bytes),
            max_text_bytes: scaled("PEIYU_MAX_TEXT_FILE_KB", 1024).unwrap_or(d.max_text_bytes),
            max_unpacked_bytes: mb("PEIYU_MAX_UNPACKED_MB").unwrap_or(d.max_unpacked_bytes),
            ..d
        }
    }

    /// Refuses a file larger than [`ReadLimits::max_file_bytes`], before reading it.
    pub fn check_file(&self, path: &Path) -> Result<(), FormatError> {
        let size = std::fs::metadata(path)
            .map_err(|source| FormatError::io(path, source))?
            .len();
        if size > self.max_file_bytes {
            return Err(too_large(path, size, self.max_file_bytes));
        }
        Ok(())
    }

    /// Reads a UTF-8 text file of at most [`ReadLimits::max_text_bytes`]: refused from its size
    /// before it is read, and never more than the cap read should it grow meanwhile (or be a
    /// pipe or a device that reports no size). Text that is not UTF-8 is an I/O error of
    /// kind `InvalidData`.
    pub fn read_text(&self, path: &Path) -> Result<String, FormatError> {
        let file = std::fs::File::open(path).map_err(|source| FormatError::io(path, source))?;
        let size = file
            .metadata()
            .map_err(|source| FormatError::io(path, source))?
            .len();
        if size > self.max_text_bytes {
            return Err(too_large(path, size, self.max_text_bytes));
        }
        let mut bytes = Vec::new();
        file.take(self.max_text_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| FormatError::io(path, source))?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > self.max_text_bytes {
            return Err(too_large(path, read, self.max_text_bytes));
        }
        String::from_utf8(bytes).map_err(|e| {
            FormatError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
            )
        })
    }

    /// Refuses an XLSX workbook whose parts would unpack to more than
    /// [`ReadLimits::max_unpacked_bytes`] in all, or one of whose parts would expand more than
    /// [`ReadLimits::max_ratio`] times, from the sizes in the archive's directory; nothing is
    /// unpacked. A file that is not a zip archive is left for the workbook reader to refuse.
    pub fn check_workbook(&self, path: &Path) -> Result<(), FormatError> {
        self.check_file(path)?;
        let file = std::fs::File::open(path).map_err(|source| FormatError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
            return Ok(());
        };
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let Ok(part) = archive.by_index_raw(i) else {
                continue;
            };
            let (unpacked, packed) = (part.size(), part.compressed_size().max(1));
            total = total.saturating_add(unpacked);
            if unpacked > MIB && unpacked / packed > self.max_ratio {
                let name = part
                    .name()
                    .map(|n| crate::limits::short(&n))
                    .unwrap_or_default();
                return Err(FormatError::TooLarge {
                    path: path.display().to_string(),
                    what: (
                        format!(
                            "其中「{}」压缩比 {}:1，超过上限 {}:1（疑似压缩炸弹）",
                            name,
                            unpacked / packed,
                            self.max_ratio
                        ),
                        format!(
                            "its part \"{}\" expands {} times, more than the limit of {} (a zip bomb?)",
                            name,
                            unpacked / packed,
                            self.max_ratio
                        ),
                    ),
                });
            }
        }
        if total > self.max_unpacked_bytes {
            return Err(FormatError::TooLarge {
                path: path.display().to_string(),
                what: too_large_what(
                    total,
                    self.max_unpacked_bytes,
                    "its unpacked contents",
                    "解压后的内容",
                ),
            });
        }
        Ok(())
    }
}

/// A part's name as a message quotes it: at most 100 characters.
fn short(name: &str) -> String {
    peiyu_domain::excerpt(name)
}

/// `path` refused for its `size` over `limit` bytes.
fn too_large(path: &Path, size: u64, limit: u64) -> FormatError {
    FormatError::TooLarge {
        path: path.display().to_string(),
        what: too_large_what(size, limit, "the file", "文件"),
    }
}

/// What is too large, in MiB (or KiB for a limit under a mebibyte), zh and en.
fn too_large_what(size: u64, limit: u64, en: &str, zh: &str) -> (String, String) {
    let (unit, name) = if limit >= MIB {
        (MIB, "MiB")
    } else {
        (1024, "KiB")
    };
    let (size, limit) = (size.div_ceil(unit), limit.div_ceil(unit));
    (
        format!("{zh}有 {size} {name}，超过上限 {limit} {name}"),
        format!("{en} is {size} {name}, more than the limit of {limit} {name}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An XLSX-shaped zip whose one part is `size` zero bytes: a bomb when large.
    fn zip_of_zeros(path: &Path, size: usize) {
        let file = std::fs::File::create(path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let chunk = vec![0u8; 1024 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            zip.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        zip.finish().unwrap();
    }

    #[test]
    fn a_zip_bomb_is_refused_from_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("bomb.xlsx");
        zip_of_zeros(&bomb, 64 * 1024 * 1024);
        assert!(std::fs::metadata(&bomb).unwrap().len() < MIB);
        let e = ReadLimits::default().check_workbook(&bomb).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("zip bomb"), "{text}");
        assert!(e.message_zh().contains("压缩炸弹"));
        // The same archive within a generous ratio is refused for its unpacked total.
        let limits = ReadLimits {
            max_ratio: u64::MAX,
            max_unpacked_bytes: 16 * MIB,
            ..ReadLimits::default()
        };
        let text = limits.check_workbook(&bomb).unwrap_err().to_string();
        assert!(text.contains("unpacked contents is 64 MiB"), "{text}");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        std::fs::write(&big, vec![b'a'; 2 * MIB as usize]).unwrap();
        let limits = ReadLimits {
            max_file_bytes: MIB,
            ..ReadLimits::default()
        };
        let text = limits.check_file(&big).unwrap_err().to_string();
        assert!(
            text.contains("2 MiB, more than the limit of 1 MiB"),
            "{text}"
        );
        assert!(ReadLimits::default().check_file(&big).is_ok());
    }

    #[test]
    fn a_text_file_over_its_cap_is_refused_and_one_within_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let track = dir.path().join("track.toml");
        std::fs::write(&track, "key = \"x\"\n".repeat(20_000)).unwrap();
        let limits = ReadLimits {
            max_text_bytes: 64 * 1024,
            ..ReadLimits::default()
        };
        let e = limits.read_text(&track).unwrap_err();
        assert!(
            e.to_string()
                .contains("the file is 196 KiB, more than the limit of 64 KiB"),
            "{e}"
        );
        assert!(
            e.message_zh().contains("超过上限 64 KiB"),
            "{}",
            e.message_zh()
        );
        assert_eq!(
            ReadLimits::default().read_text(&track).unwrap().len(),
            200_000
        );
        let not_text = dir.path().join("notice.txt");
        std::fs::write(&not_text, [0xff, 0xfe, 0x00]).unwrap();
        assert!(ReadLimits::default().read_text(&not_text).is_err());
    }
}
