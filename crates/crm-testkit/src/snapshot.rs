//! Shared insta settings and a snapshot macro for connector tests.
//!
//! Reviewing: a new or changed snapshot fails the test and leaves a
//! `*.snap.new` file in `tests/.../snapshots/`. Review with
//! `cargo insta review` (`cargo install cargo-insta`), or accept everything
//! with `INSTA_UPDATE=always cargo test -p <crate>` and read the git diff.

use serde::Serialize;

/// The snapshot settings every connector test shares, based on the settings
/// currently bound (so redactions added by a caller survive):
/// - `sort_maps = false`: keep the order the value serializes in;
/// - `prepend_module_to_snapshot = false`: snapshot files are named after the
///   test (or the given name) only, so moving a test keeps its snapshot;
/// - `omit_expression = true`: the `.snap` header does not depend on how the
///   test spells its expression.
///
/// Add redactions by customising and binding it:
///
/// ```text
/// let mut settings = crm_testkit::settings();
/// settings.add_redaction(".fetched_at", "[timestamp]");
/// settings.bind(|| crm_testkit::assert_json_snapshot!("leads_page", leads));
/// ```
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(false);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// Serializes `value` through `serde_json` first, so the snapshot shows what
/// the connector would put on the wire (`RawValue`s and custom serializers
/// included), not insta's own serde rendering. Object keys therefore follow
/// `serde_json::Map` order (alphabetical unless `preserve_order` is on).
///
/// # Panics
/// If `value` cannot be serialized to JSON (e.g. a map with non-string keys).
pub fn snapshot_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value)
        .unwrap_or_else(|error| panic!("cannot serialize value for snapshot: {error}"))
}

/// `insta::assert_json_snapshot!` with the shared [`settings`], on the
/// `serde_json` rendering of the value ([`snapshot_value`]).
///
/// ```text
/// crm_testkit::assert_json_snapshot!(leads);                // named after the test
/// crm_testkit::assert_json_snapshot!("second_page", leads); // explicit name
/// ```
///
/// Snapshots live in `snapshots/` next to the calling test file.
#[macro_export]
macro_rules! assert_json_snapshot {
    ($value:expr $(,)?) => {{
        let snapshot_value = $crate::snapshot_value(&$value);
        $crate::settings().bind(|| {
            $crate::__private::insta::assert_json_snapshot!(snapshot_value);
        });
    }};
    ($name:expr, $value:expr $(,)?) => {{
        let snapshot_value = $crate::snapshot_value(&$value);
        $crate::settings().bind(|| {
            $crate::__private::insta::assert_json_snapshot!($name, snapshot_value);
        });
    }};
}
