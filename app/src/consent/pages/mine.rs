//! A guardian's consent page: per child, every question of the school with yes / no, and the
//! history of all answers given for their children.
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::use_query_map;

use super::HistoryList;
use crate::{
    consent::{
        api::{load_my_consent, AnswerConsent},
        model::{ChildQuestions, Question},
    },
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn MyConsentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let save = ServerAction::<AnswerConsent>::new();
    let data = Resource::new(move || save.version().get(), |_| load_my_consent());
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(mine) if mine.children.is_empty() => {
                    view! { <p class="card muted">{t!(i18n, consent.no_children)}</p> }.into_any()
                }
                Ok(mine) => {
                    let now = mine.now;
                    let saved = query.read_untracked().get("opgeslagen").is_some()
                        || save.value().get_untracked().is_some_and(|r| r.is_ok());
                    let children = mine
                        .children
                        .into_iter()
                        .map(|c| view! { <ChildForm child=c save/> })
                        .collect_view();
                    let history = mine.history;
                    view! {
                        {saved.then(|| view! { <p class="notice ok" role="status">{t!(i18n, consent.saved)}</p> })}
                        <FormError result=save.value()/>
                        {children}
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

#[component]
fn ChildForm(child: ChildQuestions, save: ServerAction<AnswerConsent>) -> impl IntoView {
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
    let questions = child
        .questions
        .into_iter()
        .map(|q| view! { <QuestionField question=q pupil=child.pupil_id/> })
        .collect_view();
    view! {
        <section class="card consent-child" aria-labelledby=labelled>
            <h2 id=title_id>{t_string!(i18n, consent.for_child, name = child.name.clone()).to_string()}</h2>
            <p class="muted">{subtitle}</p>
            {(open > 0).then(|| view! { <p class="notice">{t_string!(i18n, consent.open_count, n = open).to_string()}</p> })}
            <ActionForm action=save>
                <input type="hidden" name="pupil_id" value=child.pupil_id/>
                {questions}
                <button type="submit" class="primary">{t!(i18n, consent.save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn QuestionField(question: Question, pupil: i64) -> impl IntoView {
    let i18n = use_i18n();
    let name = format!("answers[p{}]", question.purpose.id);
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
