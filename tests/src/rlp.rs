//! RLP encoding (Yellow Paper appendix B): the byte strings, scalars and lists that the
//! trie nodes, the account leaves, create addresses and the logs hash need. Encoding only.

/// RLP of a byte string: a single byte below 0x80 stands for itself, otherwise a length prefix.
pub fn encode_bytes(bytes: &[u8]) -> Vec<u8> {
    if let [single] = bytes {
        if *single < 0x80 {
            return vec![*single];
        }
    }
    let mut out = length_prefix(bytes.len(), 0x80);
    out.extend_from_slice(bytes);
    out
}

/// RLP of a scalar given as big-endian bytes: leading zeros are dropped, zero is the empty string.
pub fn encode_scalar_be(value_be: &[u8]) -> Vec<u8> {
    let first_non_zero = value_be
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(value_be.len());
    encode_bytes(value_be.get(first_non_zero..).unwrap_or_default())
}

/// RLP of a `u64` scalar.
pub fn encode_u64(value: u64) -> Vec<u8> {
    encode_scalar_be(&value.to_be_bytes())
}

/// RLP of a list whose items are already RLP-encoded (concatenated under a list prefix).
pub fn encode_list(encoded_items: &[Vec<u8>]) -> Vec<u8> {
    let payload_len = encoded_items.iter().map(Vec::len).sum();
    let mut out = length_prefix(payload_len, 0xc0);
    for item in encoded_items {
        out.extend_from_slice(item);
    }
    out
}

/// The prefix for a payload of `len` bytes: `base + len` when short (< 56 bytes), else
/// `base + 55 + n` followed by the `n`-byte big-endian length.
fn length_prefix(len: usize, base: u8) -> Vec<u8> {
    if len < 56 {
        // `len < 56` so the sum stays below 0xc0 + 56 < 256.
        return vec![base + len as u8];
    }
    let len_be = (len as u64).to_be_bytes();
    let skip = len_be.iter().position(|&b| b != 0).unwrap_or(len_be.len());
    let len_bytes = len_be.get(skip..).unwrap_or_default();
    // At most 8 length bytes, so `base + 55 + 8` fits in a byte.
    let mut out = vec![base + 55 + len_bytes.len() as u8];
    out.extend_from_slice(len_bytes);
    out
}

#[cfg(test)]
mod tests {
    //! Vectors from the RLP page of the Ethereum wiki / Yellow Paper appendix B, worked by hand.
    use super::*;

    #[test]
    fn short_strings() {
        assert_eq!(encode_bytes(b"dog"), vec![0x83, b'd', b'o', b'g']);
        assert_eq!(encode_bytes(b""), vec![0x80]);
        assert_eq!(encode_bytes(&[0x00]), vec![0x00]);
        assert_eq!(encode_bytes(&[0x0f]), vec![0x0f]);
        assert_eq!(encode_bytes(&[0x7f]), vec![0x7f]);
        assert_eq!(encode_bytes(&[0x80]), vec![0x81, 0x80]);
    }

    #[test]
    fn long_string_uses_length_of_length() {
        let text = b"Lorem ipsum dolor sit amet, consectetur adipisicing elit";
        assert_eq!(text.len(), 56);
        let encoded = encode_bytes(text);
        assert_eq!(&encoded[..2], &[0xb8, 0x38]);
        assert_eq!(&encoded[2..], &text[..]);
        let big = vec![0xaa; 1024];
        let encoded = encode_bytes(&big);
        assert_eq!(&encoded[..3], &[0xb9, 0x04, 0x00]);
        assert_eq!(encoded.len(), 1027);
    }

    #[test]
    fn scalars() {
        assert_eq!(encode_u64(0), vec![0x80]);
        assert_eq!(encode_u64(15), vec![0x0f]);
        assert_eq!(encode_u64(0x80), vec![0x81, 0x80]);
        assert_eq!(encode_u64(1024), vec![0x82, 0x04, 0x00]);
        assert_eq!(
            encode_scalar_be(&[0, 0, 0x04, 0x00]),
            vec![0x82, 0x04, 0x00]
        );
        assert_eq!(encode_scalar_be(&[0; 32]), vec![0x80]);
    }

    #[test]
    fn lists() {
        assert_eq!(encode_list(&[]), vec![0xc0]);
        let cat_dog = encode_list(&[encode_bytes(b"cat"), encode_bytes(b"dog")]);
        assert_eq!(
            cat_dog,
            vec![0xc8, 0x83, b'c', b'a', b't', 0x83, b'd', b'o', b'g']
        );
        // The set-theoretical representation of three: [ [], [[]], [ [], [[]] ] ].
        let empty = encode_list(&[]);
        let one = encode_list(std::slice::from_ref(&empty));
        let two = encode_list(&[empty.clone(), one.clone()]);
        let three = encode_list(&[empty, one, two]);
        assert_eq!(three, vec![0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0]);
    }

    #[test]
    fn long_list_prefix() {
        let items: Vec<Vec<u8>> = (0..20).map(|_| encode_bytes(b"abc")).collect();
        let encoded = encode_list(&items);
        assert_eq!(&encoded[..2], &[0xf8, 80]);
        assert_eq!(encoded.len(), 82);
    }
}
