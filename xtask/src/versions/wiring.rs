//! The generated wiring of a crate with one module per guide version:
//! `crates/<krate>/src/generated/mod.rs` declares every version's module
//! (the latest always compiled, every other behind its cargo feature), the
//! crate's other generated modules, and `latest`, which the crate root
//! re-exports for the crate's own code, and the macro `root_exports!` with the
//! crate root's re-exports (every version module by name, the latest's
//! items), and `GUIDES`: every compiled version's `GUIDE` value (each version
//! module's tables as one `crate::versions::GuideVersion`, for code that
//! chooses a version at run time), oldest first. The hand-written `lib.rs` only
//! says `mod generated;` and `generated::root_exports!();`, so a new version
//! folder needs no edit of it.

use std::fmt::Write as _;
use std::path::Path;

use crate::codegen::{GeneratedFile, Generator};

use super::{GATEWAYS, Gateway, Layout, features};

/// The entry listed in `codegen::GENERATORS`.
pub const GENERATOR: Generator = Generator {
    name: "version-wiring",
    run: generate,
};

/// The generated modules of a crate that are not versions, with their docs
/// (`{latest}` stands for the latest version's folder name).
fn other_modules(krate: &str) -> &'static [(&'static str, &'static str)] {
    match krate {
        "unified-proto" => &[
            (
                "testing",
                "The guide's Testing tables (`specs/unified/{latest}/testing.yaml`); see [`crate::testing`].",
            ),
            (
                "wire",
                "The wire names of the {latest} spec (field names, the `Authorization` prefix).",
            ),
        ],
        _ => &[],
    }
}

fn generate(root: &Path) -> anyhow::Result<Vec<GeneratedFile>> {
    super::check_layouts(root)?;
    let mut files = Vec::new();
    for gateway in GATEWAYS {
        if let Layout::Modules { krate } = gateway.layout {
            files.push(wiring(root, gateway, krate)?);
        }
    }
    Ok(files)
}

fn wiring(root: &Path, gateway: &Gateway, krate: &str) -> anyhow::Result<GeneratedFile> {
    let dir = gateway.dir;
    let versions = super::discover(root, dir)?;
    features::check(root, krate, dir, &versions)?;
    let latest = versions
        .first()
        .ok_or_else(|| anyhow::anyhow!("specs/{dir}/ has no version folder"))?;
    // (module, attributes and docs), sorted by module name as rustfmt would.
    let mut modules: Vec<(String, String)> = Vec::new();
    for (i, version) in versions.iter().enumerate() {
        let module = version.module();
        let gate = if i == 0 {
            String::new()
        } else {
            format!("#[cfg(feature = \"{module}\")]\n")
        };
        modules.push((module, gate));
    }
    for (module, doc) in other_modules(krate) {
        let doc = doc.replace("{latest}", latest.name());
        modules.push((module.to_string(), format!("/// {doc}\n#[rustfmt::skip]\n")));
    }
    modules.sort();
    let mut body = format!(
        "//! Code generated from `specs/{dir}/` by `cargo xtask codegen`; never edited by hand.\n\
         //!\n\
         //! Each folder of `specs/{dir}/` is a guide version and a module here. The latest,\n\
         //! {latest_name} (`{latest_module}`), is always compiled and the crate root re-exports its\n\
         //! items; every other version is compiled with the cargo feature of its module's name.\n\
         \n",
        latest_name = latest.name(),
        latest_module = latest.module(),
    );
    for (module, attributes) in &modules {
        let _ = writeln!(body, "{attributes}pub mod {module};");
    }
    let _ = write!(
        body,
        "\n/// The latest guide version ({}), named for the crate's own code.\n\
         pub(crate) use {} as latest;\n",
        latest.name(),
        latest.module()
    );
    let mut guides = String::new();
    for (i, version) in versions.iter().enumerate().rev() {
        let module = version.module();
        if i > 0 {
            let _ = writeln!(guides, "    #[cfg(feature = \"{module}\")]");
        }
        let _ = writeln!(guides, "    &{module}::GUIDE,");
    }
    let _ = write!(
        body,
        "\n/// Every guide version compiled into this build, oldest first.\n\
         pub(crate) const GUIDES: &[&crate::versions::GuideVersion] = &[\n{guides}];\n"
    );
    // The crate root's re-exports, as a macro `lib.rs` invokes once: a
    // module cannot add items to its parent, and a glob re-export of this
    // module would also re-export `testing` (which the root defines itself).
    let mut exports = String::new();
    for (i, version) in versions.iter().enumerate() {
        let module = version.module();
        if i > 0 {
            let _ = writeln!(exports, "        #[cfg(feature = \"{module}\")]");
        }
        let _ = writeln!(exports, "        pub use crate::generated::{module};");
    }
    let _ = write!(
        body,
        "\n/// The crate root's re-exports (invoked once, in `lib.rs`): every version\n\
         /// module by name, and the items of the latest ({}).\n\
         macro_rules! root_exports {{\n    () => {{\n{exports}        \
         pub use crate::generated::{}::*;\n    }};\n}}\n\
         pub(crate) use root_exports;\n",
        latest.name(),
        latest.module()
    );
    Ok(GeneratedFile::rust(
        format!("crates/{krate}/src/generated/mod.rs"),
        &format!("specs/{dir}/"),
        &body,
    ))
}
