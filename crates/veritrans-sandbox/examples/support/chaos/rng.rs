//! A small seeded pseudo-random generator (xorshift64*), so that a soak run is
//! described by its flags and its seed, without a new dependency.

use std::sync::Mutex;
use std::sync::PoisonError;

/// A thread-safe xorshift64* generator.
#[derive(Debug)]
pub struct Rng(Mutex<u64>);

impl Rng {
    /// A generator seeded with `seed` (0 is replaced: xorshift needs a set bit).
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(seed.max(1)))
    }

    /// The next 64 random bits.
    pub fn next(&self) -> u64 {
        let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
