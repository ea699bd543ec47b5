use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_void, CString};
use std::rc::Rc;
use std::time::Instant;

use rquickjs::context::intrinsic;
use rquickjs::function::Rest;
use rquickjs::{qjs, Coerced, Context, Ctx, Function, Persistent, Runtime, Value};

use crate::host::lone_surrogate_result;
use crate::{Engine, Halt, Host, HostValue, Invocation};

mod cstr;
mod host_call;
mod memory;
mod merge_sort;
mod parse_frozen;
#[cfg(test)]
mod seal_tests;
#[cfg(test)]
mod source_tests;
use memory::{GcWitness, MemoryBudget, MeteredAllocator, NO_AUTOMATIC_GC};
use merge_sort::{merge_sort_function, MERGE_SORT_FUNCTION};
use parse_frozen::{parse_frozen_function, PARSE_FROZEN_FUNCTION};

/// The intrinsics a realm gets. Left out on purpose: Date, Promise (no job
/// queue runs, so nothing asynchronous could ever settle), WeakRef/
/// FinalizationRegistry (GC-observable), Performance, Proxy.
type Intrinsics = (
    intrinsic::Eval, // needed by the host to evaluate precompiled code; `eval` itself is removed
    intrinsic::RegExpCompiler,
    intrinsic::RegExp,
    intrinsic::Json,
    intrinsic::MapSet,
    intrinsic::TypedArrays,
);

/// Name of the one host function, visible to the prelude only: the entry
/// sequence deletes it from the global object before contract code runs.
pub(crate) const HOST_FUNCTION: &str = "__jsvm_host";

const LOCKDOWN_SOURCE: &str = include_str!("../lockdown.js");

/// What the interrupt handler and the host function share with the run.
#[derive(Default)]
struct RunState {
    deadline: Cell<Option<Instant>>,
    timed_out: Cell<bool>,
    /// Why a host call ended the run, if one did.
    abort: RefCell<Option<Halt>>,
    /// Valid only while [`QuickJs::run`] is on the stack.
    host: Cell<Option<*mut (dyn Host + 'static)>>,
    /// A host call's arguments (host_call.rs): one buffer for every call.
    args: RefCell<Vec<HostValue>>,
    /// A panic in the host, kept while the run unwinds through QuickJS and resumed after it.
    panic: RefCell<Option<Box<dyn std::any::Any + Send>>>,
}

/// A realm built once and reused run after run: lockdown, the class libraries
/// (the prelude), then every reachable object frozen. Each run evaluates the
/// contract's code afresh (new module function, new module-level state, new
/// instance) and calls the entry; frozen intrinsics and a frozen global object
/// leave nothing for one run to hand to the next.
struct HotRealm {
    /// Which prelude built it.
    key: u64,
    /// Programs evaluated in this realm, most recent last: the bytecode and the
    /// factory it evaluated to. A factory keeps no state of its own (each call
    /// makes a new gas counter and module function) and contract code cannot
    /// reach it, so a program is evaluated once per realm, not once per run.
    programs: Vec<(Vec<u8>, Persistent<Value<'static>>)>,
    entry: Persistent<Function<'static>>,
    /// Notes a run that reaches its memory limit (memory.rs).
    _witness: Persistent<Value<'static>>,
    ctx: Context,
}

/// Programs kept evaluated per realm.
const PROGRAMS_PER_REALM: usize = 32;

/// QuickJS (quickjs-ng through rquickjs): one runtime per worker thread and
/// call-stack height, one hot realm in it.
pub struct QuickJs {
    // Dropped before the runtime that owns its objects.
    hot: Option<HotRealm>,
    /// A sealed program was let go: the next collection must walk the sealed objects too.
    collect_sealed: bool,
    rt: Runtime,
    /// `rt`'s QuickJS runtime, for the calls rquickjs does not wrap.
    raw: *mut qjs::JSRuntime,
    state: Rc<RunState>,
    memory: Rc<MemoryBudget>,
    lockdown: Vec<u8>,
}

impl QuickJs {
    /// A new engine; create it on the thread that will use it.
    pub fn new() -> Result<QuickJs, String> {
        let memory = MemoryBudget::new();
        let rt = Runtime::new_with_alloc(MeteredAllocator { budget: memory.clone() }).map_err(|e| e.to_string())?;
        // QuickJS's collector would start when the runtime's allocations pass a threshold, which
        // earlier runs' garbage moves, and free that garbage in the middle of a run, giving that
        // run room a run after a quiet history would not get: cycles are collected between runs.
        rt.set_gc_threshold(NO_AUTOMATIC_GC);
        let probe = Context::base(&rt).map_err(|e| e.to_string())?;
        // SAFETY: the context is live; its runtime is `rt`.
        let raw = probe.with(|ctx| unsafe { qjs::JS_GetRuntime(ctx.as_raw().as_ptr()) });
        drop(probe);
        memory.attach(&rt, raw)?;
        let state = Rc::new(RunState::default());
        let s = state.clone();
        let m = memory.clone();
        rt.set_interrupt_handler(Some(Box::new(move || {
            if s.abort.borrow().is_some() || m.exceeded() {
                return true;
            }
            match s.deadline.get() {
                Some(d) if Instant::now() >= d => {
                    s.timed_out.set(true);
                    true
                }
                _ => false,
            }
        })));
        let mut engine = QuickJs { hot: None, collect_sealed: false, rt, raw, state, memory, lockdown: Vec::new() };
        engine.lockdown = engine.compile_library("<lockdown>", LOCKDOWN_SOURCE)?;
        Ok(engine)
    }

    fn new_context(&self) -> Result<Context, Halt> {
        Context::custom::<Intrinsics>(&self.rt).map_err(|e| Halt::Fault(e.to_string()))
    }

    fn reset_after_run(&mut self) {
        self.state.host.set(None);
        self.state.deadline.set(None);
        self.memory.lift(&self.rt);
        // Every run starts from the same heap: the realm, the cached programs and nothing else.
        // Each run leaves cycles behind (its module's class and prototype, at least), and a
        // run that starts among an earlier run's leftovers counts different bytes for the same
        // work: the memory limit would fall according to the worker's history.
        if std::mem::take(&mut self.collect_sealed) {
            // SAFETY: this engine's live runtime, between runs.
            unsafe { qjs::JS_JsvmRunGCWithSealed(self.raw) };
        } else {
            self.rt.run_gc();
        }
    }

    /// Runs `build` with the GC objects it makes sealed (vendor/rquickjs-sys's
    /// `JS_JsvmSealSinceMark`): the collection after each run then visits only what runs made,
    /// not the thousands of objects of the class libraries and cached programs. Only what jsvm
    /// builds between runs and keeps (a realm, a program) is sealed, never what a run made, and
    /// sealed objects join a collection before they are let go: the collector frees exactly
    /// what a collection of the whole heap would (seal_tests.rs). Where `build` fails, the
    /// realm is dropped, and with it everything sealed.
    fn sealed<T>(&mut self, build: impl FnOnce(&Self) -> Result<T, Halt>) -> Result<T, Halt> {
        // SAFETY: this engine's live runtime; `build` runs no collection (the automatic one is
        // off between runs) and frees nothing made before the mark.
        unsafe { qjs::JS_JsvmSealMark(self.raw) };
        let out = build(self);
        // SAFETY: as above.
        unsafe { qjs::JS_JsvmSealSinceMark(self.raw) };
        if out.is_err() {
            self.drop_realm();
        }
        out
    }

    /// Drops the hot realm (and with it its programs, or what a failed build sealed); the next run
    /// builds another. Everything sealed belongs to the realm, so all of it is unsealed.
    fn drop_realm(&mut self) {
        self.hot = None;
        // SAFETY: this engine's live runtime; sealed objects stay valid, only listed anew.
        unsafe { qjs::JS_JsvmUnsealHeap(self.raw) };
    }

    /// Bytes a collection of the whole heap, sealed objects included, would free now:
    /// zero if sealing frees exactly what a whole-heap collection frees (seal_tests.rs).
    #[cfg(test)]
    fn freed_by_whole_heap_collection(&mut self) -> usize {
        let before = self.memory.objects();
        // SAFETY: this engine's live runtime, between runs.
        unsafe { qjs::JS_JsvmRunGCWithSealed(self.raw) };
        before - self.memory.objects()
    }

    /// The hot realm for `inv`'s prelude, built (and hardened) if there is none yet.
    fn realm(&mut self, inv: &Invocation<'_>) -> Result<(Context, Persistent<Function<'static>>), Halt> {
        let key = crate::run::prelude_key(inv);
        if let Some(hot) = self.hot.as_ref().filter(|h| h.key == key) {
            return Ok((hot.ctx.clone(), hot.entry.clone()));
        }
        self.drop_realm();
        self.rt.run_gc();
        let built = self.sealed(|engine| {
            let ctx = engine.new_context()?;
            let st = engine.state.clone();
            let entry = ctx.with(|ctx| {
                let entry = build_realm(&ctx, &engine.lockdown, inv, st.clone()).map_err(|e| {
                    match classify(&ctx, e, &st, &engine.memory) {
                        Halt::Uncaught(m) => Halt::Fault(format!("the class libraries failed to load: {m}")),
                        other => other,
                    }
                })?;
                Ok::<_, Halt>(Persistent::save(&ctx, entry))
            })?;
            Ok((ctx, entry))
        });
        let (ctx, entry) = built?;
        // Made after the seal: the witness must be visited by every collection (memory.rs).
        let witness = ctx.with(|ctx| {
            let witness = GcWitness::make(&ctx, self.memory.clone()).map_err(|e| Halt::Fault(e.to_string()))?;
            Ok::<_, Halt>(Persistent::save(&ctx, witness))
        })?;
        self.hot =
            Some(HotRealm { key, programs: Vec::new(), entry: entry.clone(), _witness: witness, ctx: ctx.clone() });
        Ok((ctx, entry))
    }
}

impl Engine for QuickJs {
    fn version(&self) -> &'static str {
        // Bumped when compiled code changes meaning: hot realms and code compiled
        // under a contract-independent file name.
        "quickjs-ng/rquickjs-0.14/3"
    }

    fn compile(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        let ctx = Context::custom::<Intrinsics>(&self.rt).map_err(|e| e.to_string())?;
        ctx.with(|ctx| compile_script(&ctx, name, source, false))
    }

    fn compile_library(&mut self, name: &str, source: &str) -> Result<Vec<u8>, String> {
        let ctx = Context::custom::<Intrinsics>(&self.rt).map_err(|e| e.to_string())?;
        ctx.with(|ctx| compile_script(&ctx, name, source, true))
    }

    fn run(&mut self, inv: &Invocation<'_>, host: &mut dyn Host) -> Result<String, Halt> {
        let st = self.state.clone();
        let st = &st;
        st.timed_out.set(false);
        st.abort.replace(None);
        // SAFETY: the pointer is cleared in `reset_after_run` before this function
        // returns, so the host function never sees it outlive the borrow.
        let host_ptr: *mut (dyn Host + 'static) = unsafe { std::mem::transmute(host as *mut dyn Host) };
        st.host.set(Some(host_ptr));
        st.deadline.set(Some(inv.limits.deadline));
        let result = (|| {
            if Instant::now() >= inv.limits.deadline {
                return Err(Halt::Timeout);
            }
            let (ctx, entry) = self.realm(inv)?;
            let cached = self.hot.as_ref().and_then(|h| {
                h.programs.iter().rev().find(|(bytes, _)| bytes.as_slice() == inv.program).map(|(_, f)| f.clone())
            });
            // Evaluated before the run's memory is counted: whether an earlier run in this
            // realm evaluated it already must not change what this run may allocate.
            let program = match cached {
                Some(program) => program,
                None => {
                    let program = self.sealed(|engine| {
                        ctx.with(|ctx| {
                            let program =
                                eval_bytecode(&ctx, inv.program).map_err(|e| classify(&ctx, e, st, &engine.memory));
                            program.map(|p| Persistent::save(&ctx, p))
                        })
                    })?;
                    if let Some(hot) = self.hot.as_mut() {
                        if hot.programs.len() >= PROGRAMS_PER_REALM {
                            // Its objects are sealed: the next collection must walk them.
                            hot.programs.remove(0);
                            self.collect_sealed = true;
                        }
                        hot.programs.push((inv.program.to_vec(), program.clone()));
                    }
                    program
                }
            };
            self.rt.set_max_stack_size(inv.limits.stack_bytes);
            self.memory.start_run(&self.rt, inv.limits.memory_bytes);
            let out = ctx.with(|ctx| {
                let out = run_in(&ctx, entry, program, inv);
                out.map_err(|e| classify(&ctx, e, st, &self.memory))
            });
            // A run that hit the limit ends as out of memory even if the contract caught
            // the error and finished before the next interrupt poll.
            match out {
                Ok(_) if self.memory.exceeded() && st.abort.borrow().is_none() => Err(Halt::OutOfMemory),
                other => other,
            }
        })();
        // A run cut short inside the engine (a host's halt, deadline, memory, engine error)
        // may have left the realm mid-way: build a new one for the next run.
        if crate::run::cut_short(&result, st.abort.borrow().is_some()) {
            self.drop_realm();
        }
        self.reset_after_run();
        if let Some(panic) = st.panic.take() {
            self.drop_realm();
            std::panic::resume_unwind(panic);
        }
        result
    }
}

/// A failure inside the realm, before it is classified.
enum Failure {
    Js(rquickjs::Error),
    Engine(String),
    /// The run's end is decided already (a result the host cannot take).
    Halt(Halt),
}

impl From<rquickjs::Error> for Failure {
    fn from(e: rquickjs::Error) -> Self {
        Failure::Js(e)
    }
}

/// Builds a realm: the host function, lockdown, the prelude scripts; then takes
/// the entry and the host function off the global object and hardens the realm.
fn build_realm<'js>(
    ctx: &Ctx<'js>,
    lockdown: &[u8],
    inv: &Invocation<'_>,
    st: Rc<RunState>,
) -> Result<Function<'js>, Failure> {
    let globals = ctx.globals();
    globals.set(HOST_FUNCTION, host_call::host_function(ctx, &st))?;
    globals.set(MERGE_SORT_FUNCTION, merge_sort_function(ctx)?)?;
    globals.set(PARSE_FROZEN_FUNCTION, parse_frozen_function(ctx)?)?;
    let harden = eval_bytecode(ctx, lockdown)?;
    let harden =
        harden.as_function().cloned().ok_or_else(|| Failure::Engine("lockdown returned no harden function".into()))?;
    for script in inv.prelude {
        eval_bytecode(ctx, script)?;
    }
    let entry: Function = globals.get(inv.entry)?;
    globals.remove(inv.entry)?;
    globals.remove(HOST_FUNCTION)?;
    globals.remove(MERGE_SORT_FUNCTION)?;
    globals.remove(PARSE_FROZEN_FUNCTION)?;
    harden.call::<_, ()>(())?;
    Ok(entry)
}

/// One run in a hot realm: the program's factory (evaluated in this realm, now or by an
/// earlier run) goes to the entry with the arguments; the entry calls it for a fresh gas
/// counter and module function.
fn run_in(
    ctx: &Ctx<'_>,
    entry: Persistent<Function<'static>>,
    program: Persistent<Value<'static>>,
    inv: &Invocation<'_>,
) -> Result<String, Failure> {
    let entry = entry.restore(ctx)?;
    let program = program.restore(ctx)?;
    let out: Value = entry.call((program, Rest(inv.args.to_vec())))?;
    match out.as_string() {
        Some(s) => s.to_string().map_err(|_| Failure::Halt(lone_surrogate_result())),
        None => Err(Failure::Engine("the entry function returned a non-string".into())),
    }
}

/// Compiles `source` to bytecode; `strip` drops source text and debug positions
/// (for the VM's own libraries, whose functions then print like built-ins).
fn compile_script(ctx: &Ctx<'_>, name: &str, source: &str, strip: bool) -> Result<Vec<u8>, String> {
    let fname = CString::new(name.replace('\0', "")).map_err(|e| e.to_string())?;
    // JS_Eval wants a NUL after the input.
    let mut buf = Vec::with_capacity(source.len() + 1);
    buf.extend_from_slice(source.as_bytes());
    buf.push(0);
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `buf` is NUL-terminated and outlives the call; the returned value
    // is owned and handed to `Value`, which frees it.
    let compiled = unsafe {
        let v = qjs::JS_Eval(
            raw,
            buf.as_ptr() as *const c_char,
            source.len() as _,
            fname.as_ptr(),
            (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32,
        );
        Value::from_raw(ctx.clone(), v)
    };
    if compiled.is_exception() {
        return Err(exception_text(ctx, ctx.catch()));
    }
    let mut size = 0 as qjs::size_t;
    // SAFETY: JS_WriteObject returns a js_malloc'd buffer of `size` bytes or NULL.
    unsafe {
        let mut flags = qjs::JS_WRITE_OBJ_BYTECODE;
        if strip {
            flags |= qjs::JS_WRITE_OBJ_STRIP_SOURCE | qjs::JS_WRITE_OBJ_STRIP_DEBUG;
        }
        let p = qjs::JS_WriteObject(raw, &mut size, compiled.as_raw(), flags as i32);
        if p.is_null() {
            return Err(exception_text(ctx, ctx.catch()));
        }
        let bytes = std::slice::from_raw_parts(p, size as usize).to_vec();
        qjs::js_free(raw, p as *mut c_void);
        Ok(bytes)
    }
}

/// Evaluates precompiled code. Only bytecode this process produced (or verified
/// by checksum from its own cache) may reach here: QuickJS trusts bytecode.
fn eval_bytecode<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> Result<Value<'js>, Failure> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: reads from a live slice; JS_EvalFunction takes ownership of `obj`.
    let v = unsafe {
        let obj = qjs::JS_ReadObject(raw, bytes.as_ptr(), bytes.len() as qjs::size_t, qjs::JS_READ_OBJ_BYTECODE as i32);
        if qjs::JS_IsException(obj) {
            let e = exception_text(ctx, ctx.catch());
            return Err(Failure::Engine(format!("unreadable precompiled code: {e}")));
        }
        Value::from_raw(ctx.clone(), qjs::JS_EvalFunction(raw, obj))
    };
    if v.is_exception() {
        return Err(Failure::Js(rquickjs::Error::Exception));
    }
    Ok(v)
}

fn classify(ctx: &Ctx<'_>, f: Failure, st: &RunState, memory: &MemoryBudget) -> Halt {
    let caught = match f {
        Failure::Engine(m) => return Halt::Fault(m),
        Failure::Halt(halt) => return halt,
        Failure::Js(rquickjs::Error::Exception) => ctx.catch(),
        Failure::Js(e) => return Halt::Fault(e.to_string()),
    };
    // Memory first: once the heap is full, what the run did next (QuickJS throws `null`
    // where it cannot even make an error, which the class libraries then report) says
    // nothing deterministic.
    if memory.exceeded() || is_out_of_memory_error(&caught) {
        return Halt::OutOfMemory;
    }
    if let Some(halt) = st.abort.borrow().clone() {
        return halt;
    }
    if st.timed_out.get() {
        return Halt::Timeout;
    }
    Halt::Uncaught(exception_text(ctx, caught))
}

/// The error QuickJS throws where it refuses an allocation (memory.rs: past the reserve).
fn is_out_of_memory_error(v: &Value<'_>) -> bool {
    let text = |obj: &rquickjs::Object<'_>, key: &str| obj.get::<_, Option<String>>(key).ok().flatten();
    v.is_error()
        && v.as_object().is_some_and(|o| {
            text(o, "name").as_deref() == Some("InternalError")
                && text(o, "message").as_deref() == Some("out of memory")
        })
}

/// Most stack frames a message keeps.
const MAX_FRAMES: usize = 4;

/// The deterministic text of a thrown value: `Name: message` plus the first
/// stack frames for errors, `String(value)` for anything else.
fn exception_text(ctx: &Ctx<'_>, v: Value<'_>) -> String {
    if let Some(obj) = v.as_object() {
        if v.is_error() {
            let name: Option<Coerced<String>> = obj.get("name").ok();
            let message: Option<Coerced<String>> = obj.get("message").ok();
            let stack: Option<String> = obj.get("stack").ok();
            let mut text = match (name, message) {
                (Some(n), Some(m)) if !m.0.is_empty() => format!("{}: {}", n.0, m.0),
                (Some(n), _) => n.0,
                (None, Some(m)) => m.0,
                (None, None) => "Error".into(),
            };
            if let Some(stack) = stack {
                // The contract's own frames: built-ins and the VM's libraries are not the author's.
                let own = |l: &&str| {
                    let l = l.trim_start();
                    l.starts_with("at ") && !l.ends_with("(native)") && !l.contains(" (<")
                };
                for frame in stack.lines().filter(own).take(MAX_FRAMES) {
                    text.push('\n');
                    text.push_str(frame);
                }
            }
            return text;
        }
    }
    match v.get::<Coerced<String>>() {
        Ok(s) => s.0,
        Err(_) => {
            let _ = ctx.catch();
            "<a value that cannot be printed>".into()
        }
    }
}
