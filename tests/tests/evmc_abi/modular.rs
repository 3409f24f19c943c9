// Included by `suite.rs`, once per ABI: `submod256` and `mulmodmont256` (EWASM.md 5.1)
// through the C ABI of the release library, against num-bigint, metering off and on.

/// Reads a, b, m (96 bytes of call data), writes submod(a, b, m) at 96 and
/// mulmodmont(a, b, m) at 128 and finishes with both. Metered: the entry block is 1 + 17
/// instructions, plus 3 and 5 for the two operations.
const MODULAR_WAT: &str = r#"(module
  (import "ethereum" "callDataCopy" (func $cdc (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "bignum" "submod256" (func $submod (param i32 i32 i32 i32)))
  (import "bignum" "mulmodmont256" (func $mont (param i32 i32 i32 i32)))
  (memory 1)
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (call $cdc (i32.const 0) (i32.const 0) (i32.const 96))
    (call $submod (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 96))
    (call $mont (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 128))
    (call $finish (i32.const 96) (i32.const 64))))"#;

/// `(a - b) mod m` and `a * b * 2^-256 mod m` as EWASM.md 5.1 defines them, each 32 bytes
/// big-endian.
fn modular_reference(a: &[u8], b: &[u8], m: &[u8]) -> Vec<u8> {
    use num_bigint::BigUint;
    let (a, b, m) = (
        BigUint::from_bytes_be(a),
        BigUint::from_bytes_be(b),
        BigUint::from_bytes_be(m),
    );
    let zero = BigUint::from(0u8);
    let sub = if m == zero {
        zero.clone()
    } else {
        (&a % &m + &m - &b % &m) % &m
    };
    let mont = if m.bit(0) && m != BigUint::from(1u8) {
        let r_inv = ((BigUint::from(1u8) << 256u32) % &m)
            .modinv(&m)
            .expect("odd modulus");
        (&a * &b % &m) * r_inv % &m
    } else {
        zero
    };
    let be32 = |x: BigUint| {
        let bytes = x.to_bytes_be();
        let mut out = vec![0u8; 32 - bytes.len()];
        out.extend(bytes);
        out
    };
    [be32(sub), be32(mont)].concat()
}

#[test]
fn modular_bignum_ops_match_num_bigint() {
    let p = hex::decode("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")
        .expect("hex");
    let word = |byte: u8| vec![byte; 32];
    let small = |v: u8| {
        let mut w = vec![0u8; 32];
        w[31] = v;
        w
    };
    let cases = [
        (small(5), small(9), p.clone()),
        (word(0x11), word(0x22), p.clone()),
        (word(0xff), word(0xfe), p.clone()),
        (p.clone(), small(1), p.clone()),
        (small(7), small(3), small(97)),
        (small(7), small(3), small(10)),
        (word(0xff), word(0xff), word(0xff)),
        (small(7), small(3), small(0)),
    ];
    for metering in ["false", "true"] {
        let vm = Vm::new();
        assert_eq!(vm.set_option(Some("metering"), Some(metering)), 0);
        let h = TestHost::default();
        for (a, b, m) in &cases {
            let input = [a.as_slice(), b, m].concat();
            let msg = message(sys::evmc_call_kind::EVMC_CALL, 10_000, &input);
            let res = vm.execute(Some(&h), BYZANTIUM, &msg, &wasm(MODULAR_WAT));
            assert_eq!(res.status, status::SUCCESS, "metering={metering}");
            assert_eq!(res.output, modular_reference(a, b, m), "metering={metering}");
            // callDataCopy of 96 bytes: 3 + 3 * 3; metered: 18 for the block, 3 + 5.
            let expected = if metering == "true" { 12 + 18 + 8 } else { 12 };
            assert_eq!(10_000 - res.gas_left, expected, "metering={metering}");
        }
    }
}
