//! Plain text (a comment) with its web and e-mail addresses as links, rendered as text nodes and
//! anchors: never as HTML (XS-01).
use leptos::prelude::*;

use crate::links::{pieces, Piece};

#[component]
pub fn LinkedText(text: String) -> impl IntoView {
    pieces(&text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(t) => t.to_string().into_any(),
            Piece::Link { text, href } => view! {
                <a href=href rel="noopener noreferrer nofollow" target="_blank">{text.to_string()}</a>
            }
            .into_any(),
        })
        .collect_view()
}
