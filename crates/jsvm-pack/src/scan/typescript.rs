//! TypeScript to JavaScript as `tsc` emits it, by oxc's transformer and printer.
//!
//! Types go; what TypeScript gives a run-time meaning becomes the JavaScript `tsc` writes
//! for it: enums (objects with reverse mappings for numeric members), namespaces
//! (functions filling an object), parameter properties (`this.x = x` in the constructor),
//! `import x = require()` (a `const`), `export =` (`module.exports =`). A `const enum`'s
//! members are inlined where the same file uses them, as `tsc` does; an exported one also
//! stays an object, which other files read (`tsc` would inline across files too: same
//! values). Imports used only as types are dropped, as `tsc` does. Nothing else is
//! lowered: the output keeps the module syntax (`esm` converts it) and every ES feature of
//! the input, so the compile stage judges it as it judges JavaScript.
//!
//! Refused: decorators (a decorator runs code that may replace or wrap the class or its
//! methods when the class is defined, so the class the ABI describes would not be the one
//! that runs; TypeScript's legacy and the standard semantics differ; JavaScript's are
//! refused too), and what oxc's transformer itself refuses, such as a namespace that
//! exports a `let` (it could not stay live). See docs/packing.md.

use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::ast::ast::Decorator;
use oxc::ast_visit::Visit;
use oxc::codegen::{Codegen, CodegenOptions};
use oxc::parser::{ParseOptions, Parser};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;
use oxc::transformer::{TransformOptions, Transformer, TypeScriptOptions};

use super::mapping::Pair;
use super::outline::{top_level_classes, ScannedClass};
use super::{err, error_offset, ScanError};

/// A `.ts` file compiled.
pub(super) struct Compiled {
    /// The JavaScript.
    pub js: String,
    /// `(JavaScript line, column) → (TypeScript line, column)`, 0-based, columns in UTF-16
    /// code units: the printer's source map.
    pub pairs: Vec<Pair>,
    /// The TypeScript's top-level classes, parameter types included.
    pub classes: Vec<ScannedClass>,
}

/// The name the printer's source map gives the input; only its `mappings` are used.
const SOURCE_NAME: &str = "module.ts";

pub(super) fn compile(source: &str) -> Result<Compiled, ScanError> {
    let allocator = Allocator::default();
    let options = ParseOptions { parse_regular_expression: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, SourceType::ts()).with_options(options).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err(err(error_offset(error), format!("syntax error: {}", error.message)));
    }
    let mut program = parsed.program;
    let mut decorators = FirstDecorator::default();
    decorators.visit_program(&program);
    if let Some(at) = decorators.0 {
        return Err(err(
            at,
            "decorators are not supported: they run code when the class is defined (see docs/packing.md)",
        ));
    }
    let classes = top_level_classes(&program, source);
    // Enum members are evaluated for const enums to be inlined.
    let scoping = SemanticBuilder::new().with_enum_eval(true).build(&program).semantic.into_scoping();
    let options = TransformOptions {
        typescript: TypeScriptOptions { optimize_const_enums: true, ..TypeScriptOptions::default() },
        ..TransformOptions::default()
    };
    let transformed =
        Transformer::new(&allocator, Path::new(SOURCE_NAME), &options).build_with_scoping(scoping, &mut program);
    if let Some(error) = transformed.diagnostics.iter().next() {
        return Err(err(error_offset(error), format!("TypeScript: {}", error.message)));
    }
    let options = CodegenOptions { source_map_path: Some(PathBuf::from(SOURCE_NAME)), ..CodegenOptions::default() };
    let printed = Codegen::new().with_options(options).build(&program);
    let pairs = printed.map.map_or_else(Vec::new, |map| {
        map.get_tokens().map(|t| ((t.get_dst_line(), t.get_dst_col()), (t.get_src_line(), t.get_src_col()))).collect()
    });
    Ok(Compiled { js: printed.code, pairs, classes })
}

/// The offset of the first decorator anywhere in a file.
#[derive(Default)]
struct FirstDecorator(Option<u32>);

impl<'a> Visit<'a> for FirstDecorator {
    fn visit_decorator(&mut self, it: &Decorator<'a>) {
        self.0 = self.0.or(Some(it.span.start));
    }
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn what_tsc_emits() {
        let ts = "enum Color { Red, Green = 5 }\nconst enum K { A = 2 }\nnamespace N { export const x = K.A; }\n\
                  class P { constructor(private w: number, readonly h = 2) {} area(): number { return this.w * this.h; } }\n\
                  let q = (Color.Red as number)! satisfies number;\n";
        let js = compile(ts).unwrap().js;
        assert_eq!(
            js,
            "var Color = /* @__PURE__ */ function(Color) {\n\tColor[Color[\"Red\"] = 0] = \"Red\";\n\tColor[Color[\"Green\"] = 5] = \"Green\";\n\treturn Color;\n}(Color || {});\n\
             let N;\n(function(_N) {\n\tconst x = _N.x = 2;\n})(N || (N = {}));\n\
             class P {\n\tw;\n\th;\n\tconstructor(w, h = 2) {\n\t\tthis.w = w;\n\t\tthis.h = h;\n\t}\n\tarea() {\n\t\treturn this.w * this.h;\n\t}\n}\n\
             let q = Color.Red;\n"
        );
    }

    #[test]
    fn an_exported_const_enum_stays_an_object_for_other_files() {
        let js = compile("export const enum F { A = 1 }\nexport const a = F.A;\n").unwrap().js;
        assert_eq!(
            js,
            "export let F = /* @__PURE__ */ function(F) {\n\tF[F[\"A\"] = 1] = \"A\";\n\treturn F;\n}({});\n\
             export const a = 1;\n"
        );
    }

    #[test]
    fn decorators_and_mutable_namespace_exports_are_refused_where_written() {
        let ts = "function d(c: any) {}\n@d\nclass C {}\n";
        let e = compile(ts).err().unwrap();
        assert_eq!((e.offset, e.message.starts_with("decorators are not supported")), (22, true));
        let e = compile("namespace N {\n    export let mutable = 1;\n}\n").err().unwrap();
        assert_eq!(e.offset, 29, "at the name");
        assert!(e.message.starts_with("TypeScript: Namespaces exporting non-const are not supported"), "{}", e.message);
    }
}
