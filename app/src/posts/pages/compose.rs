use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::form::PostFields;
use crate::{
    i18n::*,
    posts::api::{load_compose, CreatePost},
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn ComposePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreatePost>::new();
    let query = use_query_map();
    let options = Resource::new(|| (), |_| load_compose());
    let body = move || {
        Suspend::new(async move {
            match options.await {
                Ok(o) if o.groups.is_empty() => page_error(crate::error::AppError::Forbidden),
                Ok(o) => {
                    let preselect = query
                        .read_untracked()
                        .get("groep")
                        .and_then(|g| g.parse().ok());
                    view! {
                        <section class="card">
                            <FormError result=action.value()/>
                            <ActionForm action=action>
                                <PostFields groups=o.groups preselect=preselect.unwrap_or(0)/>
                                <button type="submit" class="primary">{t!(i18n, compose.publish)}</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <Title text=move || t_string!(i18n, compose.title)/>
        <div class="page-head"><h1>{t!(i18n, compose.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
