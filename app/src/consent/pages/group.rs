//! "Wie mag op de foto": children × purposes for one group, filterable, printable.
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::state_text;
use crate::{
    app::param_id,
    consent::{api::load_group_consent, model::ConsentState},
    i18n::*,
    ui::feedback::{page_error, Loading},
};

#[component]
pub fn GroupConsentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || param_id(params.read().get("id")),
        load_group_consent,
    );
    let body = move || {
        // Read tracked: the filter form navigates in the browser, and the table must follow.
        let zonder = query.read().get("zonder");
        Suspend::new(async move {
            match data.await {
                Ok(g) => {
                    // ?zonder=<purpose id>: only the children without consent for that purpose.
                    let without: Option<usize> = zonder
                        .and_then(|v| v.parse::<i64>().ok())
                        .and_then(|id| g.purposes.iter().position(|p| p.id == id));
                    let heads = g
                        .purposes
                        .iter()
                        .map(|p| view! { <th scope="col">{p.title.clone()}</th> })
                        .collect_view();
                    let options = g
                        .purposes
                        .iter()
                        .enumerate()
                        .map(|(i, p)| view! {
                            <option value=p.id selected=without == Some(i)>{p.title.clone()}</option>
                        })
                        .collect_view();
                    let rows = g
                        .rows
                        .iter()
                        .filter(|r| without.is_none_or(|i| !r.states[i].allows()))
                        .map(|r| {
                            // On a phone the table stacks per child; each cell then names its question.
                            let cells = r
                                .states
                                .iter()
                                .zip(&g.purposes)
                                .map(|(s, p)| view! {
                                    <td class=format!("consent-{}", s.as_str())>
                                        <span class="cell-label" aria-hidden="true">{p.title.clone()}</span>
                                        <span>{state_text(i18n, *s)}</span>
                                    </td>
                                })
                                .collect_view();
                            view! { <tr><th scope="row">{r.name.clone()}</th>{cells}</tr> }
                        })
                        .collect_view();
                    let disagree = g
                        .rows
                        .iter()
                        .any(|r| r.states.contains(&ConsentState::Disagree));
                    view! {
                        <PageTitle text=format!("{} · {}", t_string!(i18n, consent.overview), g.group_name)/>
                        <div class="page-head"><h1>{t_string!(i18n, consent.overview_of, group = g.group_name.clone()).to_string()}</h1></div>
                        {g.purposes.is_empty().then(|| view! { <p class="card muted">{t!(i18n, consent.no_round)}</p> })}
                        <form method="get" class="filter no-print">
                            <label for="zonder">{t!(i18n, consent.filter)}</label>
                            <select id="zonder" name="zonder">
                                <option value="">{t!(i18n, consent.filter_all)}</option>
                                {options}
                            </select>
                            <button type="submit">{t!(i18n, consent.filter_apply)}</button>
                        </form>
                        {disagree.then(|| view! { <p class="hint">{t!(i18n, consent.disagree_hint)}</p> })}
                        <div class="table-wrap card">
                            <table class="consent-table">
                                <thead><tr><th scope="col">{t!(i18n, consent.child)}</th>{heads}</tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <p class="hint no-print">{t!(i18n, consent.print_hint)}</p>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}
