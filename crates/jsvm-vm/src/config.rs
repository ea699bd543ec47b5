use std::time::Duration;

use jsvm_runtime::GasSchedule;

/// How the VM runs contracts. Every bound here has a default a node can rely on.
#[derive(Debug, Clone)]
pub struct VmConfig {
    /// Worker threads running contracts.
    pub workers: usize,
    /// Wall-clock budget of one transaction (all its actions together).
    pub tx_timeout: Duration,
    /// Heap bytes one run may use.
    pub memory_limit: usize,
    /// Native stack bytes JS recursion may use (the worker thread has more).
    pub stack_limit: usize,
    /// Compiled contracts kept in each worker's memory.
    pub code_cache_entries: usize,
    /// The gas schedule written into a new chain's first block. After that the schedule
    /// stored in state (`system.iost`/`gas_schedule`) is the one in force.
    pub schedule: GasSchedule,
    /// Witness name put in produced blocks.
    pub witness: String,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            workers: 2,
            tx_timeout: Duration::from_millis(1_000),
            memory_limit: 64 << 20,
            stack_limit: 1 << 20,
            code_cache_entries: 256,
            schedule: GasSchedule::default(),
            witness: "jsvm".into(),
        }
    }
}

/// Stack of a worker thread: comfortably above `stack_limit`, so QuickJS's own
/// check fires before the thread's guard page.
pub(crate) const WORKER_STACK_BYTES: usize = 16 << 20;
