//! A prebuilt RocksDB (ROCKSDB_LIB_DIR, which scripts/fuzz.sh sets for the `store` targets) is a C++ archive that
//! librocksdb-sys links without the C++ runtime it needs, which a RocksDB it compiles itself would bring.
fn main() {
    println!("cargo:rerun-if-env-changed=ROCKSDB_LIB_DIR");
    if std::env::var_os("CARGO_FEATURE_STORE").is_some() && std::env::var_os("ROCKSDB_LIB_DIR").is_some() {
        println!("cargo:rustc-link-lib=stdc++");
    }
}
