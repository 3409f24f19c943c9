//! Property tests: every `U256` operation against `num-bigint` as an independent oracle,
//! on a mix of uniform random values, random bit lengths and EVM edge values.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use u256::U256;

// ---------------------------------------------------------------------------------------
// Oracle helpers: exact integer semantics written directly from the EVM definitions.
// ---------------------------------------------------------------------------------------

fn big(v: U256) -> BigUint {
    BigUint::from_bytes_le(&v.to_le_bytes())
}

fn modulus() -> BigUint {
    BigUint::one() << 256u32
}

/// `x mod 2^256` back into a `U256` (independently of our own parser).
fn from_big(x: &BigUint) -> U256 {
    let reduced = x % modulus();
    let mut le = reduced.to_bytes_le();
    le.resize(32, 0);
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&le);
    U256::from_le_bytes(bytes)
}

/// Two's complement reading of the 256 bits.
fn signed(v: U256) -> BigInt {
    let u = BigInt::from(big(v));
    if v.bit_is_sign() {
        u - BigInt::from(modulus())
    } else {
        u
    }
}

/// A signed value back to 256 bits (mod 2^256).
fn from_signed(x: &BigInt) -> U256 {
    let m = BigInt::from(modulus());
    let r = ((x % &m) + &m) % &m;
    from_big(&r.to_biguint().unwrap_or_default())
}

trait SignBit {
    fn bit_is_sign(&self) -> bool;
}

impl SignBit for U256 {
    fn bit_is_sign(&self) -> bool {
        self.as_limbs()[3] >> 63 == 1
    }
}

/// `(a - b) mod m` in `[0, m)`; 0 for `m = 0` (EWASM.md 5.1).
fn submod_oracle(a: &BigUint, b: &BigUint, m: &BigUint) -> BigUint {
    if m.is_zero() {
        return BigUint::zero();
    }
    (a % m + m - b % m) % m
}

/// `a * b * 2^-256 mod m` in `[0, m)`; 0 for even `m` (EWASM.md 5.1).
fn mont_oracle(a: &BigUint, b: &BigUint, m: &BigUint) -> BigUint {
    if (m % 2u32).is_zero() || m.is_one() {
        return BigUint::zero();
    }
    let r = (BigUint::one() << 256u32) % m;
    let r_inv = r.modinv(m).unwrap_or_default();
    (a * b % m) * r_inv % m
}

/// A shift amount as the oracle sees it: the exact value, capped at 256.
fn shift_amount(s: U256) -> u32 {
    big(s).to_u32().map_or(256, |x| x.min(256))
}

// ---------------------------------------------------------------------------------------
// Value strategy.
// ---------------------------------------------------------------------------------------

fn edge_values() -> Vec<U256> {
    let p = |k: u32| from_big(&(BigUint::one() << k));
    vec![
        U256::ZERO,
        U256::ONE,
        U256::from_u64(2),
        U256::from_u64(3),
        U256::from_u64(31),
        U256::from_u64(32),
        U256::from_u64(255),
        U256::from_u64(256),
        U256::MAX,
        U256::MAX.wrapping_sub(U256::ONE),
        p(255),
        p(255).wrapping_sub(U256::ONE),
        p(255).wrapping_add(U256::ONE),
        p(128),
        p(128).wrapping_sub(U256::ONE),
        p(64),
        p(64).wrapping_sub(U256::ONE),
        p(192),
        U256::from_u64(u64::MAX),
    ]
}

/// Uniform limbs, random bit lengths (for multi-size division), edge values, small
/// numbers, powers of two and their neighbours.
fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        3 => any::<[u64; 4]>().prop_map(U256::from_limbs),
        3 => (any::<[u64; 4]>(), 0u32..256).prop_map(|(l, s)| {
            U256::from_u64(u64::from(s)).shr(U256::from_limbs(l))
        }),
        2 => proptest::sample::select(edge_values()),
        1 => (0u64..1000).prop_map(U256::from_u64),
        1 => (0u32..256, -2i64..=2).prop_map(|(k, d)| {
            let p = from_big(&(BigUint::one() << k));
            if d >= 0 {
                p.wrapping_add(U256::from_u64(d as u64))
            } else {
                p.wrapping_sub(U256::from_u64(d.unsigned_abs()))
            }
        }),
        1 => (any::<[u64; 4]>(), 0usize..4).prop_map(|(mut l, k)| {
            l[k] = u64::MAX;
            U256::from_limbs(l)
        }),
    ]
}

/// Shift amounts, byte and sign-extension indices: mostly small, sometimes huge.
fn any_index() -> impl Strategy<Value = U256> {
    prop_oneof![
        4 => (0u64..300).prop_map(U256::from_u64),
        1 => any_u256(),
    ]
}

/// 2000 cases per property; `PROPTEST_CASES` overrides the count (proptest's own variable).
/// Under miri (about 10^4 times slower) 16 cases, and no regression-file persistence, which
/// would need file-system access that miri's isolation forbids.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = match std::env::var_os("PROPTEST_CASES") {
        Some(_) => default.cases,
        None if cfg!(miri) => 16,
        None => 2000,
    };
    if cfg!(miri) {
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..default
        }
    } else {
        ProptestConfig { cases, ..default }
    }
}

// ---------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn add_sub_mul(a in any_u256(), b in any_u256()) {
        let (x, y) = (big(a), big(b));
        prop_assert_eq!(a.wrapping_add(b), from_big(&(&x + &y)));
        prop_assert_eq!(a + b, from_big(&(&x + &y)));
        prop_assert_eq!(a.overflowing_add(b).1, &x + &y >= modulus());
        prop_assert_eq!(a.wrapping_sub(b), from_big(&(&x + modulus() - &y)));
        prop_assert_eq!(a - b, a.wrapping_sub(b));
        prop_assert_eq!(a.overflowing_sub(b).1, x < y);
        prop_assert_eq!(a.wrapping_mul(b), from_big(&(&x * &y)));
        prop_assert_eq!(a * b, from_big(&(&x * &y)));
    }

    #[test]
    fn unsigned_division(a in any_u256(), b in any_u256()) {
        let (x, y) = (big(a), big(b));
        let (q, r) = if y.is_zero() {
            (BigUint::zero(), BigUint::zero())
        } else {
            (&x / &y, &x % &y)
        };
        prop_assert_eq!(a.evm_div(b), from_big(&q));
        prop_assert_eq!(a.evm_rem(b), from_big(&r));
        prop_assert_eq!(a.div_rem(b), (from_big(&q), from_big(&r)));
    }

    #[test]
    fn signed_division(a in any_u256(), b in any_u256()) {
        let (x, y) = (signed(a), signed(b));
        // BigInt `/` truncates toward zero and `%` takes the dividend's sign, as in the EVM.
        let (q, r) = if y.is_zero() {
            (BigInt::zero(), BigInt::zero())
        } else {
            (&x / &y, &x % &y)
        };
        prop_assert_eq!(a.evm_sdiv(b), from_signed(&q));
        prop_assert_eq!(a.evm_smod(b), from_signed(&r));
    }

    #[test]
    fn addmod_mulmod(a in any_u256(), b in any_u256(), m in any_u256()) {
        let (x, y, n) = (big(a), big(b), big(m));
        let (s, p) = if n.is_zero() {
            (BigUint::zero(), BigUint::zero())
        } else {
            ((&x + &y) % &n, (&x * &y) % &n)
        };
        prop_assert_eq!(a.addmod(b, m), from_big(&s));
        prop_assert_eq!(a.mulmod(b, m), from_big(&p));
    }

    #[test]
    fn mulmod_with_reduced_operands(a in any_u256(), b in any_u256(), m in any_u256()) {
        // The common cryptographic case: operands already below the modulus.
        prop_assume!(!m.is_zero());
        let (a, b) = (a.evm_rem(m), b.evm_rem(m));
        let n = big(m);
        prop_assert_eq!(a.addmod(b, m), from_big(&((big(a) + big(b)) % &n)));
        prop_assert_eq!(a.mulmod(b, m), from_big(&((big(a) * big(b)) % &n)));
    }

    #[test]
    fn submod_over_the_integers(a in any_u256(), b in any_u256(), m in any_u256()) {
        prop_assert_eq!(a.submod(b, m), from_big(&submod_oracle(&big(a), &big(b), &big(m))));
        // The reduced-operand fast path.
        if !m.is_zero() {
            let (a, b) = (a.evm_rem(m), b.evm_rem(m));
            prop_assert_eq!(a.submod(b, m), from_big(&submod_oracle(&big(a), &big(b), &big(m))));
        }
    }

    #[test]
    fn mulmodmont_over_the_integers(a in any_u256(), b in any_u256(), m in any_u256()) {
        // Random odd moduli (every second case), and whatever `m` is otherwise.
        for m in [m, m.or(U256::ONE)] {
            let expected = from_big(&mont_oracle(&big(a), &big(b), &big(m)));
            prop_assert_eq!(a.mulmodmont(b, m), expected);
            if !m.is_zero() {
                let (a, b) = (a.evm_rem(m), b.evm_rem(m));
                let expected = from_big(&mont_oracle(&big(a), &big(b), &big(m)));
                prop_assert_eq!(a.mulmodmont(b, m), expected);
            }
        }
    }

    #[test]
    fn exponentiation(a in any_u256(), e in any_u256()) {
        prop_assert_eq!(a.wrapping_pow(e), from_big(&big(a).modpow(&big(e), &modulus())));
    }

    #[test]
    fn comparisons(a in any_u256(), b in any_u256()) {
        let (x, y) = (big(a), big(b));
        let (sx, sy) = (signed(a), signed(b));
        prop_assert_eq!(a.lt(b), x < y);
        prop_assert_eq!(a.gt(b), x > y);
        prop_assert_eq!(a.slt(b), sx < sy);
        prop_assert_eq!(a.sgt(b), sx > sy);
        prop_assert_eq!(a.eq(b), x == y);
        prop_assert_eq!(a == b, x == y);
        prop_assert_eq!(a.cmp(&b), x.cmp(&y));
        prop_assert_eq!(a.is_zero(), x.is_zero());
        prop_assert_eq!(a.eq(a), true);
    }

    #[test]
    fn bitwise(a in any_u256(), b in any_u256()) {
        let (x, y) = (big(a), big(b));
        let all_ones = modulus() - BigUint::one();
        prop_assert_eq!(a.and(b), from_big(&(&x & &y)));
        prop_assert_eq!(a & b, from_big(&(&x & &y)));
        prop_assert_eq!(a.or(b), from_big(&(&x | &y)));
        prop_assert_eq!(a | b, from_big(&(&x | &y)));
        prop_assert_eq!(a.xor(b), from_big(&(&x ^ &y)));
        prop_assert_eq!(a ^ b, from_big(&(&x ^ &y)));
        prop_assert_eq!(a.not(), from_big(&(&all_ones - &x)));
        prop_assert_eq!(!a, from_big(&(&all_ones - &x)));
    }

    #[test]
    fn bit_counts(a in any_u256()) {
        let bits = big(a).bits() as u32;
        prop_assert_eq!(a.bits(), bits);
        prop_assert_eq!(a.leading_zeros(), 256 - bits);
        prop_assert_eq!(a.byte_len(), bits.div_ceil(8));
    }

    #[test]
    fn shifts(s in any_index(), v in any_u256()) {
        let k = shift_amount(s);
        let x = big(v);
        let shl = if k >= 256 { BigUint::zero() } else { &x << k };
        let shr = if k >= 256 { BigUint::zero() } else { &x >> k };
        // BigInt `>>` rounds toward minus infinity: an arithmetic shift.
        let sar = signed(v) >> k.min(300);
        prop_assert_eq!(U256::shl(s, v), from_big(&shl));
        prop_assert_eq!(U256::shr(s, v), from_big(&shr));
        prop_assert_eq!(U256::sar(s, v), from_signed(&sar));
    }

    #[test]
    fn byte_and_signextend(i in any_index(), v in any_u256()) {
        let x = big(v);
        let idx = big(i);
        let byte = match idx.to_u32() {
            Some(k) if k < 32 => (&x >> (8 * (31 - k))) & BigUint::from(0xffu32),
            _ => BigUint::zero(),
        };
        prop_assert_eq!(U256::byte(i, v), from_big(&byte));
        let extended = match idx.to_u32() {
            Some(b) if b < 31 => {
                let width = 8 * b + 8;
                let low = &x % (BigUint::one() << width);
                if (&low >> (width - 1)).is_one() {
                    from_signed(&(BigInt::from(low) - (BigInt::one() << width)))
                } else {
                    from_big(&low)
                }
            }
            _ => v,
        };
        prop_assert_eq!(U256::signextend(i, v), extended);
    }

    #[test]
    fn text_round_trips(a in any_u256()) {
        let x = big(a);
        prop_assert_eq!(a.to_string(), x.to_str_radix(10));
        prop_assert_eq!(format!("{a:x}"), x.to_str_radix(16));
        prop_assert_eq!(format!("{a:?}"), x.to_str_radix(10));
        prop_assert_eq!(x.to_str_radix(10).parse::<U256>(), Ok(a));
        prop_assert_eq!(format!("0x{}", x.to_str_radix(16)).parse::<U256>(), Ok(a));
        prop_assert_eq!(U256::from_str_radix(&x.to_str_radix(16).to_uppercase(), 16), Ok(a));
        prop_assert_eq!(U256::from_str_radix(&x.to_str_radix(10), 10), Ok(a));
    }

    #[test]
    fn parse_rejects_overflow(a in any_u256()) {
        // Every value of 2^256 and above must be rejected, in both radixes.
        let too_big = big(a) + modulus();
        prop_assert!(too_big.to_str_radix(10).parse::<U256>().is_err());
        let hex = format!("0x{}", too_big.to_str_radix(16));
        prop_assert!(hex.parse::<U256>().is_err());
    }

    #[test]
    fn byte_conversions(a in any_u256()) {
        let x = big(a);
        let mut be = x.to_bytes_be();
        while be.len() < 32 {
            be.insert(0, 0);
        }
        let be_arr: [u8; 32] = be.clone().try_into().unwrap_or([0; 32]);
        prop_assert_eq!(a.to_be_bytes(), be_arr);
        prop_assert_eq!(U256::from_be_bytes(be_arr), a);
        let mut le = be_arr;
        le.reverse();
        prop_assert_eq!(a.to_le_bytes(), le);
        prop_assert_eq!(U256::from_le_bytes(le), a);
        let minimal = x.to_bytes_be();
        prop_assert_eq!(U256::from_be_slice(&minimal), Some(a));
        prop_assert_eq!(U256::from_le_slice(&x.to_bytes_le()), Some(a));
        prop_assert_eq!(a.try_to_u64(), x.to_u64());
        prop_assert_eq!(a.try_to_u128(), x.to_u128());
        prop_assert_eq!(u128::from(a.low_u64()), (&x % (BigUint::one() << 64u32)).to_u128().unwrap_or(0));
        prop_assert_eq!(a.low_u128(), (&x % (BigUint::one() << 128u32)).to_u128().unwrap_or(0));
        prop_assert_eq!(U256::from_limbs(*a.as_limbs()), a);
    }

    #[test]
    fn integer_conversions(v in any::<u128>()) {
        let x = BigUint::from(v);
        prop_assert_eq!(U256::from(v), from_big(&x));
        prop_assert_eq!(U256::from_u128(v), from_big(&x));
        prop_assert_eq!(U256::from(v as u64), from_big(&BigUint::from(v as u64)));
        prop_assert_eq!(U256::from_u64(v as u64).low_u64(), v as u64);
    }
}

#[cfg(feature = "primitive-types")]
proptest! {
    #![proptest_config(config())]

    #[test]
    fn primitive_types_interop(a in any_u256()) {
        let theirs = primitive_types::U256::from_big_endian(&a.to_be_bytes());
        prop_assert_eq!(primitive_types::U256::from(a), theirs);
        prop_assert_eq!(U256::from(theirs), a);
    }
}

#[cfg(feature = "ethnum")]
proptest! {
    #![proptest_config(config())]

    #[test]
    fn ethnum_interop(a in any_u256()) {
        let theirs = ethnum::U256::from_be_bytes(a.to_be_bytes());
        prop_assert_eq!(ethnum::U256::from(a), theirs);
        prop_assert_eq!(U256::from(theirs), a);
    }
}

#[test]
fn oracle_sign_helpers_agree_with_definitions() {
    // -1 is all ones; MIN is 2^255; the helpers must see them that way.
    assert_eq!(signed(U256::MAX), BigInt::from(-1));
    assert_eq!(signed(U256::SIGNED_MIN).sign(), Sign::Minus);
    assert_eq!(signed(U256::SIGNED_MIN).abs(), BigInt::one() << 255u32);
    assert_eq!(from_signed(&BigInt::from(-1)), U256::MAX);
}

/// `submod` and `mulmodmont` on every pair of edge operands for edge moduli: 0, 1, 2, small
/// odd and even ones, 2^256 - 1 and - 2, 2^255 +- 1, BN254's p, and for each modulus the
/// operands m - 1, m, m + 1 and 2m (mod 2^256) next to the general edge values.
#[test]
fn modular_edges_exhaustively() {
    let bn254_p: U256 = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47"
        .parse()
        .expect("p parses");
    let p255 = from_big(&(BigUint::one() << 255u32));
    let moduli = [
        U256::ZERO,
        U256::ONE,
        U256::from_u64(2),
        U256::from_u64(3),
        U256::from_u64(1 << 40),
        U256::from_u64(0xffff_fffb),
        U256::MAX,
        U256::MAX.wrapping_sub(U256::ONE),
        p255.wrapping_add(U256::ONE),
        p255.wrapping_sub(U256::ONE),
        bn254_p,
    ];
    let mut checked = 0;
    for m in moduli {
        let mut operands = edge_values();
        for k in [
            m.wrapping_sub(U256::ONE),
            m,
            m.wrapping_add(U256::ONE),
            m.wrapping_add(m),
        ] {
            operands.push(k);
        }
        for &a in &operands {
            for &b in &operands {
                let (x, y, n) = (big(a), big(b), big(m));
                assert_eq!(
                    a.submod(b, m),
                    from_big(&submod_oracle(&x, &y, &n)),
                    "{a:x} - {b:x} mod {m:x}"
                );
                assert_eq!(
                    a.mulmodmont(b, m),
                    from_big(&mont_oracle(&x, &y, &n)),
                    "mont({a:x}, {b:x}) mod {m:x}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "{checked} cases");
}
