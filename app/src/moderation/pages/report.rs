//! The report form: what is reported, why, and a few words. A plain form, also without JavaScript.
use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::reason_text;
use crate::{
    app::param_id,
    i18n::*,
    moderation::{
        api::{load_report_target, Report},
        model::{ReportReason, DETAILS_MAX},
    },
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let action = ServerAction::<Report>::new();
    let target = Resource::new(
        move || {
            (
                param_id(params.read().get("id")),
                query
                    .read()
                    .get("reactie")
                    .and_then(|c| c.parse::<i64>().ok()),
            )
        },
        |(post, comment)| load_report_target(post, comment),
    );
    let body = move || {
        Suspend::new(async move {
            match target.await {
                Ok(t) => {
                    let intro = if t.comment_id.is_some() {
                        t!(i18n, report.intro_comment).into_any()
                    } else {
                        t!(i18n, report.intro_post).into_any()
                    };
                    let by = t_string!(i18n, report.by, name = t.author_name.clone()).to_string();
                    let reasons = ReportReason::ALL
                        .into_iter()
                        .map(|r| {
                            let id = format!("reason-{}", r.as_str());
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="radio" id=id name="reason" value=r.as_str() required/>
                                    <span>{reason_text(i18n, r.as_str())}</span>
                                </label>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="card">
                            <p>{intro}</p>
                            <figure class="snapshot">
                                <blockquote>{t.text.clone()}</blockquote>
                                <figcaption>{by}</figcaption>
                            </figure>
                            <FormError result=action.value()/>
                            <ActionForm action=action>
                                <input type="hidden" name="post_id" value=t.post_id/>
                                {t.comment_id.map(|c| view! { <input type="hidden" name="comment_id" value=c/> })}
                                <fieldset>
                                    <legend>{t!(i18n, report.reason)}</legend>
                                    <div class="choices">{reasons}</div>
                                </fieldset>
                                <label for="report-details">{t!(i18n, report.details)}</label>
                                <textarea id="report-details" name="details" rows="3" maxlength=DETAILS_MAX></textarea>
                                <p class="hint">{t!(i18n, report.privacy)}</p>
                                <div class="actions">
                                    <button type="submit" class="primary">{t!(i18n, report.send)}</button>
                                    <a class="button" href=format!("/bericht/{}", t.post_id)>{t!(i18n, report.back)}</a>
                                </div>
                            </ActionForm>
                        </section>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! {
        <PageTitle text=t_string!(i18n, report.title).to_string()/>
        <div class="page-head"><h1>{t!(i18n, report.title)}</h1></div>
        <Suspense fallback=Loading>{body}</Suspense>
    }
}
