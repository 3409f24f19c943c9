//! `evmc_abi12_layout`: the hand-written ABI 12 types of `evmc-ssvm` (`ssvm::evmc::sys12`)
//! against EVMC 12.1.0's `evmc.h`. A C file compiled at test time with `cc` prints sizeof,
//! alignof and the offset of every field of every struct we define; each must equal ours.
//! Without `../shared` the test prints SKIP and passes, unless `CI` is set (then it fails).

use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use ssvm::evmc::sys12::*;

/// One line the C program prints and the value we expect: `name value`.
type Expect = Vec<(String, usize)>;

/// Adds size, align and every field's offset of a struct, and the matching C `printf`s.
macro_rules! layout {
    ($exp:ident, $c:ident, $ty:ident { $($field:ident),* $(,)? }) => {{
        let ty = stringify!($ty);
        $exp.push((format!("{ty}.size"), size_of::<$ty>()));
        $exp.push((format!("{ty}.align"), align_of::<$ty>()));
        $c.push_str(&format!(
            "printf(\"{ty}.size %zu\\n\", sizeof(struct {ty}));\n\
             printf(\"{ty}.align %zu\\n\", _Alignof(struct {ty}));\n"
        ));
        $(
            let field = stringify!($field);
            $exp.push((format!("{ty}.{field}"), offset_of!($ty, $field)));
            $c.push_str(&format!(
                "printf(\"{ty}.{field} %zu\\n\", offsetof(struct {ty}, {field}));\n"
            ));
        )*
    }};
}

/// Sizes of the enums and function-pointer slots (C enums are `int`-sized).
macro_rules! scalar {
    ($exp:ident, $c:ident, $ty:ty, $cty:literal) => {{
        $exp.push((format!("{}.size", $cty), size_of::<$ty>()));
        $c.push_str(&format!(
            "printf(\"{}.size %zu\\n\", sizeof({}));\n",
            $cty, $cty
        ));
    }};
}

fn expectations() -> (Expect, String) {
    let mut exp = Expect::new();
    let mut c = String::new();
    layout!(exp, c, evmc_bytes32 { bytes });
    layout!(exp, c, evmc_address { bytes });
    layout!(
        exp,
        c,
        evmc_message {
            kind,
            flags,
            depth,
            gas,
            recipient,
            sender,
            input_data,
            input_size,
            value,
            create2_salt,
            code_address,
            code,
            code_size
        }
    );
    layout!(
        exp,
        c,
        evmc_tx_initcode {
            hash,
            code,
            code_size
        }
    );
    layout!(
        exp,
        c,
        evmc_tx_context {
            tx_gas_price,
            tx_origin,
            block_coinbase,
            block_number,
            block_timestamp,
            block_gas_limit,
            block_prev_randao,
            chain_id,
            block_base_fee,
            blob_base_fee,
            blob_hashes,
            blob_hashes_count,
            initcodes,
            initcodes_count
        }
    );
    layout!(
        exp,
        c,
        evmc_result {
            status_code,
            gas_left,
            gas_refund,
            output_data,
            output_size,
            release,
            create_address,
            padding
        }
    );
    layout!(
        exp,
        c,
        evmc_host_interface {
            account_exists,
            get_storage,
            set_storage,
            get_balance,
            get_code_size,
            get_code_hash,
            copy_code,
            selfdestruct,
            call,
            get_tx_context,
            get_block_hash,
            emit_log,
            access_account,
            access_storage,
            get_transient_storage,
            set_transient_storage
        }
    );
    layout!(
        exp,
        c,
        evmc_vm {
            abi_version,
            name,
            version,
            destroy,
            execute,
            get_capabilities,
            set_option
        }
    );
    scalar!(exp, c, evmc_status_code, "enum evmc_status_code");
    scalar!(exp, c, evmc_revision, "enum evmc_revision");
    scalar!(exp, c, evmc_call_kind, "enum evmc_call_kind");
    scalar!(exp, c, evmc_storage_status, "enum evmc_storage_status");
    scalar!(exp, c, evmc_access_status, "enum evmc_access_status");
    scalar!(
        exp,
        c,
        evmc_set_option_result,
        "enum evmc_set_option_result"
    );
    // Enum values and the ABI version.
    let values: [(&str, usize); 12] = [
        ("EVMC_ABI_VERSION", EVMC_ABI_VERSION as usize),
        ("EVMC_OSAKA", evmc_revision::EVMC_OSAKA as usize),
        ("EVMC_PARIS", evmc_revision::EVMC_PARIS as usize),
        ("EVMC_CANCUN", evmc_revision::EVMC_CANCUN as usize),
        (
            "EVMC_MAX_REVISION",
            evmc_revision::EVMC_MAX_REVISION as usize,
        ),
        ("EVMC_DELEGATED", evmc_flags::EVMC_DELEGATED as usize),
        ("EVMC_EOFCREATE", evmc_call_kind::EVMC_EOFCREATE as usize),
        (
            "EVMC_STORAGE_MODIFIED_RESTORED",
            evmc_storage_status::EVMC_STORAGE_MODIFIED_RESTORED as usize,
        ),
        (
            "EVMC_STORAGE_ADDED",
            evmc_storage_status::EVMC_STORAGE_ADDED as usize,
        ),
        (
            "EVMC_INSUFFICIENT_BALANCE",
            evmc_status_code::EVMC_INSUFFICIENT_BALANCE as usize,
        ),
        (
            "EVMC_CAPABILITY_PRECOMPILES",
            evmc_capabilities::EVMC_CAPABILITY_PRECOMPILES as usize,
        ),
        (
            "EVMC_SET_OPTION_INVALID_VALUE",
            evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE as usize,
        ),
    ];
    for (name, value) in values {
        exp.push((name.to_string(), value));
        c.push_str(&format!("printf(\"{name} %zu\\n\", (size_t){name});\n"));
    }
    (exp, c)
}

#[test]
fn evmc_abi12_layout() {
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/third_party/evmc/v12.1.0/include");
    if !include.join("evmc/evmc.h").is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} is missing",
            include.display()
        );
        println!("SKIP evmc_abi12_layout: {} not found", include.display());
        return;
    }
    let (expected, body) = expectations();
    let dir = std::env::temp_dir().join(format!("ssvm-abi12-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(
        &src,
        format!(
            "#include <stdio.h>\n#include <stddef.h>\n#include <evmc/evmc.h>\n\
             int main(void) {{\n{body}return 0;\n}}\n"
        ),
    )
    .unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let status = Command::new(&cc)
        .arg("-std=c11")
        .arg("-I")
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
    assert!(status.success(), "{cc} failed on {}", src.display());
    let out = Command::new(&exe).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let got: Vec<(String, usize)> = text
        .lines()
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(got.len(), expected.len(), "{text}");
    for (c, ours) in got.iter().zip(&expected) {
        assert_eq!(c, ours, "C (left) vs Rust (right)");
    }
    println!("evmc_abi12_layout: {} values equal", expected.len());
}
