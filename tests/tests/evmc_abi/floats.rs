//! Deterministic NaNs in the shipped library (EWASM.md section 1 step 8): one contract runs
//! every NaN-producing float instruction on inputs whose Wasm result is a NaN, with operands
//! from constants, locals and memory, and returns every result's bits; each must be the
//! positive canonical NaN of its type. The optimized build is what users load, and the
//! optimizer is where a canonicalisation can get lost, so this runs through the C ABI of
//! the release libraries.

/// The positive canonical f32 NaN.
pub const F32_CANONICAL: u32 = 0x7fc0_0000;
/// The positive canonical f64 NaN.
pub const F64_CANONICAL: u64 = 0x7ff8_0000_0000_0000;

/// NaN inputs: quiet and signalling, both signs, with and without payloads.
const F32_NANS: [u32; 6] = [
    0x7fc0_0000,
    0xffc0_0000,
    0x7f80_0001,
    0xff80_0001,
    0x7fa5_a5a5,
    0xffff_ffff,
];
const F64_NANS: [u64; 6] = [
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff0_0000_0000_0001,
    0xfff0_0000_0000_0001,
    0x7ffa_5a5a_5a5a_5a5a,
    0xffff_ffff_ffff_ffff,
];

/// A float type of the cases.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    F32,
    F64,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::F32 => "f32",
            Ty::F64 => "f64",
        }
    }

    fn bytes(self) -> usize {
        match self {
            Ty::F32 => 4,
            Ty::F64 => 8,
        }
    }

    /// The IEEE bits of a finite or infinite value of this type.
    fn bits(self, v: f64) -> u64 {
        match self {
            Ty::F32 => u64::from((v as f32).to_bits()),
            Ty::F64 => v.to_bits(),
        }
    }

    fn nans(self) -> Vec<u64> {
        match self {
            Ty::F32 => F32_NANS.iter().map(|&b| u64::from(b)).collect(),
            Ty::F64 => F64_NANS.to_vec(),
        }
    }
}

/// Where an operand comes from in the generated code.
#[derive(Clone, Copy, Debug)]
enum Source {
    Const,
    Local,
    Memory,
}

const SOURCES: [Source; 3] = [Source::Const, Source::Local, Source::Memory];

/// One instruction applied to raw input bits; every case's Wasm result is a NaN.
#[derive(Clone, Debug)]
pub struct Case {
    op: String,
    arg_ty: Ty,
    result_ty: Ty,
    args: Vec<u64>,
    source: Source,
}

impl Case {
    /// What the case is, for failure messages.
    pub fn describe(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| format!("{a:#x}")).collect();
        format!("{} ({}) from {:?}", self.op, args.join(", "), self.source)
    }

    /// The canonical NaN bits the result must have.
    pub fn expected(&self) -> u64 {
        match self.result_ty {
            Ty::F32 => u64::from(F32_CANONICAL),
            Ty::F64 => F64_CANONICAL,
        }
    }

    /// The width of the result in bytes.
    pub fn result_bytes(&self) -> usize {
        self.result_ty.bytes()
    }
}

/// Operand lists that make each instruction's result a NaN without a NaN input (the IEEE
/// invalid operations), for type `t`.
fn invalid_operands(op: &str, t: Ty) -> Vec<Vec<u64>> {
    let b = |v: f64| t.bits(v);
    let inf = f64::INFINITY;
    match op {
        "add" => vec![vec![b(inf), b(-inf)], vec![b(-inf), b(inf)]],
        "sub" => vec![vec![b(inf), b(inf)], vec![b(-inf), b(-inf)]],
        "mul" => vec![vec![b(0.0), b(inf)], vec![b(-inf), b(0.0)]],
        "div" => vec![vec![b(0.0), b(-0.0)], vec![b(inf), b(-inf)]],
        "sqrt" => vec![vec![b(-1.0)], vec![b(-inf)], vec![b(-1e-30)]],
        _ => Vec::new(),
    }
}

/// Every case: each binary op with a NaN on either side or both, and its invalid
/// operations; each unary op on every NaN; demote and promote of every NaN; all from each
/// operand source.
pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for t in [Ty::F32, Ty::F64] {
        let nans = t.nans();
        let one = t.bits(1.5);
        let mut per_op: Vec<(&str, Vec<Vec<u64>>)> = Vec::new();
        for op in ["add", "sub", "mul", "div", "min", "max"] {
            let mut args: Vec<Vec<u64>> = Vec::new();
            for (i, &n) in nans.iter().enumerate() {
                args.push(vec![n, one]);
                args.push(vec![one, n]);
                args.push(vec![n, nans[(i + 1) % nans.len()]]);
            }
            args.extend(invalid_operands(op, t));
            per_op.push((op, args));
        }
        for op in ["sqrt", "ceil", "floor", "trunc", "nearest"] {
            let mut args: Vec<Vec<u64>> = nans.iter().map(|&n| vec![n]).collect();
            args.extend(invalid_operands(op, t));
            per_op.push((op, args));
        }
        for (op, args_list) in per_op {
            for args in args_list {
                for source in SOURCES {
                    out.push(Case {
                        op: format!("{}.{op}", t.name()),
                        arg_ty: t,
                        result_ty: t,
                        args: args.clone(),
                        source,
                    });
                }
            }
        }
    }
    for (op, from, to) in [
        ("f32.demote_f64", Ty::F64, Ty::F32),
        ("f64.promote_f32", Ty::F32, Ty::F64),
    ] {
        for n in from.nans() {
            for source in SOURCES {
                out.push(Case {
                    op: op.to_string(),
                    arg_ty: from,
                    result_ty: to,
                    args: vec![n],
                    source,
                });
            }
        }
    }
    out
}

/// Offset of the input area in linear memory (results are written from 0).
const INPUTS: usize = 32 * 1024;

/// The contract: for each case, computes the instruction and stores the result's bits
/// (results packed from offset 0), then `finish`es with all of them. Returns the WAT and
/// the output length.
pub fn contract(cases: &[Case]) -> (String, usize) {
    let mut data = Vec::new();
    let mut locals = String::new();
    let mut body = String::new();
    let mut out = 0usize;
    for (k, case) in cases.iter().enumerate() {
        let t = case.arg_ty.name();
        let mut operands = String::new();
        for (j, &bits) in case.args.iter().enumerate() {
            let konst = match case.arg_ty {
                Ty::F32 => format!("(f32.reinterpret_i32 (i32.const {}))", bits as u32 as i32),
                Ty::F64 => format!("(f64.reinterpret_i64 (i64.const {}))", bits as i64),
            };
            match case.source {
                Source::Const => operands.push_str(&konst),
                Source::Local => {
                    let name = format!("$l{k}_{j}");
                    locals.push_str(&format!("(local {name} {t}) "));
                    body.push_str(&format!("(local.set {name} {konst})\n"));
                    operands.push_str(&format!("(local.get {name})"));
                }
                Source::Memory => {
                    let at = INPUTS + data.len();
                    match case.arg_ty {
                        Ty::F32 => data.extend_from_slice(&(bits as u32).to_le_bytes()),
                        Ty::F64 => data.extend_from_slice(&bits.to_le_bytes()),
                    }
                    operands.push_str(&format!("({t}.load (i32.const {at}))"));
                }
            }
        }
        let store = case.result_ty.name();
        body.push_str(&format!(
            "({store}.store (i32.const {out}) ({} {operands}))\n",
            case.op
        ));
        out += case.result_bytes();
    }
    assert!(out <= INPUTS, "results overlap the inputs");
    let data: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const {INPUTS}) "{data}")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main {locals}
{body}
    (call $finish (i32.const 0) (i32.const {out}))))"#
    );
    (wat, out)
}

/// The cases whose result in `output` is not the canonical NaN, described.
pub fn mismatches(cases: &[Case], output: &[u8]) -> Vec<String> {
    let mut at = 0;
    let mut bad = Vec::new();
    for case in cases {
        let n = case.result_bytes();
        let got = output.get(at..at + n).map(|b| {
            let mut le = [0u8; 8];
            le[..n].copy_from_slice(b);
            u64::from_le_bytes(le)
        });
        if got != Some(case.expected()) {
            bad.push(format!(
                "{}: got {:?}, expected {:#x}",
                case.describe(),
                got.map(|g| format!("{g:#x}")),
                case.expected()
            ));
        }
        at += n;
    }
    bad
}
