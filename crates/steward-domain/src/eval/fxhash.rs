//! FxHash (rustc's) with murmur3's finaliser, for the tables that only ever hold one file's or
//! one chunk's own texts: metric names looked up once per imported row, a chunk's string
//! table. A keyed SipHash of each costs more than the rest of the row's work, and since the
//! tables hold only the input's own names (capped in size), flooding them gains an attacker
//! nothing.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher; words are read little-endian.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

/// Builds [`FxHasher`]s, for `HashMap<K, V, FxBuildHasher>`.
pub type FxBuildHasher = BuildHasherDefault<FxHasher>;

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        for &b in words.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick the bucket) poorly mixed; fold the high
        // bits down (murmur3's finaliser) so similar names do not share buckets.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}
