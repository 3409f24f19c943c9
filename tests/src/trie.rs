//! The Merkle-Patricia trie root (Yellow Paper appendix D) computed in one pass over sorted
//! key/value pairs, the secure variant keyed by keccak256, and the keccak256 helper.

use crate::rlp::{encode_bytes, encode_list};
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

/// Root of the trie holding `entries` (keys in any order; a later duplicate key wins).
pub fn trie_root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> [u8; 32] {
    let mut items: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (key, value) in entries {
        items.push((nibbles(key.as_ref()), value.as_ref().to_vec()));
    }
    items.reverse();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.dedup_by(|later, earlier| later.0 == earlier.0);
    let refs: Vec<(&[u8], &[u8])> = items
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    keccak256(&encode_node(&refs, 0))
}

/// Root of the secure trie: every key is replaced by its keccak256 before insertion.
pub fn secure_trie_root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> [u8; 32] {
    trie_root(entries.into_iter().map(|(k, v)| (keccak256(k.as_ref()), v)))
}

/// Splits bytes into nibbles, high nibble first.
fn nibbles(key: &[u8]) -> Vec<u8> {
    key.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// Hex-prefix encoding of a nibble path with the leaf flag (appendix C).
fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2 } else { 0 };
    let mut out = Vec::with_capacity(path.len() / 2 + 1);
    let rest = if let Some((first, rest)) = path.split_first().filter(|_| path.len() % 2 == 1) {
        out.push(((flag + 1) << 4) | first);
        rest
    } else {
        out.push(flag << 4);
        path
    };
    out.extend(rest.chunks(2).map(|pair| {
        let high = pair.first().copied().unwrap_or(0);
        (high << 4) | pair.get(1).copied().unwrap_or(0)
    }));
    out
}

/// RLP of the node holding `items` (sorted, distinct nibble keys) below nibble `depth`.
fn encode_node(items: &[(&[u8], &[u8])], depth: usize) -> Vec<u8> {
    match items {
        [] => encode_bytes(&[]),
        [(key, value)] => {
            let path = key.get(depth..).unwrap_or_default();
            encode_list(&[encode_bytes(&hex_prefix(path, true)), encode_bytes(value)])
        }
        [(first_key, _), ..] => {
            let shared = common_prefix_len(items, depth);
            if shared > 0 {
                let path = first_key.get(depth..depth + shared).unwrap_or_default();
                let child = encode_node(items, depth + shared);
                encode_list(&[
                    encode_bytes(&hex_prefix(path, false)),
                    child_reference(child),
                ])
            } else {
                encode_branch(items, depth)
            }
        }
    }
}

/// A 17-item branch: one slot per next nibble, then the value of a key ending here.
fn encode_branch(items: &[(&[u8], &[u8])], depth: usize) -> Vec<u8> {
    let mut slots: Vec<Vec<u8>> = Vec::with_capacity(17);
    let mut value = encode_bytes(&[]);
    let mut rest = items;
    if let Some(((key, v), tail)) = rest.split_first() {
        if key.len() == depth {
            value = encode_bytes(v);
            rest = tail;
        }
    }
    for nibble in 0u8..16 {
        let end = rest
            .iter()
            .take_while(|(k, _)| k.get(depth) == Some(&nibble))
            .count();
        let (group, tail) = rest.split_at(end);
        slots.push(if group.is_empty() {
            encode_bytes(&[])
        } else {
            child_reference(encode_node(group, depth + 1))
        });
        rest = tail;
    }
    slots.push(value);
    encode_list(&slots)
}

/// How a parent refers to a child node: inlined when its RLP is shorter than 32 bytes,
/// else by the keccak256 of that RLP.
fn child_reference(node_rlp: Vec<u8>) -> Vec<u8> {
    if node_rlp.len() < 32 {
        node_rlp
    } else {
        encode_bytes(&keccak256(&node_rlp))
    }
}

/// Length of the nibble path all `items` share after `depth`, stopping where a key ends.
fn common_prefix_len(items: &[(&[u8], &[u8])], depth: usize) -> usize {
    let Some(((first, _), others)) = items.split_first() else {
        return 0;
    };
    let first = first.get(depth..).unwrap_or_default();
    others.iter().fold(first.len(), |len, (key, _)| {
        let key = key.get(depth..).unwrap_or_default();
        first
            .iter()
            .zip(key)
            .take(len)
            .take_while(|(a, b)| a == b)
            .count()
            .min(key.len())
    })
}

#[cfg(test)]
mod tests {
    //! Known roots from the Ethereum trie tests (`trieanyorder.json`, the wiki's "puppy"
    //! example) and the empty-trie root, all published independently of this code.
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let bytes = hex::decode(s).unwrap();
        bytes.try_into().unwrap()
    }

    #[test]
    fn empty_trie_root() {
        let none: [(&[u8], &[u8]); 0] = [];
        assert_eq!(trie_root(none), EMPTY_TRIE_ROOT);
        assert_eq!(keccak256(&[0x80]), EMPTY_TRIE_ROOT);
        assert_eq!(
            EMPTY_TRIE_ROOT,
            hex32("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        );
    }

    #[test]
    fn keccak_of_empty_input() {
        assert_eq!(
            keccak256(b""),
            hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
    }

    #[test]
    fn single_leaf() {
        let root = trie_root([("A", "a".repeat(50))]);
        assert_eq!(
            root,
            hex32("d23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab")
        );
    }

    #[test]
    fn dogs_step_by_step() {
        assert_eq!(
            trie_root([("doe", "reindeer")]),
            hex32("11a0327cfcc5b7689b6b6d727e1f5f8846c1137caaa9fc871ba31b7cce1b703e")
        );
        assert_eq!(
            trie_root([("doe", "reindeer"), ("dog", "puppy")]),
            hex32("05ae693aac2107336a79309e0c60b24a7aac6aa3edecaef593921500d33c63c4")
        );
        assert_eq!(
            trie_root([
                ("doe", "reindeer"),
                ("dog", "puppy"),
                ("dogglesworth", "cat")
            ]),
            hex32("8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3")
        );
    }

    #[test]
    fn puppy_with_value_in_branch_any_order() {
        let expected = hex32("5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
        let entries = [
            ("do", "verb"),
            ("horse", "stallion"),
            ("doge", "coin"),
            ("dog", "puppy"),
        ];
        assert_eq!(trie_root(entries), expected);
        let mut reversed = entries;
        reversed.reverse();
        assert_eq!(trie_root(reversed), expected);
    }

    #[test]
    fn later_duplicate_wins() {
        let root = trie_root([("doe", "x"), ("doe", "reindeer")]);
        assert_eq!(
            root,
            hex32("11a0327cfcc5b7689b6b6d727e1f5f8846c1137caaa9fc871ba31b7cce1b703e")
        );
    }

    #[test]
    fn hex_prefix_examples_from_appendix_c() {
        assert_eq!(hex_prefix(&[1, 2, 3, 4, 5], false), vec![0x11, 0x23, 0x45]);
        assert_eq!(
            hex_prefix(&[0, 1, 2, 3, 4, 5], false),
            vec![0x00, 0x01, 0x23, 0x45]
        );
        assert_eq!(
            hex_prefix(&[0, 0xf, 1, 0xc, 0xb, 8], true),
            vec![0x20, 0x0f, 0x1c, 0xb8]
        );
        assert_eq!(
            hex_prefix(&[0xf, 1, 0xc, 0xb, 8], true),
            vec![0x3f, 0x1c, 0xb8]
        );
    }
}
