//! The heap budget of a run, counted as QuickJS counts its objects: a run may hold
//! `memory_bytes` more than the runtime held when it started. A run whose count passes that is
//! on record as out of memory, and QuickJS refuses any allocation [`RESERVE`] past it (the
//! reserve leaves it room to make its "out of memory" error). The run then ends as out of
//! memory, uncatchably: errors.js's `caught` ends it on that error, and the record ends it
//! even where QuickJS threw `null` (the interrupt handler, and the end of the run).
//!
//! Why QuickJS's own count and not the bytes its allocator asks the Rust allocator for: QuickJS
//! serves small objects from 4 KiB arenas, so a run whose objects fit in arenas that earlier
//! runs left half empty asks for less than one that starts new arenas: the allocator's figure
//! depends on the worker's history. QuickJS's count adds each object's own size class, so the
//! same run counts the same bytes after any history. Its automatic collector is off (mod.rs):
//! garbage of earlier runs is never freed during a run, so it gives no run extra room.
//!
//! The record: QuickJS runs its collector when it is about to make an object past its "GC
//! threshold", which a run sets to its limit; the collector visits every object, [`GcWitness`]
//! among them, and the witness notes the run. Objects are made at the same points of a run
//! whatever ran before. Allocations without a new object (strings, arrays' storage) are seen
//! when QuickJS asks the allocator for an arena or a large block; a run that passes its limit
//! with those alone and drops back below before either is the one case where the record
//! depends on the arenas earlier runs left.
//!
//! Every QuickJS allocation still goes through [`MeteredAllocator`], which keeps the process's
//! bytes under a backstop above the budget (arenas and headers on top of the objects).

use std::cell::Cell;
use std::rc::Rc;

use rquickjs::allocator::{Allocator, RustAllocator};
use rquickjs::class::{JsClass, Readable, Trace, Tracer};
use rquickjs::{qjs, Class, Ctx, JsLifetime, Runtime, Value};

/// Shared between the allocator, the interrupt handler and the run.
pub(crate) struct MemoryBudget {
    /// Bytes the allocator handed out and not taken back.
    used: Cell<usize>,
    /// The allocator's backstop for the run in progress (`usize::MAX` between runs).
    limit: Cell<usize>,
    exceeded: Cell<bool>,
    /// The runtime's `malloc_state.malloc_size`: QuickJS's count of its objects' bytes.
    objects: Cell<*const usize>,
    /// QuickJS's count when the last run started, and what that run could add to it.
    start: Cell<usize>,
    allowance: Cell<usize>,
    running: Cell<bool>,
}

/// What arenas and allocation headers may add on top of a run's objects before the
/// allocator's backstop refuses (a share of the allowance, plus every arena size class
/// started once).
const BACKSTOP_SHARE: usize = 4;
const BACKSTOP_ARENAS: usize = 256 << 10;

/// Room above a run's limit for the error QuickJS makes when it refuses an allocation (an
/// object, its message, a backtrace).
pub(crate) const RESERVE: usize = 16 << 10;

/// QuickJS's collector starts by itself only past this (mod.rs turns it off between and
/// during runs, except at a run's limit).
pub(crate) const NO_AUTOMATIC_GC: usize = usize::MAX / 2;

impl MemoryBudget {
    pub(crate) fn new() -> Rc<Self> {
        Rc::new(MemoryBudget {
            used: Cell::new(0),
            limit: Cell::new(usize::MAX),
            exceeded: Cell::new(false),
            objects: Cell::new(std::ptr::null()),
            start: Cell::new(0),
            allowance: Cell::new(0),
            running: Cell::new(false),
        })
    }

    /// Finds QuickJS's count in `rt` (the `malloc_state` that follows the allocator's
    /// functions in `JSRuntime`), checked against the figure `JS_ComputeMemoryUsage` reports,
    /// so that a QuickJS whose layout differs is refused rather than misread.
    pub(crate) fn attach(&self, rt: &Runtime, raw: *mut qjs::JSRuntime) -> Result<(), String> {
        let offset = std::mem::size_of::<qjs::JSMallocFunctions>() + std::mem::size_of::<usize>();
        // SAFETY: `raw` is the live runtime, larger than `offset` plus a word.
        let objects = unsafe { (raw as *const u8).add(offset) as *const usize };
        let reported = rt.memory_usage().malloc_size;
        // SAFETY: as above; the runtime outlives the engine that holds this budget.
        let read = unsafe { objects.read() };
        if i64::try_from(read).ok() != Some(reported) {
            return Err(format!("QuickJS's memory count is not where expected ({read} read, {reported} reported)"));
        }
        self.objects.set(objects);
        Ok(())
    }

    /// QuickJS's count of its objects' bytes now.
    pub(crate) fn objects(&self) -> usize {
        let p = self.objects.get();
        // SAFETY: set by `attach` to a field of the live runtime (null before it).
        if p.is_null() {
            0
        } else {
            unsafe { p.read() }
        }
    }

    /// Allows `extra` more bytes of objects than are in use now, until [`MemoryBudget::lift`].
    pub(crate) fn start_run(&self, rt: &Runtime, extra: usize) {
        let objects = self.objects();
        self.start.set(objects);
        self.allowance.set(extra);
        let limit = objects.saturating_add(extra);
        // QuickJS refuses when `in use + size > limit - 1`: past the reserve, which leaves it
        // room to make its "out of memory" error.
        rt.set_memory_limit(limit.saturating_add(RESERVE).saturating_add(1));
        rt.set_gc_threshold(limit);
        let backstop = extra.saturating_add(extra / BACKSTOP_SHARE).saturating_add(BACKSTOP_ARENAS);
        self.limit.set(self.used.get().saturating_add(backstop));
        self.exceeded.set(false);
        self.running.set(true);
    }

    /// No limit (between runs: compiling, creating and freeing contexts), and no
    /// refusal on record.
    pub(crate) fn lift(&self, rt: &Runtime) {
        self.running.set(false);
        rt.set_memory_limit(0);
        rt.set_gc_threshold(NO_AUTOMATIC_GC);
        self.limit.set(usize::MAX);
        self.exceeded.set(false);
    }

    /// Whether the run came to its limit (and so must end as out of memory, whatever the
    /// contract did next).
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn admit(&self, bytes: usize) -> bool {
        // Past the limit, and still below QuickJS's refusal: small allocations (strings, arrays'
        // storage) made without any new object, seen whenever QuickJS asks for an arena or a
        // large block.
        if self.running.get() && self.objects() > self.start.get().saturating_add(self.allowance.get()) {
            self.exceeded.set(true);
        }
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

/// An object in each realm whose only work is to be visited by QuickJS's collector, which
/// during a run starts only at the run's limit (see the module's notes).
pub(crate) struct GcWitness {
    budget: Rc<MemoryBudget>,
}

impl GcWitness {
    /// A witness for `budget`, as a value the realm keeps.
    pub(crate) fn make<'js>(ctx: &Ctx<'js>, budget: Rc<MemoryBudget>) -> rquickjs::Result<Value<'js>> {
        Ok(Class::instance(ctx.clone(), GcWitness { budget })?.into_value())
    }
}

impl<'js> Trace<'js> for GcWitness {
    fn trace<'a>(&self, _tracer: Tracer<'a, 'js>) {
        if self.budget.running.get() {
            self.budget.exceeded.set(true);
        }
    }
}

// SAFETY: holds no JavaScript value.
unsafe impl<'js> JsLifetime<'js> for GcWitness {
    type Changed<'to> = GcWitness;
}

impl<'js> JsClass<'js> for GcWitness {
    const NAME: &'static str = "GcWitness";
    type Mutable = Readable;

    fn constructor(_ctx: &Ctx<'js>) -> rquickjs::Result<Option<rquickjs::function::Constructor<'js>>> {
        Ok(None)
    }
}

/// The Rust allocator, counted against a [`MemoryBudget`]'s backstop.
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
