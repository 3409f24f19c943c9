//! Loading GeneralStateTests JSON files into typed tests: every test in a file and every
//! post entry of every fork; a malformed file is rejected with the file and the JSON path
//! of the offending field.

use crate::keccak::keccak256;
use crate::state::{Account, Address, Bytes32, WorldState};
use ethnum::U256;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A malformed or unreadable test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: PathBuf,
    /// JSON path of the field (empty for file-level errors).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: field `{}`: {}",
                self.file.display(),
                self.field,
                self.message
            )
        }
    }
}

impl std::error::Error for LoadError {}

/// Block environment of a test.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// currentCoinbase.
    pub coinbase: Address,
    /// currentDifficulty.
    pub difficulty: U256,
    /// currentGasLimit.
    pub gas_limit: u64,
    /// currentNumber.
    pub number: u64,
    /// currentTimestamp.
    pub timestamp: u64,
    /// currentRandom (Paris on; PREVRANDAO), when given.
    pub random: Option<Bytes32>,
    /// currentBaseFee (London on; zero when absent).
    pub base_fee: U256,
    /// currentExcessBlobGas (Cancun on; zero when absent).
    pub excess_blob_gas: u64,
}

/// The transaction template: post entries pick one data, gas limit and value by index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxTemplate {
    /// Candidate data.
    pub data: Vec<Vec<u8>>,
    /// Candidate gas limits.
    pub gas_limit: Vec<u64>,
    /// Candidate values.
    pub value: Vec<U256>,
    /// Gas price (`gasPrice`), or the most the sender pays per gas (`maxFeePerGas`) of a
    /// dynamic-fee transaction.
    pub gas_price: U256,
    /// `maxPriorityFeePerGas` of a dynamic-fee transaction (EIP-1559); `None` for `gasPrice`.
    pub max_priority_fee: Option<U256>,
    /// `blobVersionedHashes` of a blob transaction (EIP-4844; empty otherwise).
    pub blob_hashes: Vec<Bytes32>,
    /// `maxFeePerBlobGas` of a blob transaction (zero otherwise).
    pub max_fee_per_blob_gas: U256,
    /// Nonce.
    pub nonce: u64,
    /// Sender address derived from the secret key.
    pub sender: Address,
    /// Recipient; `None` creates a contract.
    pub to: Option<Address>,
}

/// One expectation: fork, indexes into the template, post-state root and logs hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostEntry {
    /// Fork name as written in the file.
    pub fork: String,
    /// Position in the fork's list.
    pub position: usize,
    /// Index into `transaction.data`.
    pub data: usize,
    /// Index into `transaction.gasLimit`.
    pub gas: usize,
    /// Index into `transaction.value`.
    pub value: usize,
    /// Expected post-state root.
    pub hash: Bytes32,
    /// Expected logs hash.
    pub logs: Bytes32,
}

/// One state test.
#[derive(Clone, Debug)]
pub struct StateTest {
    /// Test name (the top-level key).
    pub name: String,
    /// File it came from.
    pub file: PathBuf,
    /// Block environment.
    pub env: Env,
    /// Pre-state.
    pub pre: WorldState,
    /// Transaction template.
    pub tx: TxTemplate,
    /// Every post entry of every fork, in file order.
    pub posts: Vec<PostEntry>,
}

/// Reads `path` and parses it as JSON; errors name the file.
fn read_json(path: &Path) -> Result<Value, LoadError> {
    let error = |message: String| LoadError {
        file: path.to_path_buf(),
        field: String::new(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read: {e}")))?;
    serde_json::from_str(&text).map_err(|e| error(format!("invalid JSON: {e}")))
}

/// Reads and parses every test in `path`.
pub fn load_file(path: &Path) -> Result<Vec<StateTest>, LoadError> {
    let json = read_json(path)?;
    let root = Field {
        value: &json,
        path: String::new(),
        file: path,
    };
    let tests = root.object()?;
    if tests.is_empty() {
        return Err(root.error("no tests in file".into()));
    }
    tests
        .iter()
        .map(|(name, v)| parse_test(name, root.child(name, v)))
        .collect()
}

/// Folder of expected post states next to a suite (skipped when collecting tests).
pub const EXPECTED_POSTSTATE_DIR: &str = "expected-poststate";

/// Every `.json` file under `paths` (files are taken as given), sorted, recursively,
/// except inside [`EXPECTED_POSTSTATE_DIR`] folders.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            // Expected post states sit next to suites; they are not tests.
            if entry
                .file_name()
                .is_some_and(|n| n == EXPECTED_POSTSTATE_DIR)
            {
                continue;
            }
            walk(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "json") {
            files.push(entry);
        }
    }
    Ok(())
}

fn parse_test(name: &str, test: Field<'_>) -> Result<StateTest, LoadError> {
    let tx = parse_tx(test.field("transaction")?)?;
    let posts = parse_posts(test.field("post")?, &tx)?;
    Ok(StateTest {
        name: name.to_string(),
        file: test.file.to_path_buf(),
        env: parse_env(test.field("env")?)?,
        pre: parse_pre(test.field("pre")?)?,
        tx,
        posts,
    })
}

fn parse_env(env: Field<'_>) -> Result<Env, LoadError> {
    Ok(Env {
        coinbase: env.field("currentCoinbase")?.address()?,
        difficulty: env.field("currentDifficulty")?.u256()?,
        gas_limit: env.field("currentGasLimit")?.u64()?,
        number: env.field("currentNumber")?.u64()?,
        timestamp: env.field("currentTimestamp")?.u64()?,
        random: env
            .optional("currentRandom")?
            .map(|f| f.bytes32())
            .transpose()?,
        base_fee: env
            .optional("currentBaseFee")?
            .map_or(Ok(U256::ZERO), |f| f.u256())?,
        excess_blob_gas: env
            .optional("currentExcessBlobGas")?
            .map_or(Ok(0), |f| f.u64())?,
    })
}

/// Reads the `postState` object of an expected-poststate file into a state.
pub fn load_post_state(path: &Path) -> Result<WorldState, LoadError> {
    let json = read_json(path)?;
    let root = Field {
        value: &json,
        path: String::new(),
        file: path,
    };
    parse_pre(root.field("postState")?)
}

fn parse_pre(pre: Field<'_>) -> Result<WorldState, LoadError> {
    let mut state = WorldState::new();
    for (key, value) in pre.object()? {
        let account = pre.child(key, value);
        let address = account.parse_key_address(key)?;
        let storage_field = account.field("storage")?;
        let mut storage = BTreeMap::new();
        for (slot, value) in storage_field.object()? {
            let entry = storage_field.child(slot, value);
            let slot = entry.parse_key_u256(slot)?.to_be_bytes();
            storage.insert(slot, entry.u256()?.to_be_bytes());
        }
        let code = account.field("code")?.bytes()?;
        state.insert_account(
            address,
            Account {
                nonce: account.field("nonce")?.u64()?,
                balance: account.field("balance")?.u256()?,
                code: code.into(),
                storage,
            },
        );
    }
    Ok(state)
}

fn parse_tx(tx: Field<'_>) -> Result<TxTemplate, LoadError> {
    let to_field = tx.field("to")?;
    let to = if to_field.str()?.trim_start_matches("0x").is_empty() {
        None
    } else {
        Some(to_field.address()?)
    };
    let secret_field = tx.field("secretKey")?;
    let secret = secret_field.bytes32()?;
    let sender = sender_from_secret_key(&secret).map_err(|m| secret_field.error(m))?;
    // A legacy `gasPrice`, or the EIP-1559 pair.
    let (gas_price, max_priority_fee) = match tx.optional("gasPrice")? {
        Some(price) => (price.u256()?, None),
        None => match tx.optional("maxFeePerGas")? {
            Some(max_fee) => (
                max_fee.u256()?,
                Some(tx.field("maxPriorityFeePerGas")?.u256()?),
            ),
            None => {
                let missing = tx.child("gasPrice", tx.value);
                return Err(missing.error("missing (nor maxFeePerGas given)".into()));
            }
        },
    };
    let blob_hashes = match tx.optional("blobVersionedHashes")? {
        Some(list) => list
            .array()?
            .into_iter()
            .map(|f| f.bytes32())
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(TxTemplate {
        data: tx
            .field("data")?
            .array()?
            .into_iter()
            .map(|f| f.bytes())
            .collect::<Result<_, _>>()?,
        gas_limit: tx
            .field("gasLimit")?
            .array()?
            .into_iter()
            .map(|f| f.u64())
            .collect::<Result<_, _>>()?,
        value: tx
            .field("value")?
            .array()?
            .into_iter()
            .map(|f| f.u256())
            .collect::<Result<_, _>>()?,
        gas_price,
        max_priority_fee,
        blob_hashes,
        max_fee_per_blob_gas: tx
            .optional("maxFeePerBlobGas")?
            .map_or(Ok(U256::ZERO), |f| f.u256())?,
        nonce: tx.field("nonce")?.u64()?,
        sender,
        to,
    })
}

fn parse_posts(post: Field<'_>, tx: &TxTemplate) -> Result<Vec<PostEntry>, LoadError> {
    let mut entries = Vec::new();
    for (fork, list) in post.object()? {
        for (position, entry) in post.child(fork, list).array()?.into_iter().enumerate() {
            let indexes = entry.field("indexes")?;
            let index = |name: &str, len: usize| -> Result<usize, LoadError> {
                let field = indexes.field(name)?;
                let i = usize::try_from(field.u64()?)
                    .map_err(|_| field.error("index too large".into()))?;
                if i >= len {
                    return Err(
                        field.error(format!("index {i} out of range (transaction has {len})"))
                    );
                }
                Ok(i)
            };
            entries.push(PostEntry {
                fork: fork.clone(),
                position,
                data: index("data", tx.data.len())?,
                gas: index("gas", tx.gas_limit.len())?,
                value: index("value", tx.value.len())?,
                hash: entry.field("hash")?.bytes32()?,
                logs: entry.field("logs")?.bytes32()?,
            });
        }
    }
    Ok(entries)
}

/// The address of a secp256k1 secret key: keccak256(uncompressed public key)[12..].
pub fn sender_from_secret_key(secret: &Bytes32) -> Result<Address, String> {
    let key = k256::ecdsa::SigningKey::from_slice(secret)
        .map_err(|e| format!("invalid secret key: {e}"))?;
    let point = key.verifying_key().to_encoded_point(false);
    let public = point.as_bytes().get(1..).unwrap_or_default();
    let hash = keccak256(public);
    let mut address = [0; 20];
    address.copy_from_slice(&hash[12..]);
    Ok(address)
}

/// A JSON value with its path, for typed access with precise errors.
struct Field<'a> {
    value: &'a Value,
    path: String,
    file: &'a Path,
}

impl<'a> Field<'a> {
    fn error(&self, message: String) -> LoadError {
        LoadError {
            file: self.file.to_path_buf(),
            field: self.path.clone(),
            message,
        }
    }

    fn child(&self, name: &str, value: &'a Value) -> Field<'a> {
        let path = if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        };
        Field {
            value,
            path,
            file: self.file,
        }
    }

    fn field(&self, name: &str) -> Result<Field<'a>, LoadError> {
        let object = self.object()?;
        match object.get(name) {
            Some(value) => Ok(self.child(name, value)),
            None => Err(self.child(name, self.value).error("missing".into())),
        }
    }

    /// The field `name` when present.
    fn optional(&self, name: &str) -> Result<Option<Field<'a>>, LoadError> {
        let object = self.object()?;
        Ok(object.get(name).map(|value| self.child(name, value)))
    }

    fn object(&self) -> Result<&'a serde_json::Map<String, Value>, LoadError> {
        self.value
            .as_object()
            .ok_or_else(|| self.error("expected an object".into()))
    }

    fn array(&self) -> Result<Vec<Field<'a>>, LoadError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error("expected an array".into()))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| Field {
                value: v,
                path: format!("{}[{i}]", self.path),
                file: self.file,
            })
            .collect())
    }

    fn str(&self) -> Result<&'a str, LoadError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error("expected a string".into()))
    }

    /// Hex bytes with an optional `0x` prefix (empty allowed).
    fn bytes(&self) -> Result<Vec<u8>, LoadError> {
        parse_hex_bytes(self.str()?).map_err(|m| self.error(m))
    }

    fn bytes32(&self) -> Result<Bytes32, LoadError> {
        let bytes = self.bytes()?;
        bytes
            .try_into()
            .map_err(|b: Vec<u8>| self.error(format!("expected 32 bytes, got {}", b.len())))
    }

    fn address(&self) -> Result<Address, LoadError> {
        parse_address(self.str()?).map_err(|m| self.error(m))
    }

    fn u256(&self) -> Result<U256, LoadError> {
        parse_u256(self.str()?).map_err(|m| self.error(m))
    }

    fn u64(&self) -> Result<u64, LoadError> {
        let value = match self.value {
            Value::Number(n) => n
                .as_u64()
                .map(U256::from)
                .ok_or_else(|| "expected an unsigned integer".to_string()),
            Value::String(s) => parse_u256(s),
            _ => Err("expected a number or a hex string".to_string()),
        }
        .map_err(|m| self.error(m))?;
        u64::try_from(value).map_err(|_| self.error(format!("{value} does not fit in 64 bits")))
    }

    /// An object key that is an address (the error names the key).
    fn parse_key_address(&self, key: &str) -> Result<Address, LoadError> {
        parse_address(key).map_err(|m| self.error(format!("bad address key: {m}")))
    }

    /// An object key that is a 256-bit number (the error names the key).
    fn parse_key_u256(&self, key: &str) -> Result<U256, LoadError> {
        parse_u256(key).map_err(|m| self.error(format!("bad key: {m}")))
    }
}

/// Hex bytes with an optional `0x` prefix; an odd digit count is an error.
pub fn parse_hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| format!("invalid hex `{}`: {e}", shorten(text)))
}

/// A 20-byte address in hex (optional `0x`).
pub fn parse_address(text: &str) -> Result<Address, String> {
    let bytes = parse_hex_bytes(text)?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("expected a 20-byte address, got {} bytes", b.len()))
}

/// A 256-bit number: `0x` hex (leading zeros allowed, empty = 0) or decimal.
pub fn parse_u256(text: &str) -> Result<U256, String> {
    let result = match text.strip_prefix("0x") {
        Some(digits) => match digits.trim_start_matches('0') {
            "" => Ok(U256::ZERO),
            significant => U256::from_str_radix(significant, 16),
        },
        None => U256::from_str_radix(text, 10),
    };
    result.map_err(|e| format!("invalid number `{}`: {e}", shorten(text)))
}

fn shorten(text: &str) -> String {
    if text.len() > 40 {
        format!("{}...", text.get(..40).unwrap_or(text))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_of_the_suite_key() {
        // Stated in the suite's README: this key belongs to 0xa94f5374...6ebf0b.
        let secret =
            parse_hex_bytes("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
                .unwrap();
        let address = sender_from_secret_key(&secret.try_into().unwrap()).unwrap();
        assert_eq!(
            hex::encode(address),
            "a94f5374fce5edbc8e2a8697c15331677e6ebf0b"
        );
        assert!(sender_from_secret_key(&[0; 32]).is_err());
    }

    #[test]
    fn collects_json_recursively_but_not_expected_post_states() {
        let root = std::env::temp_dir().join(format!("ssvm-collect-{}", std::process::id()));
        std::fs::create_dir_all(root.join("st").join("deeper")).unwrap();
        std::fs::create_dir_all(root.join(EXPECTED_POSTSTATE_DIR)).unwrap();
        for file in [
            "st/b.json",
            "st/deeper/a.json",
            "st/notes.yml",
            "expected-poststate/x.json",
        ] {
            std::fs::write(root.join(file), "{}").unwrap();
        }
        let files = collect_files(std::slice::from_ref(&root));
        let missing = collect_files(&[root.join("nope")]);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            files.unwrap(),
            vec![root.join("st/b.json"), root.join("st/deeper/a.json")]
        );
        assert!(missing.unwrap_err().contains("no such file or directory"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u256("0x00").unwrap(), U256::ZERO);
        assert_eq!(parse_u256("0x").unwrap(), U256::ZERO);
        assert_eq!(parse_u256("0x0100").unwrap(), U256::new(256));
        assert_eq!(parse_u256("1000").unwrap(), U256::new(1000));
        assert_eq!(
            parse_u256(&format!("0x{}", "f".repeat(64))).unwrap(),
            U256::MAX
        );
        assert!(parse_u256(&format!("0x1{}", "0".repeat(64))).is_err());
        assert!(parse_u256("0xzz").is_err());
    }

    fn write_temp(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("ssvm-loader-{}-{name}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    const GOOD: &str = r#"{ "t": {
        "env": { "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentDifficulty": "0x020000",
                 "currentGasLimit": "0x05500000", "currentNumber": "0x01", "currentTimestamp": "0x03e8" },
        "pre": { "0xdeadbeef00000000000000000000000000000000": { "balance": "0x0a", "code": "0x00", "nonce": "0x00",
                 "storage": { "0x01": "0x02", "0x03": "0x00" } } },
        "transaction": { "data": ["0x", "0x0102"], "gasLimit": ["0x5208"], "value": ["0x00", "0x01"], "gasPrice": "0x01",
                 "nonce": "0x00", "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8", "to": "" },
        "post": { "Byzantium": [
            { "hash": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", "indexes": {"data": 1, "gas": 0, "value": 1},
              "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347" },
            { "hash": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", "indexes": {"data": 0, "gas": 0, "value": 0},
              "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347" } ],
          "Constantinople": [
            { "hash": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", "indexes": {"data": 0, "gas": 0, "value": 1},
              "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347" } ] } } }"#;

    #[test]
    fn loads_every_fork_and_index() {
        let path = write_temp("good", GOOD);
        let tests = load_file(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let [test] = tests.as_slice() else {
            panic!("one test expected")
        };
        assert_eq!(test.name, "t");
        assert_eq!(test.tx.to, None);
        assert_eq!(test.tx.data, vec![vec![], vec![1, 2]]);
        assert_eq!(test.env.gas_limit, 0x0550_0000);
        assert_eq!(test.posts.len(), 3);
        let forks: Vec<(&str, usize, usize)> = test
            .posts
            .iter()
            .map(|p| (p.fork.as_str(), p.position, p.data))
            .collect();
        assert_eq!(
            forks,
            vec![
                ("Byzantium", 0, 1),
                ("Byzantium", 1, 0),
                ("Constantinople", 0, 0)
            ]
        );
        let account = test
            .pre
            .account(&parse_address("deadbeef00000000000000000000000000000000").unwrap())
            .unwrap();
        assert_eq!(account.balance, U256::new(10));
        assert_eq!(account.storage.len(), 1, "zero slots are dropped");
    }

    #[test]
    fn malformed_files_name_file_and_field() {
        let cases = [
            (
                GOOD.replace(r#""currentNumber": "0x01""#, r#""currentNumber": "0xzz""#),
                "t.env.currentNumber",
            ),
            (
                GOOD.replace(r#""gasPrice": "0x01","#, ""),
                "t.transaction.gasPrice",
            ),
            (
                GOOD.replace(r#""0x01": "0x02""#, r#""0x01": 5"#),
                "t.pre.0xdeadbeef00000000000000000000000000000000.storage.0x01",
            ),
            (
                GOOD.replace(
                    r#"{"data": 1, "gas": 0, "value": 1}"#,
                    r#"{"data": 2, "gas": 0, "value": 1}"#,
                ),
                "t.post.Byzantium[0].indexes.data",
            ),
            (
                GOOD.replace("0x5208", "0x52g8"),
                "t.transaction.gasLimit[0]",
            ),
        ];
        for (i, (text, field)) in cases.iter().enumerate() {
            let path = write_temp(&format!("bad{i}"), text);
            let err = load_file(&path).unwrap_err();
            let _ = std::fs::remove_file(&path);
            assert_eq!(err.field, *field, "{err}");
            let shown = err.to_string();
            assert!(
                shown.contains(&path.display().to_string()) && shown.contains(field),
                "{shown}"
            );
        }
        let path = write_temp("notjson", "{ nope");
        let err = load_file(&path).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(err.message.contains("invalid JSON"), "{err}");
    }
}
