//! The VeriTrans4G Unified API (PayPay, Rakuten Pay, d Payment, au PAY,
//! Merpay): request and response types generated from OpenAPI specs, a
//! client, and verification of webhooks and redirects.
//!
//! Source of truth: the VeriTrans4G Unified API guides 1.1.3 and 1.1.1 RC.
#![forbid(unsafe_code)]
