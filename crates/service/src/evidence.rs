//! Evidence files: an officer uploads a file (a photo of a signed visit record, a scan of a
//! licence) and cites it when completing a task or moving a stage. The file is kept in the
//! database under its SHA-256; the citation, `sha256:<hex> <name> (<n> B)`, goes into the
//! change and so into its audit entry, which attributes the file and verifies its bytes.

use peiyu_domain::{Officer, Text};
use peiyu_storage::evidence::{self, EvidenceFile};
use sha2::{Digest, Sha256};

use crate::authz::require_writer;
use crate::{Field, Service, ServiceError, ServiceResult};

/// The largest evidence file kept: 8 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 8 * 1024 * 1024;

/// A kept file, as cited in a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRef {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// The citation recorded with the change: `sha256:<hex> <name> (<n> B)`.
    pub citation: String,
}

/// A file's name as kept and cited: no control characters or path separators, at most 120
/// characters, `evidence` when nothing is left.
fn file_name(name: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(120)
        .collect();
    if name.trim().is_empty() {
        "evidence".to_owned()
    } else {
        name.trim().to_owned()
    }
}

/// The citation a file named `name` with these bytes gets when kept
/// ([`Service::keep_evidence`]), without keeping it: what a dry run cites.
pub fn cite_evidence(name: &str, bytes: &[u8]) -> EvidenceRef {
    let name = file_name(name);
    let sha256 = hex::encode(Sha256::digest(bytes));
    let citation = format!("sha256:{sha256} {name} ({} B)", bytes.len());
    EvidenceRef { sha256, citation }
}

impl Service {
    /// Keeps an uploaded evidence file (once per content) and returns its citation. Refuses an
    /// empty file, one over [`MAX_EVIDENCE_BYTES`], and officers who may not change anything.
    #[tracing::instrument(skip(self, actor, bytes), fields(actor = %actor.login.as_str(), size = bytes.len()))]
    pub async fn keep_evidence(
        &self,
        actor: &Officer,
        name: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<EvidenceRef> {
        require_writer(actor)?;
        if bytes.is_empty() || bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(ServiceError::invalid(
                Field::File,
                Text::new(
                    format!("佐证文件应为 1 字节到 8 MiB，这个是 {} 字节", bytes.len()),
                    format!(
                        "an evidence file is 1 byte to 8 MiB; this one is {} bytes",
                        bytes.len()
                    ),
                ),
            ));
        }
        let name = file_name(name);
        let media_type: String = media_type
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(100)
            .collect();
        let EvidenceRef { sha256, citation } = cite_evidence(&name, &bytes);
        let file = EvidenceFile {
            sha256: sha256.clone(),
            name,
            media_type: if media_type.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                media_type
            },
            bytes,
            uploaded_by: actor.login.as_str().to_owned(),
            uploaded_at: self.now(),
        };
        let written = evidence::keep(self.store().conn(), &file).await?;
        tracing::info!(sha256 = %sha256, written, "evidence file kept");
        Ok(EvidenceRef { sha256, citation })
    }

    /// The evidence file kept under `sha256`, for any signed-in officer (the changes that cite
    /// it are visible to them on the enterprise's history).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn evidence_file(
        &self,
        actor: &Officer,
        sha256: &str,
    ) -> ServiceResult<EvidenceFile> {
        evidence::get(self.store().conn(), &sha256.trim().to_ascii_lowercase())
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    format!("没有 SHA-256 为 {sha256} 的佐证文件"),
                    format!("no evidence file has the SHA-256 {sha256}"),
                )
            })
    }
}
