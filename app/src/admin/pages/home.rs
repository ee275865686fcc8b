use leptos::prelude::*;

use crate::ui::title::PageTitle;

use leptos_router::hooks::use_query_map;

use crate::{
    accounts::api::load_me,
    admin::{
        api::{invitation_counts, schools, search_people, CreateSchool},
        model::{InvitationCount, PersonRow},
    },
    error::AppError,
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn AdminHome() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateSchool>::new();
    let data = Resource::new(
        || (),
        |_| async {
            Ok::<_, AppError>((
                load_me().await?,
                schools().await?,
                crate::notify::api::mail_failures().await?,
            ))
        },
    );
    let query = use_query_map();
    let q = move || query.read().get("zoek").unwrap_or_default();
    // Only the directie and the foundation admin look people up; for teachers the sections stay away.
    let found = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            return None;
        }
        search_people(q).await.ok().flatten()
    });
    let waiting = Resource::new(
        || (),
        |_| async { invitation_counts().await.ok().flatten() },
    );
    let body = move || {
        Suspend::new(async move {
            let found = found.await;
            let waiting = waiting.await;
            match data.await {
                Ok((Some(user), list, (failures, now))) if user.can_manage => view! {
                    {waiting.map(|counts| view! {
                        <PeopleSection q=q() found/>
                        <InvitationsSection counts/>
                    })}
                    <section class="card">
                        <h2>{t!(i18n, moderation.title)}</h2>
                        <p class="actions">
                            <a class="button" href="/moderatie">{t!(i18n, moderation.manage_link)}</a>
                            {(user.open_reports > 0).then(|| view! {
                                <span class="badge urgent-badge">{t_string!(i18n, moderation.open_count, n = user.open_reports).to_string()}</span>
                            })}
                        </p>
                    </section>
                    <section class="card">
                        <h2>{t!(i18n, admin.schools)}</h2>
                        {list.is_empty().then(|| view! { <p class="muted">{t!(i18n, admin.no_schools)}</p> })}
                        <ul class="list">
                            {list.into_iter().map(|s| view! {
                                <li><a href=format!("/beheer/school/{}", s.id)>{s.name}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                    {(!failures.is_empty()).then(|| view! {
                        <section class="card">
                            <h2>{t!(i18n, notify.failures_title)}</h2>
                            <p class="muted">{t!(i18n, notify.failures_help)}</p>
                            <ul class="list">
                                {failures.into_iter().map(|f| view! {
                                    <li>
                                        <span>{f.name}</span>
                                        <span class="muted small">{format!("{} · {}", f.reason, crate::ui::time::ago(i18n, now, f.created_at))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {user.is_admin.then(|| view! {
                        <section class="card">
                            <h2>{t!(i18n, admin.new_school)}</h2>
                            <FormError result=create.value()/>
                            <ActionForm action=create>
                                <label for="school-name">{t!(i18n, fields.school_name)}</label>
                                <input id="school-name" name="name" required maxlength="80"/>
                                <button type="submit" class="primary">{t!(i18n, admin.create_school)}</button>
                            </ActionForm>
                        </section>
                    })}
                }
                .into_any(),
                Ok((None, _, _)) => page_error(AppError::Unauthorized),
                Ok(_) => page_error(AppError::NotFound),
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, admin.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, admin.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

#[component]
fn PeopleSection(q: String, found: Option<Vec<PersonRow>>) -> impl IntoView {
    let i18n = use_i18n();
    let searched = !q.trim().is_empty();
    let results = found.unwrap_or_default();
    let none = searched && results.is_empty();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.people)}</h2>
            <form method="get" action="/beheer" role="search">
                <label for="zoek">{t!(i18n, admin.search_label)}</label>
                <input id="zoek" name="zoek" type="search" value=q minlength="2" autocomplete="off"/>
                <button type="submit">{t!(i18n, admin.search)}</button>
            </form>
            {none.then(|| view! { <p class="muted">{t!(i18n, admin.search_none)}</p> })}
            <ul class="list">
                {results.into_iter().map(|p| {
                    let mut notes = Vec::new();
                    if p.is_admin { notes.push(t_string!(i18n, admin.role_admin).to_string()); }
                    if p.roles > 0 { notes.push(t_string!(i18n, admin.is_staff).to_string()); }
                    match p.children {
                        0 => {}
                        1 => notes.push(t_string!(i18n, admin.children_count_single).to_string()),
                        n => notes.push(t_string!(i18n, admin.children_count_many, count = n).to_string()),
                    }
                    if !p.active { notes.push(t_string!(i18n, admin.inactive).to_string()); }
                    view! {
                        <li>
                            <p>
                                <strong>{p.name}</strong><br/>
                                <span class="muted small">{p.email}</span><br/>
                                <span class="small">{notes.join(" · ")}</span>
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn InvitationsSection(counts: Vec<InvitationCount>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = counts.is_empty();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.invitations_pending)}</h2>
            {empty.then(|| view! { <p class="muted">{t!(i18n, admin.invitations_none)}</p> })}
            <ul class="list">
                {counts.into_iter().map(|c| view! {
                    <li>
                        <a href=format!("/beheer/school/{}", c.school_id)>{c.school}</a>
                        <span class="muted">
                            {t_string!(i18n, admin.invitations_waiting, n = c.open, expired = c.expired).to_string()}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
