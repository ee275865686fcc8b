//! Tagging the children in an uploaded photo, with a warning when one of them lacks photo consent:
//! such a photo reaches only that child's own family (`policy::media_visible`).
use leptos::prelude::*;

use super::upload::Upload;
use crate::{
    consent::model::{Audience, TagCandidate},
    i18n::*,
};

#[component]
pub fn TagPicker(
    key: u32,
    tags: Vec<i64>,
    no_children: bool,
    uploads: RwSignal<Vec<Upload>>,
    candidates: StoredValue<Vec<TagCandidate>>,
    tagging: RwSignal<Option<u32>>,
    /// The chosen photo itself, shown while its children are picked.
    #[prop(default = None)]
    preview: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || tagging.get() == Some(key);
    let toggle = move |_| {
        tagging.update(|t| *t = if *t == Some(key) { None } else { Some(key) });
    };
    let name_of = move |pupil: i64| {
        candidates.with_value(|c| {
            c.iter()
                .find(|x| x.pupil_id == pupil)
                .map(|x| x.name.clone())
                .unwrap_or_default()
        })
    };
    let tagged: Vec<_> = candidates.with_value(|c| {
        tags.iter()
            .filter_map(|t| c.iter().find(|x| x.pupil_id == *t))
            .map(|x| (x.pupil_id, x.photos))
            .collect()
    });
    let names: Vec<String> = tags.iter().map(|p| name_of(*p)).collect();
    let button = if no_children {
        t_string!(i18n, media.no_children).to_string()
    } else if names.is_empty() {
        t_string!(i18n, media.tag_button).to_string()
    } else {
        t_string!(i18n, media.tagged, names = names.join(", ")).to_string()
    };
    let warning = match Audience::of(&tagged) {
        Audience::Everyone => None,
        Audience::OnlyFamiliesOf(pupils) => {
            let names: Vec<String> = pupils.into_iter().map(name_of).collect();
            Some(view! {
                <p class="notice warn" role="alert">
                    {t_string!(i18n, media.tag_warning, names = names.join(", ")).to_string()}
                </p>
            })
        }
    };
    let set = move |pupil: i64, on: bool| {
        uploads.update(|all| {
            if let Some(u) = all.iter_mut().find(|u| u.key == key) {
                u.tags.retain(|p| *p != pupil);
                if on {
                    u.tags.push(pupil);
                    u.no_children = false;
                }
            }
        });
    };
    // "Nobody recognisable" and tagged children exclude each other.
    let set_none = move |on: bool| {
        uploads.update(|all| {
            if let Some(u) = all.iter_mut().find(|u| u.key == key) {
                u.no_children = on;
                if on {
                    u.tags.clear();
                }
            }
        });
    };
    let none_id = format!("none-{key}");
    let list = move || {
        open().then(|| {
            let boxes = candidates.with_value(|c| {
                c.iter()
                    .map(|x| {
                        let pupil = x.pupil_id;
                        let checked = tags.contains(&pupil);
                        let id = format!("tag-{key}-{pupil}");
                        let for_id = id.clone();
                        let mark = (!x.photos.allows())
                            .then(|| view! { <span class="no-consent">{t!(i18n, media.no_consent_mark)}</span> });
                        view! {
                            <label class="choice" for=for_id>
                                <input type="checkbox" id=id checked=checked
                                    on:change=move |ev| set(pupil, event_target_checked(&ev))/>
                                <span>{x.name.clone()}</span>
                                {mark}
                            </label>
                        }
                    })
                    .collect_view()
            });
            let picture = preview.clone().map(|src| {
                view! { <img class="tag-photo" src=src alt=t_string!(i18n, media.tag_photo_alt)/> }
            });
            view! {
                <fieldset class="tag-list">
                    <legend>{t!(i18n, media.tag_legend)}</legend>
                    {picture}
                    <label class="choice" for=none_id.clone()>
                        <input type="checkbox" id=none_id.clone() checked=no_children
                            on:change=move |ev| set_none(event_target_checked(&ev))/>
                        <span>{t!(i18n, media.no_children)}</span>
                    </label>
                    {boxes}
                </fieldset>
            }
        })
    };
    view! {
        <div class="tagger">
            <button type="button" class="link-button" aria-expanded=move || open().to_string() on:click=toggle>
                {button}
            </button>
            {warning}
            {list}
        </div>
    }
}
