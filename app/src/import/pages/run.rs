use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{mapping::MappingForm, progress::ImportProgress};
use crate::{
    app::param_id,
    i18n::*,
    import::{
        api::{import_run, ImportApply},
        model::{Change, Counts, Kind, Line, RunStatus, RunView},
        roster::FileProblem,
    },
    ui::{
        feedback::{page_error, FormError, Loading},
        title::PageTitle,
    },
};

pub fn status_text(i18n: leptos_i18n::I18nContext<Locale>, status: RunStatus) -> String {
    match status {
        RunStatus::Uploaded => t_string!(i18n, import.status_uploaded),
        RunStatus::Applying => t_string!(i18n, import.status_applying),
        RunStatus::Applied => t_string!(i18n, import.status_applied),
        RunStatus::Failed => t_string!(i18n, import.status_failed),
        RunStatus::Expired => t_string!(i18n, import.status_expired),
    }
    .to_string()
}

/// `/beheer/import/:id`: what the file would change, then applying it with a progress bar that
/// survives a reload (with JavaScript it refreshes itself, without it the page reloads).
#[component]
pub fn ImportRunPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let apply = ServerAction::<ImportApply>::new();
    let run = Resource::new(
        move || (param_id(params.read().get("id")), apply.version().get()),
        |(id, _)| import_run(id),
    );
    let body = move || {
        Suspend::new(async move {
            match run.await {
                Ok(r) => view! {
                    <PageTitle text=t_string!(i18n, import.title).to_string()/>
                    <div class="page-head">
                        <h1>{t!(i18n, import.title)}</h1>
                        <p class="muted">
                            <a href=format!("/beheer/school/{}", r.school_id)>{r.school.clone()}</a>
                            " · " {status_text(i18n, r.status)}
                        </p>
                    </div>
                    <RunBody run=r apply/>
                }
                .into_any(),
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}

#[component]
fn RunBody(run: RunView, apply: ServerAction<ImportApply>) -> impl IntoView {
    let i18n = use_i18n();
    let again = format!("/beheer/school/{}/import", run.school_id);
    match run.status {
        RunStatus::Applying => {
            view! {
                // Without JavaScript the page reloads itself until the import is done (a refresh
                // in <noscript> is read only when scripts are off).
                <noscript><meta http-equiv="refresh" content="3"/></noscript>
                <section class="card" aria-live="polite">
                    <h2>{t!(i18n, import.applying_title)}</h2>
                    <ImportProgress run_id=run.id done=run.done total=run.total/>
                    <p class="hint">{t!(i18n, import.applying_hint)}</p>
                </section>
            }
            .into_any()
        }
        RunStatus::Applied => view! {
            <section class="card">
                <h2>{t!(i18n, import.applied_title)}</h2>
                <CountsList counts=run.counts/>
                <p class="hint">{t!(i18n, import.applied_hint)}</p>
                <p><a class="button" href=format!("/beheer/school/{}", run.school_id)>{t!(i18n, import.to_school)}</a></p>
            </section>
        }
        .into_any(),
        RunStatus::Failed | RunStatus::Expired => view! {
            <section class="card">
                <p>{if run.status == RunStatus::Failed { t!(i18n, import.failed).into_any() } else { t!(i18n, import.expired).into_any() }}</p>
                <p><a class="button" href=again>{t!(i18n, import.choose_other)}</a></p>
            </section>
        }
        .into_any(),
        RunStatus::Uploaded => match run.problem.clone() {
            Some(FileProblem::MissingColumns(missing)) => view! {
                <section class="card">
                    <MappingForm run_id=run.id missing headers=run.headers.clone() mapping=run.mapping.clone()/>
                </section>
                <p><a href=again>{t!(i18n, import.choose_other)}</a></p>
            }
            .into_any(),
            Some(problem) => view! {
                <section class="card">
                    <p class="notice error" role="alert">{problem_text(i18n, &problem)}</p>
                    <p><a class="button" href=again>{t!(i18n, import.choose_other)}</a></p>
                </section>
            }
            .into_any(),
            None => view! { <Preview run apply again/> }.into_any(),
        },
    }
}

fn problem_text(i18n: leptos_i18n::I18nContext<Locale>, problem: &FileProblem) -> String {
    match problem {
        FileProblem::Empty => t_string!(i18n, import.problem_empty).to_string(),
        FileProblem::Unrecognised => t_string!(i18n, import.problem_unrecognised).to_string(),
        FileProblem::MissingColumns(cols) => {
            t_string!(i18n, import.problem_columns, columns = cols.join(", ")).to_string()
        }
        FileProblem::BadXml(line) => t_string!(i18n, import.problem_xml, line = *line).to_string(),
        FileProblem::NoPupilKey => t_string!(i18n, import.problem_no_key).to_string(),
    }
}

#[component]
fn CountsList(counts: Counts) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="import-counts">
            <li><strong>{counts.pupils_new}</strong>" "{t!(i18n, import.count_new)}</li>
            <li><strong>{counts.pupils_changed}</strong>" "{t!(i18n, import.count_changed)}</li>
            <li><strong>{counts.pupils_leaving}</strong>" "{t!(i18n, import.count_leaving)}</li>
            <li><strong>{counts.groups_new}</strong>" "{t!(i18n, import.count_groups)}</li>
            <li><strong>{counts.guardians_invite}</strong>" "{t!(i18n, import.count_invite)}</li>
            <li class:bad={counts.errors > 0}><strong>{counts.errors}</strong>" "{t!(i18n, import.count_errors)}</li>
        </ul>
    }
}

#[component]
fn Preview(run: RunView, apply: ServerAction<ImportApply>, again: String) -> impl IntoView {
    let i18n = use_i18n();
    let errors: Vec<Line> = run
        .lines
        .iter()
        .filter(|l| l.change == Change::Error)
        .cloned()
        .collect();
    let changes: Vec<Line> = run
        .lines
        .iter()
        .filter(|l| l.change != Change::Error)
        .cloned()
        .collect();
    let nothing = changes.is_empty() && run.more == 0;
    let csv = format!("/beheer/import/{}/regels.csv", run.id);
    view! {
        <section class="card">
            <h2>{t!(i18n, import.preview_title)}</h2>
            <p class="hint">{t!(i18n, import.preview_hint)}</p>
            <CountsList counts=run.counts/>
        </section>
        {(!errors.is_empty()).then(|| view! {
            <section class="card">
                <h2>{t!(i18n, import.errors_title)}</h2>
                <p class="hint">{t!(i18n, import.errors_hint)}</p>
                <LineTable lines=errors/>
            </section>
        })}
        <section class="card">
            <h2>{t!(i18n, import.changes_title)}</h2>
            {if nothing {
                view! { <p>{t!(i18n, import.nothing_to_do)}</p> }.into_any()
            } else {
                view! { <LineTable lines=changes/> }.into_any()
            }}
            {(run.more > 0).then(|| view! { <p class="hint">{t!(i18n, import.more_lines, count = run.more)}</p> })}
            <p><a href=csv download>{t!(i18n, import.download)}</a></p>
        </section>
        // A column Kring did not recognise is simply not read: the office can say what it is.
        {(!run.headers.is_empty()).then(|| view! {
            <details class="card" open=!run.unused.is_empty()>
                <summary>{t!(i18n, import.mapping_adjust)}</summary>
                {(!run.unused.is_empty()).then(|| view! {
                    <p class="notice warn">{t!(i18n, import.unused_columns, columns = run.unused.join(", "))}</p>
                })}
                <MappingForm run_id=run.id missing=Vec::new() headers=run.headers.clone() mapping=run.mapping.clone()/>
            </details>
        })}
        <section class="card">
            {(!nothing).then(|| view! {
                <FormError result=apply.value()/>
                <ActionForm action=apply>
                    <input type="hidden" name="run_id" value=run.id/>
                    <p class="hint">{t!(i18n, import.apply_hint)}</p>
                    <button type="submit" class="primary">{t!(i18n, import.apply)}</button>
                </ActionForm>
            })}
            <p><a href=again>{t!(i18n, import.choose_other)}</a></p>
        </section>
    }
}

#[component]
fn LineTable(lines: Vec<Line>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = lines
        .into_iter()
        .map(|l| {
            let change = match l.change {
                Change::New => t_string!(i18n, import.change_new),
                Change::Changed => t_string!(i18n, import.change_changed),
                Change::Leaving => t_string!(i18n, import.change_leaving),
                Change::Invite => t_string!(i18n, import.change_invite),
                Change::Error => t_string!(i18n, import.change_error),
            };
            let kind = match l.kind {
                Kind::Pupil => t_string!(i18n, import.kind_pupil),
                Kind::Guardian => t_string!(i18n, import.kind_guardian),
                Kind::Group => t_string!(i18n, import.kind_group),
                Kind::Teacher => t_string!(i18n, import.kind_teacher),
            };
            let class = format!("change-{}", l.change.as_str());
            view! {
                <tr class=class>
                    <td>{change}</td>
                    <td>{kind}</td>
                    <td class="key">{l.key}</td>
                    <td>{l.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="import-lines">
                <thead><tr>
                    <th scope="col">{t!(i18n, import.col_change)}</th>
                    <th scope="col">{t!(i18n, import.col_kind)}</th>
                    <th scope="col">{t!(i18n, import.col_key)}</th>
                    <th scope="col">{t!(i18n, import.col_detail)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
