//! Every `U256` operation side by side with `ruint`, `ethnum` and `primitive-types`.
//!
//! Each criterion group is one operation; each function in it is one library, timed over
//! the same [`N`] fixed pseudo-random operand sets per iteration (each library gets them
//! in its own type, converted before timing) (so one iteration is `N`
//! operations; `table.sh` divides by `N`). A library without the operation has no cell.
//! Before timing, every library's result is checked against ours once.

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use std::hint::black_box;
use std::str::FromStr;
use u256::U256;

/// Operations per timed iteration (`table.sh` divides by the same number).
const N: usize = 64;

type Ru = ruint::aliases::U256;
type Eth = ethnum::U256;
type Pt = primitive_types::U256;

/// SplitMix64: a fixed, reproducible stream of random-looking limbs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn limbs(&mut self) -> [u64; 4] {
        [self.next(), self.next(), self.next(), self.next()]
    }
}

/// One operand in every library's representation.
#[derive(Clone, Copy)]
struct Val {
    ours: U256,
    ru: Ru,
    eth: Eth,
    pt: Pt,
}

impl Val {
    fn new(limbs: [u64; 4]) -> Val {
        let ours = U256::from_limbs(limbs);
        Val {
            ours,
            ru: Ru::from_limbs(limbs),
            eth: Eth::from_be_bytes(ours.to_be_bytes()),
            pt: primitive_types::U256(limbs),
        }
    }
}

/// The fixed operand sets.
struct Inputs {
    /// Uniform random (a, b, m) triples; m is full-width.
    uniform: Vec<(Val, Val, Val)>,
    /// Uniform dividends with non-zero divisors of random bit length (1..=256 bits).
    div: Vec<(Val, Val)>,
    /// Odd bases with uniform 256-bit exponents (no early exit for anyone).
    exp: Vec<(Val, Val)>,
    /// Shift amounts 0..256 and uniform values.
    shift: Vec<(Val, usize)>,
    /// Byte indices 0..32 and uniform values.
    index: Vec<(Val, usize)>,
}

fn inputs() -> Inputs {
    let mut rng = SplitMix(0x5eed_0256);
    let val = |rng: &mut SplitMix| Val::new(rng.limbs());
    let uniform = (0..N)
        .map(|_| (val(&mut rng), val(&mut rng), val(&mut rng)))
        .collect();
    let div = (0..N)
        .map(|_| {
            let a = val(&mut rng);
            let bits = 1 + (rng.next() % 256) as u32;
            let b = U256::from_u64(u64::from(256 - bits)).shr(U256::from_limbs(rng.limbs()));
            let b = b.or(U256::ONE);
            (a, Val::new(*b.as_limbs()))
        })
        .collect();
    let exp = (0..N)
        .map(|_| {
            let mut base = rng.limbs();
            base[0] |= 1;
            (Val::new(base), val(&mut rng))
        })
        .collect();
    let shift = (0..N)
        .map(|_| (val(&mut rng), (rng.next() % 256) as usize))
        .collect();
    let index = (0..N)
        .map(|_| (val(&mut rng), (rng.next() % 32) as usize))
        .collect();
    Inputs {
        uniform,
        div,
        exp,
        shift,
        index,
    }
}

/// Times `f` over all `inputs` in one iteration.
fn cell<T: Copy, R>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    lib: &str,
    inputs: &[T],
    f: impl Fn(T) -> R,
) {
    g.bench_function(lib, |b| {
        b.iter(|| {
            for &x in black_box(inputs) {
                black_box(f(black_box(x)));
            }
        })
    });
}

/// Checks once, before timing, that another library agrees with ours on every input.
fn check<T: Copy>(
    op: &str,
    lib: &str,
    inputs: &[T],
    ours: impl Fn(T) -> U256,
    theirs: impl Fn(T) -> U256,
) {
    for &x in inputs {
        assert_eq!(ours(x), theirs(x), "{op}: {lib} disagrees");
    }
}

fn from_ru(v: Ru) -> U256 {
    U256::from_limbs(*v.as_limbs())
}
fn from_eth(v: Eth) -> U256 {
    U256::from_be_bytes(v.to_be_bytes())
}
fn from_pt(v: Pt) -> U256 {
    U256::from_limbs(v.0)
}

/// A binary operation over the uniform pairs, in every library that has it.
macro_rules! binary {
    ($c:expr, $inp:expr, $op:literal, $set:ident, ours: $o:expr $(, ru: $r:expr)? $(, eth: $e:expr)? $(, pt: $p:expr)?) => {{
        let set: Vec<(Val, Val)> = $inp.$set.iter().map(|t| (t.0, t.1)).collect();
        let ours_fn = $o;
        $( check($op, "ruint", &set, |(a, b)| ours_fn(a.ours, b.ours), |(a, b): (Val, Val)| from_ru($r(a.ru, b.ru))); )?
        $( check($op, "ethnum", &set, |(a, b)| ours_fn(a.ours, b.ours), |(a, b): (Val, Val)| from_eth($e(a.eth, b.eth))); )?
        $( check($op, "primitive-types", &set, |(a, b)| ours_fn(a.ours, b.ours), |(a, b): (Val, Val)| from_pt($p(a.pt, b.pt))); )?
        let mut g = $c.benchmark_group($op);
        let ours: Vec<(U256, U256)> = set.iter().map(|(a, b)| (a.ours, b.ours)).collect();
        cell(&mut g, "ours", &ours, |(a, b)| ours_fn(a, b));
        $( let ru: Vec<(Ru, Ru)> = set.iter().map(|(a, b)| (a.ru, b.ru)).collect();
           cell(&mut g, "ruint", &ru, |(a, b)| $r(a, b)); )?
        $( let eth: Vec<(Eth, Eth)> = set.iter().map(|(a, b)| (a.eth, b.eth)).collect();
           cell(&mut g, "ethnum", &eth, |(a, b)| $e(a, b)); )?
        $( let pt: Vec<(Pt, Pt)> = set.iter().map(|(a, b)| (a.pt, b.pt)).collect();
           cell(&mut g, "primitive-types", &pt, |(a, b)| $p(a, b)); )?
        g.finish();
    }};
}

fn arithmetic(c: &mut Criterion) {
    let inp = inputs();
    binary!(c, inp, "add", uniform, ours: U256::wrapping_add,
        ru: Ru::wrapping_add, eth: Eth::wrapping_add, pt: |a: Pt, b| a.overflowing_add(b).0);
    binary!(c, inp, "sub", uniform, ours: U256::wrapping_sub,
        ru: Ru::wrapping_sub, eth: Eth::wrapping_sub, pt: |a: Pt, b| a.overflowing_sub(b).0);
    binary!(c, inp, "mul", uniform, ours: U256::wrapping_mul,
        ru: Ru::wrapping_mul, eth: Eth::wrapping_mul, pt: |a: Pt, b| a.overflowing_mul(b).0);
    binary!(c, inp, "div", div, ours: U256::evm_div,
        ru: |a: Ru, b| a / b, eth: |a: Eth, b| a / b, pt: |a: Pt, b| a / b);
    binary!(c, inp, "rem", div, ours: U256::evm_rem,
        ru: |a: Ru, b| a % b, eth: |a: Eth, b| a % b, pt: |a: Pt, b| a % b);
    binary!(c, inp, "sdiv", div, ours: U256::evm_sdiv,
        eth: |a: Eth, b: Eth| a.as_i256().wrapping_div(b.as_i256()).as_u256());
    binary!(c, inp, "smod", div, ours: U256::evm_smod,
        eth: |a: Eth, b: Eth| a.as_i256().wrapping_rem(b.as_i256()).as_u256());
    binary!(c, inp, "exp", exp, ours: U256::wrapping_pow,
        ru: Ru::wrapping_pow, pt: |a: Pt, b| a.overflowing_pow(b).0);
}

fn modular(c: &mut Criterion) {
    let inp = inputs();
    for (op, add) in [("addmod", true), ("mulmod", false)] {
        let set = &inp.uniform;
        let ours = |(a, b, m): (U256, U256, U256)| {
            if add {
                a.addmod(b, m)
            } else {
                a.mulmod(b, m)
            }
        };
        let ru = |(a, b, m): (Ru, Ru, Ru)| {
            if add {
                a.add_mod(b, m)
            } else {
                a.mul_mod(b, m)
            }
        };
        let ours_set: Vec<_> = set
            .iter()
            .map(|(a, b, m)| (a.ours, b.ours, m.ours))
            .collect();
        let ru_set: Vec<_> = set.iter().map(|(a, b, m)| (a.ru, b.ru, m.ru)).collect();
        check(
            op,
            "ruint",
            set,
            |(a, b, m)| ours((a.ours, b.ours, m.ours)),
            |(a, b, m)| from_ru(ru((a.ru, b.ru, m.ru))),
        );
        let mut g = c.benchmark_group(op);
        cell(&mut g, "ours", &ours_set, ours);
        cell(&mut g, "ruint", &ru_set, ru);
        g.finish();
    }
}

fn comparisons(c: &mut Criterion) {
    let inp = inputs();
    let b = |x: bool| U256::from_u64(x as u64);
    binary!(c, inp, "lt", uniform, ours: |x: U256, y| b(x.lt(y)),
        ru: |x: Ru, y| Ru::from(x < y), eth: |x: Eth, y| Eth::from(x < y), pt: |x: Pt, y| Pt::from((x < y) as u64));
    binary!(c, inp, "gt", uniform, ours: |x: U256, y| b(x.gt(y)),
        ru: |x: Ru, y| Ru::from(x > y), eth: |x: Eth, y| Eth::from(x > y), pt: |x: Pt, y| Pt::from((x > y) as u64));
    binary!(c, inp, "slt", uniform, ours: |x: U256, y| b(x.slt(y)),
        eth: |x: Eth, y: Eth| Eth::from(x.as_i256() < y.as_i256()));
    binary!(c, inp, "sgt", uniform, ours: |x: U256, y| b(x.sgt(y)),
        eth: |x: Eth, y: Eth| Eth::from(x.as_i256() > y.as_i256()));
    binary!(c, inp, "eq", uniform, ours: |x: U256, y| b(x.eq(y)),
        ru: |x: Ru, y| Ru::from(x == y), eth: |x: Eth, y| Eth::from(x == y), pt: |x: Pt, y| Pt::from((x == y) as u64));
    binary!(c, inp, "iszero", uniform, ours: |x: U256, _| b(x.is_zero()),
        ru: |x: Ru, _| Ru::from(x.is_zero()), eth: |x: Eth, _| Eth::from(x == Eth::ZERO), pt: |x: Pt, _| Pt::from(x.is_zero() as u64));
}

fn bitwise(c: &mut Criterion) {
    let inp = inputs();
    binary!(c, inp, "and", uniform, ours: U256::and,
        ru: |a: Ru, b| a & b, eth: |a: Eth, b| a & b, pt: |a: Pt, b| a & b);
    binary!(c, inp, "or", uniform, ours: U256::or,
        ru: |a: Ru, b| a | b, eth: |a: Eth, b| a | b, pt: |a: Pt, b| a | b);
    binary!(c, inp, "xor", uniform, ours: U256::xor,
        ru: |a: Ru, b| a ^ b, eth: |a: Eth, b| a ^ b, pt: |a: Pt, b| a ^ b);
    binary!(c, inp, "not", uniform, ours: |a: U256, _| a.not(),
        ru: |a: Ru, _| !a, eth: |a: Eth, _| !a, pt: |a: Pt, _| !a);
    binary!(c, inp, "leading_zeros", uniform, ours: |a: U256, _| U256::from_u64(u64::from(a.leading_zeros())),
        ru: |a: Ru, _| Ru::from(a.leading_zeros()), eth: |a: Eth, _| Eth::from(a.leading_zeros()),
        pt: |a: Pt, _| Pt::from(a.leading_zeros()));
}

/// Operations taking a small index (shift amount or byte index) and a value.
fn indexed(c: &mut Criterion) {
    let inp = inputs();
    type Ix = (Val, usize);
    let sets: [(&str, &[Ix]); 5] = [
        ("shl", &inp.shift),
        ("shr", &inp.shift),
        ("sar", &inp.shift),
        ("byte", &inp.index),
        ("signextend", &inp.index),
    ];
    for (op, set) in sets {
        let ours_set: Vec<(U256, U256)> = set
            .iter()
            .map(|&(v, k)| (U256::from_u64(k as u64), v.ours))
            .collect();
        let ours: fn((U256, U256)) -> U256 = match op {
            "shl" => |(k, v)| U256::shl(k, v),
            "shr" => |(k, v)| U256::shr(k, v),
            "sar" => |(k, v)| U256::sar(k, v),
            "byte" => |(k, v)| U256::byte(k, v),
            _ => |(k, v)| U256::signextend(k, v),
        };
        let ru: Option<fn((Ru, usize)) -> Ru> = match op {
            "shl" => Some(|(v, k)| v.wrapping_shl(k)),
            "shr" => Some(|(v, k)| v.wrapping_shr(k)),
            "sar" => Some(|(v, k)| v.arithmetic_shr(k)),
            "byte" => Some(|(v, k)| Ru::from(v.byte(31 - k))),
            _ => None,
        };
        let eth: Option<fn((Eth, usize)) -> Eth> = match op {
            "shl" => Some(|(v, k)| v.wrapping_shl(k as u32)),
            "shr" => Some(|(v, k)| v.wrapping_shr(k as u32)),
            "sar" => Some(|(v, k)| v.as_i256().wrapping_shr(k as u32).as_u256()),
            _ => None,
        };
        let pt: Option<fn((Pt, usize)) -> Pt> = match op {
            "shl" => Some(|(v, k)| v << k),
            "shr" => Some(|(v, k)| v >> k),
            "byte" => Some(|(v, k)| Pt::from(v.byte(31 - k))),
            _ => None,
        };
        let expect = |x: Ix| ours((U256::from_u64(x.1 as u64), x.0.ours));
        let mut g = c.benchmark_group(op);
        cell(&mut g, "ours", &ours_set, ours);
        if let Some(f) = ru {
            check(op, "ruint", set, expect, |(v, k)| from_ru(f((v.ru, k))));
            let lib_set: Vec<_> = set.iter().map(|&(v, k)| (v.ru, k)).collect();
            cell(&mut g, "ruint", &lib_set, f);
        }
        if let Some(f) = eth {
            check(op, "ethnum", set, expect, |(v, k)| from_eth(f((v.eth, k))));
            let lib_set: Vec<_> = set.iter().map(|&(v, k)| (v.eth, k)).collect();
            cell(&mut g, "ethnum", &lib_set, f);
        }
        if let Some(f) = pt {
            check(op, "primitive-types", set, expect, |(v, k)| {
                from_pt(f((v.pt, k)))
            });
            let lib_set: Vec<_> = set.iter().map(|&(v, k)| (v.pt, k)).collect();
            cell(&mut g, "primitive-types", &lib_set, f);
        }
        g.finish();
    }
}

/// Bytes and text.
fn conversions(c: &mut Criterion) {
    let inp = inputs();
    let vals: Vec<Val> = inp.uniform.iter().map(|t| t.0).collect();
    let bytes: Vec<[u8; 32]> = vals.iter().map(|v| v.ours.to_be_bytes()).collect();
    let dec: Vec<String> = vals.iter().map(|v| v.ours.to_string()).collect();
    for v in &vals {
        assert_eq!(v.ru.to_string(), v.ours.to_string());
        assert_eq!(v.eth.to_string(), v.ours.to_string());
        assert_eq!(v.pt.to_string(), v.ours.to_string());
        assert_eq!(v.pt.to_big_endian(), v.ours.to_be_bytes());
    }

    let ours: Vec<U256> = vals.iter().map(|v| v.ours).collect();
    let ru: Vec<Ru> = vals.iter().map(|v| v.ru).collect();
    let eth: Vec<Eth> = vals.iter().map(|v| v.eth).collect();
    let pt: Vec<Pt> = vals.iter().map(|v| v.pt).collect();

    let mut g = c.benchmark_group("to_be_bytes");
    cell(&mut g, "ours", &ours, |v| v.to_be_bytes());
    cell(&mut g, "ruint", &ru, |v| v.to_be_bytes::<32>());
    cell(&mut g, "ethnum", &eth, |v| v.to_be_bytes());
    cell(&mut g, "primitive-types", &pt, |v| v.to_big_endian());
    g.finish();

    let mut g = c.benchmark_group("from_be_bytes");
    cell(&mut g, "ours", &bytes, U256::from_be_bytes);
    cell(&mut g, "ruint", &bytes, Ru::from_be_bytes::<32>);
    cell(&mut g, "ethnum", &bytes, Eth::from_be_bytes);
    cell(&mut g, "primitive-types", &bytes, |b| {
        Pt::from_big_endian(&b)
    });
    g.finish();

    let mut g = c.benchmark_group("to_string");
    cell(&mut g, "ours", &ours, |v| v.to_string());
    cell(&mut g, "ruint", &ru, |v| v.to_string());
    cell(&mut g, "ethnum", &eth, |v| v.to_string());
    cell(&mut g, "primitive-types", &pt, |v| v.to_string());
    g.finish();

    let dec_refs: Vec<&str> = dec.iter().map(String::as_str).collect();
    for (s, v) in dec_refs.iter().zip(&vals) {
        assert_eq!(Ru::from_str(s).ok(), Some(v.ru));
        assert_eq!(Eth::from_str_radix(s, 10).ok(), Some(v.eth));
        assert_eq!(Pt::from_dec_str(s).ok(), Some(v.pt));
    }
    let mut g = c.benchmark_group("parse");
    cell(&mut g, "ours", &dec_refs, U256::from_str);
    cell(&mut g, "ruint", &dec_refs, Ru::from_str);
    cell(&mut g, "ethnum", &dec_refs, |s| Eth::from_str_radix(s, 10));
    cell(&mut g, "primitive-types", &dec_refs, |s| {
        Pt::from_dec_str(s)
    });
    g.finish();
}

criterion_group!(
    benches,
    arithmetic,
    modular,
    comparisons,
    bitwise,
    indexed,
    conversions
);
criterion_main!(benches);
