//! With jsvm-engine's `v8` feature, this package's binaries and tests link libnode: they
//! find it at run time through an rpath to where jsvm-engine's build found it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_NODE_LIBDIR");
    if let Ok(dir) = std::env::var("DEP_NODE_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
