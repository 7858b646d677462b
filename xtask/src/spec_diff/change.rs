//! One change between two specs and its class: what it means for a merchant.

use serde::{Deserialize, Serialize};

/// What a change means for a merchant, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Code or requests that worked against the old spec may stop compiling
    /// or be refused: a field removed or newly required, a limit tightened,
    /// an enum value removed, a changed wire name.
    BreakingForCallers,
    /// The code compiles and validates, but the gateway behaves differently:
    /// a result code whose status or action changed, a host or
    /// authentication change, a test-table change.
    BreakingForIntegrations,
    /// Something new that nothing existing depends on: an optional field, a
    /// new code, a looser limit.
    Additive,
    /// Wording only: descriptions, labels, citations, examples.
    Documentation,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 4] = [
        Class::BreakingForCallers,
        Class::BreakingForIntegrations,
        Class::Additive,
        Class::Documentation,
    ];

    /// The report's heading for the class.
    pub fn title(self) -> &'static str {
        match self {
            Class::BreakingForCallers => "Breaking for callers",
            Class::BreakingForIntegrations => "Breaking for integrations",
            Class::Additive => "Additive",
            Class::Documentation => "Documentation only",
        }
    }

    /// One sentence under the heading: what the class means.
    pub fn meaning(self) -> &'static str {
        match self {
            Class::BreakingForCallers => {
                "Code or requests written against the old spec may no longer compile or may be \
                 refused before they are sent: a field removed or newly required, a limit \
                 tightened, an enum value removed, a changed wire name."
            }
            Class::BreakingForIntegrations => {
                "The code still compiles, but the gateway answers or is reached differently: a \
                 result code whose status or action changed, a host or authentication change, a \
                 test-table change."
            }
            Class::Additive => "New or looser: nothing written against the old spec depends on it.",
            Class::Documentation => "Wording only (descriptions, labels, citations, examples).",
        }
    }
}

/// One reported change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Its class.
    pub class: Class,
    /// The part of the spec (`Servers`, `Schemas`, `Result codes`, …).
    pub section: &'static str,
    /// The change as one Markdown line (without the list marker).
    pub text: String,
}
