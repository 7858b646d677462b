//! Reading the message exactly as received: raw bytes, no re-encoding.

use std::io::Read;
use std::path::Path;

use crate::run::Failure;

/// Messages larger than this are refused before any hashing: no gateway
/// sends notifications of this size, and the limit keeps a stray pipe from
/// filling memory.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// Reads `file`, or standard input when it is absent or `-`.
pub fn read(file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let (source, outcome) = match file {
        Some(path) if path != Path::new("-") => {
            let shown = path.display().to_string();
            let opened = std::fs::File::open(path)
                .map_err(|e| Failure::malformed(format!("cannot read {shown}: {e}")))?;
            let outcome = opened.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes);
            (shown, outcome)
        }
        _ => {
            let outcome = std::io::stdin()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes);
            ("standard input".to_owned(), outcome)
        }
    };
    outcome.map_err(|e| Failure::malformed(format!("cannot read {source}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::malformed(format!(
            "{source} is larger than {MAX_INPUT_BYTES} bytes"
        )));
    }
    Ok(bytes)
}
