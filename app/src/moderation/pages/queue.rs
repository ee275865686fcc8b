//! The moderation queue for the post's author and the directie: each open report with its
//! snapshot, and a form to remove or keep with a note; below it the recently handled ones.
use leptos::prelude::*;

use crate::ui::title::PageTitle;

use super::reason_text;
use crate::{
    comments::model::REASON_MAX,
    i18n::*,
    moderation::{
        api::{moderation_queue, ResolveReport},
        model::ReportView,
    },
    ui::{
        feedback::{page_error, FormError, Loading},
        time::ago,
    },
};

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let resolve = ServerAction::<ResolveReport>::new();
    let queue = Resource::new(move || resolve.version().get(), |_| moderation_queue());
    let body = move || {
        Suspend::new(async move {
            match queue.await {
                Ok(q) => {
                    let now = q.now;
                    let empty = q.open.is_empty();
                    let open = q
                        .open
                        .into_iter()
                        .map(|r| view! { <OpenReport report=r now resolve/> })
                        .collect_view();
                    let nothing_done = q.done.is_empty();
                    let done = q
                        .done
                        .into_iter()
                        .map(|r| view! { <HandledReport report=r now/> })
                        .collect_view();
                    view! {
                        <h2 class="section-title">{t!(i18n, moderation.open)}</h2>
                        <FormError result=resolve.value()/>
                        {empty.then(|| view! { <p class="card muted">{t!(i18n, moderation.none)}</p> })}
                        {open}
                        <h2 class="section-title">{t!(i18n, moderation.done)}</h2>
                        {if nothing_done {
                            view! { <p class="card muted">{t!(i18n, moderation.none_done)}</p> }.into_any()
                        } else {
                            view! { <ul class="card plain-list handled">{done}</ul> }.into_any()
                        }}
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, moderation.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, moderation.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

fn what(i18n: leptos_i18n::I18nContext<Locale>, r: &ReportView) -> String {
    let name = r.snapshot_author.clone();
    if r.kind == "comment" {
        t_string!(i18n, moderation.kind_comment, name).to_string()
    } else {
        t_string!(i18n, moderation.kind_post, name).to_string()
    }
}

#[component]
fn OpenReport(report: ReportView, now: i64, resolve: ServerAction<ResolveReport>) -> impl IntoView {
    let i18n = use_i18n();
    let id = report.id;
    let title_id = format!("report-{id}");
    let labelled_by = title_id.clone();
    let note_id = format!("note-{id}");
    let reporter = report
        .reporter_name
        .clone()
        .map(|name| t_string!(i18n, moderation.reported_by, name).to_string());
    let link = match report.post_id {
        Some(post) => {
            view! { <a href=format!("/bericht/{post}")>{t!(i18n, moderation.view_post)}</a> }
                .into_any()
        }
        None => view! { <span class="muted">{t!(i18n, moderation.gone)}</span> }.into_any(),
    };
    view! {
        <article class="card report" aria-labelledby=labelled_by>
            <p class="badge urgent-badge">{reason_text(i18n, &report.reason)}</p>
            <h3 id=title_id>{what(i18n, &report)}</h3>
            <p class="muted meta-line">
                <time>{t_string!(i18n, moderation.reported_at, when = ago(i18n, now, report.created_at)).to_string()}</time>
                {reporter.map(|r| view! { <span>{r}</span> })}
            </p>
            <figure class="snapshot">
                <blockquote>{report.snapshot_text.clone()}</blockquote>
                <figcaption>{t!(i18n, moderation.snapshot)}</figcaption>
            </figure>
            {(!report.details.is_empty()).then(|| view! {
                <p class="report-details"><strong>{t!(i18n, moderation.details)}</strong><br/>{report.details.clone()}</p>
            })}
            <p>{link}</p>
            <ActionForm action=resolve>
                <input type="hidden" name="report_id" value=id/>
                <fieldset>
                    <legend>{t!(i18n, moderation.decision)}</legend>
                    <div class="choices">
                        <label class="choice">
                            <input type="radio" name="decision" value="remove" required/>
                            <span>{t!(i18n, moderation.remove)}</span>
                        </label>
                        <label class="choice">
                            <input type="radio" name="decision" value="keep" required/>
                            <span>{t!(i18n, moderation.keep)}</span>
                        </label>
                    </div>
                </fieldset>
                <label for=note_id.clone()>{t!(i18n, moderation.note)}</label>
                <input id=note_id name="note" required maxlength=REASON_MAX/>
                <button type="submit" class="primary">{t!(i18n, moderation.resolve)}</button>
            </ActionForm>
        </article>
    }
}

#[component]
fn HandledReport(report: ReportView, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let name = report.resolver_name.clone().unwrap_or_default();
    let outcome = if report.resolution.as_deref() == Some("removed") {
        t_string!(i18n, moderation.removed_by, name).to_string()
    } else {
        t_string!(i18n, moderation.kept_by, name).to_string()
    };
    view! {
        <li>
            <p class="meta-line"><strong>{what(i18n, &report)}</strong><span>{reason_text(i18n, &report.reason)}</span></p>
            <p class="muted meta-line">
                <span>{outcome}</span><time>{ago(i18n, now, report.resolved_at.unwrap_or(report.created_at))}</time>
            </p>
            {report.resolution_note.clone().map(|n| view! { <p>{n}</p> })}
        </li>
    }
}
