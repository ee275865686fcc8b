//! The page title, as a plain `String` only. leptos_meta reads the title when it writes the page's
//! head, after the page has rendered and outside the request's own reactive arena: a title that
//! reads a signal (a translation, a route parameter) then read whichever request last ran on that
//! thread, and under load panicked with "reactive value disposed" and sent an empty reply. A
//! `String` is read from nowhere.
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=text/> }
}

#[cfg(test)]
mod tests {
    /// Every page sets its title through `PageTitle`, so no title can be reactive again.
    #[test]
    fn ds01_no_page_gives_leptos_meta_a_reactive_title() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut todo = vec![std::path::PathBuf::from(root)];
        let mut offenders = Vec::new();
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).expect("src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    todo.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("ui/title.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("source");
                    if text.contains("<Title text") {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "use PageTitle: {offenders:?}");
    }
}
