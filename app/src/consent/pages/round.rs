//! The directie's consent page for one school: open this year's round, the questions and their
//! wording (each change a new version), and the overview per group.
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_params_map;

use crate::{
    app::param_id,
    consent::{
        api::{
            load_consent_round, ConfirmConsent, OpenConsentRound, RemindConsent, SetConsentWording,
            SetTagRule,
        },
        model::{Purpose, EXPLANATION_MAX, TITLE_MAX},
    },
    i18n::*,
    ui::{
        feedback::{page_error, FormError, Loading},
        time::ago,
    },
};

#[component]
pub fn ConsentRoundPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let open = ServerAction::<OpenConsentRound>::new();
    let wording = ServerAction::<SetConsentWording>::new();
    let confirm = ServerAction::<ConfirmConsent>::new();
    let remind = ServerAction::<RemindConsent>::new();
    let tag_rule = ServerAction::<SetTagRule>::new();
    let data = Resource::new(
        move || {
            (
                param_id(params.read().get("id")),
                open.version().get(),
                wording.version().get(),
                confirm.version().get(),
                tag_rule.version().get(),
            )
        },
        |(id, ..)| load_consent_round(id),
    );
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(r) => {
                    let school_id = r.school_id;
                    let status = match (&r.school_year, r.opened_at) {
                        (Some(year), Some(at)) => view! {
                            <p>{t_string!(i18n, consent.round_open, year = year.clone(), when = ago(i18n, r.now, at)).to_string()}</p>
                            <p class="meta-line muted">
                                {r.strict.then(|| view! { <span>{t!(i18n, consent.strict_on)}</span> })}
                                {r.lock_date.clone().map(|d| view! { <span>{t_string!(i18n, consent.lock_on, date = d).to_string()}</span> })}
                            </p>
                            <p><strong>{t_string!(i18n, consent.waiting, n = r.waiting).to_string()}</strong></p>
                            <FormError result=remind.value()/>
                            {move || match remind.value().get() {
                                Some(Ok(n)) => Some(view! {
                                    <p class="notice ok" role="status">{t_string!(i18n, consent.reminded, n).to_string()}</p>
                                }),
                                _ => None,
                            }}
                            {(r.waiting > 0).then(|| view! {
                                <ActionForm action=remind>
                                    <input type="hidden" name="school_id" value=school_id/>
                                    <p class="hint">{t!(i18n, consent.remind_hint)}</p>
                                    <button type="submit">{t!(i18n, consent.remind)}</button>
                                </ActionForm>
                            })}
                        }
                        .into_any(),
                        _ => view! {
                            <p>{t!(i18n, consent.round_closed)}</p>
                            <FormError result=open.value()/>
                            <ActionForm action=open>
                                <input type="hidden" name="school_id" value=school_id/>
                                <label class="choice">
                                    <input type="checkbox" name="strict" value="true"/>
                                    <span>{t!(i18n, consent.strict)}</span>
                                </label>
                                <label for="lock-date">{t!(i18n, consent.lock_date)}</label>
                                <input id="lock-date" type="date" name="lock_date" aria-describedby="lock-hint"/>
                                <p id="lock-hint" class="hint">{t!(i18n, consent.lock_hint)}</p>
                                <p class="hint">{t!(i18n, consent.preview_first)}</p>
                                <label class="choice">
                                    <input type="checkbox" name="mail_everyone" value="true" required/>
                                    <span>{t!(i18n, consent.mail_everyone)}</span>
                                </label>
                                <button type="submit" class="primary">{t!(i18n, consent.open_round)}</button>
                            </ActionForm>
                        }
                        .into_any(),
                    };
                    let groups = r
                        .groups
                        .into_iter()
                        .map(|(id, name)| view! {
                            <li><a href=format!("/beheer/groep/{id}/toestemming")>{name}</a></li>
                        })
                        .collect_view();
                    let now = r.now;
                    let has_pending = !r.pending.is_empty();
                    let pending = r
                        .pending
                        .into_iter()
                        .map(|p| view! {
                            <li>
                                <p class="meta-line">
                                    <strong>{p.pupil_name}</strong>
                                    <span>{p.title}</span>
                                    <span>{p.guardian}</span>
                                    <time>{ago(i18n, now, p.answered_at)}</time>
                                </p>
                                <ActionForm action=confirm>
                                    <input type="hidden" name="school_id" value=school_id/>
                                    <input type="hidden" name="answer_id" value=p.answer_id/>
                                    <button type="submit" class="small">{t!(i18n, consent.confirm)}</button>
                                </ActionForm>
                            </li>
                        })
                        .collect_view();
                    let purposes = r
                        .purposes
                        .into_iter()
                        .map(|p| view! { <WordingForm purpose=p school_id wording/> })
                        .collect_view();
                    view! {
                        <PageTitle text=format!("{} · {}", t_string!(i18n, consent.title), r.school_name)/>
                        <div class="page-head"><h1>{t!(i18n, consent.title)}</h1><p class="muted">{r.school_name.clone()}</p></div>
                        <section class="card">
                            <h2>{t!(i18n, consent.round)}</h2>
                            {status}
                        </section>
                        {has_pending.then(|| view! {
                            <section class="card">
                                <h2>{t!(i18n, consent.pending_title)}</h2>
                                <FormError result=confirm.value()/>
                                <ul class="list">{pending}</ul>
                            </section>
                        })}
                        <section class="card">
                            <h2>{t!(i18n, consent.tag_rule_title)}</h2>
                            <FormError result=tag_rule.value()/>
                            <ActionForm action=tag_rule>
                                <input type="hidden" name="school_id" value=school_id/>
                                <label class="choice">
                                    <input type="checkbox" name="required" value="true" checked=r.tags_required/>
                                    <span>{t!(i18n, consent.tag_rule)}</span>
                                </label>
                                <p class="hint">{t!(i18n, consent.tag_rule_hint)}</p>
                                <button type="submit">{t!(i18n, consent.tag_rule_save)}</button>
                            </ActionForm>
                        </section>
                        <section class="card">
                            <h2>{t!(i18n, consent.overview)}</h2>
                            <ul class="list">{groups}</ul>
                        </section>
                        <h2 class="section-title">{t!(i18n, consent.questions)}</h2>
                        <FormError result=wording.value()/>
                        {purposes}
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
fn WordingForm(
    purpose: Purpose,
    school_id: i64,
    wording: ServerAction<SetConsentWording>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = purpose.id;
    let (title_id, text_id) = (format!("title-{id}"), format!("text-{id}"));
    let (title_for, text_for) = (title_id.clone(), text_id.clone());
    view! {
        <details class="card">
            <summary>
                <strong>{purpose.title.clone()}</strong>
                <span class="muted">{t_string!(i18n, consent.version, n = purpose.version).to_string()}</span>
            </summary>
            <p>{purpose.explanation.clone()}</p>
            <ActionForm action=wording>
                <input type="hidden" name="school_id" value=school_id/>
                <input type="hidden" name="purpose_id" value=id/>
                <label for=title_for>{t!(i18n, consent.question_title)}</label>
                <input id=title_id name="title" required maxlength=TITLE_MAX value=purpose.title.clone()/>
                <label for=text_for>{t!(i18n, consent.question_text)}</label>
                <textarea id=text_id name="explanation" rows="3" maxlength=EXPLANATION_MAX>{purpose.explanation.clone()}</textarea>
                <p class="hint">{t!(i18n, consent.version_hint)}</p>
                <button type="submit">{t!(i18n, consent.save_wording)}</button>
            </ActionForm>
        </details>
    }
}
