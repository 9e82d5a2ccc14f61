//! Embeds an rpath to libtorch so the built binary runs with no environment variables set.
//! torch-sys passes its own rpath only to its own crate, not to the final link.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(root) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&root).join("lib");
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
}
