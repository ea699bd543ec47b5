//! With the `v8` feature: compiles the C++ half of the V8 engine (csrc/v8_shim.cc) against
//! V8 10.2 as Debian 12's libnode108/libnode-dev carry it, links libnode, and records where
//! libnode lives so that binaries find it at run time (an rpath here; the crates that link
//! this one read `DEP_NODE_LIBDIR` and add the same rpath to their own binaries).
//!
//! libnode is looked for in `$JSVM_LIBNODE_DIR` (a directory holding `include/node/` and
//! `lib/`), else `<repo>/.libnode/usr` (what `make libnode` unpacks), else `/usr` when its
//! headers are V8 10.2's.

fn main() {
    println!("cargo:rerun-if-env-changed=JSVM_LIBNODE_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "v8")]
    v8::build();
}

#[cfg(feature = "v8")]
mod v8 {
    use std::path::{Path, PathBuf};

    /// Whether `v8-version.h` under `root/include/node` says V8 10.2.
    fn is_v8_10_2(root: &Path) -> bool {
        let Ok(text) = std::fs::read_to_string(root.join("include/node/v8-version.h")) else { return false };
        let define = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("#define {name} ")).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        define("V8_MAJOR_VERSION") == "10" && define("V8_MINOR_VERSION") == "2"
    }

    /// The directory holding `libnode.so.108` under `root`.
    fn libnode_dir(root: &Path) -> Option<PathBuf> {
        let lib = root.join("lib");
        let mut candidates = vec![lib.clone()];
        if let Ok(entries) = std::fs::read_dir(&lib) {
            let mut dirs: Vec<PathBuf> =
                entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            dirs.sort();
            candidates.extend(dirs);
        }
        candidates.into_iter().find(|d| d.join("libnode.so.108").exists())
    }

    fn locate() -> Result<(PathBuf, PathBuf), String> {
        let missing = "libnode (V8 10.2) was not found: run `make libnode` (or point JSVM_LIBNODE_DIR at a \
                       directory holding include/node/ and lib/)";
        let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
        let repo = manifest.parent().and_then(Path::parent).ok_or("no repository root")?.to_path_buf();
        let roots: Vec<PathBuf> = match std::env::var_os("JSVM_LIBNODE_DIR") {
            Some(dir) => vec![PathBuf::from(dir)],
            None => {
                println!("cargo:rerun-if-changed={}", repo.join(".libnode").display());
                vec![repo.join(".libnode/usr"), PathBuf::from("/usr")]
            }
        };
        for root in roots {
            if !is_v8_10_2(&root) {
                continue;
            }
            if let Some(lib) = libnode_dir(&root) {
                return Ok((root.join("include/node"), lib));
            }
        }
        Err(missing.to_string())
    }

    /// `'name': value,` from node's config.gypi, as text.
    fn gypi_value(config: &str, name: &str) -> Option<String> {
        let key = format!("'{name}':");
        config.lines().find_map(|l| {
            let rest = l.trim().strip_prefix(&key)?;
            Some(rest.trim().trim_end_matches(',').trim_matches('\'').to_string())
        })
    }

    pub(super) fn build() {
        let (include, lib) = match locate() {
            Ok(found) => found,
            Err(e) => {
                eprintln!("error: {e}");
                panic!("{e}");
            }
        };
        println!("cargo:rerun-if-changed=csrc/v8_shim.cc");
        let mut cc = cc::Build::new();
        cc.cpp(true)
            .file("csrc/v8_shim.cc")
            .include(&include)
            .flag("-std=c++17")
            // V8 is built without RTTI and exceptions; the shim subclasses V8 classes.
            .flag("-fno-rtti")
            .flag("-fno-exceptions")
            .flag_if_supported("-Wno-unused-parameter")
            .warnings(false);
        // The embedder must see V8 as it was built: a mismatch in these settings makes V8 refuse
        // to start (or crash). node's config.gypi records them.
        let config = std::fs::read_to_string(include.join("config.gypi")).unwrap_or_default();
        let on = |name: &str| gypi_value(&config, name).is_some_and(|v| v == "1" || v == "true");
        if on("v8_enable_pointer_compression") {
            cc.define("V8_COMPRESS_POINTERS", None).define("V8_COMPRESS_POINTERS_IN_ISOLATE_CAGE", None);
        }
        if on("v8_enable_pointer_compression") || on("v8_enable_31bit_smis_on_64bit_arch") {
            cc.define("V8_31BIT_SMIS_ON_64BIT_ARCH", None);
        }
        if on("v8_enable_sandbox") {
            cc.define("V8_SANDBOX", None);
        }
        if on("v8_enable_sandboxed_external_pointers") {
            cc.define("V8_SANDBOXED_EXTERNAL_POINTERS", None);
        }
        cc.compile("jsvm_v8_shim");
        println!("cargo:rustc-link-search=native={}", lib.display());
        println!("cargo:rustc-link-lib=dylib=node");
        // This package's own test binaries; dependents add it from DEP_NODE_LIBDIR.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
        println!("cargo:libdir={}", lib.display());
    }
}
