use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_params_map;

use super::form::PostFields;
use crate::{
    app::param_id,
    error::AppError,
    i18n::*,
    posts::api::{load_compose, post_for_edit, UpdatePost},
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn EditPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UpdatePost>::new();
    let params = use_params_map();
    let data = Resource::new(
        move || param_id(params.read().get("id")),
        |id| async move { Ok::<_, AppError>((post_for_edit(id).await?, load_compose().await?)) },
    );
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok((post, _)) if !post.can_edit => page_error(AppError::Forbidden),
                Ok((post, options)) => {
                    let id = post.id;
                    view! {
                        <section class="card">
                            <FormError result=action.value()/>
                            <ActionForm action=action>
                                <input type="hidden" name="post_id" value=id/>
                                <PostFields groups=options.groups existing=post/>
                                <div class="actions">
                                    <button type="submit" class="primary">{t!(i18n, compose.save)}</button>
                                    <a class="button" href=format!("/bericht/{id}")>{t!(i18n, common.cancel)}</a>
                                </div>
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
        <PageTitle text=t_string!(i18n, compose.edit_title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, compose.edit_title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
