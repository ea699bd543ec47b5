//! The class libraries' merge sort (jsvm-runtime's sort.js), done natively for QuickJS.
//!
//! sort.js sorts with its own algorithm so that every engine calls a comparator in the same
//! order (the calls are metered contract code). Interpreted by QuickJS that algorithm is
//! several times slower than QuickJS's built-in sort; this is the same algorithm, step for
//! step, in Rust: the same comparisons in the same order, each result converted to a
//! number once, so a contract cannot tell the two apart (a test runs both and compares
//! their call sequences). sort.js uses it when the engine provides it, as the global
//! [`MERGE_SORT_FUNCTION`], which it removes before any contract code runs.

use std::ffi::c_int;

use rquickjs::{qjs, Ctx, Exception, Function, Value};

/// The global name sort.js looks for.
pub(crate) const MERGE_SORT_FUNCTION: &str = "__jsvm_merge_sort";

/// Elements sorted by insertion before merging (sort.js's `RUN`).
const RUN: usize = 8;
/// Comparator calls paid at a time (sort.js's `BATCH`).
const BATCH: u32 = 64;

/// `__jsvm_merge_sort(items, compare, cost, charge)`: sorts the array `items` (dense, no
/// undefined) in place. With `cost` > 0, `charge(calls × cost)` is called after every
/// [`BATCH`] comparator calls and for the rest when the sort ends, also when a comparator
/// throws (as sort.js's `finally` does; not after an uncatchable end).
pub(crate) fn merge_sort_function<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    Function::new(
        ctx.clone(),
        |ctx: Ctx<'js>, items: Value<'js>, compare: Value<'js>, cost: f64, charge: Value<'js>| {
            let raw = ctx.as_raw().as_ptr();
            let mut sort = Sorter {
                ctx: raw,
                compare: compare.as_raw(),
                charge: charge.as_raw(),
                cost: if cost.is_finite() && cost > 0.0 { cost } else { 0.0 },
                unpaid: 0,
            };
            // SAFETY: `raw` is the live context of this call, `items`, `compare` and `charge`
            // outlive it, and every JSValue read here is owned by `values` until written back
            // or freed.
            let done = unsafe { sort.run(items.as_raw()) };
            match done {
                Ok(()) => Ok(()),
                Err(Failed::Threw) => Err(rquickjs::Error::Exception),
                Err(Failed::NotArray) => Err(Exception::throw_type(&ctx, "merge sort: not an array")),
            }
        },
    )
}

enum Failed {
    /// An exception is pending in the context.
    Threw,
    NotArray,
}

struct Sorter {
    ctx: *mut qjs::JSContext,
    compare: qjs::JSValue,
    charge: qjs::JSValue,
    cost: f64,
    unpaid: u32,
}

impl Sorter {
    unsafe fn run(&mut self, items: qjs::JSValue) -> Result<(), Failed> {
        let mut len: i64 = 0;
        if !qjs::JS_IsArray(items) || qjs::JS_GetLength(self.ctx, items, &mut len) < 0 {
            return Err(Failed::NotArray);
        }
        let n = usize::try_from(len).map_err(|_| Failed::NotArray)?;
        let mut values: Vec<qjs::JSValue> = Vec::with_capacity(n);
        for i in 0..n {
            let v = qjs::JS_GetPropertyUint32(self.ctx, items, i as u32);
            if qjs::JS_IsException(v) {
                self.free_all(&mut values);
                return Err(Failed::Threw);
            }
            values.push(v);
        }
        let sorted = self.sort(&mut values);
        let paid = self.pay_rest(sorted.is_ok());
        if sorted.is_err() || paid.is_err() {
            self.free_all(&mut values);
            return Err(Failed::Threw);
        }
        let mut values = values.into_iter().enumerate();
        while let Some((i, v)) = values.next() {
            // Consumes `v`.
            if qjs::JS_SetPropertyUint32(self.ctx, items, i as u32, v) < 0 {
                for (_, rest) in values {
                    qjs::JS_FreeValue(self.ctx, rest);
                }
                return Err(Failed::Threw);
            }
        }
        Ok(())
    }

    unsafe fn free_all(&self, values: &mut Vec<qjs::JSValue>) {
        for v in values.drain(..) {
            qjs::JS_FreeValue(self.ctx, v);
        }
    }

    /// The algorithm of sort.js's `mergeSort`, on `values`.
    unsafe fn sort(&mut self, values: &mut [qjs::JSValue]) -> Result<(), Failed> {
        let n = values.len();
        let mut lo = 0;
        while lo < n {
            let hi = (lo + RUN).min(n);
            for i in lo + 1..hi {
                let x = values[i];
                let mut j = i;
                while j > lo {
                    // NaN is not greater: it stops the shift, as `!(v > 0)` does in sort.js.
                    if self.compare(values[j - 1], x)? > 0.0 {
                        values[j] = values[j - 1];
                        j -= 1;
                    } else {
                        break;
                    }
                }
                values[j] = x;
            }
            lo += RUN;
        }
        let mut src: Vec<qjs::JSValue> = values.to_vec();
        let mut dst: Vec<qjs::JSValue> = values.to_vec();
        let mut width = RUN;
        while width < n {
            let mut lo = 0;
            while lo < n {
                let mid = (lo + width).min(n);
                let hi = (lo + 2 * width).min(n);
                let (mut i, mut j, mut k) = (lo, mid, lo);
                while i < mid && j < hi {
                    let v = self.compare(src[j], src[i])?;
                    if v < 0.0 {
                        dst[k] = src[j];
                        j += 1;
                    } else {
                        dst[k] = src[i];
                        i += 1;
                    }
                    k += 1;
                }
                dst[k..k + (mid - i)].copy_from_slice(&src[i..mid]);
                k += mid - i;
                dst[k..k + (hi - j)].copy_from_slice(&src[j..hi]);
                lo += 2 * width;
            }
            std::mem::swap(&mut src, &mut dst);
            width *= 2;
        }
        values.copy_from_slice(&src);
        Ok(())
    }

    /// One comparator call, counted as it starts (and a batch paid when complete), then
    /// `+compare(x, y)`.
    unsafe fn compare(&mut self, x: qjs::JSValue, y: qjs::JSValue) -> Result<f64, Failed> {
        if self.cost > 0.0 {
            self.unpaid += 1;
            if self.unpaid == BATCH {
                self.unpaid = 0;
                self.pay(f64::from(BATCH))?;
            }
        }
        let mut argv = [x, y];
        let r = qjs::JS_Call(self.ctx, self.compare, qjs::JS_UNDEFINED, 2, argv.as_mut_ptr());
        if qjs::JS_IsException(r) {
            return Err(Failed::Threw);
        }
        let mut v = 0.0;
        let converted: c_int = qjs::JS_ToFloat64(self.ctx, &mut v, r);
        qjs::JS_FreeValue(self.ctx, r);
        if converted < 0 {
            return Err(Failed::Threw);
        }
        Ok(v)
    }

    unsafe fn pay(&mut self, calls: f64) -> Result<(), Failed> {
        let mut argv = [qjs::JS_NewFloat64(calls * self.cost)];
        let r = qjs::JS_Call(self.ctx, self.charge, qjs::JS_UNDEFINED, 1, argv.as_mut_ptr());
        if qjs::JS_IsException(r) {
            return Err(Failed::Threw);
        }
        qjs::JS_FreeValue(self.ctx, r);
        Ok(())
    }

    /// Pays for the calls of the last, partial batch. After a comparator threw, the
    /// pending exception is kept (or replaced by the charge's own, out of gas); after an
    /// uncatchable end nothing runs.
    unsafe fn pay_rest(&mut self, sorted: bool) -> Result<(), Failed> {
        if self.cost <= 0.0 || self.unpaid == 0 {
            return if sorted { Ok(()) } else { Err(Failed::Threw) };
        }
        let calls = f64::from(self.unpaid);
        self.unpaid = 0;
        if sorted {
            return self.pay(calls);
        }
        let pending = qjs::JS_GetException(self.ctx);
        if qjs::JS_IsUncatchableError(pending) {
            qjs::JS_Throw(self.ctx, pending);
            return Err(Failed::Threw);
        }
        if self.pay(calls).is_err() {
            qjs::JS_FreeValue(self.ctx, pending);
            return Err(Failed::Threw);
        }
        qjs::JS_Throw(self.ctx, pending);
        Err(Failed::Threw)
    }
}
