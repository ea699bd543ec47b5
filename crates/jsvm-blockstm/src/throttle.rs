//! How many participants work on a block at once. Block-STM never gives a wrong result, but where
//! the transactions depend on one another (every transfer touches one account) each run beside
//! another is thrown away and run again: more participants only burn cores and make the block
//! slower than running it in order. The throttle watches the share of runs thrown away and
//! halves the participants allowed to work while it is high, down to one (which runs the block
//! in order, at the cost of the multi-version bookkeeping only); after a back-off it lets twice as
//! many work again to see whether the block has become parallel. A participant over the allowance
//! parks between tasks, holding none, so the others finish the block without it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Runs in one measuring window.
const WINDOW: u64 = 32;
/// A window in which more than this share of runs was thrown away halves the allowance
/// (numerator, denominator: 1/3).
const HIGH: (u64, u64) = (1, 3);
/// Runs to wait after the first lowering before letting more participants work again; doubles
/// with each lowering that follows a raise, and starts over after a window that went well.
const FIRST_BACK_OFF: u64 = 128;
/// The longest a parked participant sleeps before looking again (it is also woken on a raise).
const PARK_NAP: Duration = Duration::from_millis(1);

/// The window being measured and when the allowance may next rise.
struct Window {
    /// Runs and discarded runs counted when the window began.
    runs_at_start: u64,
    discarded_at_start: u64,
    /// The allowance may not rise before this many runs.
    raise_at: u64,
    back_off: u64,
    /// Whether the allowance rose since it was last lowered (a lowering then doubles the back-off).
    raised: bool,
}

pub(crate) struct Throttle {
    /// Participants that may work at once; `usize::MAX` while unlimited.
    allowed: AtomicUsize,
    /// The most participants allowed: the allowance never rises above it once lowered.
    ceiling: AtomicUsize,
    /// Participants working now (joined and not parked).
    working: AtomicUsize,
    runs: AtomicU64,
    discarded: AtomicU64,
    /// Times the allowance was lowered.
    lowered: AtomicU64,
    /// Off: every participant works all the time (tests that want every interleaving).
    enabled: bool,
    window: Mutex<Window>,
    parked: Mutex<()>,
    wake: Condvar,
}

impl Throttle {
    pub(crate) fn new(enabled: bool) -> Throttle {
        Throttle {
            allowed: AtomicUsize::new(usize::MAX),
            ceiling: AtomicUsize::new(usize::MAX),
            working: AtomicUsize::new(0),
            runs: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
            lowered: AtomicU64::new(0),
            enabled,
            window: Mutex::new(Window {
                runs_at_start: 0,
                discarded_at_start: 0,
                raise_at: 0,
                back_off: FIRST_BACK_OFF,
                raised: false,
            }),
            parked: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    /// A participant starts working.
    pub(crate) fn join(&self) {
        self.working.fetch_add(1, Ordering::SeqCst);
    }

    /// A participant stops working for good.
    pub(crate) fn leave(&self) {
        self.working.fetch_sub(1, Ordering::SeqCst);
    }

    /// Times the allowance was lowered so far.
    pub(crate) fn lowered(&self) -> u64 {
        self.lowered.load(Ordering::Relaxed)
    }

    /// Counts a run; `discarded`: it read a value about to change, or failed validation later
    /// (counted then, with `discard`).
    pub(crate) fn count_run(&self, discarded: bool) {
        if discarded {
            self.discarded.fetch_add(1, Ordering::Relaxed);
        }
        let runs = self.runs.fetch_add(1, Ordering::Relaxed) + 1;
        if self.enabled && runs.is_multiple_of(WINDOW) {
            self.adjust(runs);
        }
    }

    /// Counts a run thrown away after it was recorded (its validation failed).
    pub(crate) fn discard(&self) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
    }

    fn adjust(&self, runs: u64) {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let discarded = self.discarded.load(Ordering::Relaxed);
        let (window_runs, window_discarded) = (runs - w.runs_at_start, discarded - w.discarded_at_start);
        w.runs_at_start = runs;
        w.discarded_at_start = discarded;
        let working = self.working.load(Ordering::SeqCst);
        let allowed = self.allowed.load(Ordering::SeqCst).min(working.max(1));
        if window_discarded * HIGH.1 > window_runs * HIGH.0 {
            if allowed > 1 {
                if w.raised {
                    w.back_off = w.back_off.saturating_mul(2);
                }
                w.raised = false;
                w.raise_at = runs + w.back_off;
                self.ceiling.fetch_min(working.max(1), Ordering::SeqCst);
                self.allowed.store(allowed / 2, Ordering::SeqCst);
                self.lowered.fetch_add(1, Ordering::Relaxed);
            }
            return;
        }
        if w.raised {
            // A raise that held for a whole window: the next lowering backs off from the start.
            w.back_off = FIRST_BACK_OFF;
        }
        let ceiling = self.ceiling.load(Ordering::SeqCst);
        if allowed < ceiling && runs >= w.raise_at {
            self.allowed.store((allowed * 2).min(ceiling), Ordering::SeqCst);
            w.raised = true;
            drop(w);
            self.wake_all();
        }
    }

    /// Parks a participant that holds no task while more work than are allowed, until it may
    /// work again or `done` says the block is over. Returns at once when it may work.
    pub(crate) fn park_if_over(&self, done: &dyn Fn() -> bool) {
        if !self.enabled || !self.try_stand_down() {
            return;
        }
        let mut guard = self.parked.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if done() {
                break;
            }
            let working = self.working.load(Ordering::SeqCst);
            if working < self.allowed.load(Ordering::SeqCst)
                && self.working.compare_exchange(working, working + 1, Ordering::SeqCst, Ordering::SeqCst).is_ok()
            {
                return;
            }
            guard = self.wake.wait_timeout(guard, PARK_NAP).unwrap_or_else(|e| e.into_inner()).0;
        }
        // Done: counted as working again so that `leave` balances.
        self.working.fetch_add(1, Ordering::SeqCst);
    }

    /// Stops counting this participant as working if more work than are allowed; never the last.
    fn try_stand_down(&self) -> bool {
        let allowed = self.allowed.load(Ordering::SeqCst).max(1);
        let mut working = self.working.load(Ordering::SeqCst);
        while working > allowed {
            match self.working.compare_exchange(working, working - 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => return true,
                Err(now) => working = now,
            }
        }
        false
    }

    /// Wakes every parked participant (more may work, or the block is over). Under the parking
    /// lock, so that a participant about to wait has either seen the change or is woken by it.
    pub(crate) fn wake_all(&self) {
        let _parked = self.parked.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_all();
    }
}
