//! V8 (10.2, from Debian 12's libnode108): the second [`Engine`], with the observable
//! behaviour of [`crate::QuickJs`]. The V8 API is C++: csrc/v8_shim.cc wraps what is used in
//! a few C functions (ffi.rs); this module keeps the engine's state and rules.
//!
//! - One isolate per engine, reused run after run. V8 is set up once per process, with
//!   flags that keep code generation from strings, WebAssembly and shared memory out.
//! - The hot realm comes from a startup snapshot of the prelude (snapshot.rs: built once per
//!   prelude and process, shared by all engines): lockdown, class libraries, entry taken,
//!   host function removed, hardened. A new realm is one `Context::FromSnapshot`.
//! - Deadline: a process-wide watchdog thread calls `TerminateExecution` (watchdog.rs).
//!   Memory: a per-run budget checked after garbage collections and by the array-buffer
//!   allocator, under a much higher hard limit whose near-limit callback ends the run instead
//!   of letting V8 abort the process. Stack: `SetStackLimit` from the run's own frame.
//! - Precompiled code is the source plus V8's code cache (code.rs).

mod code;
mod ffi;
mod snapshot;
mod watchdog;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_void};
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Instant;

use code::Precompiled;
use snapshot::{Blob, SnapshotError};

use crate::host::{lone_surrogate_result, LONE_SURROGATE};
use crate::{Engine, Halt, Host, HostError, HostValue, Invocation};

const LOCKDOWN_SOURCE: &str = include_str!("../lockdown.js");
const LOCKDOWN_NAME: &str = "<lockdown>";

/// V8's flags, set once before it starts:
/// - no code generation from strings (the lockdown removes `eval` and `Function` too);
/// - no WebAssembly object and no asm.js-to-wasm translation;
/// - none of the built-ins V8 10.2 still installs behind "harmony" flags. V8 adds those to
///   every context it makes from a startup snapshot, after deserializing it (the snapshot
///   itself cannot hold them): onto the realm's frozen objects, which makes V8 abort, and
///   after the class libraries priced the built-ins. `SharedArrayBuffer` and `Atomics` are
///   left out anyway; `at`, `findLast`, `findLastIndex` and `Object.hasOwn` are defined by
///   the lockdown from the specification's steps where the engine has none;
/// - a single-threaded garbage collector: V8 10.2's concurrent marking threads crashed the
///   process (SIGSEGV in `ConcurrentMarking::Run` on a "V8 DefaultWorker" thread) in about one
///   run in three of the hostile suite, whose attacks end runs inside the engine (out of gas,
///   memory, stack) while the heap is being marked. With the collector on the thread that runs
///   the contract, its work is also inside the run's deadline and off the node's other cores.
const FLAGS: &str = "--disallow-code-generation-from-strings --no-expose-wasm --no-validate-asm \
                     --no-harmony-sharedarraybuffer --no-harmony-atomics --no-harmony-array-find-last \
                     --no-harmony-relative-indexing-methods --no-harmony-object-has-own --single-threaded-gc";

/// The hard heap limit above a run's budget: larger than any one allocation JavaScript can
/// ask for (a string of 2^29 two-byte characters, an array of 2^27 elements: 1 GiB), which V8
/// would otherwise refuse by aborting the process.
const HARD_HEAP_HEADROOM: usize = 1280 << 20;
/// How many times its serialized size a realm's snapshot may take once deserialized, for the
/// old generation's starting size (see `Isolate::new`).
const SNAPSHOT_HEAP_FACTOR: usize = 4;
/// The young generation (two semi-spaces and a large-object space): small, so that most
/// garbage of a run dies young and the budget check sees live data.
const YOUNG_GENERATION: usize = 24 << 20;

/// Sets V8 up for the process (once).
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // More flags for diagnosis (e.g. --trace-gc) from $JSVM_V8_FLAGS.
        let flags = match std::env::var("JSVM_V8_FLAGS") {
            Ok(extra) if !extra.trim().is_empty() => format!("{FLAGS} {extra}"),
            _ => FLAGS.to_string(),
        };
        // SAFETY: the flags are a valid buffer for the call.
        unsafe { ffi::jsvm_v8_init(flags.as_ptr() as *const c_char, flags.len()) };
    });
}

/// The V8 version this process runs, e.g. "10.2.154.26-node.36".
pub fn v8_version() -> String {
    init();
    // SAFETY: V8 returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(ffi::jsvm_v8_version()) }.to_string_lossy().into_owned()
}

/// What the host function shares with a run. Lives in a `Box` (its address is the host
/// function's user pointer).
struct RunState {
    /// Valid only while [`V8::run`] is on the stack.
    host: Cell<Option<*mut (dyn Host + 'static)>>,
    /// Why a host call ended the run, if one did.
    abort: RefCell<Option<Halt>>,
    /// The last string handed to the shim (it copies it at once).
    reply: RefCell<String>,
    /// A panic inside the host, carried over the C++ frames and resumed after the run.
    panic: RefCell<Option<Box<dyn Any + Send>>>,
    timed_out: Arc<AtomicBool>,
}

/// One isolate: the shim's engine, and the snapshot it was made from.
struct Isolate {
    raw: NonNull<ffi::RawEngine>,
    /// Dropped after the isolate (field order), which reads it while it lives.
    blob: Option<Arc<Blob>>,
    /// The run budget its heap limits were made for.
    memory: usize,
}

impl Isolate {
    fn new(blob: Option<Arc<Blob>>, memory: usize, state: &RunState) -> Result<Isolate, Halt> {
        init();
        let (ptr, len) =
            blob.as_ref().map_or((std::ptr::null(), 0), |b| (b.bytes.as_ptr() as *const c_char, b.bytes.len()));
        let heap_limit = memory.saturating_mul(2).saturating_add(HARD_HEAP_HEADROOM);
        // V8 starts collecting the old generation at `initial_old`. Below what the snapshot
        // itself takes, it collects while the isolate is still being deserialized, which
        // V8 10.2 does not survive (SIGSEGV in MarkCompactCollector under Deserializer::
        // ReadObject, seen with a 2 MiB run budget once the realm's libraries grew): so never
        // below a generous multiple of the snapshot's size.
        let initial_old = (memory / 2).max(len.saturating_mul(SNAPSHOT_HEAP_FACTOR));
        // SAFETY: the blob outlives the isolate (held in `blob`); `state` outlives it too
        // (the engine drops its isolate first).
        let raw = unsafe {
            ffi::jsvm_v8_engine_new(
                ptr,
                len,
                heap_limit,
                YOUNG_GENERATION,
                initial_old,
                host_trampoline,
                state as *const RunState as *mut c_void,
            )
        };
        let raw = NonNull::new(raw).ok_or_else(|| Halt::Fault("V8 could not create an isolate".into()))?;
        Ok(Isolate { raw, blob, memory })
    }

    fn ptr(&self) -> *mut ffi::RawEngine {
        self.raw.as_ptr()
    }

    fn made_from(&self, blob: &Option<Arc<Blob>>) -> bool {
        match (&self.blob, blob) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // SAFETY: made by jsvm_v8_engine_new, freed once.
        unsafe { ffi::jsvm_v8_engine_free(self.raw.as_ptr()) };
    }
}

/// V8 (10.2, libnode108): one isolate per engine, one hot realm in it.
///
/// Not `Send`: create it on the thread that uses it (an isolate is entered by one thread).
pub struct V8 {
    // Dropped before `state`, which its host function points at.
    isolate: Option<Isolate>,
    /// The prelude the isolate's realm was built from (`prelude_key`).
    hot: Option<u64>,
    /// The prelude the isolate's snapshot holds (`prelude_key`).
    blob_key: Option<u64>,
    /// Whether realms come from the prelude's startup snapshot (else the prelude is
    /// evaluated in a new context).
    snapshots: bool,
    /// Realms built so far.
    realms: u64,
    state: Box<RunState>,
    _not_send: PhantomData<*mut ()>,
}

impl V8 {
    /// A new engine; create it on the thread that will use it. The isolate is made on first
    /// use.
    pub fn new() -> Result<V8, String> {
        init();
        Ok(V8 {
            isolate: None,
            hot: None,
            blob_key: None,
            snapshots: true,
            realms: 0,
            state: Box::new(RunState {
                host: Cell::new(None),
                abort: RefCell::new(None),
                reply: RefCell::new(String::new()),
                panic: RefCell::new(None),
                timed_out: Arc::new(AtomicBool::new(false)),
            }),
            _not_send: PhantomData,
        })
    }

    /// The isolate, made if there is none (from V8's own snapshot).
    fn any_isolate(&mut self, memory: usize) -> Result<&Isolate, Halt> {
        if self.isolate.is_none() {
            self.isolate = Some(Isolate::new(None, memory, &self.state)?);
        }
        self.isolate.as_ref().ok_or_else(|| Halt::Fault("no isolate".into()))
    }

    /// An isolate made from `blob` with limits for `memory`: the current one, or a new one.
    fn isolate_for(&mut self, blob: Option<Arc<Blob>>, memory: usize) -> Result<&Isolate, Halt> {
        let keep = self.isolate.as_ref().is_some_and(|i| i.made_from(&blob) && i.memory >= memory);
        if !keep {
            self.isolate = None;
            self.hot = None;
            self.blob_key = None;
            self.isolate = Some(Isolate::new(blob, memory, &self.state)?);
        }
        self.isolate.as_ref().ok_or_else(|| Halt::Fault("no isolate".into()))
    }

    /// The hot realm for `inv`'s prelude, built if there is none yet.
    fn realm(&mut self, inv: &Invocation<'_>) -> Result<(), Halt> {
        let key = crate::run::prelude_key(inv);
        if self.hot == Some(key) {
            if let Some(i) = &self.isolate {
                // SAFETY: a live engine.
                if unsafe { ffi::jsvm_v8_has_realm(i.ptr()) } != 0 && i.memory >= inv.limits.memory_bytes {
                    return Ok(());
                }
            }
        }
        self.hot = None;
        let prelude = inv
            .prelude
            .iter()
            .map(|p| code::decode(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Halt::Fault(format!("unreadable precompiled code: {e}")))?;
        let lockdown = Precompiled::source_only(LOCKDOWN_NAME, LOCKDOWN_SOURCE);
        let failed = |m: String| Halt::Fault(format!("the class libraries failed to load: {m}"));
        let snapshot = if let Some(blob) =
            self.isolate.as_ref().and_then(|i| i.blob.clone()).filter(|_| self.blob_key == Some(key))
        {
            // The realm of the isolate's own snapshot, again (after a run cut short).
            Ok(blob)
        } else if self.snapshots {
            snapshot::get(&lockdown, &prelude, inv.entry)
        } else {
            Err(SnapshotError::Unsupported("turned off".into()))
        };
        self.realms += 1;
        match snapshot {
            Ok(blob) => {
                let isolate = self.isolate_for(Some(blob), inv.limits.memory_bytes)?;
                let (mut out, mut out_len) = (std::ptr::null_mut(), 0usize);
                // SAFETY: a live engine; `out` is taken below.
                let status = unsafe { ffi::jsvm_v8_realm_from_snapshot(isolate.ptr(), &mut out, &mut out_len) };
                let text = ffi::take_string(out, out_len);
                if status != ffi::OK {
                    return Err(Halt::Fault(format!("no realm from the snapshot: {text}")));
                }
            }
            Err(SnapshotError::Prelude(m)) => return Err(failed(m)),
            Err(SnapshotError::Unsupported(why)) => {
                // V8 could not write the snapshot: build the realm by evaluating the prelude.
                if self.snapshots {
                    static SAID: Once = Once::new();
                    SAID.call_once(|| {
                        eprintln!("jsvm: V8 wrote no startup snapshot ({why}); realms evaluate the class libraries")
                    });
                }
                let isolate = self.isolate_for(None, inv.limits.memory_bytes)?;
                let lockdown = lockdown.script();
                let scripts: Vec<ffi::Script> = prelude.iter().map(Precompiled::script).collect();
                let (mut out, mut out_len) = (std::ptr::null_mut(), 0usize);
                // SAFETY: the scripts borrow `inv` and `LOCKDOWN_SOURCE`, alive for the call.
                let status = unsafe {
                    ffi::jsvm_v8_realm_evaluate(
                        isolate.ptr(),
                        &lockdown,
                        scripts.as_ptr(),
                        scripts.len(),
                        ffi::Bytes::of(inv.entry.as_bytes()),
                        &mut out,
                        &mut out_len,
                    )
                };
                let text = ffi::take_string(out, out_len);
                match status {
                    ffi::OK => {}
                    ffi::EXCEPTION => return Err(failed(text)),
                    ffi::TERMINATED => return Err(failed("execution terminated".into())),
                    _ => return Err(Halt::Fault(text)),
                }
            }
        }
        self.hot = Some(key);
        self.blob_key = self.isolate.as_ref().and_then(|i| i.blob.as_ref()).map(|_| key);
        Ok(())
    }

    fn run_inner(&mut self, inv: &Invocation<'_>) -> Result<String, Halt> {
        if Instant::now() >= inv.limits.deadline {
            return Err(Halt::Timeout);
        }
        self.realm(inv)?;
        let isolate = self.isolate.as_ref().ok_or_else(|| Halt::Fault("no isolate".into()))?;
        let e = isolate.ptr();
        // Taking the program apart (and checking its cache) only when V8 has to compile it.
        // SAFETY: a live engine.
        let known = unsafe { ffi::jsvm_v8_knows_program(e, ffi::Bytes::of(inv.program)) } != 0;
        let script = if known {
            None
        } else {
            let program =
                code::decode(inv.program).map_err(|e| Halt::Fault(format!("unreadable precompiled code: {e}")))?;
            Some(program.script())
        };
        let args: Vec<ffi::Bytes> = inv.args.iter().map(|a| ffi::Bytes::of(a.as_bytes())).collect();
        let (mut out, mut out_len) = (std::ptr::null_mut(), 0usize);
        let status = {
            // SAFETY: a live engine.
            let isolate_handle = unsafe { ffi::jsvm_v8_engine_isolate(e) };
            let _armed = watchdog::arm(inv.limits.deadline, isolate_handle, self.state.timed_out.clone());
            // SAFETY: every buffer outlives the call; `out` is taken below.
            unsafe {
                ffi::jsvm_v8_run(
                    e,
                    ffi::Bytes::of(inv.program),
                    script.as_ref().map_or(std::ptr::null(), |s| s as *const ffi::Script),
                    args.as_ptr(),
                    args.len(),
                    inv.limits.memory_bytes,
                    inv.limits.stack_bytes,
                    &mut out,
                    &mut out_len,
                )
            }
        };
        // The result as written: a result must be valid UTF-8 (below), a message is kept lossily.
        let bytes = ffi::take_bytes(out, out_len);
        let st = &self.state;
        // SAFETY: a live engine.
        let oom = unsafe { ffi::jsvm_v8_oom(e) } != 0;
        // The order of QuickJs's: an abort, then memory, then the deadline.
        if let Some(halt) = st.abort.borrow().clone() {
            return Err(halt);
        }
        if oom {
            return Err(Halt::OutOfMemory);
        }
        let timed_out = st.timed_out.load(Ordering::SeqCst);
        match status {
            // A result with a lone surrogate, as QuickJS ends it.
            ffi::OK => String::from_utf8(bytes).map_err(|_| lone_surrogate_result()),
            ffi::EXCEPTION if timed_out => Err(Halt::Timeout),
            ffi::EXCEPTION => Err(Halt::Uncaught(ffi::lossy_string(bytes))),
            ffi::TERMINATED if timed_out => Err(Halt::Timeout),
            ffi::TERMINATED => Err(Halt::Fault("execution terminated".into())),
            _ => Err(Halt::Fault(ffi::lossy_string(bytes))),
        }
    }

    fn compile_with(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        let memory = self.isolate.as_ref().map_or(64 << 20, |i| i.memory);
        let isolate = self.any_isolate(memory).map_err(|e| format!("engine error: {e}"))?;
        let (mut cache, mut cache_len) = (std::ptr::null_mut(), 0usize);
        let (mut out, mut out_len) = (std::ptr::null_mut(), 0usize);
        // SAFETY: a live engine; the buffers are taken below.
        let status = unsafe {
            ffi::jsvm_v8_compile(
                isolate.ptr(),
                ffi::Bytes::of(name.as_bytes()),
                ffi::Bytes::of(source.as_bytes()),
                &mut cache,
                &mut cache_len,
                &mut out,
                &mut out_len,
            )
        };
        let cache = ffi::take_bytes(cache, cache_len);
        let text = ffi::take_string(out, out_len);
        match status {
            ffi::OK => code::encode(name, source, &cache),
            ffi::TERMINATED => Err("compilation was interrupted".into()),
            _ => Err(text),
        }
    }

    /// Heap bytes in use in this engine's isolate (after a full collection when `collect`).
    pub fn heap_used(&mut self, collect: bool) -> usize {
        match &self.isolate {
            // SAFETY: a live engine.
            Some(i) => unsafe { ffi::jsvm_v8_heap_used(i.ptr(), collect as i32) },
            None => 0,
        }
    }

    /// Code caches V8 refused in this engine (the scripts were compiled from source).
    pub fn code_caches_rejected(&self) -> u64 {
        // SAFETY: a live engine.
        self.isolate.as_ref().map_or(0, |i| unsafe { ffi::jsvm_v8_cache_rejected(i.ptr()) })
    }

    /// Whether realms come from a startup snapshot of the prelude (the default) or from
    /// evaluating it in a new context (for measurements and comparisons; the realms are the
    /// same).
    pub fn set_snapshots(&mut self, on: bool) {
        if on != self.snapshots {
            self.snapshots = on;
            self.hot = None;
            self.isolate = None;
        }
    }

    /// Drops the hot realm, so that the next run builds one (measurements).
    pub fn drop_realm(&mut self) {
        self.hot = None;
        if let Some(i) = &self.isolate {
            // SAFETY: a live engine.
            unsafe { ffi::jsvm_v8_realm_drop(i.ptr()) };
        }
    }

    /// The size of the snapshot the isolate was made from, if any.
    pub fn snapshot_bytes(&self) -> Option<usize> {
        self.isolate.as_ref().and_then(|i| i.blob.as_ref()).map(|b| b.bytes.len())
    }

    /// Realms this engine has built.
    pub fn realms_built(&self) -> u64 {
        self.realms
    }

    /// Which snapshot the isolate was made from (its address), if any: engines that share
    /// one give the same number.
    pub fn snapshot_id(&self) -> Option<usize> {
        self.isolate.as_ref().and_then(|i| i.blob.as_ref()).map(|b| Arc::as_ptr(b) as usize)
    }
}

impl Engine for V8 {
    fn version(&self) -> &'static str {
        // Bumped when precompiled code changes meaning (code.rs's format, the lockdown).
        "v8-10.2/libnode108/1"
    }

    fn compile(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        self.compile_with(name, source)
    }

    /// The same as [`Engine::compile`]: V8 cannot drop a script's source (it compiles
    /// functions lazily from it and checks its code cache against it), so the libraries'
    /// functions print their source, unlike QuickJS's.
    fn compile_library(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        self.compile_with(name, source)
    }

    fn run(&mut self, inv: &Invocation<'_>, host: &mut dyn Host) -> Result<String, Halt> {
        let st = &self.state;
        st.timed_out.store(false, Ordering::SeqCst);
        st.abort.replace(None);
        // SAFETY: the pointer is cleared below, before this function returns, so the host
        // function never sees it outlive the borrow.
        let host_ptr: *mut (dyn Host + 'static) = unsafe { std::mem::transmute(host as *mut dyn Host) };
        st.host.set(Some(host_ptr));
        let result = self.run_inner(inv);
        self.state.host.set(None);
        // A run cut short inside the engine may have left the realm mid-way: build a new one
        // for the next run.
        if crate::run::cut_short(&result, self.state.abort.borrow().is_some()) {
            self.drop_realm();
        }
        if let Some(i) = &self.isolate {
            // SAFETY: a live engine.
            if unsafe { ffi::jsvm_v8_heap_limit_raised(i.ptr()) } != 0 {
                // V8's hard limit was reached and lifted to unwind the run: a new isolate.
                self.isolate = None;
                self.hot = None;
            } else {
                // SAFETY: a live engine, no JavaScript on the stack.
                unsafe { ffi::jsvm_v8_idle(i.ptr()) };
            }
        }
        if let Some(panic) = self.state.panic.borrow_mut().take() {
            std::panic::resume_unwind(panic);
        }
        result
    }
}

/// The host function's way into Rust: `user` is the engine's [`RunState`].
unsafe extern "C" fn host_trampoline(
    user: *mut c_void,
    op: *const c_char,
    op_len: usize,
    args: *const ffi::Value,
    nargs: usize,
    out: *mut ffi::Value,
) -> i32 {
    // SAFETY: the shim passes the pointer it was given (a live RunState) and buffers valid
    // for the call.
    let st = unsafe { &*(user as *const RunState) };
    let out = unsafe { &mut *out };
    let bytes = |p: *const c_char, len: usize| -> &[u8] {
        if len == 0 {
            &[]
        } else {
            // SAFETY: as above.
            unsafe { std::slice::from_raw_parts(p as *const u8, len) }
        }
    };
    let reply = |status: i32, text: String, out: &mut ffi::Value| {
        let mut r = st.reply.borrow_mut();
        *r = text;
        *out = ffi::Value { tag: ffi::TAG_STRING, number: 0.0, str: r.as_ptr() as *const c_char, len: r.len() };
        status
    };
    // Strings cross as UTF-8; one holding a lone surrogate is refused with the same words as on QuickJS.
    let text = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).map_err(|_| LONE_SURROGATE.to_string());
    let args = if nargs == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(args, nargs) } };
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(match a.tag {
            ffi::TAG_NULL => HostValue::Null,
            ffi::TAG_BOOL => HostValue::Bool(a.number != 0.0),
            ffi::TAG_NUMBER => HostValue::Number(a.number),
            ffi::TAG_STRING => match text(bytes(a.str, a.len)) {
                Ok(s) => HostValue::String(s),
                Err(m) => return reply(ffi::HOST_TYPE_ERROR, m, out),
            },
            _ => HostValue::Undefined,
        });
    }
    let op = match text(bytes(op, op_len)) {
        Ok(s) => s,
        Err(m) => return reply(ffi::HOST_TYPE_ERROR, m, out),
    };
    let Some(host) = st.host.get() else {
        return reply(ffi::HOST_THROW, "host is not available".into(), out);
    };
    // SAFETY: set by `run` for exactly the duration of the run (see there).
    let host = unsafe { &mut *host };
    match catch_unwind(AssertUnwindSafe(|| host.call(&op, &values))) {
        Ok(Ok(v)) => match v {
            HostValue::Undefined => {
                *out = ffi::Value { tag: ffi::TAG_UNDEFINED, number: 0.0, str: std::ptr::null(), len: 0 };
                ffi::HOST_OK
            }
            HostValue::Null => {
                *out = ffi::Value { tag: ffi::TAG_NULL, number: 0.0, str: std::ptr::null(), len: 0 };
                ffi::HOST_OK
            }
            HostValue::Bool(b) => {
                *out =
                    ffi::Value { tag: ffi::TAG_BOOL, number: if b { 1.0 } else { 0.0 }, str: std::ptr::null(), len: 0 };
                ffi::HOST_OK
            }
            HostValue::Number(n) => {
                *out = ffi::Value { tag: ffi::TAG_NUMBER, number: n, str: std::ptr::null(), len: 0 };
                ffi::HOST_OK
            }
            HostValue::String(s) => reply(ffi::HOST_OK, s, out),
        },
        Ok(Err(HostError::Throw(msg))) => reply(ffi::HOST_THROW, msg, out),
        Ok(Err(HostError::Halt(halt))) => {
            let text = halt.to_string();
            st.abort.replace(Some(halt));
            reply(ffi::HOST_ABORT, text, out)
        }
        Err(panic) => {
            // Unwinding through V8's frames is undefined: end the run, resume the panic after.
            st.panic.replace(Some(panic));
            st.abort.replace(Some(Halt::Fault("the host panicked".into())));
            reply(ffi::HOST_ABORT, "the host panicked".into(), out)
        }
    }
}

#[cfg(test)]
mod tests;
