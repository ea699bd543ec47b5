//! A block's RocksDB write batch, built in Rust in the batch's serialized form and handed to
//! RocksDB whole.
//!
//! A block of 10,000 transfers is about 30,000 entries. Built with `WriteBatch::put`, each entry
//! was a call into C++, a key copied into a `Vec` of its own to put the key space's tag before
//! it, and an append to a C++ string that doubles as it grows (12–14 ms a block, all of it on the
//! one thread that commits). Here the entries are written once into one buffer, sized for them and
//! kept from block to block by the store, and RocksDB copies that buffer with
//! `WriteBatch::from_data` (about 3–4 ms in all, warm).
//!
//! The serialized form is RocksDB's own, stable because its write-ahead log is made of it
//! (`db/write_batch.cc`): a 12-byte header (a fixed64 sequence number, which RocksDB sets when it
//! writes the batch, and a fixed32 count of records, both little-endian), then the records. A put
//! is the byte 0x01, the key and the value; a delete is 0x00 and the key; each key or value is its
//! length as a varint32 and its bytes. The tests below hold the bytes equal to those of a batch
//! built entry by entry with `put` and `delete`, and the entries in ascending key order.

use rocksdb::WriteBatch;

use crate::keys::{block_key, KeySpace, META_HEAD};
use crate::store::{BlockCommit, ChainHead};
use crate::StateError;

const HEADER: usize = 12;
const PUT: u8 = 0x01;
const DELETE: u8 = 0x00;

/// The serialized batch while it is being written, in a buffer it borrows.
struct BatchBytes<'a> {
    rep: &'a mut Vec<u8>,
    count: u32,
}

impl BatchBytes<'_> {
    /// Lays a batch of `bytes` (after the header) out in `rep`, emptied first.
    fn new(rep: &mut Vec<u8>, bytes: usize) -> BatchBytes<'_> {
        rep.clear();
        rep.reserve(HEADER + bytes);
        rep.resize(HEADER, 0);
        BatchBytes { rep, count: 0 }
    }

    /// Puts `value` under `space`'s tag followed by `key`.
    fn put(&mut self, space: KeySpace, key: &[u8], value: &[u8]) {
        self.rep.push(PUT);
        self.tagged_key(space, key);
        self.bytes(value);
        self.count += 1;
    }

    fn put_raw(&mut self, key: &[u8], value: &[u8]) {
        self.rep.push(PUT);
        self.bytes(key);
        self.bytes(value);
        self.count += 1;
    }

    fn delete(&mut self, space: KeySpace, key: &[u8]) {
        self.rep.push(DELETE);
        self.tagged_key(space, key);
        self.count += 1;
    }

    fn tagged_key(&mut self, space: KeySpace, key: &[u8]) {
        push_varint32(self.rep, key.len() + 1);
        self.rep.push(space as u8);
        self.rep.extend_from_slice(key);
    }

    fn bytes(&mut self, data: &[u8]) {
        push_varint32(self.rep, data.len());
        self.rep.extend_from_slice(data);
    }

    fn into_batch(self) -> WriteBatch {
        self.rep[8..HEADER].copy_from_slice(&self.count.to_le_bytes());
        WriteBatch::from_data(self.rep)
    }
}

/// The bytes one record takes: its type, and each of its key and value with its length.
fn record_size(key: usize, value: Option<usize>) -> usize {
    1 + varint32_size(key) + key + value.map_or(0, |v| varint32_size(v) + v)
}

fn varint32_size(n: usize) -> usize {
    match n {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}

fn push_varint32(out: &mut Vec<u8>, n: usize) {
    let mut n = n as u32; // every length was checked against u32::MAX before (block_batch)
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Everything a block writes, in one batch: its record, its hash's height, the new chain head, its
/// receipts and its state writes, in ascending key order (why: below). `buffer` is where it is laid
/// out first (its capacity is kept for the next block; RocksDB copies the bytes).
pub(crate) fn block_batch(
    block: &BlockCommit,
    new_head: &ChainHead,
    buffer: &mut Vec<u8>,
) -> Result<WriteBatch, StateError> {
    let head = new_head.encode();
    let height = block.height.to_be_bytes();
    let tagged = |key: &[u8]| key.len() + 1;
    let mut size = 0usize;
    let mut longest = 0usize;
    let mut count = |key: usize, value: Option<usize>| {
        longest = longest.max(key).max(value.unwrap_or(0));
        size += record_size(key, value);
    };
    for (k, v) in &block.state {
        count(tagged(k), v.as_ref().map(Vec::len));
    }
    count(block_key(block.height).len(), Some(block.block_record.len()));
    count(tagged(&block.block_hash), Some(height.len()));
    for (hash, receipt) in &block.receipts {
        count(tagged(hash), Some(receipt.len()));
    }
    count(META_HEAD.len(), Some(head.len()));
    let records = block.state.len() + block.receipts.len() + 3;
    if longest > u32::MAX as usize || records > u32::MAX as usize {
        return Err(StateError::Db(format!(
            "block {} is too big for one write batch ({records} entries, one of {longest} bytes)",
            block.height
        )));
    }

    // In ascending key order, the memtable's: RocksDB's skip list inserts each key of a batch
    // starting from where the key before it went (its "splice"), a few comparisons for a key just
    // above the last instead of a search from the top for one anywhere. The key spaces' tags sort
    // Block < BlockHash < Meta < Receipt < State; the state writes come sorted, the receipts in
    // block order (random hashes), so they are sorted here. The order changes nothing else: the
    // batch is applied whole, and a stable sort would keep a repeated key's later value last.
    let mut receipts: Vec<&(Vec<u8>, Vec<u8>)> = block.receipts.iter().collect();
    receipts.sort_by(|a, b| a.0.cmp(&b.0));
    let mut batch = BatchBytes::new(buffer, size);
    batch.put_raw(&block_key(block.height), &block.block_record);
    batch.put(KeySpace::BlockHash, &block.block_hash, &height);
    batch.put_raw(META_HEAD, &head);
    for (hash, receipt) in receipts {
        batch.put(KeySpace::Receipt, hash, receipt);
    }
    for (k, v) in &block.state {
        match v {
            Some(v) => batch.put(KeySpace::State, k, v),
            None => batch.delete(KeySpace::State, k),
        }
    }
    debug_assert_eq!(batch.rep.len(), HEADER + size, "the batch's size was counted wrong");
    Ok(batch.into_batch())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Writes;

    /// The batch built entry by entry through RocksDB's own `put` and `delete`, in key order.
    fn batch_by_entries(block: &BlockCommit, new_head: &ChainHead) -> WriteBatch {
        let mut batch = WriteBatch::default();
        batch.put(block_key(block.height), &block.block_record);
        batch.put(KeySpace::BlockHash.key(&block.block_hash), block.height.to_be_bytes());
        batch.put(META_HEAD, new_head.encode());
        let mut receipts = block.receipts.clone();
        receipts.sort();
        for (hash, receipt) in &receipts {
            batch.put(KeySpace::Receipt.key(hash), receipt);
        }
        for (k, v) in &block.state {
            match v {
                Some(v) => batch.put(KeySpace::State.key(k), v),
                None => batch.delete(KeySpace::State.key(k)),
            }
        }
        batch
    }

    /// Every key of `batch`, in the batch's order.
    fn keys_of(batch: &WriteBatch) -> Vec<Vec<u8>> {
        struct Keys(Vec<Vec<u8>>);
        impl rocksdb::WriteBatchIterator for Keys {
            fn put(&mut self, key: &[u8], _value: &[u8]) {
                self.0.push(key.to_vec());
            }
            fn delete(&mut self, key: &[u8]) {
                self.0.push(key.to_vec());
            }
        }
        let mut keys = Keys(Vec::new());
        batch.iterate(&mut keys);
        keys.0
    }

    #[test]
    fn a_block_s_keys_are_in_ascending_order() {
        let head = ChainHead { height: 300, state_root: [4; 32], time: 7 };
        let state: Writes = (0..100u32).map(|i| (i.to_be_bytes().to_vec(), (i % 3 != 0).then(|| vec![1]))).collect();
        // Receipts in block order: hashes in no order at all.
        let receipts = (0..100u32).map(|i| (i.wrapping_mul(2_654_435_761).to_le_bytes().to_vec(), vec![2])).collect();
        let batch = block_batch(&block(state, receipts, vec![3]), &head, &mut Vec::new()).unwrap();
        let keys = keys_of(&batch);
        assert_eq!(keys.len(), 203);
        if let Some(at) = keys.windows(2).position(|pair| pair[0] >= pair[1]) {
            panic!("entry {at} is not below the next: {:?} then {:?}", keys[at], keys[at + 1]);
        }
    }

    fn block(state: Writes, receipts: Vec<(Vec<u8>, Vec<u8>)>, record: Vec<u8>) -> BlockCommit {
        BlockCommit { height: 300, time: 7, state, block_record: record, block_hash: [9; 32], receipts }
    }

    #[test]
    fn the_bytes_equal_a_batch_built_entry_by_entry() {
        let head = ChainHead { height: 300, state_root: [4; 32], time: 7 };
        // Lengths on each side of every varint boundary, an empty key and empty values, deletes.
        let mut state = Writes::new();
        for len in [0usize, 1, 126, 127, 128, 129, 16_383, 16_384, 16_385, 2_097_152] {
            state.insert(vec![b'k'; len.min(300)].into_iter().chain(len.to_be_bytes()).collect(), Some(vec![7; len]));
        }
        state.insert(b"gone".to_vec(), None);
        state.insert(vec![], Some(vec![]));
        state.insert(vec![0xff; 200], None);
        let receipts = (0..50u8).map(|i| (vec![i; 32], vec![i; usize::from(i) * 5])).collect();
        let cases = [
            ("a block with writes and receipts", block(state, receipts, vec![1; 1000])),
            ("an empty block", block(Writes::new(), Vec::new(), Vec::new())),
        ];
        // One buffer for both, as the store keeps one: the second batch must not carry the first's bytes.
        let mut buffer = Vec::new();
        for (name, block) in cases {
            let built = block_batch(&block, &head, &mut buffer).unwrap();
            let expected = batch_by_entries(&block, &head);
            assert_eq!(built.len(), expected.len(), "{name}: entry count");
            assert!(built.data() == expected.data(), "{name}: the serialized bytes differ");
        }
    }

    #[test]
    fn varint_sizes_match_the_bytes_written() {
        for n in
            [0usize, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456, u32::MAX as usize]
        {
            let mut out = Vec::new();
            push_varint32(&mut out, n);
            assert_eq!(out.len(), varint32_size(n), "{n}");
        }
    }
}
