//! A host for contracts run on the bare engine, without the VM: it speaks the prelude's
//! protocol (prelude.js, `host(op, ...)`) with storage in a hash map, every authorisation
//! granted and the class libraries' host functions answered as the VM answers them.

use std::collections::HashMap;

use jsvm_engine::{Halt, Host, HostError, HostValue};
use jsvm_runtime::library::{self, LibraryOp};

/// Storage in a hash map; every authorisation granted; `admin` publishes.
#[derive(Debug, Default)]
pub struct StubHost {
    values: HashMap<String, String>,
}

fn arg(args: &[HostValue], i: usize) -> String {
    args.get(i).and_then(HostValue::as_str).unwrap_or_default().to_string()
}

fn field_key(map: &str, field: &str) -> String {
    format!("{map}\0{field}")
}

impl StubHost {
    /// Sets the stored value `key`.
    pub fn put(&mut self, key: &str, value: &str) {
        self.values.insert(key.to_string(), value.to_string());
    }

    /// Sets the field `field` of the stored map `map`.
    pub fn map_put(&mut self, map: &str, field: &str, value: &str) {
        self.values.insert(field_key(map, field), value.to_string());
    }

    /// The field `field` of the stored map `map`.
    pub fn map_get(&self, map: &str, field: &str) -> Option<&str> {
        self.values.get(&field_key(map, field)).map(String::as_str)
    }
}

impl Host for StubHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        // args[0] is the JS gas counter, as in every host call.
        let a = &args[1.min(args.len())..];
        let value = |v: Option<&String>| v.cloned().map(HostValue::String).unwrap_or(HostValue::Null);
        Ok(match op {
            "get" => value(self.values.get(&arg(a, 0))),
            "put" => {
                self.values.insert(arg(a, 0), arg(a, 1));
                HostValue::Null
            }
            "mapGet" => value(self.values.get(&field_key(&arg(a, 0), &arg(a, 1)))),
            "mapPut" => {
                self.values.insert(field_key(&arg(a, 0), &arg(a, 1)), arg(a, 2));
                HostValue::Null
            }
            "requireAuth" => HostValue::Bool(true),
            "publisher" => HostValue::String("admin".into()),
            "receipt" | "event" | "log" | "sync" => HostValue::Null,
            "outOfGas" => return Err(HostError::Halt(Halt::OutOfGas)),
            "fail" => return Err(HostError::Halt(Halt::Uncaught(arg(a, 0)))),
            "limit" => return Err(HostError::Halt(Halt::Fault(format!("the run ran out of {}", arg(a, 0))))),
            other => match LibraryOp::parse(other) {
                Some(op) => return library::call(&Default::default(), op, a, &mut |_| Ok(())),
                None => return Err(HostError::Throw(format!("{other} is not available on the stub host"))),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(host: &mut StubHost, op: &str, args: &[&str]) -> Result<HostValue, HostError> {
        let mut all = vec![HostValue::Number(0.0)];
        all.extend(args.iter().map(|a| HostValue::String(a.to_string())));
        host.call(op, &all)
    }

    #[test]
    fn storage_round_trips_and_the_protocol_answers() {
        let mut h = StubHost::default();
        assert_eq!(call(&mut h, "get", &["k"]), Ok(HostValue::Null));
        call(&mut h, "put", &["k", "v"]).unwrap();
        assert_eq!(call(&mut h, "get", &["k"]), Ok(HostValue::String("v".into())));
        h.map_put("balances", "alice", "7");
        assert_eq!(call(&mut h, "mapGet", &["balances", "alice"]), Ok(HostValue::String("7".into())));
        call(&mut h, "mapPut", &["balances", "bob", "3"]).unwrap();
        assert_eq!(h.map_get("balances", "bob"), Some("3"));
        assert_eq!(call(&mut h, "requireAuth", &["alice", "active"]), Ok(HostValue::Bool(true)));
        assert_eq!(call(&mut h, "publisher", &[]), Ok(HostValue::String("admin".into())));
        assert!(call(&mut h, "outOfGas", &[]).is_err());
        assert!(call(&mut h, "globalGet", &["k"]).is_err(), "no other contract's state here");
    }
}
