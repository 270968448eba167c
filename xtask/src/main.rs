//! `cargo xtask`: project maintenance tasks (fixture recording and checking land here).

fn main() {
    #[allow(clippy::print_stdout)]
    {
        println!("cargo xtask: no tasks yet. Planned: `cargo xtask fixtures record|check`.");
    }
}
