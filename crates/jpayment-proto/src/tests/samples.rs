//! Every sample answer of the guide, decoded by its operation's shape.
//! The snapshots are the review of the decoded values (secrets redacted).

use crate::generated::{GuideSample, SAMPLES};

fn decode(sample: &GuideSample) -> String {
    match (sample.decode)(sample.text.as_bytes()) {
        Ok(value) => format!("Ok: {value}"),
        Err(e) => format!("Err: {e}\n{e:#?}"),
    }
}

#[test]
fn every_guide_sample_decodes_as_snapshotted() {
    assert!(SAMPLES.len() >= 12, "samples missing from the spec");
    for sample in SAMPLES {
        let decoded = decode(sample);
        let name = format!("{}__{}", sample.operation, sample.kind);
        insta::assert_snapshot!(name, decoded, sample.text);
    }
}

/// The decision for every printed sample that differs from its table.
const PRINTED: &[(&str, &str, &str)] = &[
    // The empty `ec` column is missing: the user ID lands in `ec`.
    ("reference_card", "printed_csv", "column 2 (`ec`"),
    // One of the empty `id`/`ps` columns is missing.
    (
        "bulk_register_and_pay",
        "printed_csv",
        "the first missing is column 15 (`num`)",
    ),
    // "…,1006,.." elides columns 11-12: taken literally, `..` is the `id`
    // (`ps` may be absent) and is not alphanumeric.
    ("onetouch_charge", "printed_csv", "column 11 (`id`"),
    // " 012345\n" (PDF artefacts) is not an alphanumeric user ID.
    (
        "bulk_register_and_pay",
        "printed_kickback",
        "parameter `uid`",
    ),
];

#[test]
fn corrected_samples_succeed_and_printed_ones_are_decided() {
    for sample in SAMPLES {
        let decoded = decode(sample);
        let who = format!("{} {}: {decoded}", sample.operation, sample.kind);
        match PRINTED
            .iter()
            .find(|(op, kind, _)| *op == sample.operation && *kind == sample.kind)
        {
            Some((_, _, why)) => {
                assert!(decoded.starts_with("Err: "), "{who}");
                assert!(decoded.contains(why), "{who}");
            }
            None => assert!(decoded.starts_with("Ok: "), "{who}"),
        }
    }
    // The one-touch kickback as printed has `cod=test ` (a PDF artefact):
    // `cod` is the merchant's free text, so the space is kept, not trimmed.
    let printed = SAMPLES
        .iter()
        .find(|s| s.operation == "onetouch_charge" && s.kind == "printed_kickback")
        .unwrap();
    assert!(decode(printed).contains("\"test \""));
}
