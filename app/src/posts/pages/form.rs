//! The fields of the compose and edit forms. Names follow the server function's `PostForm`
//! (`post[body]`, `post[groups][]`), so the same form posts with and without JavaScript.
use leptos::prelude::*;

use crate::{
    i18n::*,
    posts::model::{GroupRef, PostView, BODY_MAX, TITLE_MAX},
};

#[component]
pub fn PostFields(
    groups: Vec<GroupRef>,
    #[prop(optional)] existing: Option<PostView>,
    #[prop(optional)] preselect: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen: Vec<i64> = match &existing {
        Some(p) => p.groups.iter().map(|g| g.id).collect(),
        None => preselect.into_iter().collect(),
    };
    let title = existing
        .as_ref()
        .and_then(|p| p.title.clone())
        .unwrap_or_default();
    let body = existing
        .as_ref()
        .map(|p| p.body.clone())
        .unwrap_or_default();
    let urgent = existing.as_ref().is_some_and(|p| p.urgent);
    let pinned = existing.as_ref().is_some_and(|p| p.pinned);
    // On by default for a new post; the server keeps it off unless the post goes to one class group.
    let comments = existing.as_ref().is_none_or(|p| p.comments_open);
    let only_one = groups.len() == 1;
    let group_boxes = groups
        .into_iter()
        .map(|g| {
            let checked = only_one || chosen.contains(&g.id);
            let id = format!("group-{}", g.id);
            let for_id = id.clone();
            let name = if g.kind == "school" {
                t_string!(i18n, groups.whole_school_post).to_string()
            } else {
                g.name.clone()
            };
            view! {
                <label class="choice" for=for_id>
                    <input type="checkbox" id=id name="post[groups][]" value=g.id checked=checked/>
                    <span>{name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{t!(i18n, compose.groups)}</legend>
            <div class="choices">{group_boxes}</div>
        </fieldset>
        <label for="post-title">{t!(i18n, compose.title_label)}</label>
        <input id="post-title" type="text" name="post[title]" maxlength=TITLE_MAX value=title/>
        <label for="post-body">{t!(i18n, compose.body_label)}</label>
        <textarea id="post-body" name="post[body]" rows="8" required maxlength=BODY_MAX aria-describedby="body-hint">{body}</textarea>
        <p id="body-hint" class="hint">{t!(i18n, compose.body_hint)}</p>
        <label class="choice">
            <input type="checkbox" name="post[urgent]" value="true" checked=urgent/>
            <span>{t!(i18n, compose.urgent)}</span>
        </label>
        <label class="choice">
            <input type="checkbox" name="post[pinned]" value="true" checked=pinned/>
            <span>{t!(i18n, compose.pinned)}</span>
        </label>
        <label class="choice">
            <input type="checkbox" name="post[comments]" value="true" checked=comments aria-describedby="comments-hint"/>
            <span>{t!(i18n, compose.comments)}</span>
        </label>
        <p id="comments-hint" class="hint">{t!(i18n, compose.comments_hint)}</p>
    }
}
