//! VeriTrans4G POP (Payment Optimization Platform): payment keys, payment
//! links, PayNowID account management, and the signed redirect and push
//! notifications that report a payment's result.
//!
//! Source of truth: the VeriTrans4G POP API guide v1.8.1.
#![forbid(unsafe_code)]
