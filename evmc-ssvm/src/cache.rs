//! A bounded, thread-safe cache of compiled modules keyed by the code itself, the revision
//! and the options fingerprint, so a contract called again skips validation and compilation.
//! Least-recently-used entries are evicted first.
//!
//! A lookup costs one byte comparison of the code, not a cryptographic pass over it: the key
//! holds the code's length and a [`sample`] hash of at most [`SAMPLE_BYTES`] bytes, which
//! only finds the bucket; every entry keeps its code, and a hit requires the stored code to
//! equal the presented code byte for byte. Two different codes therefore never share a
//! compiled module, whatever their fingerprints. A bucket holds at most [`BUCKET_LIMIT`]
//! codes, so crafted codes with one fingerprint cost at most that many comparisons.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ewasm_host::Revision;

use crate::options::Options;

/// Default number of entries of the VM instance's cache.
pub const DEFAULT_CAPACITY: usize = 256;

/// Bytes of the code that [`sample`] reads at most: the first and last 64 and 16 strided
/// 8-byte words between them.
pub const SAMPLE_BYTES: usize = 64 + 64 + 16 * 8;

/// Most codes of one bucket (same key, different bytes); a full bucket evicts its least
/// recently used code.
pub const BUCKET_LIMIT: usize = 4;

/// What a compiled module depends on, apart from the code bytes each entry compares: the
/// code's length and sample, the revision (which imports exist) and the options (metering,
/// namespaces, floats, memory bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The code's length in bytes.
    pub len: usize,
    /// [`sample`] of the code.
    pub sample: u64,
    /// EVMC revision number.
    pub revision: u8,
    /// [`Options::fingerprint`].
    pub options: u64,
}

impl CacheKey {
    /// The key of `code` compiled for `rev` under `opts`.
    pub fn new(code: &[u8], rev: Revision, opts: &Options) -> CacheKey {
        CacheKey {
            len: code.len(),
            sample: sample(code),
            revision: rev as u8,
            options: opts.fingerprint(),
        }
    }
}

/// A 64-bit hash of at most [`SAMPLE_BYTES`] bytes of `code` (all of a code that short, else
/// its first and last 64 bytes and 16 words spread over the rest) and its length: constant time whatever the code's size.
/// Not collision resistant, and it need not be: it only picks the bucket (see the module
/// documentation).
pub fn sample(code: &[u8]) -> u64 {
    let mut h = Mix(code.len() as u64);
    if code.len() <= SAMPLE_BYTES {
        h.bytes(code);
        return h.0;
    }
    h.bytes(&code[..64]);
    h.bytes(&code[code.len() - 64..]);
    // 16 words spread over the middle (at least 128 bytes long here).
    let middle = code.len() - 128;
    let stride = middle / 16;
    for k in 0..16 {
        let at = 64 + k * stride;
        h.bytes(&code[at..at + 8]);
    }
    h.0
}

/// A multiply-xorshift mixer over little-endian 8-byte words.
struct Mix(u64);

impl Mix {
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 ^= self.0 >> 29;
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.word(u64::from_le_bytes(b));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.word(u64::from_le_bytes(tail) ^ (words.remainder().len() as u64) << 56);
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

/// One cached value, the code it was made from and the tick of its last use.
#[derive(Debug)]
struct Entry<T> {
    code: Box<[u8]>,
    value: Arc<T>,
    last_used: u64,
}

/// The buckets, the entry count and the use clock, guarded together.
#[derive(Debug)]
struct Inner<T> {
    map: HashMap<CacheKey, Vec<Entry<T>>>,
    len: usize,
    clock: u64,
}

impl<T> Inner<T> {
    /// Advances the use clock and returns the new tick.
    fn tick(&mut self) -> u64 {
        self.clock = self.clock.wrapping_add(1);
        self.clock
    }

    /// Removes the least recently used entry (linear scan: only on insert of a new code).
    fn evict_lru(&mut self) {
        let oldest = self
            .map
            .iter()
            .flat_map(|(k, bucket)| bucket.iter().enumerate().map(move |(i, e)| (k, i, e)))
            .min_by_key(|(_, _, e)| e.last_used)
            .map(|(k, i, _)| (*k, i));
        if let Some((key, i)) = oldest {
            self.remove(&key, i);
        }
    }

    /// Removes entry `i` of bucket `key` (and the bucket when it empties).
    fn remove(&mut self, key: &CacheKey, i: usize) {
        if let Some(bucket) = self.map.get_mut(key) {
            if i < bucket.len() {
                bucket.swap_remove(i);
                self.len -= 1;
            }
            if bucket.is_empty() {
                self.map.remove(key);
            }
        }
    }
}

/// A bounded LRU map from code (under a [`CacheKey`]) to `Arc<T>`, safe to share between
/// threads. The lock is held only for the map operation itself, never while compiling, so
/// nested and concurrent executions do not wait on each other's compilation.
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
                len: 0,
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
        self.lock().len
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
        let mut inner = self.lock();
        inner.map.clear();
        inner.len = 0;
    }

    /// The entry of `code` under `key`, marking it most recently used.
    pub fn get(&self, key: &CacheKey, code: &[u8]) -> Option<Arc<T>> {
        let mut inner = self.lock();
        let now = inner.tick();
        let found = inner
            .map
            .get_mut(key)
            .and_then(|bucket| bucket.iter_mut().find(|e| *e.code == *code))
            .map(|e| {
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

    /// Stores `value` for `code` under `key` (replacing the value of the same code), evicting
    /// the least recently used entry when full and the bucket's least recently used code when
    /// the bucket is full. Returns the stored value.
    pub fn insert(&self, key: CacheKey, code: &[u8], value: Arc<T>) -> Arc<T> {
        let mut inner = self.lock();
        let now = inner.tick();
        if let Some(e) = inner
            .map
            .get_mut(&key)
            .and_then(|bucket| bucket.iter_mut().find(|e| *e.code == *code))
        {
            e.value = Arc::clone(&value);
            e.last_used = now;
            return value;
        }
        let full_bucket = inner.map.get(&key).filter(|b| b.len() >= BUCKET_LIMIT);
        if let Some(bucket) = full_bucket {
            let oldest = (0..bucket.len()).min_by_key(|&i| bucket[i].last_used);
            if let Some(i) = oldest {
                inner.remove(&key, i);
            }
        } else if inner.len >= self.capacity {
            inner.evict_lru();
        }
        let entry = Entry {
            code: code.into(),
            value: Arc::clone(&value),
            last_used: now,
        };
        inner.map.entry(key).or_default().push(entry);
        inner.len += 1;
        value
    }

    /// The entry of `code`, or the result of `make` stored for it. `make` runs without the
    /// lock held; errors are returned and not cached. Two threads missing the same code at
    /// once may both run `make`; the later insert wins, both results are equivalent.
    pub fn get_or_try_insert_with<E>(
        &self,
        key: CacheKey,
        code: &[u8],
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(found) = self.get(&key, code) {
            return Ok(found);
        }
        let value = Arc::new(make()?);
        Ok(self.insert(key, code, value))
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

    /// Stores `value` for `code`.
    fn put<T>(cache: &ModuleCache<T>, code: &[u8], value: T) -> Arc<T> {
        cache.insert(key(code), code, Arc::new(value))
    }

    /// The value cached for `code`.
    fn look<T>(cache: &ModuleCache<T>, code: &[u8]) -> Option<Arc<T>> {
        cache.get(&key(code), code)
    }

    /// `n` codes of 4096 bytes with one key: they differ only in a byte [`sample`] never
    /// reads (byte 1000 lies between the strided words at 64 + 248 k).
    fn same_key_codes(n: u8) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                let mut code = vec![7u8; 4096];
                code[1000] = i;
                code
            })
            .collect()
    }

    #[test]
    fn hit_returns_the_same_arc() {
        let cache = ModuleCache::new(4);
        let stored = put(&cache, b"a", 1u32);
        let got = look(&cache, b"a").unwrap();
        assert!(Arc::ptr_eq(&stored, &got));
        assert_eq!(look(&cache, b"b"), None);
        assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 1 });
    }

    #[test]
    fn codes_with_one_key_never_share_an_entry() {
        let codes = same_key_codes(3);
        assert_eq!(key(&codes[0]), key(&codes[1]));
        assert_eq!(key(&codes[1]), key(&codes[2]));
        let cache = ModuleCache::new(8);
        put(&cache, &codes[0], 0);
        assert_eq!(look(&cache, &codes[1]), None, "a different code must miss");
        put(&cache, &codes[1], 1);
        put(&cache, &codes[2], 2);
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(look(&cache, code).as_deref(), Some(&i));
        }
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn a_bucket_holds_at_most_its_limit() {
        let codes = same_key_codes(BUCKET_LIMIT as u8 + 2);
        let cache = ModuleCache::new(64);
        for (i, code) in codes.iter().enumerate() {
            put(&cache, code, i);
        }
        assert_eq!(cache.len(), BUCKET_LIMIT);
        // The two least recently used codes left; the newest are all there.
        assert_eq!(look(&cache, &codes[0]), None);
        assert_eq!(look(&cache, &codes[1]), None);
        for (i, code) in codes.iter().enumerate().skip(2) {
            assert_eq!(look(&cache, code).as_deref(), Some(&i));
        }
    }

    #[test]
    fn the_key_follows_length_and_the_sampled_bytes() {
        let code = vec![3u8; 100_000];
        let mut edited = code.clone();
        edited[10] = 4;
        assert_ne!(key(&code), key(&edited), "first 64 bytes");
        let mut edited = code.clone();
        edited[99_990] = 4;
        assert_ne!(key(&code), key(&edited), "last 64 bytes");
        assert_ne!(key(&code), key(&code[1..]), "length");
        // The same bytes at another address give the same key.
        assert_eq!(key(&code), key(&code.clone()));
    }

    #[test]
    fn short_codes_are_keyed_by_all_their_bytes() {
        for len in 0..=SAMPLE_BYTES {
            let code: Vec<u8> = (0..len).map(|i| i as u8).collect();
            for at in 0..len {
                let mut edited = code.clone();
                edited[at] ^= 0x80;
                assert_ne!(key(&code), key(&edited), "len {len}, byte {at}");
            }
        }
    }

    #[test]
    fn size_never_exceeds_the_bound() {
        let cache = ModuleCache::new(3);
        for i in 0u32..10 {
            put(&cache, &i.to_le_bytes(), i);
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.len(), 3);
        // The three most recent survive.
        for i in 7u32..10 {
            assert_eq!(look(&cache, &i.to_le_bytes()).as_deref(), Some(&i));
        }
    }

    #[test]
    fn eviction_removes_the_least_recently_used() {
        let cache = ModuleCache::new(2);
        put(&cache, b"a", 'a');
        put(&cache, b"b", 'b');
        // Touch "a": "b" is now the least recently used.
        assert!(look(&cache, b"a").is_some());
        put(&cache, b"c", 'c');
        assert!(look(&cache, b"b").is_none());
        assert_eq!(look(&cache, b"a").as_deref(), Some(&'a'));
        assert_eq!(look(&cache, b"c").as_deref(), Some(&'c'));
    }

    #[test]
    fn replacing_a_key_does_not_evict() {
        let cache = ModuleCache::new(2);
        put(&cache, b"a", 1);
        put(&cache, b"b", 2);
        put(&cache, b"a", 3);
        assert_eq!(cache.len(), 2);
        assert_eq!(look(&cache, b"a").as_deref(), Some(&3));
        assert_eq!(look(&cache, b"b").as_deref(), Some(&2));
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
        cache.insert(plain, code, Arc::new("plain"));
        assert_eq!(cache.get(&metered, code), None);
        assert_eq!(cache.get(&istanbul, code), None);
        cache.insert(metered, code, Arc::new("metered"));
        assert_eq!(cache.get(&plain, code).as_deref(), Some(&"plain"));
        assert_eq!(cache.get(&metered, code).as_deref(), Some(&"metered"));
    }

    #[test]
    fn get_or_try_insert_with_compiles_once_and_does_not_cache_errors() {
        let cache = ModuleCache::new(4);
        let runs = Cell::new(0);
        let make = || {
            runs.set(runs.get() + 1);
            Ok::<_, ()>(42)
        };
        let x = b"x";
        assert_eq!(*cache.get_or_try_insert_with(key(x), x, make).unwrap(), 42);
        assert_eq!(*cache.get_or_try_insert_with(key(x), x, make).unwrap(), 42);
        assert_eq!(runs.get(), 1);
        let bad = b"bad";
        let failed = cache.get_or_try_insert_with(key(bad), bad, || Err::<i32, _>("cvf"));
        assert_eq!(failed, Err("cvf"));
        assert!(look(&cache, bad).is_none());
    }

    #[test]
    fn shared_between_threads() {
        let cache = Arc::new(ModuleCache::new(16));
        let handles: Vec<_> = (0u32..8)
            .map(|t| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || {
                    for i in 0u32..100 {
                        let code = (i % 20).to_le_bytes();
                        let v =
                            cache.get_or_try_insert_with(key(&code), &code, || Ok::<_, ()>(i % 20));
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
