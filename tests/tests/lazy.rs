//! Lazy translation through `ssvm::vm::execute`: eight threads share one VM's module cache
//! and call, for the first time at the same moment, every function of a contract whose
//! module was validated (put in the cache) but none of whose functions was translated
//! (metering off and on); every result is checked, and each function was translated
//! exactly once. (The cache itself may compile a module twice when threads miss it at
//! once, so the module is put in the cache first: the threads then share one module.)

use ewasm_host::mock::MockHost;
use ewasm_host::{Message, Revision, StatusCode};
use ssvm::options::Options;
use ssvm::vm::{self, ContractCache};

/// Functions behind `main`'s table.
const N: usize = 48;
const THREADS: usize = 8;

/// `main` reads a 4-byte selector `k` from the call data and returns `f<k>(k)` as 4 bytes,
/// calling `f<k>` through a table; `f<k>(x) = x * (k + 3) + k` with a loop of two
/// iterations.
fn contract() -> Vec<u8> {
    let funcs: String = (0..N)
        .map(|k| {
            format!(
                r#"(func $f{k} (param i32) (result i32) (local i32)
                  (local.set 1 (i32.const 2))
                  (loop $l (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
                  (i32.add (i32.mul (local.get 0) (i32.const {m})) (i32.const {k})))"#,
                m = k + 3
            )
        })
        .collect();
    let elems: String = (0..N).map(|k| format!("$f{k} ")).collect();
    let wat = format!(
        r#"(module
          (import "ethereum" "callDataCopy" (func $cdc (param i32 i32 i32)))
          (import "ethereum" "finish" (func $finish (param i32 i32)))
          (type $t (func (param i32) (result i32)))
          (memory 1) (export "memory" (memory 0))
          (table {N} funcref) (elem (i32.const 0) {elems})
          (func (export "main")
            (call $cdc (i32.const 0) (i32.const 0) (i32.const 4))
            (i32.store (i32.const 0)
              (call_indirect (type $t) (i32.load (i32.const 0)) (i32.load (i32.const 0))))
            (call $finish (i32.const 0) (i32.const 4)))
          {funcs})"#
    );
    wat::parse_str(wat).expect("valid contract")
}

#[test]
fn eight_threads_translate_each_function_once() {
    let code = contract();
    for metering in [false, true] {
        let opts = Options {
            metering,
            ..Options::default()
        };
        let cache = ContractCache::new(8);
        let contract = vm::compiled(&cache, &opts, Revision::Byzantium, &code).expect("valid");
        assert_eq!(contract.translated_count(), 0, "validated only");
        let barrier = std::sync::Barrier::new(THREADS);
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let (cache, barrier, code) = (&cache, &barrier, &code);
                s.spawn(move || {
                    barrier.wait();
                    for i in 0..N {
                        let k = (i + t * 5) % N;
                        let input = (k as u32).to_le_bytes().to_vec();
                        let msg = Message::call([2; 20], [1; 20], 1_000_000, input);
                        let mut host = MockHost::new();
                        let out =
                            vm::execute(&opts, cache, Revision::Byzantium, &msg, code, &mut host);
                        assert_eq!(out.status, StatusCode::Success, "f{k} thread {t}");
                        let want = (k * (k + 3) + k) as u32;
                        assert_eq!(out.output, want.to_le_bytes(), "f{k} thread {t}");
                    }
                });
            }
        });
        assert_eq!(contract.defined_func_count(), N + 1);
        assert_eq!(contract.translated_count(), N + 1, "metering {metering}");
        assert_eq!(cache.stats().misses, 1, "compiled once");
    }
}
