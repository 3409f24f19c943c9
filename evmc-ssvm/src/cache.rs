//! A bounded, thread-safe cache of compiled modules keyed by (keccak256 of the code,
//! revision, options fingerprint), so a contract called again skips validation and
//! compilation. Least-recently-used entries are evicted first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ewasm_host::Revision;
use sha3::{Digest, Keccak256};

use crate::options::Options;

/// Default number of entries of the VM instance's cache.
pub const DEFAULT_CAPACITY: usize = 256;

/// What a compiled module depends on: the code itself, the revision (which imports exist)
/// and the options (metering, namespaces, floats, memory bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// keccak256 of the code.
    pub code_hash: [u8; 32],
    /// EVMC revision number.
    pub revision: u8,
    /// [`Options::fingerprint`].
    pub options: u64,
}

impl CacheKey {
    /// The key of `code` compiled for `rev` under `opts`.
    pub fn new(code: &[u8], rev: Revision, opts: &Options) -> CacheKey {
        CacheKey {
            code_hash: Keccak256::digest(code).into(),
            revision: rev as u8,
            options: opts.fingerprint(),
        }
    }
}

/// Hit and miss counters of a [`ModuleCache`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found an entry.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
}

/// One cached value and the tick of its last use.
#[derive(Debug)]
struct Entry<T> {
    value: Arc<T>,
    last_used: u64,
}

/// The map and the use clock, guarded together.
#[derive(Debug)]
struct Inner<T> {
    map: HashMap<CacheKey, Entry<T>>,
    clock: u64,
}

impl<T> Inner<T> {
    /// Advances the use clock and returns the new tick.
    fn tick(&mut self) -> u64 {
        self.clock = self.clock.wrapping_add(1);
        self.clock
    }

    /// Removes the least recently used entry (linear scan: only on insert of a new key).
    fn evict_lru(&mut self) {
        let oldest = self
            .map
            .iter()
            .min_by_key(|(_, e)| e.last_used)
            .map(|(k, _)| *k);
        if let Some(key) = oldest {
            self.map.remove(&key);
        }
    }
}

/// A bounded LRU map `CacheKey -> Arc<T>`, safe to share between threads. The lock is held
/// only for the map operation itself, never while compiling, so nested and concurrent
/// executions do not wait on each other's compilation.
#[derive(Debug)]
pub struct ModuleCache<T> {
    inner: Mutex<Inner<T>>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<T> ModuleCache<T> {
    /// An empty cache holding at most `capacity` entries (at least 1).
    pub fn new(capacity: usize) -> Self {
        ModuleCache {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                clock: 0,
            }),
            capacity: capacity.max(1),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The maximum number of entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The current number of entries.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hit and miss counts so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// Removes every entry.
    pub fn clear(&self) {
        self.lock().map.clear();
    }

    /// The entry for `key`, marking it most recently used.
    pub fn get(&self, key: &CacheKey) -> Option<Arc<T>> {
        let mut inner = self.lock();
        let now = inner.tick();
        let found = inner.map.get_mut(key).map(|e| {
            e.last_used = now;
            Arc::clone(&e.value)
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores `value` under `key` (replacing any previous entry), evicting the least
    /// recently used entry when full. Returns the stored value.
    pub fn insert(&self, key: CacheKey, value: Arc<T>) -> Arc<T> {
        let mut inner = self.lock();
        let now = inner.tick();
        if !inner.map.contains_key(&key) && inner.map.len() >= self.capacity {
            inner.evict_lru();
        }
        let entry = Entry {
            value: Arc::clone(&value),
            last_used: now,
        };
        inner.map.insert(key, entry);
        value
    }

    /// The entry for `key`, or the result of `make` stored under `key`. `make` runs without
    /// the lock held; errors are returned and not cached. Two threads missing the same key at
    /// once may both run `make`; the later insert wins, both results are equivalent.
    pub fn get_or_try_insert_with<E>(
        &self,
        key: CacheKey,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(found) = self.get(&key) {
            return Ok(found);
        }
        let value = Arc::new(make()?);
        Ok(self.insert(key, value))
    }

    /// Locks the map; a panic in another thread cannot leave the map inconsistent (every
    /// critical section is a single map operation), so a poisoned lock is simply reused.
    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T> Default for ModuleCache<T> {
    fn default() -> Self {
        ModuleCache::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn key(code: &[u8]) -> CacheKey {
        CacheKey::new(code, Revision::Byzantium, &Options::default())
    }

    #[test]
    fn key_hashes_code_with_keccak256() {
        // keccak256("") is the well-known empty-code hash.
        let empty = hex_32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assert_eq!(key(b"").code_hash, empty);
        // keccak256("abc"), an independently published test vector.
        let abc = hex_32("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
        assert_eq!(key(b"abc").code_hash, abc);
    }

    fn hex_32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn hit_returns_the_same_arc() {
        let cache = ModuleCache::new(4);
        let stored = cache.insert(key(b"a"), Arc::new(1u32));
        let got = cache.get(&key(b"a")).unwrap();
        assert!(Arc::ptr_eq(&stored, &got));
        assert_eq!(cache.get(&key(b"b")), None);
        assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 1 });
    }

    #[test]
    fn size_never_exceeds_the_bound() {
        let cache = ModuleCache::new(3);
        for i in 0u32..10 {
            cache.insert(key(&i.to_le_bytes()), Arc::new(i));
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.len(), 3);
        // The three most recent survive.
        for i in 7u32..10 {
            assert_eq!(cache.get(&key(&i.to_le_bytes())).as_deref(), Some(&i));
        }
    }

    #[test]
    fn eviction_removes_the_least_recently_used() {
        let cache = ModuleCache::new(2);
        cache.insert(key(b"a"), Arc::new('a'));
        cache.insert(key(b"b"), Arc::new('b'));
        // Touch "a": "b" is now the least recently used.
        assert!(cache.get(&key(b"a")).is_some());
        cache.insert(key(b"c"), Arc::new('c'));
        assert!(cache.get(&key(b"b")).is_none());
        assert_eq!(cache.get(&key(b"a")).as_deref(), Some(&'a'));
        assert_eq!(cache.get(&key(b"c")).as_deref(), Some(&'c'));
    }

    #[test]
    fn replacing_a_key_does_not_evict() {
        let cache = ModuleCache::new(2);
        cache.insert(key(b"a"), Arc::new(1));
        cache.insert(key(b"b"), Arc::new(2));
        cache.insert(key(b"a"), Arc::new(3));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&key(b"a")).as_deref(), Some(&3));
        assert_eq!(cache.get(&key(b"b")).as_deref(), Some(&2));
    }

    #[test]
    fn options_and_revision_are_part_of_the_key() {
        let code = b"\0asm\x01\0\0\0";
        let plain = CacheKey::new(code, Revision::Byzantium, &Options::default());
        let metered_opts = Options {
            metering: true,
            ..Options::default()
        };
        let metered = CacheKey::new(code, Revision::Byzantium, &metered_opts);
        let istanbul = CacheKey::new(code, Revision::Istanbul, &Options::default());
        assert_ne!(plain, metered);
        assert_ne!(plain, istanbul);
        let cache = ModuleCache::new(8);
        cache.insert(plain, Arc::new("plain"));
        assert_eq!(cache.get(&metered), None);
        assert_eq!(cache.get(&istanbul), None);
        cache.insert(metered, Arc::new("metered"));
        assert_eq!(cache.get(&plain).as_deref(), Some(&"plain"));
        assert_eq!(cache.get(&metered).as_deref(), Some(&"metered"));
    }

    #[test]
    fn get_or_try_insert_with_compiles_once_and_does_not_cache_errors() {
        let cache = ModuleCache::new(4);
        let runs = Cell::new(0);
        let make = || {
            runs.set(runs.get() + 1);
            Ok::<_, ()>(42)
        };
        assert_eq!(*cache.get_or_try_insert_with(key(b"x"), make).unwrap(), 42);
        assert_eq!(*cache.get_or_try_insert_with(key(b"x"), make).unwrap(), 42);
        assert_eq!(runs.get(), 1);
        let failed = cache.get_or_try_insert_with(key(b"bad"), || Err::<i32, _>("cvf"));
        assert_eq!(failed, Err("cvf"));
        assert!(cache.get(&key(b"bad")).is_none());
    }

    #[test]
    fn shared_between_threads() {
        let cache = Arc::new(ModuleCache::new(16));
        let handles: Vec<_> = (0u32..8)
            .map(|t| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || {
                    for i in 0u32..100 {
                        let k = key(&(i % 20).to_le_bytes());
                        let v = cache.get_or_try_insert_with(k, || Ok::<_, ()>(i % 20));
                        assert_eq!(*v.unwrap(), i % 20, "thread {t}");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(cache.len() <= 16);
        assert_eq!(cache.stats().hits + cache.stats().misses, 800);
    }
}
