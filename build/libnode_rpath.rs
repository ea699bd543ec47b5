//! The build script of every package whose binaries or tests link jsvm-engine (each names
//! this file as `build = "../../build/libnode_rpath.rs"`): with jsvm-engine's `v8`
//! feature they link libnode, and find it at run time through an rpath to where
//! jsvm-engine's build found it (`DEP_NODE_LIBDIR`, exported by its `links = "node"`).
//! Without the feature the variable is unset and this does nothing.

fn main() {
    println!("cargo:rerun-if-changed=../../build/libnode_rpath.rs");
    println!("cargo:rerun-if-env-changed=DEP_NODE_LIBDIR");
    if let Ok(dir) = std::env::var("DEP_NODE_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
