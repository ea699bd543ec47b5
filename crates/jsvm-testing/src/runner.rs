//! One test file run in jsvm's own runner: a QuickJS context (the workspace's `rquickjs`, not
//! the contract sandbox: a test is the author's trusted code, unmetered) holding the prelude's
//! globals and the file's script, all of whose chain requests go to one [`Host`].

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use jsvm_engine::EngineKind;
use rquickjs::context::EvalOptions;
use rquickjs::{Context, Ctx, Function, Promise, Runtime, Value};

use crate::chain::TestChain;
use crate::host::Host;
use crate::report::{Entry, FileReport};

/// The test framework and the `chain` API, in JavaScript over the host function.
const PRELUDE: &str = include_str!("prelude.js");
/// The most wall-clock time one file's JavaScript may take (its contract calls included):
/// an endless loop in a test ends the file instead of the run.
const FILE_DEADLINE: Duration = Duration::from_secs(300);

/// Runs the test file at `path` (shown as `shown`) with its contracts on `engine`.
pub(crate) fn run_file(path: &Path, shown: &str, engine: EngineKind) -> FileReport {
    let mut report = FileReport { file: shown.to_string(), ..FileReport::default() };
    match run(path, shown, engine) {
        Ok((entries, gas)) => {
            report.entries = entries;
            report.gas = gas;
        }
        Err(e) => report.error = Some(e),
    }
    report
}

type Ran = (Vec<Entry>, crate::gas::GasReport);

fn run(path: &Path, shown: &str, engine: EngineKind) -> Result<Ran, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let typescript = path.extension().is_some_and(|e| e == "ts");
    let script = jsvm_pack::compile_script(shown, &text, typescript).map_err(|e| e.to_string())?;
    let base = path.parent().unwrap_or(Path::new("."));
    let host = Rc::new(RefCell::new(Host::new(TestChain::new(engine)?, base)));
    let runtime = Runtime::new().map_err(|e| format!("cannot start QuickJS: {e}"))?;
    let deadline = Instant::now() + FILE_DEADLINE;
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() > deadline)));
    let context = Context::full(&runtime).map_err(|e| format!("cannot start QuickJS: {e}"))?;
    context.with(|ctx| drive(&ctx, &host, &script.code, shown)).map_err(|e| {
        if Instant::now() > deadline {
            format!("the file ran past {} s and was stopped", FILE_DEADLINE.as_secs())
        } else {
            e
        }
    })?;
    let mut host = host.borrow_mut();
    let mut entries = std::mem::take(&mut host.entries);
    for entry in &mut entries {
        if let Entry::Test(t) = entry {
            t.at = t.line.take().map(|line| format!("{shown}:{}", script.author_line(line)));
        }
    }
    Ok((entries, host.chain.gas.clone()))
}

/// Installs the prelude, evaluates the file (its top level declares the tests), then runs them
/// to the end of the prelude's promise, which every host call settles synchronously.
fn drive(ctx: &Ctx<'_>, host: &Rc<RefCell<Host>>, code: &str, shown: &str) -> Result<(), String> {
    let js_error = |ctx: &Ctx<'_>, e: rquickjs::Error| match e {
        rquickjs::Error::Exception => exception_text(&ctx.catch()),
        other => other.to_string(),
    };
    let host = host.clone();
    let host_fn = Function::new(ctx.clone(), move |op: String, arg: String| host.borrow_mut().handle(&op, &arg))
        .map_err(|e| js_error(ctx, e))?;
    let mut options = EvalOptions::default();
    options.filename = Some("jsvm-test-prelude.js".into());
    let start: Function = ctx.eval_with_options(PRELUDE, options).map_err(|e| js_error(ctx, e))?;
    let run: Function = start.call((host_fn, shown)).map_err(|e| js_error(ctx, e))?;
    let mut options = EvalOptions::default();
    options.filename = Some(shown.to_string());
    options.strict = false;
    // A throw at the top level is the file's first failure: the prelude reports it and runs nothing.
    let top_level_error = match ctx.eval_with_options::<Value, _>(code, options) {
        Ok(_) => Value::new_undefined(ctx.clone()),
        Err(rquickjs::Error::Exception) => ctx.catch(),
        Err(e) => return Err(e.to_string()),
    };
    let done: Promise = run.call((top_level_error,)).map_err(|e| js_error(ctx, e))?;
    loop {
        if let Some(result) = done.result::<Value>() {
            return result.map(|_| ()).map_err(|e| js_error(ctx, e));
        }
        if !ctx.execute_pending_job() {
            return Err("a test waited on a promise that nothing settles (the chain API is synchronous)".into());
        }
    }
}

/// An exception's text: `message`, else its string form.
fn exception_text(value: &Value<'_>) -> String {
    if let Some(obj) = value.as_object() {
        let name: Option<String> = obj.get("name").ok();
        let message: Option<String> = obj.get("message").ok();
        if let Some(message) = message {
            return match name {
                Some(name) if !name.is_empty() => format!("{name}: {message}"),
                _ => message,
            };
        }
    }
    value.as_string().and_then(|s| s.to_string().ok()).unwrap_or_else(|| format!("{value:?}"))
}
