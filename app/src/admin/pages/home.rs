use leptos::prelude::*;

use crate::ui::title::PageTitle;

use crate::{
    accounts::api::load_me,
    admin::api::{schools, CreateSchool},
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
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok((Some(user), list, (failures, now))) if user.can_manage => view! {
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
