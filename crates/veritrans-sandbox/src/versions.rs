//! The guide version the sandbox emulates, per gateway.
//!
//! A merchant pins a guide version; the sandbox can be started for it
//! ([`SandboxBuilder::unified_version`](crate::SandboxBuilder::unified_version), the CLI's
//! `--unified-version`) and then answers with that version's generated tables: result
//! codes with their HTTP status, status and actionCode, each command's validation rules
//! and limits, the commands it serves, and (on `GET /_sandbox/health`) its hosts. Only
//! the Unified API has more than one version today; POP, J-Payment and MPI each have one
//! guide, which is always emulated.

use serde_json::{Value, json};
use unified_proto::versions::{self as unified, GuideVersion};

/// The guide version emulated per gateway; default: the latest of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GuideVersions {
    /// The VeriTrans4G Unified API guide version.
    pub unified: &'static GuideVersion,
}

impl Default for GuideVersions {
    fn default() -> Self {
        Self {
            unified: unified::LATEST,
        }
    }
}

impl GuideVersions {
    /// The known Unified API guide versions (the spec folder names: `1.1.1-rc`, `1.1.3`),
    /// oldest first; the last is the default.
    pub fn known_unified() -> Vec<&'static str> {
        unified::KNOWN.iter().map(|v| v.folder).collect()
    }

    /// These versions with the Unified API one named `folder` (`1.1.1-rc`); the error
    /// names every known version.
    pub fn with_unified(self, folder: &str) -> Result<Self, unified::UnknownVersion> {
        Ok(Self {
            unified: unified::find(folder)?,
        })
    }

    /// What `GET /_sandbox/health` reports: per gateway with a choice of versions, the
    /// emulated version and the hosts its guide names.
    pub(crate) fn report(&self) -> Value {
        let u = self.unified;
        json!({
            "unified": {
                "version": u.folder,
                "title": u.title,
                "liveUrl": u.live_url,
                "sandboxUrl": u.sandbox_url,
                "servers": u.servers,
                "securitySchemes": u.security_schemes,
                "known": Self::known_unified(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_latest_and_an_unknown_name_lists_the_known_ones() {
        assert_eq!(GuideVersions::default().unified, unified::LATEST);
        let known = GuideVersions::known_unified();
        assert_eq!(known, ["1.1.1-rc", "1.1.3"]);
        let older = GuideVersions::default().with_unified("1.1.1-rc").unwrap();
        assert_eq!(older.unified.title, "1.1.1 RC");
        let err = GuideVersions::default().with_unified("9.9").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("\"9.9\"") && text.contains("1.1.1-rc, 1.1.3"),
            "{text}"
        );
    }
}
