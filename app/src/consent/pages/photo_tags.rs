//! `/bericht/{id}/kinderen`: who is in each photo of a published post, for the author and the
//! directie. A plain form, so it also works without JavaScript (the composer's picker needs it).
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_params_map;

use crate::{
    app::param_id,
    consent::{
        api::{load_photo_tags, SavePhotoTags},
        model::{Audience, TagCandidate, TagItem},
    },
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn PhotoTagsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let save = ServerAction::<SavePhotoTags>::new();
    let data = Resource::new(move || param_id(params.read().get("id")), load_photo_tags);
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(p) => {
                    let id = p.post_id;
                    let total = p.items.len();
                    let candidates = StoredValue::new(p.candidates);
                    let required = p.required;
                    let items = p
                        .items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let nobody = p.no_children.contains(&item.uid);
                            view! { <ItemTags item nobody n=i + 1 total candidates/> }
                        })
                        .collect_view();
                    view! {
                        {required.then(|| view! { <p class="hint">{t!(i18n, media.tags_required_hint)}</p> })}
                        <FormError result=save.value()/>
                        <ActionForm action=save>
                            <input type="hidden" name="post_id" value=id/>
                            <ul class="tag-items">{items}</ul>
                            <div class="actions">
                                <button type="submit" class="primary">{t!(i18n, consent.tags_save)}</button>
                                <a class="button" href=format!("/bericht/{id}")>{t!(i18n, common.cancel)}</a>
                            </div>
                        </ActionForm>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, consent.tags_title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, consent.tags_title)}</h1></div>
        <p class="lead">{t!(i18n, consent.tags_intro)}</p>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

#[component]
fn ItemTags(
    item: TagItem,
    /// Marked "no recognisable child".
    nobody: bool,
    n: usize,
    total: usize,
    candidates: StoredValue<Vec<TagCandidate>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let TagItem {
        uid,
        video,
        thumb,
        tags,
    } = item;
    let alt = if video {
        t_string!(i18n, media.video_alt, n, total).to_string()
    } else {
        t_string!(i18n, media.photo_alt, n, total).to_string()
    };
    let tagged: Vec<_> = candidates.with_value(|c| {
        c.iter()
            .filter(|x| tags.contains(&x.pupil_id))
            .map(|x| (x.pupil_id, x.photos))
            .collect()
    });
    // What the saved tags mean now; a change shows after saving.
    let warning = match Audience::of(&tagged) {
        Audience::Everyone => None,
        Audience::OnlyFamiliesOf(pupils) => {
            let names: Vec<String> = candidates.with_value(|c| {
                c.iter()
                    .filter(|x| pupils.contains(&x.pupil_id))
                    .map(|x| x.name.clone())
                    .collect()
            });
            Some(view! {
                <p class="notice warn">{t_string!(i18n, media.tag_warning, names = names.join(", ")).to_string()}</p>
            })
        }
    };
    // Tags of children not on this form (moved class, left, last year's group) stay as they are.
    let others = candidates.with_value(|c| {
        tags.iter()
            .filter(|t| !c.iter().any(|x| x.pupil_id == **t))
            .count()
    });
    let others = (others > 0).then(|| {
        view! { <p class="hint">{t_string!(i18n, consent.tags_others, n = others).to_string()}</p> }
    });
    let boxes = candidates.with_value(|c| {
        c.iter()
            .map(|x| {
                let id = format!("tag-{uid}-{}", x.pupil_id);
                let for_id = id.clone();
                let mark = (!x.photos.allows())
                    .then(|| view! { <span class="no-consent">{t!(i18n, media.no_consent_mark)}</span> });
                view! {
                    <label class="choice" for=for_id>
                        <input type="checkbox" id=id name="tags[]" value=format!("{uid}:{}", x.pupil_id)
                            checked=tags.contains(&x.pupil_id)/>
                        <span>{x.name.clone()}</span>
                        {mark}
                    </label>
                }
            })
            .collect_view()
    });
    let none_id = format!("none-{uid}");
    let none_for = none_id.clone();
    view! {
        <li class="card tag-item">
            <img src=thumb alt=alt.clone() width="160" height="160" loading="lazy"/>
            <fieldset class="tag-list">
                <legend>{alt}</legend>
                {warning}
                {boxes}
                <label class="choice" for=none_for>
                    <input type="checkbox" id=none_id name="no_children[]" value=uid.clone() checked=nobody/>
                    <span>{t!(i18n, media.no_children)}</span>
                </label>
                {others}
            </fieldset>
        </li>
    }
}
