//! What the tour prints: one line when a step starts, one when it ends (with
//! its timing), and the closing table. Pure formatting, so it is unit-tested
//! without running a gateway.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every check of the step held; the text says what was seen.
    Passed(String),
    /// A check failed; the text says which and why.
    Failed(String),
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Self::Passed(_) => "passed",
            Self::Failed(_) => "FAILED",
        }
    }
    fn text(&self) -> &str {
        match self {
            Self::Passed(t) | Self::Failed(t) => t,
        }
    }
}

/// One finished step, as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    /// 1-based position in the tour.
    pub number: usize,
    /// The gateway it spoke to (`unified`, `jpayment`, `mpi`).
    pub gateway: &'static str,
    /// What the step does, in a few words.
    pub name: &'static str,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall-clock time of the step.
    pub elapsed: Duration,
}

/// A step that has started and not yet ended.
#[derive(Debug)]
pub struct Started {
    number: usize,
    gateway: &'static str,
    name: &'static str,
    at: Instant,
}

impl Started {
    /// Starts the clock of step `number`.
    pub fn new(number: usize, gateway: &'static str, name: &'static str) -> Self {
        Self {
            number,
            gateway,
            name,
            at: Instant::now(),
        }
    }

    /// Stops the clock.
    pub fn finish(self, outcome: Outcome) -> StepRecord {
        StepRecord {
            number: self.number,
            gateway: self.gateway,
            name: self.name,
            outcome,
            elapsed: self.at.elapsed(),
        }
    }
}

/// A section heading, before the steps of one gateway.
pub fn heading(title: &str) -> String {
    format!("\n== {title} ==")
}

/// The line printed when a step starts.
pub fn start_line(number: usize, gateway: &str, name: &str) -> String {
    format!("[{number:>2}] {gateway:<8} {name} ...")
}

/// The line printed when a step ends: its verdict, timing and what was seen.
pub fn end_line(record: &StepRecord) -> String {
    let mark = match record.outcome {
        Outcome::Passed(_) => "ok",
        Outcome::Failed(_) => "FAILED",
    };
    format!(
        "[{:>2}] {:<8} {} -> {mark} ({} ms): {}",
        record.number,
        record.gateway,
        record.name,
        record.elapsed.as_millis(),
        record.outcome.text()
    )
}

/// The closing table (step, gateway, outcome, ms), then one line per failure
/// with its reason, then the verdict line.
pub fn summary(records: &[StepRecord]) -> String {
    let name_width = records
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("step".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        " #  {:<name_width$}  {:<8}  {:<7}  {:>6}",
        "step", "gateway", "outcome", "ms"
    );
    let _ = writeln!(
        out,
        "{}",
        "-".repeat(4 + name_width + 2 + 8 + 2 + 7 + 2 + 6)
    );
    for r in records {
        let _ = writeln!(
            out,
            "{:>2}  {:<name_width$}  {:<8}  {:<7}  {:>6}",
            r.number,
            r.name,
            r.gateway,
            r.outcome.word(),
            r.elapsed.as_millis()
        );
    }
    let failed: Vec<&StepRecord> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .collect();
    for r in &failed {
        let _ = writeln!(
            out,
            "step {} ({}) failed: {}",
            r.number,
            r.name,
            r.outcome.text()
        );
    }
    let total: Duration = records.iter().map(|r| r.elapsed).sum();
    if failed.is_empty() {
        let _ = write!(
            out,
            "all {} steps passed in {} ms",
            records.len(),
            total.as_millis()
        );
    } else {
        let _ = write!(out, "{} of {} steps failed", failed.len(), records.len());
    }
    out
}

/// Whether every step passed (and there was at least one).
pub fn all_passed(records: &[StepRecord]) -> bool {
    !records.is_empty()
        && records
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Passed(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: usize, name: &'static str, outcome: Outcome, ms: u64) -> StepRecord {
        StepRecord {
            number,
            gateway: "unified",
            name,
            outcome,
            elapsed: Duration::from_millis(ms),
        }
    }

    #[test]
    fn start_and_end_lines_carry_number_gateway_name_and_timing() {
        assert_eq!(start_line(3, "mpi", "search"), "[ 3] mpi      search ...");
        let r = record(12, "capture", Outcome::Passed("1000 yen".into()), 7);
        assert_eq!(end_line(&r), "[12] unified  capture -> ok (7 ms): 1000 yen");
        let r = record(
            4,
            "refund",
            Outcome::Failed("balance 900, expected 700".into()),
            31,
        );
        assert_eq!(
            end_line(&r),
            "[ 4] unified  refund -> FAILED (31 ms): balance 900, expected 700"
        );
    }

    #[test]
    fn summary_aligns_columns_and_ends_with_the_verdict() {
        let records = [
            record(1, "pay", Outcome::Passed("x".into()), 12),
            record(2, "partial refund", Outcome::Passed("y".into()), 3),
        ];
        let table = summary(&records);
        let expected = " #  step            gateway   outcome      ms\n\
                        ---------------------------------------------\n \
                        1  pay             unified   passed       12\n \
                        2  partial refund  unified   passed        3\n\
                        all 2 steps passed in 15 ms";
        assert_eq!(table, expected);
        assert!(all_passed(&records));
    }

    #[test]
    fn summary_lists_each_failure_with_its_reason() {
        let records = [
            record(1, "pay", Outcome::Passed("x".into()), 1),
            record(
                2,
                "capture",
                Outcome::Failed("HTTP 400 UA-REQ-007".into()),
                2,
            ),
        ];
        let table = summary(&records);
        assert!(
            table.contains(" 2  capture  unified   FAILED        2\n"),
            "{table}"
        );
        assert!(
            table.contains("step 2 (capture) failed: HTTP 400 UA-REQ-007\n"),
            "{table}"
        );
        assert!(table.ends_with("1 of 2 steps failed"), "{table}");
        assert!(!all_passed(&records));
    }

    #[test]
    fn an_empty_tour_did_not_pass() {
        assert!(!all_passed(&[]));
        assert!(summary(&[]).ends_with("all 0 steps passed in 0 ms"));
    }
}
