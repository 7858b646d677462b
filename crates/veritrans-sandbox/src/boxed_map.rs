//! A map from string IDs to large records, each record boxed, in a B-tree.
//!
//! The gateways' stores keep one record per order or transaction, and some records are
//! large inline (a Unified API transaction holds a whole webhook payload, about 1.2 KB; a
//! POP order about 0.7 KB, a 3-D Secure transaction about 0.25 KB). Boxed, a slot is a
//! key and a pointer.
//!
//! A B-tree rather than a hash map because these maps only grow (the guides give an order
//! no end of life) and are written under their gateway's one lock: a hash map doubles
//! now and then and rehashes every entry while every request waits, which set the
//! sandbox's p99 (POP 61 ms, MPI 24 ms after 10 s of `wrk`); a B-tree grows one node at
//! a time (POP 4.6 ms, MPI 4.2 ms; `docs/performance.md`, "Tail latency"). Lookups cost
//! a few string comparisons more.

use std::collections::BTreeMap;

/// `BTreeMap<String, Box<V>>` with the few operations the stores use.
#[derive(Debug)]
pub(crate) struct BoxedMap<V>(BTreeMap<String, Box<V>>);

impl<V> Default for BoxedMap<V> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<V> BoxedMap<V> {
    /// Inserts or replaces the record of `id`.
    pub(crate) fn insert(&mut self, id: String, value: V) {
        self.0.insert(id, Box::new(value));
    }

    pub(crate) fn get(&self, id: &str) -> Option<&V> {
        self.0.get(id).map(|v| &**v)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        self.0.get_mut(id).map(|v| &mut **v)
    }

    pub(crate) fn contains_key(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<V> {
        self.0.remove(id).map(|v| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_map() {
        let mut map = BoxedMap::default();
        map.insert("a".into(), [0u8; 2048]);
        map.insert("b".into(), [1u8; 2048]);
        map.insert("a".into(), [2u8; 2048]);
        assert!(map.contains_key("a") && !map.contains_key("c"));
        assert_eq!(map.get("a").map(|v| v[0]), Some(2));
        if let Some(v) = map.get_mut("b") {
            v[0] = 3;
        }
        assert_eq!(map.remove("b").map(|v| v[0]), Some(3));
        assert!(map.get("b").is_none());
    }
}
