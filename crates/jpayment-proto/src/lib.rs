//! J-Payment (ROBOT PAYMENT) card-on-file and one-touch charging: query
//! string requests, positional comma-separated responses and kickbacks.
//!
//! Source of truth: the J-Payment guide for credit cards with tokens,
//! 3-D Secure 2.0, multiple cards per user and one-touch charging.
#![forbid(unsafe_code)]
