//! VeriTrans 3-D Secure (MPI): redirect parameters, search results,
//! `vresult_code`, ship / don't-ship decisions and push notifications.
//!
//! Source of truth: the VeriTrans 3-D Secure (MPI) guide.
#![forbid(unsafe_code)]
