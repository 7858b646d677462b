//! Signature schemes of the VeriTrans notifications.
#![forbid(unsafe_code)]
