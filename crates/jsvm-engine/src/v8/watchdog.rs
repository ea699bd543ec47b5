//! The deadline of V8 runs: one timer thread for the process. A run arms it with its
//! deadline and isolate; at the deadline the thread calls `TerminateExecution` on the
//! isolate (thread-safe in V8). Disarming takes the same lock the thread holds while it
//! terminates, so once [`Armed`] is dropped the isolate is never touched again.

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Instant;

use super::ffi;

struct Target {
    isolate: *mut c_void,
    fired: Arc<AtomicBool>,
}

// SAFETY: the pointer is only used for `TerminateExecution`, which V8 allows from any thread,
// and only while the run that armed it has not disarmed it (see the module comment).
unsafe impl Send for Target {}

#[derive(Default)]
struct State {
    next: u64,
    armed: BTreeMap<(Instant, u64), Target>,
    /// When the thread wakes up next by itself (None: not before it is woken). A run that
    /// arms a later deadline leaves it asleep: most runs end long before their deadline, and
    /// waking a thread per run would cost more than the run.
    wakes_at: Option<Instant>,
}

struct Watchdog {
    state: Mutex<State>,
    wake: Condvar,
}

fn watchdog() -> &'static Watchdog {
    static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        let w: &'static Watchdog =
            Box::leak(Box::new(Watchdog { state: Mutex::new(State::default()), wake: Condvar::new() }));
        std::thread::Builder::new()
            .name("jsvm-v8-watchdog".into())
            .spawn(move || w.serve())
            .expect("cannot start the V8 watchdog thread");
        w
    })
}

impl Watchdog {
    fn serve(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            match state.armed.first_key_value().map(|(k, _)| *k) {
                Some(key) if key.0 <= now => {
                    if let Some(t) = state.armed.remove(&key) {
                        t.fired.store(true, Ordering::SeqCst);
                        // SAFETY: armed, so the isolate is alive (its run disarms under this lock).
                        unsafe { ffi::jsvm_v8_terminate(t.isolate) };
                    }
                }
                Some((deadline, _)) => {
                    state.wakes_at = Some(deadline);
                    state = self.wake.wait_timeout(state, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
                    state.wakes_at = None;
                }
                None => {
                    state.wakes_at = None;
                    state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }
}

/// A run's deadline, armed until dropped.
pub(crate) struct Armed {
    key: (Instant, u64),
}

/// Arms the deadline of a run on `isolate`: at `deadline`, `fired` is set and the isolate's
/// JavaScript is terminated.
pub(crate) fn arm(deadline: Instant, isolate: *mut c_void, fired: Arc<AtomicBool>) -> Armed {
    let w = watchdog();
    let mut state = w.state.lock().unwrap_or_else(|e| e.into_inner());
    state.next += 1;
    let key = (deadline, state.next);
    state.armed.insert(key, Target { isolate, fired });
    // The thread must be up by this deadline: woken now unless it wakes earlier anyway.
    if state.wakes_at.is_none_or(|t| deadline < t) {
        state.wakes_at = Some(deadline);
        w.wake.notify_one();
    }
    Armed { key }
}

impl Drop for Armed {
    fn drop(&mut self) {
        let w = watchdog();
        w.state.lock().unwrap_or_else(|e| e.into_inner()).armed.remove(&self.key);
    }
}
