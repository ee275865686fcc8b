//! The browser entry point: hydrate the islands (the interactive parts) of the server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Also links the `app` crate, whose islands are the exported functions the page calls.
    app::client::start();
}
