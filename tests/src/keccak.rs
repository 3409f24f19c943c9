//! Keccak-256 (the `sha3` crate) and the secure Merkle-Patricia trie root built on it (the
//! `triehash` crate, Yellow Paper appendix D): the hashes behind the state tests' verdicts.

use sha3::{Digest, Keccak256};

/// Root of the empty trie: keccak256(rlp("")).
pub const EMPTY_TRIE_ROOT: [u8; 32] = [
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
];

/// keccak256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Keccak-256 as the `hash_db::Hasher` that `triehash` hashes keys and nodes with.
#[derive(Debug)]
pub struct KeccakHasher;

impl hash_db::Hasher for KeccakHasher {
    type Out = [u8; 32];
    type StdHasher = std::collections::hash_map::DefaultHasher;
    const LENGTH: usize = 32;

    fn hash(data: &[u8]) -> [u8; 32] {
        keccak256(data)
    }
}

/// Root of the secure trie holding `entries`: each key is replaced by its keccak256 before
/// insertion (keys in any order; a later duplicate key wins).
pub fn secure_trie_root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> [u8; 32] {
    triehash::sec_trie_root::<KeccakHasher, _, _, _>(entries)
}

#[cfg(test)]
mod tests {
    //! Published values: the empty-trie root of the ewasm-tests README and the Yellow Paper,
    //! keccak256("") and the roots of the Ethereum trie tests (`trietest_secureTrie.json`).
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let bytes = hex::decode(s).unwrap();
        bytes.try_into().unwrap()
    }

    #[test]
    fn empty_trie_root() {
        let none: [(&[u8], &[u8]); 0] = [];
        let published = hex32("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
        assert_eq!(secure_trie_root(none), published);
        assert_eq!(EMPTY_TRIE_ROOT, published);
    }

    #[test]
    fn keccak_of_empty_input() {
        assert_eq!(
            keccak256(b""),
            hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
    }

    #[test]
    fn secure_trie_dogs() {
        let root = secure_trie_root([
            ("doe", "reindeer"),
            ("dog", "puppy"),
            ("dogglesworth", "cat"),
        ]);
        assert_eq!(
            root,
            hex32("d4cd937e4a4368d7931a9cf51686b7e10abb3dce38a39000fd7902a092b64585")
        );
    }

    #[test]
    fn secure_trie_puppy_in_any_order() {
        let expected = hex32("29b235a58c3c25ab83010c327d5932bcf05324b7d6b1185e650798034783ca9d");
        let mut entries = [
            ("do", "verb"),
            ("horse", "stallion"),
            ("doge", "coin"),
            ("dog", "puppy"),
        ];
        assert_eq!(secure_trie_root(entries), expected);
        entries.reverse();
        assert_eq!(secure_trie_root(entries), expected);
    }

    #[test]
    fn later_duplicate_wins() {
        assert_eq!(
            secure_trie_root([("dog", "x"), ("doe", "reindeer"), ("dog", "puppy")]),
            secure_trie_root([("doe", "reindeer"), ("dog", "puppy")])
        );
    }
}
