//! The comments under a post, with the form to add one. Every action is a plain form, so it also
//! works without JavaScript.
use leptos::prelude::*;

use crate::{
    comments::{
        api::{post_comments, AddComment, DeleteComment, RemoveComment},
        model::{CommentView, COMMENT_MAX, REASON_MAX},
    },
    i18n::*,
    ui::{
        feedback::{error_text, FormError},
        linked::LinkedText,
        time::ago,
    },
};

#[component]
pub fn CommentsSection(post_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddComment>::new();
    let delete = ServerAction::<DeleteComment>::new();
    let remove = ServerAction::<RemoveComment>::new();
    let data = Resource::new(
        move || {
            (
                post_id,
                add.version().get(),
                delete.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| post_comments(id),
    );
    let body = move || {
        Suspend::new(async move {
            let c = match data.await {
                Ok(c) if c.allowed => c,
                Ok(_) => return None,
                Err(e) => {
                    return Some(
                        view! { <p class="notice error">{error_text(i18n, &e)}</p> }.into_any(),
                    )
                }
            };
            let now = c.now;
            let can_write = c.can_write();
            let empty = c.comments.is_empty();
            let items = c
                .comments
                .into_iter()
                .map(|comment| view! { <Comment comment now post_id delete remove/> })
                .collect_view();
            Some(
                view! {
                    <section class="card comments" id="reacties" aria-labelledby="comments-title">
                    <h2 id="comments-title">{t!(i18n, comments.title)}</h2>
                    {empty.then(|| view! { <p class="muted">{t!(i18n, comments.none)}</p> })}
                    <ol class="comment-list">{items}</ol>
                    <FormError result=delete.value()/>
                    <FormError result=remove.value()/>
                    {if can_write {
                        view! {
                            <ActionForm action=add attr:class="comment-form">
                                <FormError result=add.value()/>
                                <input type="hidden" name="post_id" value=post_id/>
                                <label for="comment-body">{t!(i18n, comments.label)}</label>
                                <textarea id="comment-body" name="body" rows="3" required maxlength=COMMENT_MAX
                                    aria-describedby="comment-hint"></textarea>
                                <p id="comment-hint" class="hint">{t!(i18n, comments.hint)}</p>
                                <button type="submit" class="primary">{t!(i18n, comments.send)}</button>
                            </ActionForm>
                        }
                        .into_any()
                    } else {
                        view! { <p class="muted">{t!(i18n, comments.closed)}</p> }.into_any()
                    }}
                    </section>
                }
                .into_any(),
            )
        })
    };
    // Posts without comments (school-wide ones, newsletters) get no empty card.
    view! { <Suspense fallback=|| ()>{body}</Suspense> }
}

#[component]
fn Comment(
    comment: CommentView,
    now: i64,
    post_id: i64,
    delete: ServerAction<DeleteComment>,
    remove: ServerAction<RemoveComment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = comment.id;
    if comment.removed {
        return view! {
            <li class="comment removed" id=format!("reactie-{id}")>
                <p class="comment-body muted">{t!(i18n, comments.removed_placeholder)}</p>
            </li>
        }
        .into_any();
    }
    let label = t_string!(i18n, comments.actions, name = comment.author_name.clone()).to_string();
    let actions = if comment.mine {
        view! {
            <details class="confirm">
                <summary class="link-button">{t!(i18n, comments.delete)}</summary>
                <p>{t!(i18n, comments.delete_confirm)}</p>
                <ActionForm action=delete>
                    <input type="hidden" name="comment_id" value=id/>
                    <button type="submit" class="danger">{t!(i18n, comments.delete_yes)}</button>
                </ActionForm>
            </details>
        }
        .into_any()
    } else if comment.can_remove {
        let reason_id = format!("remove-reason-{id}");
        view! {
            <details class="confirm">
                <summary class="link-button">{t!(i18n, comments.remove)}</summary>
                <ActionForm action=remove>
                    <input type="hidden" name="comment_id" value=id/>
                    <label for=reason_id.clone()>{t!(i18n, comments.remove_reason)}</label>
                    <input id=reason_id name="reason" required maxlength=REASON_MAX/>
                    <button type="submit" class="danger">{t!(i18n, comments.remove_yes)}</button>
                </ActionForm>
            </details>
        }
        .into_any()
    } else {
        view! {
            <a class="link-button" href=format!("/bericht/{post_id}/melden?reactie={id}")>
                {t!(i18n, comments.report)}
            </a>
        }
        .into_any()
    };
    view! {
        <li class="comment" id=format!("reactie-{id}")>
            <p class="comment-meta">
                <strong>{comment.author_name.clone()}</strong>
                <time>{ago(i18n, now, comment.created_at)}</time>
            </p>
            <p class="comment-body"><LinkedText text=comment.body/></p>
            <div class="comment-actions" role="group" aria-label=label>{actions}</div>
        </li>
    }
    .into_any()
}
