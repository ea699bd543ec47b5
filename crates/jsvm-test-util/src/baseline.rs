//! The unmetered baseline the meter's cost is measured against, made here so that the
//! node's own build holds none of it: contract code in the same wrapper as prepared code
//! but with no charges, and the VM's prelude without the size-priced built-ins.

use jsvm_compiler::{WRAPPER_PREFIX, WRAPPER_SUFFIX};
use jsvm_runtime::PRELUDE_SOURCE;

/// The statement of prelude.js that installs the size-priced built-ins.
const METER_BUILTINS: &str = "\n  meterBuiltins();\n";

/// `source` in the prepared-code wrapper without a single charge: never deployed, never
/// run on a chain.
pub fn prepare_unmetered(source: &str) -> String {
    format!("{WRAPPER_PREFIX}{source}{WRAPPER_SUFFIX}")
}

/// The VM's prelude with built-ins left unpriced; an error if prelude.js no longer
/// installs them in the one statement this removes.
pub fn unmetered_prelude() -> Result<String, String> {
    match PRELUDE_SOURCE.matches(METER_BUILTINS).count() {
        1 => Ok(PRELUDE_SOURCE.replacen(METER_BUILTINS, "\n", 1)),
        n => Err(format!("prelude.js has {n} `meterBuiltins();` statements, not one: the unmetered baseline is stale")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_prelude_only_leaves_out_the_size_priced_built_ins() {
        let unmetered = unmetered_prelude().unwrap();
        assert_eq!(unmetered.len(), PRELUDE_SOURCE.len() - METER_BUILTINS.len() + 1);
        assert!(unmetered.contains("function meterBuiltins()"), "the definition stays; only the call goes");
        assert!(!unmetered.contains(METER_BUILTINS));
    }

    #[test]
    fn unmetered_code_is_the_source_in_the_wrapper() {
        let code = prepare_unmetered("class A {}\nmodule.exports = A;");
        assert!(code.starts_with(WRAPPER_PREFIX) && code.ends_with(WRAPPER_SUFFIX));
        assert!(!code[WRAPPER_PREFIX.len()..].contains("__jsvm_left-="), "no charge spliced in");
    }
}
