use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    app::param_id,
    i18n::*,
    import::{api::load_imports, model::RunSummary},
    ui::{
        feedback::{page_error, Loading},
        time::ago,
        title::PageTitle,
    },
};

use super::run::status_text;

/// `/beheer/school/:id/import`: choose the LAS export (and, for EDEXML, the guardians CSV); the next
/// page shows what would change before anything does.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let home = Resource::new(move || param_id(params.read().get("id")), load_imports);
    let returned = move || {
        query.read().get("fout").map(|key| {
            let text = match key.as_str() {
                "geen_bestand" => t_string!(i18n, import.upload_no_file),
                "te_groot" => t_string!(i18n, import.upload_too_big),
                _ => t_string!(i18n, import.upload_broken),
            };
            view! { <p class="notice error" role="alert">{text}</p> }
        })
    };
    let body = move || {
        Suspend::new(async move {
            match home.await {
                Ok(h) => {
                    let runs = h.runs.clone();
                    let now = h.now;
                    view! {
                        <PageTitle text=t_string!(i18n, import.title).to_string()/>
                        <div class="page-head">
                            <h1>{t!(i18n, import.title)}</h1>
                            <p class="muted"><a href=format!("/beheer/school/{}", h.school_id)>{h.school.clone()}</a></p>
                        </div>
                        {returned}
                        <section class="card">
                            <p>{t!(i18n, import.intro)}</p>
                            <form method="post" action="/beheer/import" enctype="multipart/form-data" class="stack">
                                <input type="hidden" name="school_id" value=h.school_id/>
                                <label for="import-file">{t!(i18n, import.file_label)}</label>
                                <p class="hint" id="import-file-hint">{t!(i18n, import.file_hint)}</p>
                                <input id="import-file" name="file" type="file" required
                                    accept=".csv,.txt,.xml,text/csv,text/xml,application/xml" aria-describedby="import-file-hint"/>
                                <label for="import-guardians">{t!(i18n, import.guardians_label)}</label>
                                <p class="hint" id="import-guardians-hint">{t!(i18n, import.guardians_hint)}</p>
                                <input id="import-guardians" name="guardians" type="file"
                                    accept=".csv,.txt,text/csv" aria-describedby="import-guardians-hint"/>
                                <button type="submit" class="primary">{t!(i18n, import.upload)}</button>
                            </form>
                            <p class="hint">{t!(i18n, import.nothing_yet)}</p>
                        </section>
                        {(!runs.is_empty()).then(|| view! {
                            <section class="card">
                                <h2>{t!(i18n, import.recent)}</h2>
                                <ul class="list runs">
                                    {runs.into_iter().map(|r| view! { <RunItem run=r now/> }).collect_view()}
                                </ul>
                            </section>
                        })}
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}

#[component]
fn RunItem(run: RunSummary, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let counts = run.counts.map(|c| {
        t_string!(
            i18n,
            import.result_short,
            new = c.pupils_new,
            changed = c.pupils_changed,
            leaving = c.pupils_leaving,
            invited = c.guardians_invite
        )
        .to_string()
    });
    view! {
        <li>
            <a href=format!("/beheer/import/{}", run.id)>{ago(i18n, now, run.created_at)}</a>
            " · "
            {status_text(i18n, run.status)}
            {counts.map(|c| view! { <br/><span class="muted small">{c}</span> })}
        </li>
    }
}
