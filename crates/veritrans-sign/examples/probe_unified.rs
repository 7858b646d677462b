//! Where `unified::verify_redirect` and `sign_redirect` spend their time over the
//! paired example's five-value redirect: each part timed alone, best of 15 runs.
//! `cargo run --release -p veritrans-sign --example probe_unified`
//!
//! The hex-decoding variants it once timed, with their own copy of the digit table, are
//! gone: `hex::decode_digest` decodes a word at a time since the eighth session, and
//! `veritrans`'s `counts` example gives the redirect's instruction counts.
#![allow(clippy::unwrap_used)] // a measurement tool: a panic is the report

use std::hint::black_box;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha512};
use veritrans_sign::{MerchantAuthKey, unified};

fn time(name: &str, f: &mut dyn FnMut()) {
    // `PROBE_ONLY=verify_redirect perf record …` profiles one part.
    if std::env::var("PROBE_ONLY").is_ok_and(|only| !name.starts_with(&only)) {
        return;
    }
    let iters = 200_000;
    let mut best = f64::MAX;
    for _ in 0..15 {
        let start = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(start.elapsed().as_nanos() as f64 / iters as f64);
    }
    println!("{name:<48} {best:>8.1} ns");
}

fn main() {
    let (ccid, key) = ("sampleCcId", MerchantAuthKey::new("sampleKey"));
    let rpairs = [
        ("status", "success"),
        ("resultCode", "UA-000-001"),
        ("paymentId", "order-20261123-000123"),
        ("fepReferenceId", "X000002F368872DB9B645E69448"),
        ("command", "pay"),
    ];
    let (auth_params, v_auth_info) = unified::sign_redirect(ccid, &key, &rpairs);
    let mut received: Vec<(&str, &str)> = rpairs.to_vec();
    received.push(("authParams", &auth_params));
    received.push(("vAuthInfo", &v_auth_info));
    let signed: String = std::iter::once(ccid)
        .chain(rpairs.iter().map(|(_, v)| *v))
        .chain([key.expose_secret()])
        .collect();

    time("floor: SHA-512 of the signed string", &mut || {
        black_box(<[u8; 64]>::from(Sha512::digest(black_box(
            signed.as_bytes(),
        ))));
    });
    time("SHA-512 fed the 7 pieces", &mut || {
        let mut h = Sha512::new();
        h.update(black_box(ccid).as_bytes());
        for (_, v) in black_box(&rpairs) {
            h.update(v.as_bytes());
        }
        h.update(key.expose_secret().as_bytes());
        black_box(<[u8; 64]>::from(h.finalize()));
    });
    time("verify_redirect", &mut || {
        unified::verify_redirect(ccid, &key, black_box(&received), "order-20261123-000123")
            .unwrap();
    });
    time("verify_redirect_signature", &mut || {
        unified::verify_redirect_signature(ccid, &key, black_box(&received)).unwrap();
    });
    time("sign_redirect", &mut || {
        black_box(unified::sign_redirect(ccid, &key, black_box(&rpairs)));
    });
    let query = format!(
        "status=success&resultCode=UA-000-001&paymentId=order-20261123-000123&fepReferenceId=X000002F368872DB9B645E69448&command=pay&authParams={}&vAuthInfo={v_auth_info}",
        auth_params.replace('=', "%3D").replace('+', "%2B"),
    );
    time("query_pairs of the paired example's query", &mut || {
        black_box(unified::query_pairs(black_box(&query)).unwrap());
    });
    time("query_params of the paired example's query", &mut || {
        black_box(unified::query_params(black_box(&query)).unwrap());
    });
    let q = query.as_bytes();
    time("query: count '&'", &mut || {
        black_box(black_box(q).iter().filter(|&&b| b == b'&').count());
    });
    time("query: split '&' + position '='", &mut || {
        for seg in black_box(q).split(|&b| b == b'&') {
            black_box(seg.iter().position(|&b| b == b'='));
        }
    });
    time("query: any '%'/'+' over every byte", &mut || {
        black_box(black_box(q).iter().any(|&b| b == b'%' || b == b'+'));
    });
    time("query: from_utf8 of the whole", &mut || {
        black_box(std::str::from_utf8(black_box(q)).is_ok());
    });
    time("query: str split('&') + find('=')", &mut || {
        for seg in black_box(query.as_str()).split('&') {
            black_box(seg.find('='));
        }
    });
    let names = "status,resultCode,paymentId,fepReferenceId,command";
    time("Base64 decode_slice of authParams", &mut || {
        let mut buf = [0u8; 512];
        let raw = black_box(auth_params.as_str());
        let n = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode_slice(raw.trim_end_matches('=').as_bytes(), &mut buf)
            .unwrap();
        black_box(&buf[..n]);
    });
    time(
        "authParams.contains([' ', '*', '-', '_']) (removed)",
        &mut || {
            black_box(black_box(auth_params.as_str()).contains([' ', '*', '-', '_']));
        },
    );
    time("from_utf8 + split(',') of the decoded names", &mut || {
        let n = std::str::from_utf8(black_box(names.as_bytes())).unwrap();
        for name in n.split(',') {
            black_box(name.is_empty() || name == "authParams" || name == "vAuthInfo");
        }
    });
    time("constant-time compare of 64 bytes (subtle)", &mut || {
        use subtle::ConstantTimeEq;
        let (a, b) = (black_box([1u8; 64]), black_box([1u8; 64]));
        black_box(bool::from(a.ct_eq(&b)));
    });
    time("two String allocations (49 + 128 bytes)", &mut || {
        black_box((
            String::with_capacity(black_box(68)),
            String::with_capacity(black_box(128)),
        ));
    });
    time("Base64 encode of the joined names", &mut || {
        black_box(STANDARD.encode(black_box(names)));
    });
    time("names Vec + join", &mut || {
        let n: Vec<&str> = black_box(&rpairs).iter().map(|(k, _)| *k).collect();
        black_box(n.join(","));
    });
    time("8 lookups (7 names each): single()", &mut || {
        let p = black_box(&received);
        for name in [
            "vAuthInfo",
            "authParams",
            "status",
            "resultCode",
            "paymentId",
            "fepReferenceId",
            "command",
            "paymentId",
        ] {
            let mut found = p.iter().filter(|(k, _)| *k == name).map(|(_, v)| *v);
            black_box((found.next(), found.next()));
        }
    });
    let digits = [b'a'; 128];
    time("128 hex digits to a String: from_utf8_lossy", &mut || {
        let mut out = String::with_capacity(128);
        out.push_str(&String::from_utf8_lossy(black_box(&digits)));
        black_box(out);
    });
    time("128 hex digits to a String: from_utf8", &mut || {
        let mut out = String::with_capacity(128);
        if let Ok(text) = std::str::from_utf8(black_box(&digits)) {
            out.push_str(text);
        }
        black_box(out);
    });
    time(
        "hex encode of 64 bytes (stack buffer, as hex.rs)",
        &mut || {
            let d = black_box([7u8; 64]);
            let mut digits = [0u8; 128];
            for (pair, &b) in digits.chunks_exact_mut(2).zip(&d) {
                pair[0] = b"0123456789abcdef"[usize::from(b >> 4)];
                pair[1] = b"0123456789abcdef"[usize::from(b & 15)];
            }
            black_box(digits);
        },
    );
}
