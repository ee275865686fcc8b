use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    i18n::*,
    media::model::Variant,
    newsletters::{
        api::newsletter_form,
        model::{NewsletterEdit, Section, EMPTY_SECTIONS, HEADING_MAX},
    },
    posts::model::{BODY_MAX, TITLE_MAX},
    ui::feedback::{page_error, Loading},
};

/// Writing or changing a newsletter: one plain multipart form (text, photos and PDFs together)
/// that works the same with and without JavaScript. Saving never sends; the preview page does.
#[component]
pub fn NewsletterFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, newsletter_form);
    let returned = move || {
        query.read().get("fout").map(|key| {
            let text = crate::media::pages::returned_text(i18n, &key);
            view! { <p class="notice error" role="alert">{text}</p> }
        })
    };
    let heading = move || {
        if id().is_some() {
            t_string!(i18n, newsletter.edit_title)
        } else {
            t_string!(i18n, newsletter.new)
        }
    };
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(d) => view! { {returned} <NewsletterForm data=d/> }.into_any(),
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=heading().to_string()/>
        <div class="page-head"><h1>{heading}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

#[component]
fn NewsletterForm(data: NewsletterEdit) -> impl IntoView {
    let i18n = use_i18n();
    let mut sections = data.sections.clone();
    sections.extend(std::iter::repeat_n(Section::default(), EMPTY_SECTIONS));
    let slots = sections
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let n = i + 1;
            view! {
                <div class="section-slot">
                    <label for=format!("heading-{n}")>{t!(i18n, newsletter.section_heading, n)}</label>
                    <input id=format!("heading-{n}") type="text" name="heading[]" maxlength=HEADING_MAX value=s.heading/>
                    <label for=format!("text-{n}")>{t!(i18n, newsletter.section_text, n)}</label>
                    <textarea id=format!("text-{n}") name="text[]" rows="5" maxlength=BODY_MAX>{s.text}</textarea>
                </div>
            }
        })
        .collect_view();
    let school = if data.schools.len() > 1 {
        let chosen = data.group_id;
        let locked = data.id.is_some();
        let options = data
            .schools
            .iter()
            .map(|g| {
                let id = format!("school-{}", g.id);
                let for_id = id.clone();
                view! {
                    <label class="choice" for=for_id>
                        <input type="radio" id=id name="group" value=g.id checked=g.id == chosen disabled=locked && g.id != chosen/>
                        <span>{g.name.clone()}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset>
                <legend>{t!(i18n, newsletter.school)}</legend>
                <div class="choices">{options}</div>
            </fieldset>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="group" value=data.group_id/> }.into_any()
    };
    let photos = data
        .photos
        .iter()
        .map(|p| {
            let uid = p.media.uid.clone();
            let none_id = format!("none-{uid}");
            let remove_id = format!("remove-{uid}");
            let (for_none, for_remove) = (none_id.clone(), remove_id.clone());
            view! {
                <li class="form-photo">
                    <img src=p.media.url(Variant::Thumb) alt="" width="120" height="120" loading="lazy"/>
                    {p.tagged.then(|| view! { <span class="muted small">{t!(i18n, newsletter.photo_tagged)}</span> })}
                    <label class="choice" for=for_none>
                        <input type="checkbox" id=none_id name="no_children[]" value=uid.clone() checked=p.no_children/>
                        <span>{t!(i18n, newsletter.photo_no_children)}</span>
                    </label>
                    <label class="choice" for=for_remove>
                        <input type="checkbox" id=remove_id name="remove_media[]" value=uid.clone()/>
                        <span>{t!(i18n, newsletter.remove)}</span>
                    </label>
                </li>
            }
        })
        .collect_view();
    let files = data
        .attachments
        .iter()
        .map(|a| {
            let id = format!("remove-file-{}", a.uid);
            let for_id = id.clone();
            view! {
                <li>
                    <a href=a.url() download>{a.name.clone()}</a>
                    <span class="muted small">{format!(" ({})", a.size_text())}</span>
                    <label class="choice" for=for_id>
                        <input type="checkbox" id=id name="remove_file[]" value=a.uid.clone()/>
                        <span>{t!(i18n, newsletter.remove)}</span>
                    </label>
                </li>
            }
        })
        .collect_view();
    let tags_link = data
        .id
        .filter(|_| !data.photos.is_empty())
        .map(|id| view! { <p><a href=format!("/bericht/{id}/kinderen")>{t!(i18n, consent.tags_link)}</a></p> });
    view! {
        <form class="card newsletter-form" method="post" action="/nieuwsbrief/opslaan" enctype="multipart/form-data">
            {data.id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            {school}
            <label for="nl-title">{t!(i18n, newsletter.title_label)}</label>
            <input id="nl-title" type="text" name="title" maxlength=TITLE_MAX value=data.title.clone() aria-describedby="nl-title-hint"/>
            <p id="nl-title-hint" class="hint">{t!(i18n, newsletter.title_hint)}</p>
            <label for="nl-intro">{t!(i18n, newsletter.intro_label)}</label>
            <textarea id="nl-intro" name="intro" rows="4" maxlength=BODY_MAX aria-describedby="nl-markup-hint">{data.intro.clone()}</textarea>
            <p id="nl-markup-hint" class="hint">{t!(i18n, compose.body_hint)}</p>
            <fieldset id="onderdelen">
                <legend>{t!(i18n, newsletter.sections)}</legend>
                <p class="hint">{t!(i18n, newsletter.sections_hint)}</p>
                {slots}
                <button type="submit" name="do" value="more">{t!(i18n, newsletter.more_sections)}</button>
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, newsletter.photos)}</legend>
                <ul class="form-photos plain-list">{photos}</ul>
                {tags_link}
                // The same visible picker as the post composer; the browser's own field names the
                // chosen files (this form has no upload island).
                <label class="dropzone" for="nl-photos">
                    <span class="button">{t!(i18n, newsletter.add_photos)}</span>
                    <input id="nl-photos" class="file-native" type="file" name="photos" multiple accept="image/*" aria-describedby="nl-photos-hint"/>
                </label>
                <p id="nl-photos-hint" class="hint">{t!(i18n, newsletter.photos_hint)}</p>
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, newsletter.attachments)}</legend>
                <ul class="plain-list">{files}</ul>
                <label class="dropzone" for="nl-files">
                    <span class="button">{t!(i18n, newsletter.add_attachments)}</span>
                    <input id="nl-files" class="file-native" type="file" name="attachments" multiple accept="application/pdf,.pdf" aria-describedby="nl-files-hint"/>
                </label>
                <p id="nl-files-hint" class="hint">{t!(i18n, newsletter.attachments_hint)}</p>
            </fieldset>
            <button type="submit" class="primary" name="do" value="preview">{t!(i18n, newsletter.save_preview)}</button>
        </form>
    }
}
