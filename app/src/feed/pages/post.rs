use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{card::PostCard, receipts::ReadReceiptsCard};
use crate::{
    app::param_id,
    comments::pages::CommentsSection,
    feed::api::get_post,
    i18n::*,
    newsletters::pages::SendCard,
    posts::api::{DeletePost, PinPost},
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn PostPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let delete = ServerAction::<DeletePost>::new();
    let pin = ServerAction::<PinPost>::new();
    let post = Resource::new(
        move || (param_id(params.read().get("id")), pin.version().get()),
        |(id, _)| get_post(id),
    );
    let body = move || {
        Suspend::new(async move {
            match post.await {
                Ok((p, now)) => {
                    let id = p.id;
                    let title = p
                        .title
                        .clone()
                        .unwrap_or_else(|| t_string!(i18n, posts.message).to_string());
                    let can_edit = p.can_edit;
                    let pinned = p.pinned;
                    let has_media = !p.media.is_empty();
                    let newsletter = p.is_newsletter();
                    let unsent = p.unsent();
                    let scheduled = p
                        .publish_at_text
                        .clone()
                        .filter(|_| p.status == "scheduled");
                    let edit_href = if newsletter {
                        format!("/nieuwsbrief/{id}/bewerken")
                    } else {
                        format!("/bericht/{id}/bewerken")
                    };
                    view! {
                        <PageTitle text=title/>
                        {query.read_untracked().get("gemeld").map(|_| view! {
                            <p class="notice ok" role="status">{t!(i18n, posts.reported)}</p>
                        })}
                        {query.read_untracked().get("kinderen").map(|_| view! {
                            <p class="notice ok" role="status">{t!(i18n, consent.tags_saved)}</p>
                        })}
                        {query.read_untracked().get("verstuurd").and_then(|n| n.parse::<u32>().ok()).map(|n| view! {
                            <p class="notice ok" role="status">
                                {t_string!(i18n, newsletter.sent_to, n = n).to_string()}
                            </p>
                        })}
                        {query.read_untracked().get("ingepland").and_then(|n| n.parse::<u32>().ok()).map(|n| view! {
                            <p class="notice ok" role="status">
                                {t_string!(i18n, newsletter.scheduled_notice, n = n).to_string()}
                            </p>
                        })}
                        <PostCard post=p now full=true/>
                        {(can_edit && unsent).then(|| view! { <SendCard post_id=id scheduled/> })}
                        <p class="rights">{t!(i18n, posts.rights)}</p>
                        {(!can_edit).then(|| view! {
                            <p class="post-report">
                                <a class="link-button" href=format!("/bericht/{id}/melden")>{t!(i18n, posts.report)}</a>
                            </p>
                        })}
                        {can_edit.then(|| view! {
                            <section class="card actions-card" aria-label=t_string!(i18n, posts.manage)>
                                <FormError result=delete.value()/>
                                <FormError result=pin.value()/>
                                <div class="actions">
                                    <a class="button" href=edit_href>{t!(i18n, posts.edit)}</a>
                                    {has_media.then(|| view! {
                                        <a class="button" href=format!("/bericht/{id}/kinderen")>{t!(i18n, consent.tags_link)}</a>
                                    })}
                                    <ActionForm action=pin>
                                        <input type="hidden" name="post_id" value=id/>
                                        <input type="hidden" name="pinned" value=(!pinned).to_string()/>
                                        <button type="submit">
                                            {if pinned { t!(i18n, posts.unpin).into_any() } else { t!(i18n, posts.pin).into_any() }}
                                        </button>
                                    </ActionForm>
                                    // A second step that needs no JavaScript: open, then confirm.
                                    <details class="confirm">
                                        <summary class="button danger-outline">{t!(i18n, posts.delete)}</summary>
                                        <p>{t!(i18n, posts.delete_confirm)}</p>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="post_id" value=id/>
                                            <button type="submit" class="danger">{t!(i18n, posts.delete_yes)}</button>
                                        </ActionForm>
                                    </details>
                                </div>
                            </section>
                            {(!unsent).then(|| view! { <ReadReceiptsCard post_id=id/> })}
                        })}
                        <CommentsSection post_id=id/>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}
