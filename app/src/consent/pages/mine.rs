//! A guardian's consent page: per child, every question of the school with yes / no, all in one
//! form with one save (answering one child and saving from another's part never loses anything),
//! and the history of all answers given for their children.
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::HistoryList;
use crate::{
    consent::{
        api::{load_my_consent, AnswerAllConsent},
        model::{ChildQuestions, Question, SavedAnswers},
    },
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn MyConsentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let save = ServerAction::<AnswerAllConsent>::new();
    let data = Resource::new(move || save.version().get(), |_| load_my_consent());
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(mine) if mine.children.is_empty() => {
                    view! { <p class="card muted">{t!(i18n, consent.no_children)}</p> }.into_any()
                }
                Ok(mine) => {
                    let now = mine.now;
                    // What was stored, from the action (JavaScript) or from the address (a plain form).
                    let saved = match save.value().get_untracked() {
                        Some(Ok(saved)) => saved,
                        _ => query
                            .read_untracked()
                            .get("opgeslagen")
                            .map(|raw| SavedAnswers::from_query(&raw))
                            .unwrap_or_default(),
                    };
                    let report = saved_report(i18n, &saved, &mine.children);
                    // Without an open round there is nothing to answer, so nothing to save.
                    let answerable = mine.children.iter().any(|c| !c.questions.is_empty());
                    let children = mine
                        .children
                        .into_iter()
                        .map(|c| view! { <ChildQuestions child=c/> })
                        .collect_view();
                    let history = mine.history;
                    view! {
                        {report.map(|lines| view! {
                            <div class="notice ok" role="status">
                                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                            </div>
                        })}
                        <FormError result=save.value()/>
                        <ActionForm action=save>
                            {children}
                            {answerable.then(|| view! {
                                <div class="card sticky-save">
                                    <button type="submit" class="primary">{t!(i18n, consent.save_all)}</button>
                                    <p class="hint">{t!(i18n, consent.save_all_hint)}</p>
                                </div>
                            })}
                        </ActionForm>
                        <section class="card">
                            <details>
                                <summary>{t!(i18n, consent.history)}</summary>
                                <HistoryList entries=history now/>
                            </details>
                        </section>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, consent.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, consent.title)}</h1></div>
        <p class="intro">{t!(i18n, consent.intro)}</p>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}

/// One sentence per child that was saved ("Opgeslagen voor Finn: 5 antwoorden") and one per child
/// that still has open questions; `None` when nothing was saved.
fn saved_report(
    i18n: leptos_i18n::I18nContext<Locale>,
    saved: &[SavedAnswers],
    children: &[ChildQuestions],
) -> Option<Vec<String>> {
    if saved.is_empty() {
        return None;
    }
    let name = |id: i64| {
        children
            .iter()
            .find(|c| c.pupil_id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let mut lines: Vec<String> = saved
        .iter()
        .map(|s| match s.answers {
            1 => t_string!(i18n, consent.saved_for_single, name = name(s.pupil_id)).to_string(),
            n => t_string!(
                i18n,
                consent.saved_for_many,
                name = name(s.pupil_id),
                count = n
            )
            .to_string(),
        })
        .collect();
    for child in children.iter().filter(|c| c.open() > 0) {
        let name = child.name.clone();
        lines.push(match child.open() {
            1 => t_string!(i18n, consent.still_open_single, name).to_string(),
            n => t_string!(i18n, consent.still_open_many, name, count = n).to_string(),
        });
    }
    Some(lines)
}

#[component]
fn ChildQuestions(child: ChildQuestions) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = format!("child-{}", child.pupil_id);
    let labelled = title_id.clone();
    let open = child.open();
    let subtitle = match &child.round {
        Some(year) => t_string!(
            i18n,
            consent.round_of,
            school = child.school_name.clone(),
            year = year.clone()
        )
        .to_string(),
        None => child.school_name.clone(),
    };
    let no_round = child.questions.is_empty();
    let questions = child
        .questions
        .into_iter()
        .map(|q| view! { <QuestionField question=q pupil=child.pupil_id/> })
        .collect_view();
    view! {
        <section class="card consent-child" aria-labelledby=labelled>
            <h2 id=title_id>{t_string!(i18n, consent.for_child, name = child.name.clone()).to_string()}</h2>
            <p class="muted">{subtitle}</p>
            {(open > 0).then(|| {
                let text = match open {
                    1 => t_string!(i18n, consent.open_count_single).to_string(),
                    n => t_string!(i18n, consent.open_count_many, count = n).to_string(),
                };
                view! { <p class="notice">{text}</p> }
            })}
            {no_round.then(|| view! { <p>{t!(i18n, consent.no_round)}</p> })}
            {questions}
        </section>
    }
}

#[component]
fn QuestionField(question: Question, pupil: i64) -> impl IntoView {
    let i18n = use_i18n();
    let name = format!("answers[c{pupil}p{}]", question.purpose.id);
    let shown = question.pending.or(question.mine);
    let yes_id = format!("q-{pupil}-{}-yes", question.purpose.id);
    let no_id = format!("q-{pupil}-{}-no", question.purpose.id);
    let (yes_for, no_for) = (yes_id.clone(), no_id.clone());
    view! {
        <fieldset class="question">
            <legend>{question.purpose.title.clone()}</legend>
            <p class="hint">{question.purpose.explanation.clone()}</p>
            <div class="choices inline">
                <label class="choice" for=yes_for>
                    <input type="radio" id=yes_id name=name.clone() value="yes" checked=shown == Some(true)/>
                    <span>{t!(i18n, consent.yes)}</span>
                </label>
                <label class="choice" for=no_for>
                    <input type="radio" id=no_id name=name value="no" checked=shown == Some(false)/>
                    <span>{t!(i18n, consent.no)}</span>
                </label>
            </div>
            {question.pending.map(|_| view! { <p class="hint">{t!(i18n, consent.pending)}</p> })}
            {(question.mine.is_none() && question.pending.is_none()).then(|| view! { <p class="hint">{t!(i18n, consent.not_answered)}</p> })}
        </fieldset>
    }
}
