//! The operations a contract's host answers, parsed once per call from the name the
//! class libraries pass (prelude.js, errors.js, classlib.js), so that the host
//! dispatches on an enum rather than comparing names again.

use crate::library::LibraryOp;

/// A host operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostOp<'a> {
    /// The JS meter's counter ran out (prelude.js).
    OutOfGas,
    /// Reports the JS gas counter only.
    Sync,
    Put,
    Del,
    MapPut,
    MapDel,
    /// `get`, `has` and their `global` forms (another contract's storage).
    Get {
        global: bool,
        has: bool,
    },
    /// `mapGet`, `mapHas` and their `global` forms.
    MapGet {
        global: bool,
        has: bool,
    },
    /// `mapKeys` and `globalMapKeys`.
    MapKeys {
        global: bool,
    },
    /// `mapLen` and `globalMapLen`.
    MapLen {
        global: bool,
    },
    ContextInfo,
    BlockInfo,
    TxInfo,
    ContractName,
    Publisher,
    ContractOwner,
    RequireAuth,
    /// `call` and `callWithAuth`.
    Call {
        with_auth: bool,
    },
    Receipt,
    Event,
    RegexCheck,
    /// The entry's end for a value the contract did not catch.
    Fail,
    /// The engine ran out of a resource, or the meter's call depth.
    Limit,
    Log,
    /// The class libraries' number, crypto, `Math` and case-mapping functions.
    Library(LibraryOp<'a>),
}

impl<'a> HostOp<'a> {
    /// The operation `name` names, if any.
    pub(crate) fn parse(name: &'a str) -> Option<HostOp<'a>> {
        Some(match name {
            "outOfGas" => HostOp::OutOfGas,
            "sync" => HostOp::Sync,
            "put" => HostOp::Put,
            "del" => HostOp::Del,
            "mapPut" => HostOp::MapPut,
            "mapDel" => HostOp::MapDel,
            "get" => HostOp::Get { global: false, has: false },
            "has" => HostOp::Get { global: false, has: true },
            "globalGet" => HostOp::Get { global: true, has: false },
            "globalHas" => HostOp::Get { global: true, has: true },
            "mapGet" => HostOp::MapGet { global: false, has: false },
            "mapHas" => HostOp::MapGet { global: false, has: true },
            "globalMapGet" => HostOp::MapGet { global: true, has: false },
            "globalMapHas" => HostOp::MapGet { global: true, has: true },
            "mapKeys" => HostOp::MapKeys { global: false },
            "globalMapKeys" => HostOp::MapKeys { global: true },
            "mapLen" => HostOp::MapLen { global: false },
            "globalMapLen" => HostOp::MapLen { global: true },
            "contextInfo" => HostOp::ContextInfo,
            "blockInfo" => HostOp::BlockInfo,
            "txInfo" => HostOp::TxInfo,
            "contractName" => HostOp::ContractName,
            "publisher" => HostOp::Publisher,
            "contractOwner" => HostOp::ContractOwner,
            "requireAuth" => HostOp::RequireAuth,
            "call" => HostOp::Call { with_auth: false },
            "callWithAuth" => HostOp::Call { with_auth: true },
            "receipt" => HostOp::Receipt,
            "event" => HostOp::Event,
            "regexCheck" => HostOp::RegexCheck,
            "fail" => HostOp::Fail,
            "limit" => HostOp::Limit,
            "log" => HostOp::Log,
            other => return LibraryOp::parse(other).map(HostOp::Library),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::HostOp;
    use crate::library::{LibraryOp, NumOp};

    #[test]
    fn names_parse_to_their_operation() {
        assert_eq!(HostOp::parse("globalMapHas"), Some(HostOp::MapGet { global: true, has: true }));
        assert_eq!(HostOp::parse("has"), Some(HostOp::Get { global: false, has: true }));
        assert_eq!(HostOp::parse("callWithAuth"), Some(HostOp::Call { with_auth: true }));
        assert_eq!(HostOp::parse("num.plus"), Some(HostOp::Library(LibraryOp::Num(NumOp::Plus))));
        for unknown in ["", "Put", "global", "num.", "storage.put"] {
            assert_eq!(HostOp::parse(unknown), None, "{unknown}");
        }
    }
}
