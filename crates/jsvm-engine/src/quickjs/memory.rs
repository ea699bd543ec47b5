//! The heap budget of a run: every QuickJS allocation goes through [`MeteredAllocator`],
//! which refuses allocations past the run's limit and remembers that it did. The engine
//! then ends the run at the next interrupt poll, uncatchably, so a contract cannot catch
//! "out of memory" and carry on with a result that depended on where the limit fell.
//!
//! Sizes are the sizes QuickJS asked for (the Rust allocator's own bookkeeping), not
//! what the platform's malloc rounded them to, so the accounting is the same on every
//! machine.

use std::cell::Cell;
use std::rc::Rc;

use rquickjs::allocator::{Allocator, RustAllocator};

/// Shared between the allocator, the interrupt handler and the run.
#[derive(Default)]
pub(crate) struct MemoryBudget {
    used: Cell<usize>,
    limit: Cell<usize>,
    exceeded: Cell<bool>,
}

impl MemoryBudget {
    pub(crate) fn new() -> Rc<Self> {
        let b = MemoryBudget::default();
        b.limit.set(usize::MAX);
        Rc::new(b)
    }

    /// Allows `extra` more bytes than are in use now, until [`MemoryBudget::lift`].
    pub(crate) fn start_run(&self, extra: usize) {
        self.exceeded.set(false);
        self.limit.set(self.used.get().saturating_add(extra));
    }

    /// No limit (between runs: compiling, creating and freeing contexts), and no
    /// refusal on record.
    pub(crate) fn lift(&self) {
        self.limit.set(usize::MAX);
        self.exceeded.set(false);
    }

    /// Whether an allocation was refused since the run started.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn admit(&self, bytes: usize) -> bool {
        let ok = self.used.get().checked_add(bytes).is_some_and(|total| total <= self.limit.get());
        if !ok {
            self.exceeded.set(true);
        }
        ok
    }

    fn add(&self, bytes: usize) {
        self.used.set(self.used.get().saturating_add(bytes));
    }

    fn sub(&self, bytes: usize) {
        self.used.set(self.used.get().saturating_sub(bytes));
    }
}

/// The Rust allocator, counted against a [`MemoryBudget`].
pub(crate) struct MeteredAllocator {
    pub(crate) budget: Rc<MemoryBudget>,
}

// SAFETY: every pointer handed out comes from RustAllocator and goes back to it; the
// counting around it does not touch the memory.
unsafe impl Allocator for MeteredAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.budget.admit(size) {
            return std::ptr::null_mut();
        }
        let p = RustAllocator.alloc(size);
        if !p.is_null() {
            // SAFETY: `p` was just returned by RustAllocator.
            self.budget.add(unsafe { RustAllocator::usable_size(p) });
        }
        p
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(total) = count.checked_mul(size) else { return std::ptr::null_mut() };
        if !self.budget.admit(total) {
            return std::ptr::null_mut();
        }
        let p = RustAllocator.calloc(count, size);
        if !p.is_null() {
            // SAFETY: as in `alloc`.
            self.budget.add(unsafe { RustAllocator::usable_size(p) });
        }
        p
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if !ptr.is_null() {
            self.budget.sub(RustAllocator::usable_size(ptr));
        }
        RustAllocator.dealloc(ptr);
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        let old = if ptr.is_null() { 0 } else { RustAllocator::usable_size(ptr) };
        if new_size > old && !self.budget.admit(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = RustAllocator.realloc(ptr, new_size);
        if !p.is_null() {
            self.budget.sub(old);
            self.budget.add(RustAllocator::usable_size(p));
        }
        p
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        RustAllocator::usable_size(ptr)
    }
}
