//! A 128-bit digest of byte strings, the same on every run, machine and build: gen's memo
//! ([`crate::output::memo`]) keys on it, and `build.rs` names the build's source with it.
//!
//! Not cryptographic. It tells apart inputs and outputs that differ by accident (an edited
//! file, another model); forging a collision would take write access to the files it
//! guards, which is already the power to change them.

/// A running digest: feed it fields, then read [`Digest::hex`].
#[derive(Clone, Debug)]
pub struct Digest {
    a: u64,
    b: u64,
    fields: u64,
}

impl Default for Digest {
    fn default() -> Self {
        Digest {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
            fields: 0,
        }
    }
}

impl Digest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one field. Its length goes in first, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("an 8-byte chunk")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(last));
        }
        self.fields += 1;
        self
    }

    fn word(&mut self, w: u64) {
        // Two independent multiply-xorshift lanes: 128 bits of state at about a byte a cycle.
        self.a = (self.a ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.a ^= self.a >> 29;
        self.b = (self.b ^ w.rotate_left(32)).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        self.b ^= self.b >> 31;
    }

    /// The digest as 32 lowercase hex digits.
    pub fn hex(&self) -> String {
        let fin = |mut h: u64, seed: u64| {
            // MurmurHash3's finaliser: every input bit reaches every output bit.
            h ^= seed;
            h ^= h >> 33;
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^= h >> 33;
            h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
            h ^ (h >> 33)
        };
        let a = fin(self.a ^ self.b.rotate_left(17), self.fields);
        let b = fin(self.b ^ self.a.rotate_left(41), !self.fields);
        format!("{a:016x}{b:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::Digest;

    fn of(fields: &[&[u8]]) -> String {
        let mut d = Digest::new();
        for f in fields {
            d.field(f);
        }
        d.hex()
    }

    #[test]
    fn the_digest_is_a_constant_of_its_input() {
        // Pinned from this implementation, so that a change to the function (or a platform
        // where it differs) fails here: a changed digest invalidates every memo entry.
        assert_eq!(of(&[b"portplan"]), of(&[b"portplan"]));
        assert_eq!(of(&[]).len(), 32);
        assert_eq!(of(&[b"portplan"]), "ddfc41a85fc85d398a1970a1744a3da8");
    }

    #[test]
    fn field_boundaries_lengths_and_single_bits_change_it() {
        let all = [
            of(&[b"ab", b"c"]),
            of(&[b"a", b"bc"]),
            of(&[b"abc"]),
            of(&[b"abc", b""]),
            of(&[b"abc\0"]),
            of(&[b"abd"]),
            of(&[b"12345678"]),
            of(&[b"12345679"]),
            of(&[b"123456781"]),
        ];
        let distinct: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{all:?}");
    }
}
