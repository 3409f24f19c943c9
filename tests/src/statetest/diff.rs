//! Readable post-state diffs for root mismatches: the computed state against the suite's
//! `expected-poststate/<name>.json` when one sits next to the tests, else a listing of the
//! computed state.

use super::loader::{load_post_state, EXPECTED_POSTSTATE_DIR};
use crate::keccak::keccak256;
use crate::state::{Account, Address, WorldState};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Finds `expected-poststate/<name>.json` in the test file's folder or any ancestor.
pub fn expected_poststate_path(test_file: &Path, name: &str) -> Option<PathBuf> {
    test_file
        .ancestors()
        .skip(1)
        .map(|dir| {
            dir.join(EXPECTED_POSTSTATE_DIR)
                .join(format!("{name}.json"))
        })
        .find(|candidate| candidate.is_file())
}

/// Lines explaining a root mismatch of test `name` from `test_file`.
pub fn explain_root_mismatch(test_file: &Path, name: &str, computed: &WorldState) -> Vec<String> {
    let Some(path) = expected_poststate_path(test_file, name) else {
        let mut lines = vec!["computed post state (no expected-poststate file found):".to_string()];
        lines.extend(render_state(computed));
        return lines;
    };
    match load_post_state(&path) {
        Ok(expected) => {
            let mut lines = vec![format!(
                "diff against {} (- expected, + computed):",
                path.display()
            )];
            let diff = diff_states(computed, &expected);
            if diff.is_empty() {
                lines.push("  (no difference in balances, nonces, code or storage)".to_string());
            }
            lines.extend(diff);
            lines
        }
        Err(e) => {
            let mut lines = vec![
                format!("cannot read expected post state: {e}"),
                "computed post state:".to_string(),
            ];
            lines.extend(render_state(computed));
            lines
        }
    }
}

/// One block of lines per account of `state`.
pub fn render_state(state: &WorldState) -> Vec<String> {
    let mut lines = Vec::new();
    for (address, account) in state.accounts() {
        lines.push(format!(
            "  0x{}: {}",
            hex::encode(address),
            summary(account)
        ));
        for (slot, value) in &account.storage {
            lines.push(format!(
                "    [0x{}] = 0x{}",
                trimmed_hex(slot),
                trimmed_hex(value)
            ));
        }
    }
    lines
}

/// Field-by-field differences between two states (empty when they hold the same accounts).
pub fn diff_states(computed: &WorldState, expected: &WorldState) -> Vec<String> {
    let addresses: BTreeSet<&Address> = computed
        .accounts()
        .chain(expected.accounts())
        .map(|(a, _)| a)
        .collect();
    let mut lines = Vec::new();
    for address in addresses {
        let name = format!("0x{}", hex::encode(address));
        match (expected.account(address), computed.account(address)) {
            (Some(want), None) => lines.push(format!(
                "- {name}: {} (missing from computed state)",
                summary(want)
            )),
            (None, Some(got)) => lines.push(format!("+ {name}: {} (not expected)", summary(got))),
            (Some(want), Some(got)) => lines.extend(diff_account(&name, got, want)),
            (None, None) => {}
        }
    }
    lines
}

fn diff_account(name: &str, got: &Account, want: &Account) -> Vec<String> {
    let mut lines = Vec::new();
    if got.balance != want.balance {
        let (sign, delta) = if got.balance > want.balance {
            ('+', got.balance - want.balance)
        } else {
            ('-', want.balance - got.balance)
        };
        lines.push(format!(
            "  {name}: balance -{:#x} +{:#x} (computed {sign}{delta})",
            want.balance, got.balance
        ));
    }
    if got.nonce != want.nonce {
        lines.push(format!("  {name}: nonce -{} +{}", want.nonce, got.nonce));
    }
    if got.code != want.code {
        lines.push(format!(
            "  {name}: code -{} +{}",
            code_summary(&want.code),
            code_summary(&got.code)
        ));
    }
    let slots: BTreeSet<_> = got.storage.keys().chain(want.storage.keys()).collect();
    for slot in slots {
        let (g, w) = (got.storage.get(slot), want.storage.get(slot));
        if g != w {
            let show = |v: Option<&[u8; 32]>| {
                v.map_or("0".to_string(), |v| format!("0x{}", trimmed_hex(v)))
            };
            lines.push(format!(
                "  {name}: storage[0x{}] -{} +{}",
                trimmed_hex(slot),
                show(w),
                show(g)
            ));
        }
    }
    lines
}

fn summary(account: &Account) -> String {
    format!(
        "balance {:#x}, nonce {}, code {}, {} storage slots",
        account.balance,
        account.nonce,
        code_summary(&account.code),
        account.storage.len()
    )
}

fn code_summary(code: &[u8]) -> String {
    if code.is_empty() {
        "empty".to_string()
    } else {
        format!(
            "{} bytes keccak 0x{}",
            code.len(),
            hex::encode(&keccak256(code)[..8])
        )
    }
}

/// Hex without leading zero bytes (at least one digit pair).
fn trimmed_hex(word: &[u8; 32]) -> String {
    let start = word.iter().position(|&b| b != 0).unwrap_or(31);
    hex::encode(word.get(start..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ethnum::U256;

    #[test]
    fn diff_lists_each_difference() {
        let a = [1; 20];
        let b = [2; 20];
        let c = [3; 20];
        let mut expected = WorldState::new();
        let mut computed = WorldState::new();
        let mut want = Account {
            balance: U256::new(10),
            nonce: 1,
            ..Account::default()
        };
        want.storage.insert([0; 32], {
            let mut v = [0; 32];
            v[31] = 7;
            v
        });
        expected.insert_account(a, want.clone());
        expected.insert_account(b, Account::default());
        let got = Account {
            balance: U256::new(12),
            nonce: 2,
            code: vec![0u8, 0x61].into(),
            ..Account::default()
        };
        computed.insert_account(a, got);
        computed.insert_account(c, Account::default());
        let lines = diff_states(&computed, &expected);
        let text = lines.join("\n");
        assert!(text.contains("balance -0xa +0xc (computed +2)"), "{text}");
        assert!(text.contains("nonce -1 +2"), "{text}");
        assert!(text.contains("code -empty +2 bytes"), "{text}");
        assert!(text.contains("storage[0x00] -0x07 +0"), "{text}");
        assert!(text.contains(&format!("- 0x{}", hex::encode(b))), "{text}");
        assert!(text.contains(&format!("+ 0x{}", hex::encode(c))), "{text}");
        assert!(diff_states(&expected, &expected).is_empty());
    }

    #[test]
    fn finds_expected_poststate_in_an_ancestor() {
        let root = std::env::temp_dir().join(format!("ssvm-diff-{}", std::process::id()));
        let tests = root.join("GeneralStateTests").join("st");
        std::fs::create_dir_all(&tests).unwrap();
        std::fs::create_dir_all(root.join("expected-poststate")).unwrap();
        std::fs::write(root.join("expected-poststate").join("x.json"), "{}").unwrap();
        let found = expected_poststate_path(&tests.join("x.json"), "x");
        let missing = expected_poststate_path(&tests.join("y.json"), "y");
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(found, Some(root.join("expected-poststate").join("x.json")));
        assert_eq!(missing, None);
    }
}
